"""Every bad input gets its exact message and exit code from `kb check`, never a traceback."""

from __future__ import annotations

import json
import os

import pytest
from bad_inputs import CASES, CHECK_ONLY, OUTSIDE_CANARY, Case, place
from conftest import deadline, write
from sitekit import copy_site_files, every_file_text


@pytest.fixture
def bad_tree(kb_tree):
    (kb_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md").unlink()
    return kb_tree


@pytest.mark.parametrize("case", CASES + CHECK_ONLY, ids=[c.name for c in CASES + CHECK_ONLY])
def test_check_gives_exact_message(run, bad_tree, case: Case):
    path = place(case, bad_tree)
    before = path.read_bytes() if case.kind == "file" else os.lstat(path)
    with deadline(30):  # a named pipe that is opened blocks forever
        result = run("check")
    lines = result.stdout.splitlines()
    if case.expected is None:
        assert lines == [], result.stdout
    else:
        assert lines and lines[0] == case.expected, result.stdout
    assert result.exit_code == case.exit_code
    assert "Traceback" not in result.output
    assert (path.read_bytes() if case.kind == "file" else os.lstat(path)) == before  # never rewritten


def test_corpus_covers_the_listed_kinds():
    names = {c.name for c in CASES}
    for required in [
        "not-utf8",
        "byte-order-mark",
        "crlf",
        "tab-indent",
        "no-closing",
        "empty",
        "binary",
        "twenty-megabytes",
        "billion-laughs",
        "merge-key",
        "python-tag",
        "duplicate-key",
        "impossible-date",
        "datetime-with-zone",
        "datetime-without-zone",
        "norway-stays-norway",
        "time-is-not-a-date",
        "octal-looking-date",
        "version-looking-type",
        "unknown-field",
        "look-alike-unicode-tag",
        "path-traversal-id",
        "reserved-id",
        "script-in-body",
        "event-handler-in-body",
        "javascript-url-in-body",
        "data-url-in-body",
        "script-in-title",
        "script-in-opportunity-title",
    ]:
        assert required in names


# -- every command over the whole corpus at once ----------------------------------------------
HOSTILE = ("<script", "onerror=", "javascript:", "data:text/html")


@pytest.fixture
def corpus_tree(bad_tree):
    """One knowledge base holding every bad input at once, beside one good report."""
    from conftest import GOOD_REPORT

    for case in CASES:
        name = case.file_name.replace("2014-07-03-bad", f"2014-07-03-{case.name}")
        if case.file_name.endswith("index.md"):
            name = "reports/kr/index.md"
        place(case, bad_tree, name)
    write(bad_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md", GOOD_REPORT)
    copy_site_files(bad_tree)
    return bad_tree


def _refuse_constant(name: str):
    raise AssertionError(f"{name} is not JSON")


def _no_traceback(result):
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_index_and_search_survive_the_corpus(run, corpus_tree):
    with deadline(120):
        index = run("index")
    _no_traceback(index)
    assert index.exit_code == 0, index.output
    # One line per file left out, even for names holding a newline or an escape character.
    assert all(
        line.endswith(": left out of the index (it has errors; run kb check)")
        for line in index.stderr.splitlines()
    ), index.stderr
    assert "'reports/kr/2014-07-03-a\\nb.md': left out" in index.stderr
    for query in ("Korea", "alert", "script", '"unbalanced', "title:(", "ms\u0456t"):
        result = run("search", query, "--format", "json")
        _no_traceback(result)
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    table = run("search", "alert")
    assert table.exit_code == 0 and "\x1b" not in table.stdout  # no terminal escapes reach the screen


def test_export_and_build_survive_the_corpus_and_escape_everything(run, corpus_tree):
    with deadline(300):
        export = run("export", "--out", str(corpus_tree / "export"))
        _no_traceback(export)
        assert export.exit_code == 0, export.output
        build = run("build")
    _no_traceback(build)
    assert build.exit_code == 0, build.output
    assert "report file(s) with errors left out" in build.stderr
    assert (
        "warning: 2 registry file(s) with errors, their faulty entries left out: reports/registry/odd.yml, "
        "reports/registry/passwd.yml (run kb check)\n" in build.stderr
    )
    for folder in (corpus_tree / "export", corpus_tree / "site" / "kb" / "api"):  # JSON that is JSON
        for path in folder.glob("*.json"):
            json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    # Files that links in reports/ point to outside the project reach no output at all.
    outputs = {
        **every_file_text(corpus_tree / "site"),
        **every_file_text(corpus_tree / "site_pages"),
        **every_file_text(corpus_tree / "export"),
    }
    assert [path for path, text in outputs.items() if OUTSIDE_CANARY in text] == []
    for args in (
        ("check",),
        ("check", "--format", "json"),
        ("search", "zqxoutside"),
        ("opportunities",),
        ("entities",),
        ("targets",),
    ):
        result = run(*args)
        _no_traceback(result)
        assert OUTSIDE_CANARY not in result.output, args
    site = corpus_tree / "site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "<img src=x onerror" not in text and "<script>alert" not in text, page
        assert 'href="javascript:' not in text.lower(), page


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.name in ("not-utf8", "utf16", "empty", "whitespace-only", "binary", "twenty-megabytes")
    ],
    ids=lambda c: c.name,
)
def test_import_refuses_unreadable_sources_and_writes_nothing(run, bad_tree, case):
    source = bad_tree.parent / f"source-{case.name}.txt"
    source.write_bytes(case.data)
    before = sorted(p for p in (bad_tree / "reports").rglob("*"))
    result = run("import", str(source))
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{source}") and "error: " in result.stderr
    assert sorted(p for p in (bad_tree / "reports").rglob("*")) == before


@pytest.mark.parametrize("title", ["<img src=x onerror=alert(1)>", "../../etc/passwd", "con", "\u202eevil"])
def test_new_with_hostile_titles_stays_inside_reports(run, bad_tree, title):
    result = run("new", "--title", title, "--date", "2024-01-02", "--country", "KR")
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    created = (bad_tree / result.stdout.strip()).resolve()
    assert created.is_relative_to((bad_tree / "reports").resolve())
    check = run("check", str(created))
    assert check.exit_code == 0, check.output


# -- rules across reports and registry links (issue 12, items 3 and 11) ------------------------
from bad_inputs import CROSS_REPORT_CASES, REGISTRY_CASES, RENAME_CHAIN, SECTOR_CHAIN  # noqa: E402


@pytest.mark.parametrize("name", sorted(CROSS_REPORT_CASES))
def test_cross_report_problems_get_their_exact_message(run, bad_tree, name):
    files, expected, _left_out = CROSS_REPORT_CASES[name]
    for relative, text in files.items():
        write(bad_tree / "reports" / relative, text)
    result = run("check")
    assert result.stdout.splitlines()[0] == expected, result.stdout
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(REGISTRY_CASES))
def test_registry_problems_get_their_exact_message(run, kb_tree, name):
    text, expected = REGISTRY_CASES[name]
    write(kb_tree / "reports" / "registry" / "extra.yml", text)
    result = run("check")
    _no_traceback(result)
    if expected is None:
        assert result.stdout == "" and result.exit_code == 0, result.stdout
    else:
        assert result.stdout.splitlines()[0] == expected, result.stdout
        assert result.exit_code == 1


def test_build_and_export_leave_out_reports_that_break_cross_report_rules(run, bad_tree):
    """Left out of every output, so the internal report's id is published nowhere; a sector in a
    parent cycle (a registry error, which does not stop a build) is still on the sectors page."""
    from sitekit import every_file_text

    left_out: set[str] = set()
    for files, _expected, ids in CROSS_REPORT_CASES.values():
        for relative, text in files.items():
            write(bad_tree / "reports" / relative, text)
        left_out |= ids
    write(bad_tree / "reports" / "registry" / "extra.yml", REGISTRY_CASES["sector-parent-cycle"][0])
    write(bad_tree / "reports" / "kr" / "2014-07-05-shown.md", HEAD_SHOWN)
    copy_site_files(bad_tree)
    for args in (("build",), ("export", "--out", str(bad_tree / "data"))):
        result = run(*args)
        _no_traceback(result)
        assert result.exit_code == 0, result.output
    site = every_file_text(bad_tree / "site")
    data = every_file_text(bad_tree / "data")
    published = "\n".join([*site.values(), *data.values(), *site])
    assert "2014-07-05-shown" in published, "the build published the valid report"
    assert [i for i in sorted(left_out) if i in published] == []
    assert "zqxleak" not in published.lower()
    sectors = site["kb/sectors/index.html"]
    assert "Sector A" in sectors and "Sector B" in sectors


HEAD_SHOWN = (
    "---\ntitle: Shown\ndate: 2014-07-05\ncountries: [KR]\ntype: briefing\nvisibility: public\n"
    "---\n\nShown.\n"
)


def test_a_deep_sector_tree_and_a_long_rename_chain_need_no_deep_stack(run, kb_tree):
    """Walks are iterative: every sector of a 1,200-deep tree is listed, each one level deeper,
    and the last ministry of a 1,500-long rename chain is known under all its earlier names."""
    from datetime import date

    from kb.checks.knowledgebase import load
    from kb.project import Project
    from kb.site.browse_pages import sectors_index
    from kb.site.context import Site

    write(kb_tree / "reports" / "registry" / "extra.yml", REGISTRY_CASES[f"{SECTOR_CHAIN}-deep-sectors"][0])
    knowledge = load(Project.at(kb_tree))
    page = sectors_index(
        Site(knowledge.registry, knowledge.visible(False), False, date(2024, 1, 1), "http://x/")
    )
    rows = [line for line in page.splitlines() if "kb-depth-" in line and ">Sector " in line]
    assert len(rows) == SECTOR_CHAIN
    # Indented by depth, up to three steps (a row must fit a phone's width however deep the tree).
    assert [row.split('class="kb-depth-')[1][0] for row in rows[:5]] == ["0", "1", "2", "3", "3"]
    assert 'class="kb-depth-3"' in rows[-1]
    write(
        kb_tree / "reports" / "registry" / "extra.yml", REGISTRY_CASES[f"{RENAME_CHAIN}-long-rename-chain"][0]
    )
    shown = run("show", f"m{RENAME_CHAIN - 1}", "--format", "json")
    _no_traceback(shown)
    assert shown.exit_code == 0, shown.output
    assert "Ministry 0" in shown.stdout


# -- one report nested 2,000 deep or with a 5,000-digit number no longer breaks every command -----
HUGE = [
    c
    for c in CASES
    if c.name in ("nested-2000-lists", "nested-1000-mappings", "5000-digit-value", "400-digit-decimal")
]


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("index",),
        ("build",),
        ("export", "--out", "export"),
        ("search", "Korea"),
        ("opportunities",),
        ("targets",),
    ],
    ids=lambda c: c[0],
)
def test_every_command_survives_deep_nesting_and_huge_numbers(run, bad_tree, command):
    from conftest import GOOD_REPORT

    write(bad_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md", GOOD_REPORT)
    for case in HUGE:
        place(case, bad_tree, f"reports/kr/2014-07-03-{case.name}.md")
    if command == ("build",):
        copy_site_files(bad_tree)
    if command[0] == "export":
        command = ("export", "--out", str(bad_tree / "export"))
    with deadline(120):
        result = run(*command)
    _no_traceback(result)
    if command == ("check",):
        assert result.exit_code == 1
        assert [line.split(": error ")[1] for line in result.stdout.splitlines()] == [
            "[bad-number] targets[0].value has 401 digits; at most 15 are allowed "
            "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')",
            "[bad-number] targets[0].value has 5000 digits; at most 15 are allowed "
            "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')",
            "[too-deep] YAML nested deeper than 20 levels",
            "[too-deep] YAML nested deeper than 20 levels",
        ]
    else:
        assert result.exit_code == 0, result.output
        assert "RecursionError" not in result.output and "Exceeds the limit" not in result.output


# -- year 0 in every date option: one usage error, never a traceback ------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("search", "--since", "0000"),
        ("search", "x", "--until", "0000"),
        ("opportunities", "--since", "0000-01"),
        ("targets", "--until", "0000-01-01"),
        ("new", "--title", "x", "--country", "KR", "--date", "0000-01-01"),
        ("new", "--title", "x", "--country", "KR", "--visit-start", "0000-01-01"),
        ("new", "--title", "x", "--country", "KR", "--visit-end", "0000-01-01"),
        ("import", "--date", "0000-01-01", "x.txt"),
    ],
    ids=lambda a: f"{a[0]}-{a[-2]}",
)
def test_year_zero_in_every_date_option_is_a_usage_error(run, args):
    result = run(*args)
    _no_traceback(result)
    assert result.exit_code == 2
    assert "is not a real date (there is no year 0)" in result.stderr
    assert result.stdout == ""


def test_year_zero_in_front_matter_and_registry_is_one_error_each(run, kb_tree):
    write(
        kb_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md",
        (kb_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md")
        .read_text(encoding="utf-8")
        .replace("date: 2014-07-03", "date: 0000-07-03"),
    )
    write(
        kb_tree / "reports" / "registry" / "more.yml",
        "entities:\n  - {id: x, name: X, kind: sector, valid_from: 0000}\n",
    )
    result = run("check")
    _no_traceback(result)
    assert result.stdout.splitlines() == [
        "reports/kr/2014-07-03-korea-open-data.md:3:7: error [bad-date] date: '0000-07-03' is not a real date "
        "(there is no year 0) (use YYYY-MM-DD)",
        "reports/registry/more.yml:2:48: error [bad-date] entities[0].valid_from: '0000' is not a real date "
        "(there is no year 0) (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ]


# -- "did you mean" has a floor: near misses only (issue 15, item 4) ------------------------------
@pytest.mark.parametrize(
    "typed,expected",
    [
        ("msti", ["msit", "meti"]),  # two letters swapped; the report's country first, see below
        ("mtei", ["meti"]),
        ("metti", ["meti"]),
        ("MOTEI", ["motie"]),
        ("fcdoo", ["fcdo"]),
        ("helth-data", ["health-data"]),
        ("mohw", []),  # not in the registry at all: never 'me' (environment)
        ("mosf", ["mof", "moef", "vn-most"]),  # each one slip away (MOEF, MOST are acronyms)
        ("zzz", []),
        ("Ministry of Helth", []),
    ],
)
def test_registry_suggests_only_near_misses(typed, expected):
    from conftest import REPO

    from kb.registry.loading import load_registry

    registry, _problems = load_registry(REPO / "reports" / "registry")
    assert registry.suggest(typed, country="KR") == expected
