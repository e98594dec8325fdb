"""Opportunities as records: history, stages, staleness, related ones (kb.tracking.history), the
pipeline of ``kb opportunities`` (``--stale``, ``--partner``) and ``kb show <opportunity-id>``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import write
from searchkit import cli, make_tree

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.registry.filters import Filters
from kb.tracking.history import (
    STAGES,
    add_months,
    event_rows,
    history,
    next_step_date,
    progress_line,
    related,
    stale_reason,
)
from kb.tracking.listing import find_opportunity, list_opportunities
from kb.tracking.model import track_opportunities

# Two more reports on the searchkit tree: a later public one with a dated next step and a
# neighbour sharing a partner and the sector, and an internal one whose status must stay staff-only.
EXTRA = {
    "kr/2021-02-10-korea-health-follow-up.md": """\
---
title: "Korea: health records follow-up"
date: 2021-02-10
countries: [KR]
type: meeting-note
visibility: public
ministries: [msit]
sectors: [health-data]
opportunities:
  - {id: kr-health-records, title: Health records research partnership, status: active, next_step: Sign a data sharing memorandum by March 2021., sectors: [health-data], partners: [msit, open-data-institute]}
  - {id: kr-genomics, title: Genomics data exchange, status: identified, next_step: Ask MSIT about a pilot., sectors: [health-data], partners: [msit]}
  - {id: kr-grid-pilot, title: Smart grid pilot, status: discussed, sectors: [energy]}
---

The ministry came back on the health records work and raised genomics.
""",
    "kr/2021-06-01-korea-health-staff.md": """\
---
title: "Korea: health records (staff only)"
date: 2021-06-01
countries: [KR]
type: briefing
visibility: internal
ministries: [msit]
sectors: [health-data]
opportunities:
  - {id: kr-health-records, title: Health records research partnership, status: closed, next_step: Zqxclosing note, partners: [msit]}
---

Zqxstaff view of the partnership.
""",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("history"))
    for name, text in EXTRA.items():
        write(root / "reports" / name, text)
    return root


def tracked(tree: Path, include_internal: bool = False):
    return track_opportunities(load(Project.at(tree), mentions=False).visible(include_internal))


def by_id(items, wanted):
    return next(o for o in items if o.id == wanted)


def test_history_lists_every_report_in_date_order_with_status_and_next_step(tree):
    rows = [r for r in event_rows(tracked(tree)) if r["opportunity"] == "kr-health-records"]
    assert [(r["report"], r["status"]) for r in rows] == [
        ("2014-07-03-korea-open-data", "identified"),
        ("2019-06-18-korea-ai-and-health", "active"),
        ("2021-02-10-korea-health-follow-up", "active"),
    ]
    assert rows[-1]["next_step"] == "Sign a data sharing memorandum by March 2021."
    assert progress_line(by_id(tracked(tree), "kr-health-records")) == (
        "identified, 3 July 2014 → active, 18 June 2019"
    )


def test_internal_reports_statuses_and_next_steps_only_with_include_internal(tree):
    public = json.dumps(event_rows(tracked(tree)))
    assert "zqx" not in public.lower() and "2021-06-01-korea-health-staff" not in public
    staff = [r for r in event_rows(tracked(tree, True)) if r["opportunity"] == "kr-health-records"]
    assert (staff[-1]["status"], staff[-1]["next_step"]) == ("closed", "Zqxclosing note")


def test_stages_are_the_statuses_the_format_allows():
    assert STAGES == ("identified", "discussed", "agreed", "active", "closed")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Launch a joint call in the second half of 2017.", date(2017, 12, 31)),
        ("Sign by March 2021.", date(2021, 3, 31)),
        ("Meet on 2024-03-05, then again in 2023.", date(2024, 3, 5)),
        ("Meet on 5 June 2024.", date(2024, 6, 5)),
        ("Ask MSIT about a pilot.", None),
        (None, None),
    ],
)
def test_next_step_dates(text, expected):
    assert next_step_date(text) == expected


def test_stale_by_silence_or_by_a_past_next_step_and_never_when_closed(tree):
    items = tracked(tree)
    health = by_id(items, "kr-health-records")  # last report 2021-02-10, next step due March 2021
    assert stale_reason(health, date(2021, 9, 30)) is None  # six months after March 2021: not yet
    reason = stale_reason(health, date(2021, 10, 1))
    assert reason and "next step was due by 31 March 2021" in reason
    genomics = by_id(items, "kr-genomics")  # no date in its next step
    assert stale_reason(genomics, add_months(date(2021, 2, 10), 18)) is None
    reason = stale_reason(genomics, date(2022, 8, 11))
    assert reason and "no report since 10 February 2021" in reason
    closed = by_id(tracked(tree, True), "kr-health-records")
    assert closed.status == "closed" and stale_reason(closed, date(2030, 1, 1)) is None


def test_related_ranked_by_shared_partners_sectors_country(tree):
    items = tracked(tree)
    found = related(by_id(items, "kr-health-records"), items)
    # genomics shares msit (3) + health-data (2) + KR (1); the grid pilot only KR (1)
    assert [(r.opportunity.id, r.score) for r in found] == [("kr-genomics", 6), ("kr-grid-pilot", 1)]
    assert found[0].shared == {"partner": ("msit",), "sector": ("health-data",), "country": ("KR",)}


def test_history_record(tree):
    items = tracked(tree)
    record = history(by_id(items, "kr-genomics"), items, date(2021, 3, 1)).as_json()
    assert record["stage"] == "identified" and record["stale"] is None
    assert [e["report"] for e in record["events"]] == ["2021-02-10-korea-health-follow-up"]
    assert record["related"][0]["id"] == "kr-health-records"


# -- the CLI and its library function --------------------------------------------------------
def test_pipeline_grouped_by_stage_in_stage_order(tree):
    out = cli(tree)("opportunities")
    assert out.exit_code == 0, out.output
    text = out.output
    assert text.index("identified (1):") < text.index("discussed (1):") < text.index("active (1):")
    assert "closed" not in text  # the internal report's status stays out
    assert "NEXT STEP" in text and "LAST SEEN" in text and "PARTNERS" in text
    # the genomics row sits under "identified", before the next stage
    assert text.index("kr-genomics") < text.index("discussed (1):")


def test_stale_option(tree):
    staleness = list_opportunities(Project.at(tree), Filters(), stale=True, today=date(2021, 10, 1))
    assert {o.id for o in staleness.items} == {"kr-health-records"}
    out = cli(tree)("opportunities", "--stale", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["total"] == 3  # it is long after 2021 now: every one of them is stale
    assert all(item["stale"] for item in data["opportunities"])
    assert {item["stage"] for item in data["opportunities"]} == {"identified", "discussed", "active"}


def test_partner_option_resolves_names_and_renames(tree):
    ids = {o.id for o in list_opportunities(Project.at(tree), Filters(), partners=("MSIP",)).items}
    assert ids == {"kr-health-records", "kr-genomics"}  # msit was msip: the lineage counts
    out = cli(tree)("opportunities", "--partner", "ODI", "--format", "csv")
    assert out.exit_code == 0, out.output
    assert "kr-health-records" in out.output and "kr-genomics" not in out.output


def test_sector_and_country_options(tree):
    out = cli(tree)("opportunities", "--sector", "energy", "--country", "KR", "--format", "json")
    assert [o["id"] for o in json.loads(out.output)["opportunities"]] == ["kr-grid-pilot"]


@pytest.mark.parametrize(
    "args,message,hint",
    [
        (("--partner", "MSITT"), "error: unknown partner 'MSITT' in --partner", "did you mean"),
        (("--sector", "enrgy"), "error: unknown sector", "did you mean"),
        (("--country", "XX"), "error: unknown country 'XX'", "("),
    ],
)
def test_bad_options_are_one_line_errors(tree, args, message, hint):
    out = cli(tree)("opportunities", *args)
    assert out.exit_code != 0
    assert message in out.output and hint in out.output
    assert "Traceback" not in out.output


def test_show_an_opportunity_prints_its_history(tree):
    out = cli(tree)("show", "kr-health-records")
    assert out.exit_code == 0, out.output
    assert "stage: active" in out.output
    assert "progress: identified, 3 July 2014 → active, 18 June 2019" in out.output
    lines = out.output.splitlines()
    dates = [line.split()[0] for line in lines if line.startswith("  20")]
    assert dates == ["2014-07-03", "2019-06-18", "2021-02-10"]
    assert "Zqx" not in out.output
    assert "Genomics data exchange (kr-genomics)" in out.output  # related


def test_show_an_opportunity_as_json_and_for_staff(tree):
    out = cli(tree)("show", "kr-health-records", "--include-internal", "--format", "json")
    data = json.loads(out.output)
    assert data["events"][-1]["status"] == "closed" and data["stage"] == "closed"
    assert data["include_internal"] is True


def test_show_an_internal_only_opportunity_needs_include_internal(tree):
    out = cli(tree)("show", "kr-zqxsecret-deal")
    assert out.exit_code != 0 and "is internal" in out.output and "--include-internal" in out.output
    assert find_opportunity(Project.at(tree), "kr-zqxsecret-deal", include_internal=True) is not None


def test_show_still_shows_entities_and_refuses_unknown_names(tree):
    assert "Ministry of Science and ICT" in cli(tree)("show", "msit").output
    out = cli(tree)("show", "kr-nothing-here")
    assert out.exit_code != 0 and "error: unknown entity 'kr-nothing-here'" in out.output
