"""The public site as a reader meets it, in a real browser (the system's Chromium): every kind of
page, at desktop (1366×900) and phone (390×844) width, has no console error, no failed request,
no request off the site, and no WCAG 2.2 A or AA failure that axe-core finds; none scrolls
sideways at 320 px. One built site (the sample, conftest.sample_site) serves every test, axe runs
once per page kind and width, and a screenshot of each kind goes to artifacts/.

Also here, read from the built pages: breadcrumbs and the active tab, the front door, charts
with their numbers, country pages with reports first, and where a report comes from.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from conftest import REPO
from findkit import Expected
from sitekit import Page, page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}
#: WCAG 2.2 A and AA, as axe-core tags its rules (UK public sector sites must meet 2.2 AA).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REPORT = "2014-07-03-south-korea-innovation-and-openness"
#: One page of each kind the site has (generated, hand-written, the theme's 404).
KINDS = {
    "home": "",
    "report": f"kb/reports/{REPORT}/",
    "country": "kb/countries/kr/",
    "ministry": "kb/entities/ministry/msit/",
    "sector": "kb/entities/sector/offshore-wind/",
    "organisation": "kb/entities/organisation/open-data-institute/",
    "reports": "kb/reports/",
    "timeline": "kb/years/",
    "year": "kb/years/2016/",
    "countries": "kb/countries/",
    "sectors": "kb/sectors/",
    "entities": "kb/entities/",
    "opportunities": "kb/opportunities/",
    "opportunity": "kb/opportunities/kr-health-big-data/",
    "target": "kb/targets/kr-data-scientists-trained/",
    "targets": "kb/targets/",
    "find": "kb/find/",
    "find-search": "kb/find/?words=offshre+wind",
    "about": "kb/about/",
    "accessibility": "accessibility/",
    "not-found": "404.html",
}


@pytest.fixture(scope="module")
def base(sample_site):
    with StaticServer(sample_site / "site") as server:
        yield server.url


def watched(browser, base: str, viewport: dict):
    """A page that records what goes wrong: console errors, page errors, failed requests, error
    answers, and any request off the site (which is also stopped)."""
    context = browser.new_context(viewport=viewport)
    problems: list[str] = []
    context.route(
        lambda url: not url.startswith(base),
        lambda route: (problems.append(f"off the site: {route.request.url}"), route.abort()),
    )
    tab = context.new_page()
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("requestfailed", lambda r: problems.append(f"failed: {r.url}") if r.url.startswith(base) else None)
    tab.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    return tab, problems


def settled(tab, *, network: bool = True) -> None:
    """Loaded, and (``network``) no request for half a second: what a page asks for after it
    loaded (the theme's scripts do) counts too."""
    tab.wait_for_load_state("networkidle" if network else "load")
    if "/kb/find/" in tab.url:  # the Find page's own search, when its address asks for one
        tab.wait_for_function("!document.querySelector('[data-kb-find]').hasAttribute('aria-busy')")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_kind_is_clean_and_passes_wcag_22_aa(browser, base, width):
    from axe_playwright_python.sync_playwright import Axe

    viewport = DESKTOP if width == "desktop" else PHONE
    tab, problems = watched(browser, base, viewport)
    axe = Axe()
    failures: dict[str, list] = {}
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for kind, url in KINDS.items():
            problems.clear()
            response = tab.goto(base + url)
            settled(tab)
            found = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            violations = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found.response["violations"]
            ]
            if response.status != 200 or violations or problems:
                failures[kind] = [f"status {response.status}", *violations, *problems]
            tab.screenshot(path=str(ARTIFACTS / f"site-{kind}-{width}.png"), full_page=True)
    finally:
        tab.context.close()
    assert failures == {}


def test_no_page_kind_scrolls_sideways_at_320_px(browser, base):
    """Measured once each page has loaded (what loads later is checked at the two widths above:
    leaving a page before it settles cancels its last requests, which is no fault of the page)."""
    tab = browser.new_context(viewport=NARROWEST).new_page()
    try:
        wider = {}
        for kind, url in KINDS.items():
            tab.goto(base + url)
            settled(tab, network=False)
            width = tab.evaluate("document.documentElement.scrollWidth")
            if width > NARROWEST["width"]:
                wider[kind] = width
    finally:
        tab.context.close()
    assert wider == {}


def test_keyboard_reaches_the_header_search_and_it_opens_the_find_page(browser, base, sample_site):
    from findkit import tab_to

    report = Expected(sample_site).matching()[0]
    tab, problems = watched(browser, base, DESKTOP)
    try:
        tab.goto(base + "kb/countries/")
        field = tab_to(tab, lambda f: f["id"] == "kb-header-words")
        assert field["outline"] != "none", "keyboard focus is visible"
        tab.keyboard.type(report.title)
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/kb/find/?words=*")
        settled(tab)
        assert tab.locator("#kb-find-results h3 a").first.inner_text() == report.title
    finally:
        tab.context.close()
    assert problems == []


# -- read from the built pages --------------------------------------------------------------------
def crumbs(site, url: str) -> list[str]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    trail = html.split('<nav class="kb-breadcrumbs"')[1].split("</nav>")[0]
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li[^>]*>(.*?)</li>", trail)]


def active_tab(site, url: str) -> list[str]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    tabs = html.split('<nav class="md-tabs"')[1].split("</nav>")[0]
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'md-tabs__item--active">\s*(<a.*?</a>)', tabs, re.DOTALL)
    ]


def test_breadcrumbs_and_the_active_tab_on_every_generated_page_kind(sample_site):
    site = sample_site / "site"
    title = "South Korea: innovation and openness"
    assert crumbs(site, f"kb/reports/{REPORT}") == ["Home", "Countries", "South Korea", title]
    expected = {
        f"kb/reports/{REPORT}": "Countries",
        "kb/countries/kr": "Countries",
        "kb/entities/ministry/msit": "Countries",
        "kb/entities/sector/offshore-wind": "Sectors",
        "kb/years/2016": "Reports",
        "kb/find": "Reports",
        "kb/opportunities": "Opportunities",
        "kb/targets": "Targets",
        "kb/about": "About",
        "": "Home",
    }
    assert {url: active_tab(site, url) for url in expected} == {url: [t] for url, t in expected.items()}
    assert crumbs(site, "kb/entities/ministry/msit") == [
        "Home",
        "Countries",
        "South Korea",
        "Ministry of Science and ICT (MSIT)",
    ]
    assert crumbs(site, "kb/years/2016") == ["Home", "Reports", "Timeline", "2016"]
    assert crumbs(site, "kb/entities/sector/offshore-wind") == ["Home", "Sectors", "Offshore wind"]
    report = page(site, f"kb/reports/{REPORT}")
    assert "kb/countries/kr/" in report.targets


def test_country_pages_list_their_reports_first(sample_site):
    country = page(sample_site / "site", "kb/countries/kr")
    headings = [text.rstrip("¶").strip() for _id, text in country.headings]
    reports = len([r for r in Expected(sample_site).reports if "KR" in r.countries])
    assert headings[1] == f"Reports ({reports})", headings
    assert headings.index(f"Reports ({reports})") < headings.index("Ministries, agencies and organisations")


def figures(html: str) -> dict[str, dict]:
    """Each chart of a page: its picture's text alternative, caption and table of numbers."""
    out = {}
    for figure in re.findall(r'<figure class="kb-chart[^"]*">(.*?)</figure>', html, re.DOTALL):
        svg = re.search(r'<svg [^>]*role="img" aria-label="([^"]+)"', figure)
        caption = re.sub(r"<[^>]+>", "", re.search(r"<figcaption>(.*?)</figcaption>", figure).group(1))
        rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', figure)
        title = re.search(r"<caption>(.*?)</caption>", figure).group(1)
        out[title] = {"label": svg.group(1), "caption": caption, "rows": dict(rows), "svg": figure}
    return out


def test_charts_are_drawn_at_build_time_with_their_numbers(sample_site):
    site = sample_site / "site"
    reports = Expected(sample_site).reports
    per_year = Counter(str(r.date.year) for r in reports)
    home = figures((site / "index.html").read_text(encoding="utf-8"))
    chart = home["Reports per year"]
    years = range(min(map(int, per_year)), max(map(int, per_year)) + 1)
    assert chart["rows"] == {str(y): str(per_year.get(str(y), 0)) for y in years}
    assert chart["label"].startswith(
        f"Reports per year: {len(reports)} reports from {years[0]} to {years[-1]}"
    )
    assert "<script" not in chart["svg"] and chart["caption"] == chart["label"]
    korea = figures((site / "kb/countries/kr/index.html").read_text(encoding="utf-8"))
    assert sum(map(int, korea["Reports per year about South Korea"]["rows"].values())) == len(
        [r for r in reports if "KR" in r.countries]
    )
    msit = figures((site / "kb/entities/ministry/msit/index.html").read_text(encoding="utf-8"))
    names = msit["Names of Ministry of Science and ICT over time"]
    assert names["rows"] == {"MSIP": "2013 to 2017", "MSIT (this page)": "since 2017"}
    assert names["caption"].endswith("MSIP (2013 to 2017), then MSIT (since 2017)")
    board = figures((site / "kb/opportunities/index.html").read_text(encoding="utf-8"))
    stages = board["Opportunities by stage"]["rows"]
    from kb.checks.knowledgebase import load
    from kb.project import Project
    from kb.tracking.model import track_opportunities

    tracked = Counter(o.status for o in track_opportunities(load(Project.at(sample_site)).visible(False)))
    assert stages == {status.capitalize(): str(n) for status, n in tracked.items()}


def test_a_report_page_says_where_it_came_from_and_how_to_cite_it(sample_site):
    report = page(sample_site / "site", f"kb/reports/{REPORT}")
    text = " ".join(report.text.split())
    assert "Published by: UK Trade & Investment" in text
    source = "https://www.gov.uk/government/publications/south-korea-picking-winners-innovation-and-openness"
    assert f"Source: {source}" in text and source in report.links
    assert "Licence: Open Government Licence v3.0" in text
    assert (
        "Cite this report: UK Trade & Investment (2014). South Korea: innovation and openness. "
        "UK Science and Innovation Network: country updates. "
        f"http://127.0.0.1:8000/kb/reports/{REPORT}/" in text
    )


def test_the_front_door_and_about_page_come_from_the_sites_settings(sample_site):
    import yaml

    settings = yaml.safe_load((REPO / "reports" / "site.yml").read_text(encoding="utf-8"))
    site = sample_site / "site"
    home = Page((site / "index.html").read_text(encoding="utf-8"))
    text = re.sub(r"\s+([.,;])", r"\1", " ".join(home.text.split()))
    assert home.title == settings["name"]
    assert f"Published by {settings['organisation']['name']}." in text
    assert settings["organisation"]["url"] in home.links
    about = " ".join(page(site, "kb/about").text.split())
    assert f"published under the {settings['licence']['name']}" in about
    footer = (site / "index.html").read_text(encoding="utf-8").split('<div class="md-copyright">')[1]
    assert settings["licence"]["url"] in footer.split("</div>")[0]
    mkdocs = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert mkdocs["site_name"] == settings["name"], "a plain mkdocs or zensical build shows the same name"


def test_no_developer_documentation_on_the_public_site(sample_site):
    site = sample_site / "site"
    for name in ("benchmarks", "reliability", "importing", "searching", "site", "architecture"):
        assert not (site / name).exists(), name
    assert not (site / "search" / "search_index.json").exists(), "no second, weaker index"
    assert not any("fonts.googleapis" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
