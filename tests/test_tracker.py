"""``kb opportunities`` and ``kb targets``: latest state per id, filters, overdue flags, formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from searchkit import cli, copy_sample, make_tree

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.registry.filters import Filters
from kb.tracking.listing import list_opportunities, list_targets


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("tracker"))


def opportunity_ids(tree, **filters) -> set[str]:
    return {o.id for o in list_opportunities(Project.at(tree), Filters(**filters)).items}


def target_ids(tree, *, today=date(2024, 1, 1), **filters) -> set[str]:
    return {t.id for t in list_targets(Project.at(tree), Filters(**filters), today=today).items}


def test_an_opportunity_seen_twice_is_listed_once_as_the_latest_report_says(tree):
    items = list_opportunities(Project.at(tree), Filters()).items
    assert [o.id for o in items] == ["kr-health-records"]
    record = items[0].as_dict()
    assert record["title"] == "Health records research partnership"
    assert record["status"] == "active"
    assert record["partners"] == ["msit", "open-data-institute"]
    assert (record["first_seen"], record["last_seen"]) == ("2014-07-03", "2019-06-18")
    assert record["report"] == "2019-06-18-korea-ai-and-health"
    assert [(m["report"], m["status"]) for m in record["mentions"]] == [
        ("2014-07-03-korea-open-data", "identified"),
        ("2019-06-18-korea-ai-and-health", "active"),
    ]


def test_internal_opportunities_only_for_staff(tree):
    staff = list_opportunities(Project.at(tree), Filters(), include_internal=True).items
    assert {o.id for o in staff} == {"kr-health-records", "kr-zqxsecret-deal"}


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"ministries": ("msip",)}, {"kr-health-records"}),  # partner msit is msip renamed
        ({"organisations": ("ODI",)}, {"kr-health-records"}),
        ({"sectors": ("health-data",)}, {"kr-health-records"}),
        ({"sectors": ("energy",)}, set()),
        ({"countries": ("KR",)}, {"kr-health-records"}),
        ({"countries": ("JP",)}, set()),
        ({"since": "2019"}, {"kr-health-records"}),
        ({"until": "2014-12-31"}, {"kr-health-records"}),
        ({"since": "2015", "until": "2018"}, set()),
        ({"types": ("meeting-note",)}, {"kr-health-records"}),
    ],
)
def test_opportunity_filters(tree, filters, expected):
    assert opportunity_ids(tree, **filters) == expected


def test_status_filter_uses_the_latest_status(tree):
    project = Project.at(tree)
    assert [o.id for o in list_opportunities(project, Filters(), statuses=("active",)).items] == [
        "kr-health-records"
    ]
    assert list_opportunities(project, Filters(), statuses=("identified",)).items == []


def test_targets_take_the_latest_values_and_keep_earlier_ones(tree):
    items = {
        t.id: t.as_dict() for t in list_targets(Project.at(tree), Filters(), today=date(2024, 1, 1)).items
    }
    assert set(items) == {"kr-open-data-sets", "jp-solar", "jp-hydrogen", "kr-ai-talent"}
    data_sets = items["kr-open-data-sets"]
    assert (data_sets["status"], data_sets["value"], data_sets["unit"], data_sets["owner"]) == (
        "on-track",
        60,
        "%",
        "nia",
    )
    assert data_sets["report"] == "2015-05-01-korea-smart-grid"


@pytest.mark.parametrize(
    "today,include_internal,expected",
    [
        # Deadline passed, no later report, status not final.
        (date(2024, 1, 1), False, {"kr-open-data-sets", "jp-solar", "jp-hydrogen"}),
        # For staff, the internal 2020 report says the hydrogen target was met: no flag. The internal
        # 2018 target is reported on in 2019, after its deadline: no flag either.
        (date(2024, 1, 1), True, {"kr-open-data-sets", "jp-solar"}),
        # A deadline of "2016" lasts until the end of 2016; 2017-03 until the end of March 2017.
        (date(2016, 12, 31), False, set()),
        (date(2017, 1, 1), False, {"kr-open-data-sets"}),
        (date(2017, 4, 1), False, {"kr-open-data-sets", "jp-hydrogen"}),
    ],
)
def test_overdue_targets_are_flagged(tree, today, include_internal, expected):
    items = list_targets(Project.at(tree), Filters(), today=today, include_internal=include_internal).items
    assert {t.id for t in items if t.flagged} == expected
    flagged = list_targets(
        Project.at(tree), Filters(), today=today, include_internal=include_internal, flagged_only=True
    ).items
    assert {t.id for t in flagged} == expected


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"ministries": ("meti",)}, {"jp-solar", "jp-hydrogen"}),  # their owner
        ({"ministries": ("nia",)}, {"kr-open-data-sets"}),
        ({"ministries": ("MSIP",)}, {"kr-ai-talent"}),  # owner msit, msip renamed
        ({"sectors": ("energy",)}, {"kr-open-data-sets", "jp-solar", "jp-hydrogen"}),  # reports' sectors
        ({"sectors": ("health-data",)}, {"kr-open-data-sets", "kr-ai-talent"}),
        ({"countries": ("JP",), "sectors": ("energy",)}, {"jp-solar", "jp-hydrogen"}),
    ],
)
def test_target_filters(tree, filters, expected):
    assert target_ids(tree, **filters) == expected


def test_cli_json_and_csv(tree):
    run = cli(tree)
    data = json.loads(run("opportunities", "--format", "json").stdout)
    assert set(data) == {"kind", "filters", "include_internal", "total", "opportunities"}
    assert data["total"] == 1 and data["opportunities"][0]["id"] == "kr-health-records"
    result = run("targets", "--flagged", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert {r["id"] for r in rows} == {"kr-open-data-sets", "jp-solar", "jp-hydrogen"}
    assert {r["flagged"] for r in rows} == {"yes"}
    table = run("targets")
    assert table.stdout.splitlines()[0].split() == [
        "ID",
        "WHAT",
        "TARGET",
        "DEADLINE",
        "STATUS",
        "LAST_SEEN",
        "FLAG",
    ]
    assert "FLAGGED" in table.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("opportunities", "--status", "actve"),
            "error: unknown status 'actve' in --status (did you mean 'active'",
        ),
        (("targets", "--sector", "enrgy"), "error: unknown sector 'enrgy' in --sector (did you mean energy"),
        (("targets", "--until", "2016-13"), "error: --until: '2016-13' is not a real date"),
    ],
)
def test_bad_filters_exit_2_with_one_line(tree, args, message):
    result = cli(tree)(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_sample_opportunities_have_the_latest_status(tmp_path):
    root = copy_sample(tmp_path)
    reports = load(Project.at(root)).visible(include_internal=False)
    latest: dict[str, tuple] = {}
    for report in reports:
        for item in report.opportunities:
            key = (report.date, report.id)
            if item.id not in latest or key > latest[item.id][0]:
                latest[item.id] = (key, item.status)
    if not latest:
        pytest.skip("the sample has no opportunities yet")
    items = list_opportunities(Project.at(root), Filters()).items
    assert {o.id: o.status for o in items} == {k: v[1] for k, v in latest.items()}
