"""The Find reports page in a real browser (the system's Chromium, through Playwright).

The sample knowledge base (reports/) is built with ``kb build`` (MkDocs, then Pagefind) and
served on 127.0.0.1. Every expected result list and count comes from :class:`findkit.Expected`,
computed from the reports themselves, never from the site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from click.testing import CliRunner
from conftest import REPO
from findkit import (
    KEYS,
    Expected,
    address,
    counts,
    focused,
    found,
    new_page,
    open_find,
    page,  # noqa: F401 - a fixture
    search_words,
    settle,
    state,
    status,
    tab_to,
    tick,
    titles,
    with_zeros,
)
from sitekit import make_tree

from kb.cli import main

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts"
PHONE = {"width": 375, "height": 740}


# -- fixtures -----------------------------------------------------------------------------------
def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sample(sample_site, browser) -> Path:
    """The sample site, built once for the session (conftest.sample_site)."""
    return sample_site


@pytest.fixture(scope="module")
def expected(sample) -> Expected:
    return Expected(sample)


@pytest.fixture(scope="module")
def base(sample):
    with StaticServer(sample / "site") as server:
        yield server.url


# -- tests ------------------------------------------------------------------------------------------
def test_the_page_opens_with_the_newest_reports_and_every_count(page, base, expected):
    """As written by kb build: no search has run, and none of the search index was downloaded."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    open_find(page, base)
    assert status(page) == found(len(expected.reports))
    assert page.locator("#kb-find-results > li").count() == min(10, len(expected.reports))
    assert page.locator("#kb-find-results h3 a").all_inner_texts() == expected.titles()[:10]
    assert counts(page) == expected.counts()
    first = page.locator("#kb-find-results > li").first
    assert re.match(r"^\d{1,2} [A-Z][a-z]+ \d{4} · ", first.locator(".kb-find__facts").inner_text())
    assert first.locator(".kb-find__snippet").inner_text().strip() == expected.matching()[0].summary.strip()
    assert not any("/pagefind/" in u for u in urls)
    items = "list => [...list.children].map(item => item.outerHTML)"
    written = page.eval_on_selector("#kb-find-results", items)
    assert titles(page) == expected.titles(), "Show more loads Pagefind: the same order, then the rest"
    assert page.eval_on_selector("#kb-find-results", items)[: len(written)] == written, (
        "Pagefind's results look exactly like the ones written by kb build"
    )


def test_filters_alone_browse_every_public_report_newest_first_with_counts(page, base, expected):
    open_find(page, base, "?sort=oldest")
    assert status(page) == found(len(expected.reports))
    assert titles(page) == list(reversed(expected.titles()))
    page.select_option("#kb-find-sort", "")
    settle(page)
    assert address(page) == {}
    assert titles(page) == expected.titles()
    assert counts(page) == expected.counts()


def test_or_within_a_filter_and_across_filters_with_live_counts(page, base, expected):
    common = Counter(s for r in expected.reports for s in r.tags.get("sectors", ())).most_common()
    sectors = ["energy", "offshore-wind"]
    assert {s for s, _n in common} >= set(sectors)
    either = expected.matching(sector=sectors)
    countries = ["IN", "VN"]
    narrowed = expected.titles(sector=sectors, country=countries)
    assert 0 < len(narrowed) < len(either) and len(narrowed) > 1, "OR and AND both change the answer"
    open_find(page, base)
    for sector in sectors:
        tick(page, "sector", sector)
    assert status(page) == found(len(either))
    assert sorted(titles(page)) == sorted(r.title for r in either)
    for country in countries:
        tick(page, "country", country)
    ticked = {"sector": sectors, "country": countries}
    assert status(page) == found(len(narrowed))
    assert titles(page) == narrowed
    assert counts(page) == with_zeros(expected.counts(**ticked), ticked)
    assert address(page) == {"sector": sectors, "country": countries}
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "find-page.png"), full_page=True)
    assert (ARTIFACTS / "find-page.png").stat().st_size > 20_000


def test_words_narrow_results_and_snippets_mark_them(page, base, expected):
    words = "semiconductor"
    open_find(page, base)
    search_words(page, words)
    assert status(page) == f"{found(len(expected.matching(words)))} for “{words}”"
    assert sorted(titles(page)) == sorted(expected.titles(words))
    assert counts(page) == expected.counts(words)
    marks = page.locator("#kb-find-results mark").all_inner_texts()
    assert marks and all(m.lower().startswith(words) for m in marks)
    snippets = page.locator("#kb-find-results .kb-find__snippet").all_inner_texts()
    assert snippets and not any(re.search(r"\b(Date|Type|Countries|Visit):", s) for s in snippets), (
        "a snippet never shows the report's facts (data-pagefind-ignore)"
    )
    year = sorted(expected.facets(expected.matching(words)[0])["year"])[0]
    tick(page, "year", year)
    assert sorted(titles(page)) == sorted(expected.titles(words, year=[year]))
    assert counts(page) == with_zeros(expected.counts(words, year=[year]), {"year": [year]})
    page.select_option("#kb-find-sort", "oldest")
    settle(page)
    assert titles(page) == list(reversed(expected.titles(words, year=[year])))
    assert address(page) == {"words": [words], "year": [year], "sort": ["oldest"]}


@pytest.mark.parametrize("name, entity, renamed", [("MSIP", "msip", "msit")])
def test_an_acronym_or_former_name_finds_reports_tagged_with_the_current_name(
    page, base, expected, name, entity, renamed
):
    """As `kb search` does: the reports tagged with the renamed entity match, though their text never
    uses the old name."""
    only_renamed = [
        r
        for r in expected.reports
        if renamed in r.entity_ids()
        and entity not in r.entity_ids()
        and not re.search(rf"\b{name}\b", expected.own_text(r))
    ]
    assert only_renamed, "the sample has a report only the name lineage can find"
    open_find(page, base)
    search_words(page, name)
    shown = titles(page)
    assert sorted(shown) == sorted(expected.titles(name))
    assert {r.title for r in only_renamed} <= set(shown)
    current = expected.registry.get(renamed).name
    search_words(page, current)
    assert sorted(titles(page)) == sorted(expected.titles(current))
    assert any(entity in r.entity_ids() and renamed not in r.entity_ids() for r in expected.matching(current))


def test_a_merged_bodys_name_does_not_find_the_new_bodys_reports(page, base, expected):
    """FCO and DFID merged into FCDO (issue 15): a different body, not a former name, so "FCO"
    finds the reports about the FCO, not every FCDO report."""
    fcdo_only = [
        r
        for r in expected.reports
        if "fcdo" in r.entity_ids()
        and "fco" not in r.entity_ids()
        and not re.search(r"\bFCO\b", expected.own_text(r))
    ]
    assert fcdo_only, "the sample has FCDO reports that never name the FCO"
    open_find(page, base)
    search_words(page, "FCO")
    shown = titles(page)
    assert sorted(shown) == sorted(expected.titles("FCO"))
    assert not {r.title for r in fcdo_only} & set(shown)


def test_a_shared_link_reopens_the_same_search_and_back_undoes_each_change(browser, page, base, expected):
    open_find(page, base)
    initial = state(page)
    search_words(page, "energy")
    after_words = state(page)
    tick(page, "country", "IN")
    after_tick = state(page)
    page.select_option("#kb-find-sort", "newest")
    settle(page)
    final = state(page)
    assert final["ticked"] == ["country=IN"] and final["words"] == "energy" and final["sort"] == "newest"
    assert final["titles"] == expected.titles("energy", country=["IN"])
    shared = page.url
    assert address(page) == {"words": ["energy"], "country": ["IN"], "sort": ["newest"]}

    other = new_page(browser, base)
    try:
        other.goto(shared)
        settle(other)
        assert state(other) == final
        other.reload()
        settle(other)
        assert state(other) == final
        assert other.errors == []
    finally:
        other.context.close()

    for before in (after_tick, after_words, initial):
        page.go_back()
        settle(page)
        assert state(page) == before
    page.go_forward()
    settle(page)
    assert state(page) == after_words


def test_ticked_values_show_above_the_results_and_untick_from_there(page, base, expected):
    open_find(page, base, "?sector=energy&country=IN&country=VN")
    chips = page.locator(".kb-find__chosen button")
    assert chips.all_inner_texts() == ["Energy ×", "India ×", "Vietnam ×"]
    assert chips.nth(1).get_attribute("aria-label") == "Remove country: India"
    chips.nth(1).click()
    settle(page)
    assert address(page) == {"sector": ["energy"], "country": ["VN"]}
    assert titles(page) == expected.titles(sector=["energy"], country=["VN"])
    assert page.evaluate("document.activeElement.textContent") == "Vietnam ×", "focus stays among the chips"


def test_the_header_search_sends_its_words_to_the_find_page_and_a_title_finds_its_report_first(
    browser, base, expected
):
    """One search: the box in every page's header opens the Find page with its words (Pagefind);
    no page downloads a second, whole-site index of the theme's own."""
    page = new_page(browser, base)
    try:
        urls = []
        page.on("request", lambda request: urls.append(request.url))
        for report in expected.reports:
            page.goto(f"{base}kb/countries/")
            page.fill("#kb-header-words", report.title)
            page.press("#kb-header-words", "Enter")
            page.wait_for_url("**/kb/find/?words=*")
            settle(page)
            assert page.input_value("#kb-find-q") == report.title
            first = page.locator("#kb-find-results h3 a").first
            assert first.inner_text() == report.title, report.title
        assert not any("search_index.json" in u or u.endswith("/search.json") for u in urls)
        assert page.errors == []
    finally:
        page.context.close()


def test_without_its_index_the_page_says_search_is_not_available(browser, base):
    page = new_page(browser, base)
    try:
        page.route("**/pagefind/**", lambda route: route.abort())
        open_find(page, base, "?words=energy")
        assert status(page) == "Search is not available: the search index of this site was not found."
        assert page.errors == []
    finally:
        page.context.close()


def test_typing_makes_one_history_entry(page, base, expected):
    open_find(page, base)
    page.click("#kb-find-q")
    page.keyboard.type("offshore", delay=40)
    page.wait_for_function("location.search.includes('words=offshore')")
    settle(page)
    assert sorted(titles(page)) == sorted(expected.titles("offshore"))
    page.go_back()
    settle(page)
    assert page.input_value("#kb-find-q") == "" and status(page) == found(len(expected.reports))


def test_following_a_result_opens_the_report_and_back_returns_to_the_search(page, base, expected):
    open_find(page, base, "?sector=hydrogen")
    report = expected.matching(sector=["hydrogen"])[0]
    link = page.locator("#kb-find-results h3 a").first
    assert link.inner_text() == report.title
    link.click()
    page.wait_for_url(f"**/kb/reports/{report.id}/")
    assert page.locator("article h1").first.inner_text().rstrip("¶").strip() == report.title
    page.go_back()
    settle(page)
    assert page.is_checked('input[name="sector"][value="hydrogen"]')
    assert titles(page) == [report.title]


def test_keyboard_only_search_filter_and_open_a_result_with_visible_focus(page, base, expected):
    open_find(page, base)
    tab_to(page, lambda f: f["id"] == "kb-find-q")
    page.keyboard.type("energy")
    page.keyboard.press("Enter")
    settle(page)
    assert sorted(titles(page)) == sorted(expected.titles("energy"))
    box = tab_to(page, lambda f: f["type"] == "checkbox")
    assert box["outline"] != "none" and box["width"] >= 2, "keyboard focus is visible"
    page.keyboard.press("Space")
    settle(page)
    assert address(page) == {"words": ["energy"], box["name"]: [box["value"]]}
    assert sorted(titles(page)) == sorted(expected.titles("energy", **{box["name"]: [box["value"]]}))
    link = tab_to(page, lambda f: f["tag"] == "a" and "/kb/reports/" in f["href"])
    assert link["outline"] != "none" and link["width"] >= 2
    page.keyboard.press("Enter")
    page.wait_for_url("**/kb/reports/**")
    assert page.locator("article h1").first.inner_text().rstrip("¶").strip() == link["text"]


def test_keyboard_only_clear_all_resets_words_and_filters(page, base, expected):
    open_find(page, base, "?words=energy&country=IN")
    assert page.is_checked('input[name="country"][value="IN"]')
    clear = tab_to(page, lambda f: f["type"] == "reset")
    assert clear["text"] == "Clear search and filters" and clear["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("location.search === ''")
    settle(page)
    assert focused(page)["id"] == "kb-find-q", "the focus goes back to the words"
    assert page.input_value("#kb-find-q") == "" and status(page) == found(len(expected.reports))
    assert page.eval_on_selector_all(".kb-find input[type=checkbox]:checked", "boxes => boxes.length") == 0


def test_show_more_by_keyboard_moves_focus_to_the_first_new_result(page, base, expected):
    open_find(page, base)
    assert len(expected.reports) > 10
    page.focus(".kb-find__more")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('#kb-find-results')")
    assert focused(page)["text"] == expected.titles()[10]


def test_controls_are_labelled_and_results_announced(page, base, expected):
    open_find(page, base)
    live = page.locator("#kb-find-status")
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
    assert page.get_by_role("searchbox", name="Words or names").count() == 1
    assert page.get_by_role("combobox", name="Sort by").count() == 1
    for key in KEYS:
        legend = page.locator(f'fieldset[data-kb-filter="{key}"] > legend')
        assert legend.count() == 1 and legend.inner_text().strip()
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('.kb-find input')]
        .filter(i => !(i.labels && i.labels.length && i.labels[0].textContent.trim())).map(i => i.id)""")
    assert unlabelled == []
    report = expected.reports[0]
    country = sorted(expected.facets(report)["country"])[0]
    assert page.get_by_role("checkbox", name=re.compile(r"^\w.* \(\d+\)$")).count() > 10
    tick(page, "country", country)
    assert status(page) == found(len(expected.matching(country=[country])))


def test_phone_width_has_one_column_and_folded_filters(browser, base, expected):
    page = new_page(browser, base, PHONE)
    try:
        open_find(page, base)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
            "no sideways scrolling"
        )
        toggle = page.locator(".kb-find__toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#kb-find-filters").is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert (
            toggle.get_attribute("aria-expanded") == "true" and page.locator("#kb-find-filters").is_visible()
        )
        panel = page.locator("#kb-find-filters")
        box = panel.bounding_box()
        assert box["y"] <= 0 and box["height"] >= PHONE["height"] - 1, "the filters open over the results"
        assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-modal") == "true"
        assert focused(page)["type"] == "checkbox", "the focus moves into the filters"
        assert page.evaluate("document.querySelector('.kb-find__main').inert"), "the results wait behind"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "find-page-phone-filters.png"))
        tick(page, "country", "KR")
        done = page.locator(".kb-find__done")
        assert done.inner_text() == f"Show {found(len(expected.matching(country=['KR'])))[:-6]}"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false" and not panel.is_visible()
        assert focused(page)["text"] == "Filters (1 ticked)", "Escape closes them, back on the button"
        assert not page.evaluate("document.querySelector('.kb-find__main').inert")
        assert titles(page) == expected.titles(country=["KR"])
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "find-page-phone.png"), full_page=True)
        assert page.errors == []
    finally:
        page.context.close()


def test_a_misspelling_gets_the_suggestion_the_cli_gives(page, base, sample, expected):
    """ "Did you mean" on the Find page comes from the words of the public reports, by the CLI's rule:
    each misspelling gets the suggestion `kb search` prints, and following it searches again."""
    assert kb(sample, "index").exit_code == 0
    for typed in ("offshre wind", "hydrogn", "helth data", "koraa", "semiconducter"):
        cli = kb(sample, "search", typed)
        assert "did you mean: " in cli.stdout, cli.stdout
        wanted = cli.stdout.split("did you mean: ")[1].strip()
        open_find(page, base, f"?words={typed.replace(' ', '+')}")
        page.wait_for_selector(".kb-find__suggestion")
        assert status(page).endswith(f"Did you mean {wanted}?"), typed
    page.click(".kb-find__suggestion")
    settle(page)
    assert address(page) == {"words": [wanted]}
    assert sorted(titles(page)) == sorted(expected.titles(wanted))
    assert page.locator(".kb-find__suggestion").count() == 0, "no suggestion for words the reports hold"


def test_the_find_pages_suggestion_rule_is_kb_util_spellings(page, base, sample):
    """find.js's rule, run on one letter's words as published, gives kb.util.spelling's answer for
    each word typed (held, short, one or two edits away, ties, no neighbour)."""
    import json

    from kb.util.spelling import suggestion

    open_find(page, base)
    for letter in "ehos":
        words = json.loads((sample / "site" / "kb" / "spelling" / f"{ord(letter):x}.json").read_text())
        typed = sorted(
            {w[:-1] for w in words} | {w[0] + w[2:] for w in words if len(w) > 3} | {w + "x" for w in words}
        )
        typed += [letter + "zzzzz", letter + "q", "energy", "hospitl"]
        ours = page.evaluate(
            "([words, typed]) => typed.map(t => window.kbSuggestion(t, words))", [words, typed]
        )
        assert ours == [suggestion(t, words) for t in typed]
        assert any(ours), letter


def test_titles_and_names_from_reports_show_as_text(browser, tmp_path):
    """The hostile report and entity of the leak-test knowledge base: shown as text, nothing runs."""
    root = make_tree(tmp_path / "hostile")
    assert kb(root, "build").exit_code == 0
    with StaticServer(root / "site") as server:
        page = new_page(browser, server.url)
        try:
            open_find(page, server.url, "?words=onerror")
            assert titles(page) == ["<img src=x onerror=alert(1)>"]
            assert page.locator("#kb-find-results img, #kb-find-results script").count() == 0
            label = page.locator('input[name="organisation"][value="evil-corp"] + label')
            assert label.inner_text().startswith("<b onmouseover=alert(2)>Evil Corp</b>")
            assert page.locator(".kb-find b").count() == 0
            assert page.errors == []
        finally:
            page.context.close()


def test_the_zensical_build_of_the_same_tree_searches_alike(browser, sample, expected, tmp_path):
    pytest.importorskip("zensical")
    from kb.site.pagefind import index_search

    copy = tmp_path / "zensical"
    shutil.copytree(
        sample,
        copy,
        ignore=lambda folder, _names: {"site", "site-internal", ".kb"} if Path(folder) == sample else set(),
    )
    zensical = Path(sys.executable).with_name("zensical")
    command = [str(zensical)] if zensical.exists() else [sys.executable, "-m", "zensical"]
    result = subprocess.run([*command, "build", "--strict"], cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    index_search(copy / "site")
    with StaticServer(copy / "site") as server:
        page = new_page(browser, server.url)
        try:
            open_find(page, server.url, "?words=MSIP&country=KR")
            assert sorted(titles(page)) == sorted(expected.titles("MSIP", country=["KR"]))
            assert counts(page) == with_zeros(expected.counts("MSIP", country=["KR"]), {"country": ["KR"]})
            assert page.errors == []
        finally:
            page.context.close()
