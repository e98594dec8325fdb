"""The Find reports page in a real browser (the system's Chromium, through Playwright).

The sample knowledge base (reports/) is built with ``kb build`` (MkDocs, then Pagefind) and
served on 127.0.0.1. Every expected result list and count is computed here from the reports
themselves (``KnowledgeBase.visible(False)``), not from the site: tags, countries, types and
years for the filters, and the reports' text plus every name of the entities they tag for
the words.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from browserkit import StaticServer, launch
from conftest import REPO
from kb.cli import main
from sitekit import make_tree

pytestmark = pytest.mark.browser

KEYS = ("sector", "country", "ministry", "organisation", "project", "type", "year")
TAG_LISTS = {"sector": "sectors", "ministry": "ministries", "organisation": "organisations", "project": "projects"}
ARTIFACTS = REPO / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


# -- what the reports say ------------------------------------------------------------------------
class Expected:
    """The public reports and the registry, and the answers a search must give."""

    def __init__(self, root: Path) -> None:
        from kb.kbase import load
        from kb.project import Project

        knowledge = load(Project.at(root))
        self.registry = knowledge.registry
        self.reports = knowledge.visible(False)
        assert len({r.date for r in self.reports}) == len(self.reports), "dates are distinct: order is exact"

    @staticmethod
    def facets(report) -> dict[str, set[str]]:
        out = {key: set(report.tags.get(tag_list, ())) for key, tag_list in TAG_LISTS.items()}
        out["country"] = set(report.countries)
        out["type"] = {report.type}
        out["year"] = {str(report.date.year)}
        return out

    def names(self, report) -> list[str]:
        """Names, acronyms and aliases of each tagged entity and of every entity in its renames."""
        found = []
        for entity_id in report.entity_ids():
            for other in self.registry.lineage(entity_id) or [entity_id]:
                found.extend(self.registry.get(other).names())
        return found

    def own_text(self, report) -> str:
        from kb.countries import country_name

        parts = [report.title, report.summary or "", report.body, report.type.replace("-", " "),
                 *(country_name(c) or c for c in report.countries)]
        for person in (*report.authors, *report.visitors):
            parts += [person.name, person.role or ""]
        if report.visit:
            parts += list(report.visit.places)
        for opportunity in report.opportunities:
            parts += [opportunity.title, opportunity.next_step or "", opportunity.description or ""]
        parts += [f"{t.what} {t.unit or ''}" for t in report.targets]
        return "\n".join(parts)

    def matching(self, words: str = "", **selected: list[str]) -> list:
        """Newest first: reports containing every word (as a word start, in their own text or in the
        names of what they tag), with, for each filter, one of its selected values."""
        out = []
        for report in self.reports:
            text = self.own_text(report) + "\n" + "\n".join(self.names(report))
            if not all(re.search(rf"(?<!\w){re.escape(w)}", text, re.IGNORECASE) for w in words.split()):
                continue
            facets = self.facets(report)
            if all(facets[key] & set(values) for key, values in selected.items() if values):
                out.append(report)
        return sorted(out, key=lambda r: r.date, reverse=True)

    def titles(self, words: str = "", **selected: list[str]) -> list[str]:
        return [r.title for r in self.matching(words, **selected)]

    def counts(self, words: str = "", **selected: list[str]) -> dict[str, dict[str, int]]:
        """For each filter, each value's count among the reports matching the words and the other
        filters (OR within a filter: its own selection does not narrow its counts)."""
        out = {}
        for key in KEYS:
            others = {k: v for k, v in selected.items() if k != key}
            counted = Counter(v for r in self.matching(words, **others) for v in self.facets(r)[key])
            out[key] = dict(counted)
        return out


# -- fixtures -----------------------------------------------------------------------------------
def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def browser():
    playwright, chromium = launch()
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def sample(tmp_path_factory, browser) -> Path:
    root = make_tree(tmp_path_factory.mktemp("find"))
    shutil.rmtree(root / "reports")
    shutil.copytree(REPO / "reports", root / "reports")
    result = kb(root, "build")
    assert result.exit_code == 0, result.output
    assert (root / "site" / "pagefind" / "pagefind.js").is_file()
    return root


@pytest.fixture(scope="module")
def expected(sample) -> Expected:
    return Expected(sample)


@pytest.fixture(scope="module")
def base(sample):
    with StaticServer(sample / "site") as server:
        yield server.url


def new_page(browser, base: str, viewport: dict = DESKTOP):
    """A fresh browser context (own history) that may only reach the local server."""
    context = browser.new_context(viewport=viewport)
    context.route(lambda url: not url.startswith(base), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


@pytest.fixture
def page(browser, base):
    page = new_page(browser, base)
    yield page
    errors = page.errors
    page.context.close()
    assert errors == [], "no script errors and no dialogs"


# -- driving the page ----------------------------------------------------------------------------
def settle(page) -> None:
    """Wait until the search for the current state is shown (the form is aria-busy meanwhile)."""
    page.wait_for_function("() => { const f = document.querySelector('[data-kb-find]');"
                           " return f && !f.hasAttribute('aria-busy'); }")


def open_find(page, base: str, query: str = "") -> None:
    page.goto(f"{base}kb/find/{query}")
    settle(page)


def search_words(page, words: str) -> None:
    page.fill("#kb-find-q", words)
    page.press("#kb-find-q", "Enter")
    settle(page)


def tick(page, key: str, value: str) -> None:
    page.check(f'input[name="{key}"][value="{value}"]')
    settle(page)


def titles(page) -> list[str]:
    """Every result title, pressing "Show more reports" until all are shown."""
    more = page.locator(".kb-find__more")
    while more.is_visible():
        shown = page.locator("#kb-find-results > li").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#kb-find-results > li').length > {shown}")
    return page.locator("#kb-find-results h3 a").all_inner_texts()


def counts(page) -> dict[str, dict[str, int]]:
    """Filter -> value -> count, as shown (values and filters hidden for leaving nothing are left out)."""
    return page.evaluate("""() => {
        const out = {};
        for (const group of document.querySelectorAll('[data-kb-filter]')) {
            const values = out[group.dataset.kbFilter] = {};
            if (group.hidden) continue;
            for (const option of group.querySelectorAll('.kb-find__option')) {
                if (option.hidden) continue;
                const count = option.querySelector('.kb-find__count').textContent;
                values[option.querySelector('input').value] = Number(count.replace(/[^0-9]/g, ''));
            }
        }
        return out;
    }""")


def status(page) -> str:
    return page.inner_text("#kb-find-status")


def found(n: int) -> str:
    return f"{n} report{'' if n == 1 else 's'} found"


def address(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def with_zeros(expected: dict, ticked: dict[str, list[str]]) -> dict:
    """Ticked values stay shown even when they would leave nothing."""
    out = {key: dict(values) for key, values in expected.items()}
    for key, values in ticked.items():
        for value in values:
            out[key].setdefault(value, 0)
    return out


def state(page) -> dict:
    return {"words": page.input_value("#kb-find-q"), "sort": page.input_value("#kb-find-sort"),
            "ticked": sorted(page.eval_on_selector_all(".kb-find input[type=checkbox]:checked",
                                                       "boxes => boxes.map(b => b.name + '=' + b.value)")),
            "status": status(page), "titles": titles(page), "counts": counts(page)}


# -- tests ------------------------------------------------------------------------------------------
def test_filters_alone_browse_every_public_report_newest_first_with_counts(page, base, expected):
    open_find(page, base)
    assert status(page) == found(len(expected.reports))
    assert page.locator("#kb-find-results > li").count() == min(10, len(expected.reports))
    assert titles(page) == expected.titles()
    assert counts(page) == expected.counts()
    first = page.locator("#kb-find-results > li").first
    assert re.match(r"^\d{1,2} [A-Z][a-z]+ \d{4} · ", first.locator(".kb-find__facts").inner_text())
    assert first.locator(".kb-find__snippet").inner_text().strip() == expected.reports[-1].summary.strip()


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
    year = sorted(expected.facets(expected.matching(words)[0])["year"])[0]
    tick(page, "year", year)
    assert sorted(titles(page)) == sorted(expected.titles(words, year=[year]))
    assert counts(page) == with_zeros(expected.counts(words, year=[year]), {"year": [year]})
    page.select_option("#kb-find-sort", "oldest")
    settle(page)
    assert titles(page) == list(reversed(expected.titles(words, year=[year])))
    assert address(page) == {"words": [words], "year": [year], "sort": ["oldest"]}


@pytest.mark.parametrize("name, entity, renamed", [("MSIP", "msip", "msit"), ("FCO", "fco", "fcdo")])
def test_an_acronym_or_former_name_finds_reports_tagged_with_the_current_name(page, base, expected, name,
                                                                               entity, renamed):
    """As `kb search` does: the reports tagged with the renamed entity match, though their text never
    uses the old name."""
    only_renamed = [r for r in expected.reports if renamed in r.entity_ids() and entity not in r.entity_ids()
                    and not re.search(rf"\b{name}\b", expected.own_text(r))]
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


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const style = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', name: e.name || '', value: e.value || '',
                text: e.textContent.trim(), href: e.getAttribute('href') || '',
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }""")


def tab_to(page, wanted, limit: int = 250) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError("never reached by Tab")


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
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
        toggle = page.locator(".kb-find__toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#kb-find-filters").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and page.locator("#kb-find-filters").is_visible()
        tick(page, "country", "KR")
        assert titles(page) == expected.titles(country=["KR"])
        assert toggle.inner_text() == "Filters (1 ticked)"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "find-page-phone.png"), full_page=True)
        assert page.errors == []
    finally:
        page.context.close()


def test_header_search_finds_reports_by_title_text_and_entity_names(page, base, expected):
    """The theme's own search (every page) keeps working, and knows the names of tagged entities."""
    msit_only = next(r for r in expected.reports if "msit" in r.entity_ids() and "msip" not in r.entity_ids()
                     and "MSIP" not in expected.own_text(r))
    page.goto(base)
    for words, wanted in (("MSIP", msit_only.title), ("smart cities", "South Korea: 5G, AI and smart cities"),
                          ("bioinformatics", "South Korea: health big data collaboration under way")):
        page.fill(".md-search__input", "")
        page.click(".md-search__input")
        page.keyboard.type(words)
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('match')")
        page.wait_for_function("([title]) => [...document.querySelectorAll('.md-search-result__item h1')]"
                               ".some(h => h.textContent.trim() === title)", arg=[wanted])
        page.keyboard.press("Escape")


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
    from kb.site.build import index_search

    copy = tmp_path / "zensical"
    shutil.copytree(sample, copy, ignore=lambda folder, _names: {"site", "site-internal", ".kb"}
                    if Path(folder) == sample else set())
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
