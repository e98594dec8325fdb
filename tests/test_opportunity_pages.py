"""A page per opportunity (kb.site.opportunity_pages): its facts, history and related ones; linked
by title from report, entity, sector and country pages and the board; public pages show public
states only; a page does not grow with reports that do not mention it. The browser test follows
a reader from a report page to the opportunity and on to every partner and report."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from conftest import write
from sitekit import make_tree, page

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.site.context import Site
from kb.site.feeds import opportunity_feeds
from kb.site.opportunity_pages import OpportunityPages
from kb.tracking.history import STAGES
from kb.tracking.model import track_opportunities

REPORT = "2014-07-03-south-korea-innovation-and-openness"
OPPORTUNITY = "kr-health-big-data"
TITLE = "Cooperation on big data in health"


def opportunity_url(opportunity_id: str) -> str:
    return f"kb/opportunities/{opportunity_id}/"


# -- the built sample site (conftest.sample_site, shared) ----------------------------------------
def test_every_opportunity_has_a_page_with_its_history(sample_site):
    site = sample_site / "site"
    opp = page(site, f"kb/opportunities/{OPPORTUNITY}")
    assert opp.headings[0][1].rstrip("¶").strip() == TITLE
    assert "Status now: active" in " ".join(opp.text.split())
    assert "agreed, 3 July 2014 → active, 20 September 2016" in opp.text
    history = opp.section_links("history")
    assert f"kb/reports/{REPORT}/" in history
    assert "kb/reports/2016-09-20-korea-health-big-data-collaboration/" in history
    assert "kb/entities/ministry/msip/" in opp.targets and "kb/countries/kr/" in opp.targets
    related = [link for link in opp.section_links("related-opportunities") if link.startswith("kb/opp")]
    assert related[:2] == [
        opportunity_url("kr-data-science-skills"),
        opportunity_url("kr-big-data-code-of-practice"),
    ]
    assert opportunity_url(OPPORTUNITY) not in related
    assert all((site / link / "index.html").is_file() for link in related)


def test_report_entity_sector_country_pages_and_board_link_the_opportunity_by_title(sample_site):
    site = sample_site / "site"
    target = opportunity_url(OPPORTUNITY)
    for url in (
        f"kb/reports/{REPORT}",
        "kb/entities/ministry/msip",  # a partner
        "kb/entities/sector/health-data",  # a sector
        "kb/countries/kr",
        "kb/opportunities",
    ):
        html = (site / url / "index.html").read_text(encoding="utf-8")
        assert f'href="/{target}">{TITLE}</a>' in html, url


# -- public and staff pages, and the page's size ----------------------------------------------
@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path)


def pages(tree: Path, internal: bool) -> dict[str, str]:
    knowledge = load(Project.at(tree), mentions=False)
    site = Site(knowledge.registry, knowledge.visible(internal), internal, date(2024, 1, 1), "http://x/")
    return OpportunityPages(site).files()


def test_public_page_shows_public_states_only_and_the_staff_page_all(tree):
    public = pages(tree, False)["kb/opportunities/kr-health.md"]
    assert "agreed" in public and "Sign the MoU" in public
    assert "zqxleak" not in public.lower() and "closed" not in public
    assert not any("zqxleak" in path for path in pages(tree, False))
    staff = pages(tree, True)["kb/opportunities/kr-health.md"]
    assert "closed" in staff and "zqxleak-update-next" in staff


def test_a_page_does_not_grow_with_reports_that_do_not_mention_it(tree):
    before = pages(tree, False)["kb/opportunities/kr-health.md"]
    for n in range(1, 31):
        write(
            tree / "reports" / "kr" / f"2019-02-{n:02d}-unrelated-{n}.md",
            f'---\ntitle: "Unrelated {n}"\ndate: 2019-02-{n % 28 + 1:02d}\ncountries: [KR]\n'
            "type: visit-report\nvisibility: public\nministries: [msit]\nsectors: [health-data]\n---\n\n"
            "A visit about something else entirely.\n",
        )
    assert pages(tree, False)["kb/opportunities/kr-health.md"] == before


# -- in a real browser ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base(sample_site):
    with StaticServer(sample_site / "site") as server:
        yield server.url


@pytest.mark.browser
def test_from_a_report_one_click_reaches_the_opportunity_and_its_partners_and_reports(browser, base):
    tab = browser.new_page()
    try:
        tab.goto(base + f"kb/reports/{REPORT}/")
        tab.locator(".kb-opportunity a.kb-opportunity-link", has_text=TITLE).click()
        tab.wait_for_url(base + opportunity_url(OPPORTUNITY))
        assert tab.locator("h1").inner_text().strip().rstrip("¶").strip() == TITLE
        rows = tab.locator("table[aria-label=History] tbody tr")
        assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())] == [
            "agreed",
            "active",
        ]
        partners = tab.locator(".kb-facts li", has_text="Partners:").locator("a")
        partner_names = [partners.nth(i).inner_text() for i in range(partners.count())]
        assert len(partner_names) == 4
        reports = tab.locator("table[aria-label=History] tbody a")
        report_titles = [reports.nth(i).inner_text() for i in range(reports.count())]
        others = [t for t in report_titles if t != "South Korea: innovation and openness"]
        assert others == ["South Korea: health big data collaboration under way"]
        for name in partner_names:
            tab.locator(".kb-facts li", has_text="Partners:").get_by_role(
                "link", name=name, exact=True
            ).click()
            tab.wait_for_load_state()
            assert "/kb/entities/" in tab.url
            assert tab.locator("h1").inner_text().strip().rstrip("¶").strip() == name
            tab.go_back()
        for title in report_titles:
            tab.locator("table[aria-label=History]").get_by_role("link", name=title, exact=True).click()
            tab.wait_for_load_state()
            assert "/kb/reports/" in tab.url
            assert tab.locator("h1").first.inner_text().strip().rstrip("¶").strip() == title
            tab.go_back()
    finally:
        tab.close()


# -- the board ------------------------------------------------------------------------------------
def test_the_board_has_one_entry_per_opportunity_grouped_by_stage(sample_site):
    html = (sample_site / "site" / "kb" / "opportunities" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li class="kb-board-entry"(.*?)</li>', html, re.DOTALL)
    knowledge = load(Project.at(sample_site), mentions=False)
    tracked = track_opportunities(knowledge.visible(False))
    assert len(entries) == len(tracked)
    stages = re.findall(r'<section class="kb-board-stage" data-stage="([a-z]+)"', html)
    assert stages == [s for s in STAGES if any(o.status == s for o in tracked)]
    health = next(e for e in entries if TITLE in e)
    for fact in ("Countries:", "Sectors:", "Partners:", "Last report:", "Next step:"):
        assert fact in health
    assert "20 September 2016" in health and 'class="kb-stale"' in health  # stale today
    assert '<form class="kb-board-filters" hidden' in html  # shown by the script only


@pytest.mark.browser
def test_the_board_filters_without_a_server_and_shows_everything_without_script(browser, base):
    tab = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        tab.goto(base + "kb/opportunities/")
        tab.wait_for_load_state("load")
        entries = tab.locator(".kb-board-entry")
        total = entries.count()
        assert total > 5
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        filters = tab.locator(".kb-board-filters")
        assert filters.is_visible()
        tab.select_option("select[data-filter=countries]", "VN")
        visible = tab.locator(".kb-board-entry:visible")
        assert 0 < visible.count() < total
        assert all("Vietnam" in visible.nth(i).inner_text() for i in range(visible.count()))
        tab.select_option("select[data-filter=partners]", "msit")  # MSIT: none in Vietnam
        assert tab.locator(".kb-board-entry:visible").count() == 0
        assert tab.locator(".kb-board-stage:visible").count() == 0
        tab.select_option("select[data-filter=countries]", "")
        shown = [t.inner_text() for t in tab.locator(".kb-board-entry:visible a.kb-opportunity-link").all()]
        # MSIT was MSIP: the opportunities with MSIP as partner answer to it too
        assert TITLE in shown and "Research cooperation on evaluating advanced AI models" in shown
        assert f"{len(shown)} of {total} opportunities shown" in filters.inner_text()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        tab.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(base + "kb/opportunities/")
        assert plain.locator(".kb-board-entry:visible").count() == total
        assert not plain.locator(".kb-board-filters").is_visible()
    finally:
        context.close()


# -- the feed -------------------------------------------------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"


def test_each_opportunity_has_an_atom_feed_linked_from_its_page(sample_site):
    site = sample_site / "site"
    feed = ElementTree.parse(site / "kb" / "feeds" / f"opportunity-{OPPORTUNITY}.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    links = {e.find(f"{ATOM}link").get("href").rsplit("/kb/", 1)[1] for e in entries}
    assert links == {f"reports/{REPORT}/", "reports/2016-09-20-korea-health-big-data-collaboration/"}
    summaries = sorted(e.findtext(f"{ATOM}summary") for e in entries)
    assert summaries[0].startswith("Status: active. Next step: Report results")
    assert summaries[1].startswith("Status: agreed. Next step: Agree with MSIP")
    html = (site / "kb" / "opportunities" / OPPORTUNITY / "index.html").read_text(encoding="utf-8")
    assert f'class="kb-feed" href="/kb/feeds/opportunity-{OPPORTUNITY}.xml"' in html
    assert re.search(
        rf'rel="alternate" type="application/atom\+xml"[^>]*href="\.\./\.\./feeds/opportunity-{OPPORTUNITY}\.xml"',
        html,
    )


def test_the_feed_drops_characters_xml_refuses(tree):
    knowledge = load(Project.at(tree), mentions=False)
    site = Site(knowledge.registry, knowledge.visible(False), False, date(2024, 1, 1), "http://x/")
    opportunity = dataclasses.replace(site.opportunities[0], title="Health\x1b[31m big\x00 data")
    site.opportunities = [opportunity]
    xml = opportunity_feeds(site)["kb/feeds/opportunity-kr-health.xml"]
    title = ElementTree.fromstring(xml).findtext(f"{ATOM}title")
    assert title.endswith("Health[31m big data")
