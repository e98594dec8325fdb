"""An empty public site is a site: with no public report (all internal, as ``kb new`` makes them;
none at all; or all with errors), ``kb build`` exits 0 and the site says there are no public
reports yet and how to publish one. Pagefind, which refuses to index no pages, is skipped, and
the Find page says the same instead of offering a search over nothing; both pages open in a
browser without a script error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browserkit import StaticServer, launch
from click.testing import CliRunner
from conftest import GOOD_REPORT, REGISTRY, write
from findkit import new_page
from sitekit import copy_site_files, page

from kb.cli import main

REPORT = "reports/kr/2014-07-03-korea-open-data.md"
NO_PUBLIC_REPORT = {
    "all-internal": GOOD_REPORT.replace("visibility: public", "visibility: internal"),
    "none": None,
    "all-with-errors": GOOD_REPORT.replace("type: country-update", "type: nonsense"),
}
SAYS = (
    "There are no public reports yet. A report is published here once its front matter says "
    "visibility: public and kb check finds no error in it; reports made with kb new are internal "
    'until then. See docs/writing-a-report.md in the repository, "Publishing".'
)


def words(html_page) -> str:
    """A page's text as read: one space between words, none before punctuation."""
    return re.sub(r"\s+([.;,])", r"\1", " ".join(html_page.text.split()))


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Each empty case built once; 'all-internal' was built before with its report public, so
    that nothing of that earlier build (its search index) may stay."""
    out = {}
    for name, report in NO_PUBLIC_REPORT.items():
        root = tmp_path_factory.mktemp(name)
        write(root / "reports" / "registry" / "entities.yml", REGISTRY)
        copy_site_files(root)
        if name == "all-internal":
            write(root / REPORT, GOOD_REPORT)
            assert kb(root, "build").exit_code == 0
            assert (root / "site" / "pagefind" / "pagefind.js").is_file()
        if report is None:
            (root / "reports" / "kr").mkdir(parents=True, exist_ok=True)
            (root / REPORT).unlink(missing_ok=True)
        else:
            write(root / REPORT, report)
        out[name] = (root, kb(root, "build"))
    return out


@pytest.mark.parametrize("name", NO_PUBLIC_REPORT)
def test_build_exits_0_and_says_there_is_nothing_yet_and_how_to_publish(built, name):
    root, result = built[name]
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # 34: the pages, feeds and the open data (five tables, JSON and CSV), even with no report
    assert result.stdout.splitlines()[-1].startswith("built site: 0 reports, 34 generated files ("), (
        result.stdout
    )
    site = root / "site"
    home = page(site, "")
    assert SAYS in words(home)
    assert not (site / "writing-a-report").exists(), "the author's guide is developer documentation"
    find = page(site, "kb/find")
    assert SAYS in words(find)
    assert not any("data-kb-find" in attributes for _tag, attributes in find.elements), (
        "no search over nothing"
    )
    assert "javascripts/find.js" not in (site / "kb" / "find" / "index.html").read_text()
    assert not (site / "pagefind").exists(), "Pagefind skipped; no index of an earlier build stays"
    assert "No reports yet." in " ".join(page(site, "kb/reports").text.split())


def test_empty_sites_pages_open_without_script_errors(built):
    playwright, browser = launch()
    try:
        for name, (root, _result) in built.items():
            with StaticServer(root / "site") as server:
                tab = new_page(browser, server.url)
                for url in ("", "kb/find/", "kb/reports/", "kb/opportunities/"):
                    tab.goto(server.url + url)
                    assert "There are no public reports yet" in tab.inner_text("body") or url not in (
                        "",
                        "kb/find/",
                    )
                assert tab.errors == [], (name, tab.errors)
                tab.context.close()
    finally:
        browser.close()
        playwright.stop()


LEFT_OUT = {
    "all-internal": "left out: 1 internal report(s) (visibility: internal)",
    "none": "left out: nothing",
    "all-with-errors": (
        "left out: 1 report(s) with errors (reports/kr/2014-07-03-korea-open-data.md:5: "
        "type 'nonsense' is not one of country-update, visit-report, ministerial-visit, "
        "joint-statement, trade-mission, meeting-note, briefing)"
    ),
}


@pytest.mark.parametrize("name", NO_PUBLIC_REPORT)
def test_build_ends_with_what_was_left_out_and_why(built, name):
    _root, result = built[name]
    assert result.stderr.splitlines()[-1] == LEFT_OUT[name]


def test_strict_build_fails_on_a_report_with_errors_and_keeps_the_site(built):
    root, _result = built["all-with-errors"]
    before = (root / "site" / "index.html").read_bytes()
    strict = kb(root, "build", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == (
        "reports/kr/2014-07-03-korea-open-data.md:5: error: --strict: 1 report(s) would be left out "
        "of the site; nothing was built (fix the problems kb check lists (or resolve the review "
        "points), then build again)\n"
    )
    assert (root / "site" / "index.html").read_bytes() == before
    internal_only, _ = built["all-internal"]
    assert kb(internal_only, "build", "--strict").exit_code == 0, "internal reports are left out on purpose"
