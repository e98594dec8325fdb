"""Readable terminal output: tables that wrap to the terminal's width instead of cutting text
short, snippets as plain text, numbers with thousands separators, and JSON/CSV untouched."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import deadline, write
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from kb.cli import main
from kb.project import Project
from kb.registry.filters import Filters
from kb.tracking.listing import list_targets
from kb.util.formats import to_csv, to_json
from kb.util.tables import (
    Terminal,
    column_widths,
    render_items,
    render_paragraph,
    render_table,
    table_lines,
    wrap,
)
from kb.util.text import human_number, plain_snippet, quantity

LONG_TITLE = "South Korea: a long visit on hospital records, genomics and the sharing of research data"
LONG_ID = "2016-09-20-korea-health-records-and-genomics-research-partnership"
LONG_TARGET = "kr-hospital-records-linked-for-research-by-the-national-agency"

REPORT = f"""\
---
title: "{LONG_TITLE}"
date: 2016-09-20
countries: [KR]
type: visit-report
visibility: public
ministries: [msip]
sectors: [health-data]
targets:
  - {{id: {LONG_TARGET}, what: People whose hospital records are linked for research, value: 10000000, unit: people, deadline: "2020", owner: nia}}
  - {{id: kr-fund, what: Research fund, value: 2500.5, unit: GBP million, deadline: "2019", owner: nia}}
---

## Comment

The **hospital** teams want [shared records](https://example.org/records) and <em>fast</em> access.
"""


@pytest.fixture
def tree(kb_tree: Path) -> Path:
    write(kb_tree / "reports" / "kr" / f"{LONG_ID}.md", REPORT)
    return kb_tree


def kb(root: Path, *args: str, columns: int = 80):
    """``kb --root ROOT ARGS`` with the terminal ``columns`` wide (COLUMNS, as a shell sets it)."""
    result = CliRunner().invoke(
        main, ["--root", str(root), *args], env={"COLUMNS": str(columns)}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def columns_of(text: str) -> list[tuple[int, int | None]]:
    """Where each column of a table starts and ends, from the rule under its header."""
    rule = next(line for line in text.splitlines() if set(line) <= {"-", " "} and "-" in line)
    starts = [m.start() for m in re.finditer(r"(?<!-)-", rule)]
    return [(start, end) for start, end in zip(starts, [*starts[1:], None], strict=True)]


def column_text(text: str, column: int) -> list[str]:
    """Each row's cell of one column, its wrapped lines joined (rows apart by blank lines)."""
    start, end = columns_of(text)[column]
    body = text.split("\n", 2)[2] if text.count("\n") >= 2 else ""
    cells = []
    for block in re.split(r"\n\s*\n", body):
        parts = [line[start:end].strip() for line in block.splitlines()]
        cells.append("".join(p if p.endswith(("-", "/")) else p + " " for p in parts if p).strip())
    return cells


# -- the library ------------------------------------------------------------------------------------
def test_wrap_breaks_after_spaces_hyphens_and_slashes_never_inside_a_date():
    assert wrap("reports/kr/2016-09-20-korea-health-data.md", 20) == [
        "reports/kr/",
        "2016-09-20-korea-",
        "health-data.md",
    ]
    assert wrap("2014-07-03", 8) == ["2014-07-", "03"]  # only a piece wider than the line folds
    assert wrap("2014-07-03 to now", 12) == ["2014-07-03", "to now"]
    assert wrap("short", 80) == ["short"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.text(string.ascii_letters + string.digits + " -/", max_size=50), min_size=3, max_size=3),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=20, max_value=160),
)
def test_tables_fit_the_width_and_lose_no_character(cells, width):
    rows = [dict(zip("abc", row, strict=True)) for row in cells]
    text = render_table(rows, ["a", "b", "c"], Terminal(width))
    assert all(len(line) <= width for line in text.splitlines()), text
    assert "…" not in text
    header, blocks = table_lines(rows, ["a", "b", "c"], Terminal(width))
    bounds = columns_of("\n".join(header))
    for row, block in zip(rows, blocks, strict=True):
        for name, (start, end) in zip("abc", bounds, strict=True):
            shown = "".join(line[start:end] for line in block)
            assert shown.replace(" ", "") == row[name].replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.text("a서 -/", max_size=30), st.integers(min_value=1, max_value=12))
def test_wrap_always_ends_and_keeps_every_character(text, width):
    with deadline(10):
        lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= max(width, 2) for line in lines)
    assert all(cell_len(line) <= width for line in lines if len(line) > 1)


def test_wide_characters_are_measured_in_terminal_cells():
    rows = [{"name": "서울 데이터 센터 연구 협력 프로젝트 " * 3, "kind": "agency"}]
    text = render_table(rows, ["name", "kind"], Terminal(40))
    assert all(cell_len(line) <= 40 for line in text.splitlines())
    assert text.count("프로젝트") == 3


def test_columns_take_their_whole_width_when_they_fit_and_share_it_when_not():
    cells = [["kr-open-data-sets-2016", "Share of government data sets opened to the public"]]
    assert column_widths(cells, ["ID", "WHAT"], 200) == [22, 50]
    narrow = column_widths(cells, ["ID", "WHAT"], 66)
    assert narrow == [22, 42]  # an id column keeps its id whole while a third of the line allows
    assert sum(column_widths(cells, ["ID", "WHAT"], 50)) + 2 == 50


def test_lists_and_paragraphs_wrap_between_items_and_words():
    items = ["big-data-and-ai 2", "education-and-training 2", "technology-and-smart-cities 1", "energy 1"]
    assert render_items("sectors", items, Terminal(40)) == [
        "sectors: big-data-and-ai 2,",
        "    education-and-training 2,",
        "    technology-and-smart-cities 1,",
        "    energy 1",
    ]
    assert render_items("years", ["2016 1"], Terminal(40)) == ["years: 2016 1"]
    lines = render_paragraph(
        [("the ", False), ("hospital", True), (" teams " * 10, False)], Terminal(30), indent=4
    )
    assert all(line.startswith("    ") and len(line) <= 30 for line in lines)
    bold = render_paragraph([("the ", False), ("hospital", True)], Terminal(30, styled=True))
    assert bold == ["the \x1b[1mhospital\x1b[0m"]


def test_control_characters_are_shown_as_escapes_never_sent_to_the_terminal():
    table = render_table([{"title": "a\x1b[2Jb", "path": "c\x07d\te"}], ["title", "path"])
    assert "\x1b" not in table and "\x07" not in table
    assert "a\\x1b[2Jb" in table and "c\\x07d e" in table
    assert render_paragraph([("e\x1b[31mf", True)], Terminal(40)) == ["e\\x1b[31mf"]


def test_numbers_get_thousands_separators_and_units_as_written():
    assert human_number(10000000) == "10,000,000"
    assert human_number(2500.5) == "2,500.5"
    assert human_number(0.3776) == "0.3776"
    assert quantity(10000000, "people") == "10,000,000 people"
    assert quantity(50, "GBP million") == "50 GBP million"
    assert quantity(60, "%") == "60 %"
    assert quantity(None, "people") == ""
    assert render_table(
        [{"n": 1234567, "yes": True, "years": [2014, 2016]}], ["n", "yes", "years"]
    ).splitlines()[2].split() == ["1,234,567", "True", "2014,", "2016"]


def test_snippets_lose_their_markdown_and_keep_the_matched_words():
    pieces = plain_snippet(
        "## Comment The **hospital** teams want [shared **records**](https://example.org/r) and "
        "<em>fast</em> `access`, *really* _now_. > quoted - item snake_case"
    )
    text = "".join(p for p, _ in pieces)
    assert text == (
        "Comment The hospital teams want shared records and fast access, really now. > quoted - item snake_case"
    )
    assert [p for p, matched in pieces if matched] == ["hospital", "records"]
    assert plain_snippet("a link cut](https://example.org/x) here, one cut [at the end](https://exa") == [
        ("a link cut here, one cut at the end", False)
    ]


# -- the command line --------------------------------------------------------------------------------
def test_targets_at_80_columns_wrap_ids_and_text_and_format_numbers(tree):
    text = kb(tree, "targets").stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "…" not in text
    assert LONG_TARGET in column_text(text, 0)
    whats = column_text(text, 1)
    assert "People whose hospital records are linked for research" in whats
    targets = column_text(text, 2)
    assert "10,000,000 people" in targets and "2,500.5 GBP million" in targets
    assert "10000000" not in text


def test_search_at_80_columns_shows_long_titles_and_paths_whole_and_plain_snippets(tree):
    text = kb(tree, "search", "hospital").stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "…" not in text
    table = text.split("\n1 report")[0]
    # The snippet is indented by four spaces, apart from the columns of the row above it.
    lines = table.splitlines()
    first = next(i for i, line in enumerate(lines) if line[:4] == "    " and line[4:5].strip())
    row, snippet = "\n".join(lines[:first]), " ".join(line.strip() for line in lines[first:])
    assert column_text(row, 1) == [LONG_TITLE]
    assert column_text(row, 3) == [f"reports/kr/{LONG_ID}.md"]
    assert "**" not in text and "##" not in text and "](" not in text and "<em>" not in text
    assert "The hospital teams want shared records and fast access." in snippet


def test_related_and_entities_fit_narrow_terminals(tree):
    for args in (("related", "2014-07-03-korea-open-data"), ("entities",)):
        text = kb(tree, *args, columns=50).stdout
        assert all(len(line) <= 50 for line in text.splitlines()), text
        assert "…" not in text
    assert "Ministry of Science, ICT and Future Planning" in column_text(kb(tree, "entities").stdout, 1)


def test_width_option_overrides_columns(tree):
    wide = kb(tree, "--width", "200", "targets", columns=60).stdout
    assert any(len(line) > 100 for line in wide.splitlines())
    assert LONG_TARGET in wide  # on one line
    narrow = kb(tree, "targets", columns=60).stdout
    assert all(len(line) <= 60 for line in narrow.splitlines())


def test_no_styles_when_not_a_terminal(tree):
    # CliRunner's output is not a terminal: no escape codes, whatever the width.
    for args in (("search", "hospital"), ("targets",), ("entities",)):
        assert "\x1b[" not in kb(tree, *args).stdout


def test_bold_on_a_terminal_unless_no_color(monkeypatch):
    from kb.cli import options

    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "77")
    assert options.terminal() == Terminal(width=77, styled=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert options.terminal() == Terminal(width=77, styled=False)
    monkeypatch.setenv("COLUMNS", "5")  # as narrow as kb --width allows, no narrower
    assert options.terminal().width == 20
    styled = render_table([{"id": "x"}], ["id"], Terminal(40, styled=True))
    assert "\x1b[1m" in styled and "x" in styled


def test_json_and_csv_are_the_raw_data_whatever_the_width(tree):
    listing = list_targets(Project.at(tree), Filters())
    for columns in (40, 200):
        csv_out = kb(tree, "targets", "--format", "csv", columns=columns).stdout_bytes
        assert csv_out == to_csv(listing.rows(), list(listing.columns))
        json_out = kb(tree, "targets", "--format", "json", columns=columns).stdout
        assert json_out == to_json(listing.as_json()) + "\n"
    assert b",10000000," in csv_out and b"10,000,000" not in csv_out
    assert json.loads(json_out)["targets"][0]["value"] in (10000000, 2500.5)
    narrow = kb(tree, "search", "hospital", "--format", "json", columns=40).stdout
    assert narrow == kb(tree, "search", "hospital", "--format", "json", columns=200).stdout
    assert "**hospital**" in json.loads(narrow)["results"][0]["snippet"]  # scripts keep the marks


def test_help_does_not_import_rich():
    """rich is imported only when a table is drawn, so that ``kb --help`` stays fast."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kb.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "kb.cli" in imported
    assert not {name for name in imported if name == "rich" or name.startswith(("rich.", "kb.util.tables"))}
