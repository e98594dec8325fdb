"""Every bad input gets its exact message and exit code from `kb check`, never a traceback."""

from __future__ import annotations

import pytest

from bad_inputs import CASES, Case
from conftest import write
from sitekit import copy_site_files


@pytest.fixture
def bad_tree(kb_tree):
    (kb_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md").unlink()
    return kb_tree


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_gives_exact_message(run, bad_tree, case: Case):
    path = bad_tree / case.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    before = path.read_bytes()
    result = run("check")
    lines = result.stdout.splitlines()
    if case.expected is None:
        assert lines == [], result.stdout
    else:
        assert lines and lines[0] == case.expected, result.stdout
    assert result.exit_code == case.exit_code
    assert "Traceback" not in result.output
    assert path.read_bytes() == before  # checking never rewrites a file


def test_corpus_covers_the_listed_kinds():
    names = {c.name for c in CASES}
    for required in ["not-utf8", "byte-order-mark", "crlf", "tab-indent", "no-closing", "empty", "binary",
                     "twenty-megabytes", "billion-laughs", "merge-key", "python-tag", "duplicate-key",
                     "impossible-date", "datetime-with-zone", "datetime-without-zone", "norway-stays-norway",
                     "time-is-not-a-date", "octal-looking-date", "version-looking-type", "unknown-field",
                     "look-alike-unicode-tag", "path-traversal-id", "reserved-id", "script-in-body",
                     "event-handler-in-body", "javascript-url-in-body", "data-url-in-body", "script-in-title",
                     "script-in-opportunity-title"]:
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
        path = bad_tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)
    write(bad_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md", GOOD_REPORT)
    copy_site_files(bad_tree)
    return bad_tree


def _no_traceback(result):
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_index_and_search_survive_the_corpus(run, corpus_tree):
    index = run("index")
    _no_traceback(index)
    assert index.exit_code == 0, index.output
    for query in ("Korea", "alert", "script", '"unbalanced', "title:(", "ms\u0456t"):
        result = run("search", query, "--format", "json")
        _no_traceback(result)
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    table = run("search", "alert")
    assert table.exit_code == 0 and "\x1b" not in table.stdout  # no terminal escapes reach the screen


def test_export_and_build_survive_the_corpus_and_escape_everything(run, corpus_tree):
    export = run("export", "--out", str(corpus_tree / "export"))
    _no_traceback(export)
    assert export.exit_code == 0, export.output
    build = run("build")
    _no_traceback(build)
    assert build.exit_code == 0, build.output
    site = corpus_tree / "site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "<img src=x onerror" not in text and "<script>alert" not in text, page
        assert 'href="javascript:' not in text.lower(), page


@pytest.mark.parametrize("case", [c for c in CASES if c.name in
                                  ("not-utf8", "utf16", "empty", "whitespace-only", "binary", "twenty-megabytes")],
                         ids=lambda c: c.name)
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
from bad_inputs import CROSS_REPORT_CASES, RENAME_CHAIN, REGISTRY_CASES, SECTOR_CHAIN  # noqa: E402


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


HEAD_SHOWN = ("---\ntitle: Shown\ndate: 2014-07-05\ncountries: [KR]\ntype: briefing\nvisibility: public\n"
              "---\n\nShown.\n")


def test_a_deep_sector_tree_and_a_long_rename_chain_need_no_deep_stack(run, kb_tree):
    """Walks are iterative: every sector of a 1,200-deep tree is listed, each one level deeper,
    and the last ministry of a 1,500-long rename chain is known under all its earlier names."""
    from datetime import date

    from kb.kbase import load
    from kb.project import Project
    from kb.site.browse_pages import sectors_index
    from kb.site.context import Site

    write(kb_tree / "reports" / "registry" / "extra.yml", REGISTRY_CASES[f"{SECTOR_CHAIN}-deep-sectors"][0])
    knowledge = load(Project.at(kb_tree))
    page = sectors_index(Site(knowledge.registry, knowledge.visible(False), False, date(2024, 1, 1), "http://x/"))
    rows = [line for line in page.splitlines() if "[Sector " in line]
    assert len(rows) == SECTOR_CHAIN
    assert rows[-1].count("&nbsp;&nbsp;&nbsp;") == SECTOR_CHAIN - 1
    write(kb_tree / "reports" / "registry" / "extra.yml", REGISTRY_CASES[f"{RENAME_CHAIN}-long-rename-chain"][0])
    shown = run("show", f"m{RENAME_CHAIN - 1}", "--format", "json")
    _no_traceback(shown)
    assert shown.exit_code == 0, shown.output
    assert "Ministry 0" in shown.stdout
