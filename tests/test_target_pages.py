"""A page per target (kb.site.target_pages): value, unit, deadline, owner, its state by the one rule,
each report's progress as a bar drawn at build time; linked from the tracker and report pages;
public pages from public reports only; ``kb targets`` shows baseline and progress."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from searchkit import cli
from sitekit import make_tree, page

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.site.context import Site
from kb.site.target_pages import progress_bar, target_files

TARGET = "kr-data-scientists-trained"
WHAT = "Data scientists trained by the big data institute"


def test_a_target_page_has_its_facts_state_and_progress_bars(sample_site):
    site = sample_site / "site"
    html = (site / "kb" / "targets" / TARGET / "index.html").read_text(encoding="utf-8")
    target = page(site, f"kb/targets/{TARGET}")
    words = " ".join(target.text.split())
    assert target.headings[0][1].rstrip("¶").strip() == WHAT
    for fact in ("Target: 5,000 people", "Deadline: 2017", "Latest progress: 300 (July 2014)"):
        assert fact in words
    assert "State: Overdue (reported announced)" in words  # deadline 2017, no report since
    assert "kb/entities/ministry/msip/" in target.targets  # set by
    assert 'aria-label="300 of 5,000 people (6%)"' in html
    assert 'class="kb-progress-bar__done" x="0" y="2" width="6.0%"' in html
    assert "<script" not in html.split('class="kb-page kb-target-page"')[1].split("</article>")[0]


def test_the_tracker_and_report_pages_link_the_target_page(sample_site):
    site = sample_site / "site"
    href = f'href="/kb/targets/{TARGET}/">{WHAT}</a>'
    tracker = (site / "kb" / "targets" / "index.html").read_text(encoding="utf-8")
    assert href in tracker and 'aria-label="300 of 5,000 people (6%)"' in tracker
    report = (site / "kb/reports/2014-07-03-south-korea-innovation-and-openness/index.html").read_text()
    assert href in report


@pytest.mark.parametrize(
    "value,goal,width",
    [(300, 5000, "6.0%"), (0, 10, "0.0%"), (12, 10, "100.0%"), (2.5, 10, "25.0%")],
)
def test_progress_bar_share_is_capped_and_labelled(value, goal, width):
    bar = progress_bar(value, goal, "%")
    assert f'class="kb-progress-bar__done" x="0" y="2" width="{width}"' in bar
    assert 'role="img"' in bar and "<title>" in bar


@pytest.mark.parametrize("value,goal", [(None, 10), (3, None), (3, 0)])
def test_no_bar_without_both_figures(value, goal):
    assert progress_bar(value, goal, None) == ""


def test_public_target_pages_show_public_states_only(tmp_path: Path):
    tree = make_tree(tmp_path)
    knowledge = load(Project.at(tree), mentions=False)

    def pages(internal: bool) -> dict[str, str]:
        reports = knowledge.visible(internal)
        return target_files(Site(knowledge.registry, reports, internal, date(2024, 1, 1), "http://x/"))

    public = pages(False)["kb/targets/kr-health-pilots.md"]
    assert "On track" in public and "missed" not in public and "zqxleak" not in public.lower()
    staff = pages(True)["kb/targets/kr-health-pilots.md"]
    assert "Missed or dropped" in staff and "zqxleak-internal-target-update" in staff


def test_kb_targets_table_has_baseline_and_progress_columns(sample_site):
    out = cli(sample_site)("targets")
    assert out.exit_code == 0, out.output
    header = out.output.splitlines()[0].split()
    assert header[:4] == ["ID", "WHAT", "TARGET", "PROGRESS"]
    data = cli(sample_site)("targets", "--format", "json")
    assert data.exit_code == 0, data.output
    assert any(
        t["progress"] == 300 and t["progress_as_of"] == "2014-07" for t in json.loads(data.output)["targets"]
    )
    wide = cli(sample_site)("--width", "200", "targets")
    row = next(line for line in wide.output.splitlines() if "5,000 people" in line)
    assert "300 people (2014-07)" in row


@pytest.mark.browser
def test_the_tracker_filters_its_rows_without_a_server(browser, sample_site):
    with StaticServer(sample_site / "site") as server:
        tab = browser.new_page(viewport={"width": 375, "height": 800})
        try:
            tab.goto(server.url + "kb/targets/")
            tab.wait_for_load_state("load")
            rows = tab.locator("table[aria-label=Targets] tbody tr")
            total = rows.count()
            assert total > 5 and tab.locator(".kb-board-filters").is_visible()
            tab.select_option("select[data-filter=countries]", "VN")
            shown = tab.locator("table[aria-label=Targets] tbody tr:visible")
            assert 0 < shown.count() < total
            tab.select_option("select[data-filter=countries]", "")
            tab.select_option("select[data-filter=partners]", "msip")
            names = [t.inner_text() for t in tab.locator("tbody tr:visible a.kb-target-link").all()]
            assert WHAT in names
            assert f"{len(names)} of {total} targets shown" in tab.locator(".kb-board-filters").inner_text()
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        finally:
            tab.close()
        context = browser.new_context(java_script_enabled=False)
        try:
            plain = context.new_page()
            plain.goto(server.url + "kb/targets/")
            assert plain.locator("table[aria-label=Targets] tbody tr:visible").count() == total
        finally:
            context.close()
