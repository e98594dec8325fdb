"""The built site: cross-links, pages, navigation, feeds, escaping, and the Zensical build."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitekit import INTERNAL_ID, PUBLIC_IDS, Page, crawl, ids_in, make_tree, page, public_reports, tagged_ids

from kb.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("site"))
    result = kb(root, "build")
    assert result.exit_code == 0, result.output
    assert "built site: 4 reports" in result.stdout
    return root


@pytest.fixture(scope="module")
def site(tree: Path) -> Path:
    return tree / "site"


def registry_entities(tree: Path) -> dict[str, str]:
    """Entity id -> kind, from the registry files (plain YAML, independent of kb)."""
    import yaml

    found = {}
    for path in (tree / "reports" / "registry").glob("*.yml"):
        data = yaml.safe_load(path.read_text())
        default = (data.get("defaults") or {}).get("kind")
        for entity in data.get("entities") or []:
            found[entity["id"]] = entity.get("kind", default)
    return found


# -- cross-links -------------------------------------------------------------------------------
def test_each_entity_page_lists_exactly_the_reports_tagging_it(tree, site):
    reports = public_reports()
    for entity_id, kind in registry_entities(tree).items():
        expected = {rid for rid, meta in reports.items() if entity_id in tagged_ids(meta)}
        listed = ids_in(page(site, f"kb/entities/{kind}/{entity_id}").section_links("reports-"), "kb/reports")
        assert listed == expected, entity_id


def test_each_report_page_links_to_every_entity_it_tags(site):
    for report_id, meta in public_reports().items():
        links = page(site, f"kb/reports/{report_id}").targets
        assert tagged_ids(meta) <= ids_in(links, r"kb/entities/[a-z]+"), report_id


def test_renamed_entities_link_both_ways_and_list_reports_under_other_names(site):
    msip, msit = page(site, "kb/entities/ministry/msip"), page(site, "kb/entities/ministry/msit")
    assert "msit" in ids_in(msip.section_links("names-over-time"), "kb/entities/ministry")
    assert "msip" in ids_in(msit.section_links("names-over-time"), "kb/entities/ministry")
    assert "Renamed to" in msip.text and "Renamed from" in msit.text
    reports = public_reports()
    for entity, other, html in (("msip", "msit", msip), ("msit", "msip", msit)):
        expected = {
            rid
            for rid, meta in reports.items()
            if other in tagged_ids(meta) and entity not in tagged_ids(meta)
        }
        assert ids_in(html.section_links("reports-under-its-other-names"), "kb/reports") == expected
    assert ids_in(msit.section_links("reports-under-its-other-names"), "kb/reports") == {
        "2014-07-03-korea-open-data"
    }


def test_each_opportunity_links_to_its_reports_with_the_latest_status(site):
    board = (site / "kb" / "opportunities" / "index.html").read_text()
    entries = re.findall(r'<li class="kb-board-entry"(.*?)</li>', board, re.DOTALL)
    health = [e for e in entries if "Health big data" in e]
    assert len(health) == 1, "one entry per opportunity on the board"
    assert 'data-partners="msip msit"' in health[0], "a partner answers to its names over time"
    resolver = Page("", "kb/opportunities")
    links = [resolver.resolve(h) for h in re.findall(r'href="([^"]+)"', health[0])]
    assert "kb/opportunities/kr-health/" in links
    assert ids_in(links, "kb/reports") == {"2018-05-01-korea-health-data"}  # its last report
    opportunity = page(site, "kb/opportunities/kr-health")
    assert ids_in(opportunity.targets, "kb/reports") == {
        "2014-07-03-korea-open-data",
        "2018-05-01-korea-health-data",
    }
    assert re.search(
        r"<td[^>]*>agreed</td>", str((site / "kb/opportunities/kr-health/index.html").read_text())
    )
    report = page(site, "kb/reports/2014-07-03-korea-open-data")
    assert "Latest status: agreed" in " ".join(report.text.split())


def test_body_links_the_first_mention_of_each_entity_only(site):
    html = (site / "kb" / "reports" / "2014-07-03-korea-open-data" / "index.html").read_text()
    body = html.split('<div class="kb-body">')[1].split("</div>")[0]
    mentions = re.findall(r'<a class="kb-mention" href="([^"]+)"[^>]*>([^<]+)</a>', body)
    assert mentions == [
        ("/kb/entities/ministry/msip/", "MSIP"),
        ("/kb/entities/agency/nia/", "National Information Society Agency"),
    ]
    assert "MSIP again" in body


# -- pages ----------------------------------------------------------------------------------------
def test_report_page_shows_facts_blocks_source_and_disclaimer(site):
    report = page(site, "kb/reports/2014-07-03-korea-open-data")
    text = " ".join(report.text.split())
    for expected in (
        "Date: 3 July 2014",
        "Visit: 23 to 25 June 2014; Seoul",
        "Authors: Science Team",
        "Opportunity: Health big data",
        "Open data sets",
        "Related reports",
        "Published by: UK Trade & Investment",
        "Source: https://www.gov.uk/example",
        "Licence: Open Government Licence v3.0",
        "Cite this report: Science Team (2014). Korea: open data. Knowledge base. "
        "http://127.0.0.1:8000/kb/reports/2014-07-03-korea-open-data/",
        "For information only.",
    ):
        assert expected in text, expected
    assert "https://www.gov.uk/example" in report.links
    assert "Replaced by: Korea: health data agreed" in text
    later = page(site, "kb/reports/2018-05-01-korea-health-data")
    assert "Replaces: Korea: open data" in " ".join(later.text.split())
    assert "Replaced by" not in later.text  # only by an internal report
    assert report.title == "Korea: open data - Knowledge base"


def test_targets_tracker_sorted_by_deadline_with_states(site):
    html = (site / "kb" / "targets" / "index.html").read_text()
    rows = [re.sub(r"<[^>]+>", "", r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.DOTALL)][1:]
    cells = [[c.strip() for c in re.split(r"\n", row) if c.strip()] for row in rows]
    order = [(c[0], c[1]) for c in cells]
    assert order == [
        ("2016", "Open data sets"),
        ("June 2018", "Factory robots"),
        ("2099", "Health data pilots"),
        ("Robots in care homes", "1,000"),
    ]
    states = {c[1]: c for c in cells}
    assert "Met" in states["Open data sets"]  # reported met in 2018, after its 2016 deadline
    assert "Past deadline" in states["Factory robots"]
    assert "On track" in states["Health data pilots"]  # deadline 2099, reported on track
    assert "No deadline" in cells[-1]


def test_home_page_is_a_front_door_with_search_ways_in_and_latest_reports(site):
    html = (site / "index.html").read_text()
    home = Page(html)
    text = " ".join(home.text.split())
    assert home.title == "Knowledge base"
    assert "4 reports from 2014 to 2019, about 2 countries." in text
    form = html.split('<form class="kb-home-search"')[1].split("</form>")[0]
    assert 'action="/kb/find/"' in form and 'name="words"' in form
    assert "Japan 2 reports" in text and "South Korea 2 reports" in text
    assert "Robotics 2 reports" in text
    assert "Health big data (agreed; South Korea): 1 May 2018" in text
    sections = [heading for _id, heading in home.headings]
    order = ["Countries", "Sectors", "Latest opportunities", "Latest reports"]
    assert [h.rstrip("¶").strip() for h in sections if h.rstrip("¶").strip() in order] == order
    assert ids_in(home.section_links("latest-reports"), "kb/reports") == set(PUBLIC_IDS)
    assert "kb/feeds/all.xml" in home.targets


def test_navigation_lists_index_pages_never_reports(tree, site):
    config = (tree / "mkdocs.yml").read_text()
    nav = config.split("\nnav:")[1].split("\nnot_in_nav")[0]
    assert "kb/reports/index.md" in nav and not re.search(r"kb/reports/\d", nav)
    for tab in ("Reports", "Countries", "Sectors", "Opportunities", "Targets", "About"):
        assert f"- {tab}:" in nav
    html = (site / "kb" / "reports" / PUBLIC_IDS[0] / "index.html").read_text()
    navigation = html.split('<nav class="md-nav md-nav--primary')[1]
    navigation = navigation.split('<nav class="md-nav md-nav--secondary')[0]
    assert "Opportunities" in navigation
    assert not any(report_id in navigation for report_id in PUBLIC_IDS), "reports stay out of the sidebar"


def test_every_page_is_reachable_from_home_and_no_internal_link_is_broken(site):
    unreachable, broken = crawl(site)
    assert broken == []
    assert unreachable == set()


def test_report_title_with_html_shows_as_text(site):
    html = (site / "kb" / "reports" / "2019-04-01-hostile" / "index.html").read_text()
    parsed = Page(html)
    assert parsed.title == "<img src=x onerror=alert(1)> - Knowledge base"
    assert parsed.headings[0][1].rstrip("¶").strip() == "<img src=x onerror=alert(1)>"
    content = Page(html.split("<article")[1].split("</article>")[0])
    assert content.elements, "the article was found"
    for tag, attributes in content.elements:
        assert tag not in ("iframe", "style", "object", "embed", "script", "form")
        for name in ("href", "src"):
            assert not (attributes.get(name) or "").strip().lower().startswith(("javascript:", "data:"))
    for tag, attributes in parsed.elements:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.DOTALL)
    assert not any("alert" in s for s in scripts)
    evil = Page((site / "kb" / "entities" / "organisation" / "evil-corp" / "index.html").read_text())
    assert not any(tag == "b" or "onmouseover" in a for tag, a in evil.elements)
    assert "<b onmouseover=alert(2)>Evil Corp</b>" in evil.text


# -- feeds -----------------------------------------------------------------------------------------
def feed_ids(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return [
        re.search(r"/kb/reports/([a-z0-9-]+)/$", e.find(f"{ATOM}id").text).group(1)
        for e in root.findall(f"{ATOM}entry")
    ]


def test_atom_feeds_are_valid_xml_with_the_expected_entries(site):
    feeds = site / "kb" / "feeds"
    assert sorted(feed_ids(feeds / "all.xml")) == sorted(PUBLIC_IDS)
    assert sorted(feed_ids(feeds / "sector-health-data.xml")) == [
        "2014-07-03-korea-open-data",
        "2018-05-01-korea-health-data",
    ]
    assert sorted(feed_ids(feeds / "country-jp.xml")) == ["2019-03-01-japan-robots", "2019-04-01-hostile"]
    assert feed_ids(
        feeds / "sector-open-data.xml"
        if (feeds / "sector-open-data.xml").exists()
        else feeds / "sector-energy.xml"
    )
    root = ET.parse(feeds / "all.xml").getroot()
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert "<img src=x onerror=alert(1)>" in titles  # text in XML, escaped by the serialiser


def test_sector_and_country_pages_link_their_feeds(site):
    sector = page(site, "kb/entities/sector/health-data")
    assert any(link.endswith("feeds/sector-health-data.xml") for link in sector.links)
    assert any(
        tag == "link"
        and a.get("rel") == "alternate"
        and a.get("href", "").endswith("feeds/sector-health-data.xml")
        for tag, a in sector.elements
    )
    country = page(site, "kb/countries/kr")
    assert any(link.endswith("feeds/country-kr.xml") for link in country.links)


# -- builds ----------------------------------------------------------------------------------------
def test_internal_build_goes_to_its_own_folder_and_trees_never_mix(tree, site):
    result = kb(tree, "build", "--internal")
    assert result.exit_code == 0, result.output
    internal = tree / "site-internal"
    assert (internal / "kb" / "reports" / INTERNAL_ID / "index.html").exists()
    assert not (site / "kb" / "reports" / INTERNAL_ID).exists()
    assert not (tree / "site_pages" / "kb" / "reports" / f"{INTERNAL_ID}.md").exists()
    assert (tree / ".kb" / "site-internal-docs" / "kb" / "reports" / f"{INTERNAL_ID}.md").exists()
    assert "Internal notes" in page(internal, f"kb/reports/{INTERNAL_ID}").text


def test_a_report_made_internal_loses_its_public_page(tmp_path):
    root = make_tree(tmp_path)
    assert kb(root, "build").exit_code == 0
    path = root / "reports" / "jp" / "2019-03-01-japan-robots.md"
    path.write_text(path.read_text().replace("visibility: public", "visibility: internal"))
    assert kb(root, "build").exit_code == 0
    assert not (root / "site_pages" / "kb" / "reports" / "2019-03-01-japan-robots.md").exists()
    assert not (root / "site" / "kb" / "reports" / "2019-03-01-japan-robots").exists()


def test_build_reports_left_out_reports_and_strict_failures(tmp_path):
    root = make_tree(tmp_path)
    (root / "reports" / "kr" / "2015-01-01-broken.md").write_text("---\ntitle: [\n---\n")
    result = kb(root, "build")
    assert result.exit_code == 0
    assert "left out: reports/kr/2015-01-01-broken.md" in result.stderr
    (root / "site_pages" / "about.md").write_text("[broken](no-such-page.md)\n")
    failed = kb(root, "build")
    assert failed.exit_code == 1
    assert failed.stderr.startswith("error: mkdocs build failed:") and "no-such-page.md" in failed.stderr


def test_serve_refuses_other_hosts(tmp_path):
    root = make_tree(tmp_path)
    result = kb(root, "serve", "--address", "0.0.0.0:8000")
    assert result.exit_code == 2
    assert "served on this machine only" in result.stderr


def test_report_pages_do_not_grow_with_the_knowledge_base(tmp_path):
    from datetime import date

    from kb.checks.knowledgebase import load
    from kb.project import Project
    from kb.site.context import Site
    from kb.site.report_pages import report_page

    root = make_tree(tmp_path)
    sizes = []
    for extra in (10, 80):
        for n in range(extra):
            path = root / "reports" / "kr" / f"2016-01-{n % 28 + 1:02d}-filler-{n}.md"
            path.write_text(
                f"---\ntitle: Filler {n}\ndate: 2016-01-{n % 28 + 1:02d}\ncountries: [KR]\n"
                f"type: briefing\nvisibility: public\nministries: [msip, nia]\n"
                f"sectors: [health-data]\n---\n\nMSIP and health data, again {n}.\n"
            )
        knowledge = load(Project.at(root))
        built = Site(knowledge.registry, knowledge.visible(False), False, date(2024, 1, 1), "http://x/")
        markdown = report_page(built, knowledge.report("2014-07-03-korea-open-data"))
        sizes.append((len(re.findall(r'href="[^"]*/reports/', markdown)), len(markdown)))
    assert sizes[0][0] == sizes[1][0]
    assert abs(sizes[0][1] - sizes[1][1]) < 200  # only numbers in titles differ


# -- Zensical ---------------------------------------------------------------------------------------
def test_the_generated_tree_builds_with_zensical(tree, tmp_path):
    pytest.importorskip("zensical")
    copy = tmp_path / "copy"
    shutil.copytree(
        tree,
        copy,
        ignore=lambda folder, _names: {"site", "site-internal", ".kb"} if Path(folder) == tree else set(),
    )
    zensical = Path(sys.executable).with_name("zensical")
    command = [str(zensical)] if zensical.exists() else [sys.executable, "-m", "zensical"]
    result = subprocess.run([*command, "build", "--strict"], cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    built = copy / "site"
    for report_id in PUBLIC_IDS:
        assert (built / "kb" / "reports" / report_id / "index.html").exists()
    report = page(built, "kb/reports/2014-07-03-korea-open-data")
    assert "/kb/entities/ministry/msip/" in report.links  # body mention, root-relative
    chips = [
        a.get("href") for tag, a in report.elements if tag == "a" and "kb-chip" in (a.get("class") or "")
    ]
    assert "/kb/entities/ministry/msip/" in chips  # report pages are HTML: root-relative links
    assert (built / "kb" / "feeds" / "all.xml").exists() and (built / "kb" / "api" / "reports.json").exists()
    hostile = page(built, "kb/reports/2019-04-01-hostile")
    assert hostile.title.startswith("<img src=x onerror=alert(1)>")
    assert not any(any(n.startswith("on") for n in a) for _t, a in hostile.elements)


def test_search_index_of_generated_pages_is_the_index_of_the_built_site(site, tmp_path):
    """kb build runs Pagefind on the generated report pages while MkDocs builds the site
    (kb.site.pagefind): the bundle must be the one Pagefind makes from the built site."""
    from kb.site.pagefind import index_search

    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=lambda folder, _names: {"pagefind"} if Path(folder) == site else set())
    index_search(copy)

    def files(folder: Path) -> tuple[dict[str, bytes], list[bytes]]:
        """Each file's content, decompressed; a filter file's content in sorted bytes, because
        Pagefind writes the values of a filter in a different order from one run to the next."""
        found, filters = {}, []
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if path.suffix.startswith(".pf_"):
                    data = gzip.decompress(data)
                if path.suffix == ".pf_filter":
                    filters.append(bytes(sorted(data)))
                elif path.suffix != ".pf_meta" and path.name != "pagefind-entry.json":  # hold the hashes
                    found[path.relative_to(folder).as_posix()] = data
        return found, sorted(filters)

    built, concurrent = files(copy / "pagefind"), files(site / "pagefind")
    assert any(name.startswith("fragment/") for name in built[0]) and built[1]
    assert any(name.startswith("index/") for name in built[0])
    assert concurrent == built


def test_generated_html_pages_read_as_markdown_give_the_same_html(tree):
    """kb build hands pages marked kb_html to the theme as they are (kb.site.passthrough); a
    builder without the hook (Zensical, plain MkDocs) reads them as Markdown: same HTML."""
    import markdown
    import yaml

    config = yaml.safe_load((tree / "mkdocs.yml").read_text())
    extensions, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        extensions.append(name)
        if options:
            configs[name] = options
    checked = 0
    for path in sorted((tree / "site_pages" / "kb").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front, body = text[4:].split("\n---\n", 1)
        if "kb_html: true" not in front.splitlines():
            continue
        rendered = markdown.markdown(body, extensions=extensions, extension_configs=configs)
        assert rendered.strip() == body.strip(), path
        checked += 1
    assert checked > 20  # report, entity, country, year and index pages
