"""``kb build --offline [--country KR]``: a copy of the public site for staff without a connection, a
folder and a zip, opened from disk (file://) in Chromium: links lead to pages, the header's search
finds reports, nothing is asked of any other place."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from browserkit import browser  # noqa: F401 - a fixture
from click.testing import CliRunner
from sitekit import MARKER, PUBLIC_IDS, make_tree

from kb.cli import main

KOREA = ["2014-07-03-korea-open-data", "2018-05-01-korea-health-data"]


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Path:
    """One tree with its whole offline copy and South Korea's."""
    root = make_tree(tmp_path_factory.mktemp("offline"))
    for args, folder, count, left_out in (
        (("--offline",), "site-offline", 4, "left out: 1 internal report(s) (visibility: internal)\n"),
        (
            ("--offline", "--country", "kr"),
            "site-offline-kr",
            2,
            "left out: 1 internal report(s) (visibility: internal)\n",
        ),
    ):
        result = kb(root, "build", *args)
        assert result.exit_code == 0, result.output
        assert result.stdout.endswith(
            f"built {folder} and {folder}.zip: {count} reports; open {folder}/index.html\n"
        ), result.output
        assert result.stderr == left_out
    return root


def reports_in(folder: Path) -> list[str]:
    return sorted(p.stem for p in (folder / "kb" / "reports").glob("*.html") if p.stem != "index")


def test_the_copy_holds_the_public_reports_or_one_countrys(offline):
    assert reports_in(offline / "site-offline") == sorted(PUBLIC_IDS)
    assert reports_in(offline / "site-offline-kr") == KOREA
    for folder in ("site-offline", "site-offline-kr"):
        for path in (offline / folder).rglob("*"):
            if path.is_file() and path.suffix in (".html", ".js", ".json", ".xml"):
                assert MARKER not in path.read_text(encoding="utf-8"), path  # public reports only
        assert not (offline / folder / "pagefind").exists(), "Pagefind needs a server"
        assert (offline / folder / "search" / "search_index.js").is_file(), "the theme's search, inlined"


def test_links_in_the_copy_are_relative(offline):
    html = (offline / "site-offline-kr" / "kb" / "countries" / "kr.html").read_text(encoding="utf-8")
    assert 'href="../reports/2014-07-03-korea-open-data.html"' in html
    for page in (offline / "site-offline").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert ' href="/' not in text and ' src="/' not in text, page


def test_the_zip_holds_the_folder(offline):
    with zipfile.ZipFile(offline / "site-offline-kr.zip") as archive:
        names = set(archive.namelist())
    files = {
        f"site-offline-kr/{p.relative_to(offline / 'site-offline-kr').as_posix()}"
        for p in (offline / "site-offline-kr").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert names == files and "site-offline-kr/index.html" in names


@pytest.mark.browser
def test_opened_from_disk_links_and_search_work_and_nothing_leaves_the_disk(offline, browser):
    folder = offline / "site-offline-kr"
    context = browser.new_context()
    problems: list[str] = []
    context.route(
        lambda url: not url.startswith("file://"),
        lambda route: (problems.append(f"off the disk: {route.request.url}"), route.abort()),
    )
    tab = context.new_page()
    tab.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    try:
        tab.goto((folder / "index.html").as_uri())
        tab.click("a[href='kb/countries/kr.html']")
        tab.wait_for_url("**/kb/countries/kr.html")
        tab.click("a[href='../reports/2018-05-01-korea-health-data.html']")
        assert tab.locator("article h1").first.inner_text().rstrip("¶").strip() == "Korea: health data agreed"
        tab.click(".md-search__input")
        tab.keyboard.type("health data agreed")  # typed: the theme searches on key presses
        first = tab.locator(".md-search-result__link").first
        first.wait_for()
        assert first.get_attribute("href").endswith("2018-05-01-korea-health-data.html")
        first.click()
        tab.wait_for_url("**/2018-05-01-korea-health-data.html*")
        tab.wait_for_load_state("load")
    finally:
        context.close()
    assert problems == []


def test_wrong_uses_are_usage_errors(tmp_path):
    root = make_tree(tmp_path)
    for args, message in (
        (("--country", "KR"), "error: --country chooses the reports of an offline copy (add --offline)\n"),
        (
            ("--offline", "--internal"),
            "error: the offline copy is made of public reports only "
            "(use kb build --offline, or kb build --internal for the staff site)\n",
        ),
        (
            ("--offline", "--country", "XX"),
            "error: 'XX' is not a country code (give a two-letter ISO 3166 code, such as KR for South Korea)\n",
        ),
    ):
        result = kb(root, "build", *args)
        assert (result.exit_code, result.output) == (2, message), args
    result = kb(root, "build", "--offline", "--country", "FR")  # only an internal report is about France
    assert result.exit_code != 0
    assert result.output.endswith(
        "error: no public report is about FR: there is nothing to take offline "
        "(check the code, or build the whole site with kb build --offline)\n"
    ), result.output
    assert not (root / "site-offline-fr").exists()
