"""``kb opportunities`` and ``kb targets``: latest state per id, filters, overdue flags, formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import write
from searchkit import cli, make_tree

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.registry.filters import Filters
from kb.report.dates import parse_fuzzy
from kb.tracking.listing import list_opportunities, list_targets
from kb.tracking.model import (
    OPPORTUNITY_COLUMNS,
    TARGET_COLUMNS,
    TARGET_STATES,
    target_state,
    track_opportunities,
    track_targets,
)


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
    record = items[0].as_json()
    assert record["title"] == "Health records research partnership"
    assert record["status"] == "active"
    assert record["partners"] == ["msit", "open-data-institute"]
    assert (record["first_seen"], record["last_seen"]) == ("2014-07-03", "2019-06-18")
    assert record["reports"] == ["2014-07-03-korea-open-data", "2019-06-18-korea-ai-and-health"]
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
        t.id: t.as_row() for t in list_targets(Project.at(tree), Filters(), today=date(2024, 1, 1)).items
    }
    assert set(items) == {"kr-open-data-sets", "jp-solar", "jp-hydrogen", "kr-ai-talent"}
    data_sets = items["kr-open-data-sets"]
    assert (data_sets["status"], data_sets["value"], data_sets["unit"], data_sets["owner"]) == (
        "on-track",
        60,
        "%",
        "nia",
    )
    assert data_sets["reports"][-1] == "2015-05-01-korea-smart-grid"


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
    assert {t.id for t in items if t.state == "overdue"} == expected
    flagged = list_targets(
        Project.at(tree), Filters(), today=today, include_internal=include_internal, states=("overdue",)
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
    assert {r["state"] for r in rows} == {"overdue"}
    table = run("targets")
    assert table.stdout.splitlines()[0].split() == [
        "ID",
        "WHAT",
        "TARGET",
        "PROGRESS",
        "DEADLINE",
        "STATE",
        "LAST",
        "SEEN",
    ]
    assert "overdue" in table.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("opportunities", "--status", "actve"),
            "error: --status 'actve' is not one of identified, discussed, agreed, active, closed "
            "(did you mean 'active'",
        ),
        (("targets", "--sector", "enrgy"), "error: unknown sector 'enrgy' in --sector (did you mean energy"),
        (("targets", "--until", "2016-13"), "error: --until: '2016-13' is not a real date"),
    ],
)
def test_bad_filters_exit_2_with_one_line(tree, args, message):
    result = cli(tree)(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


UPDATES = {
    # (file, date, statuses by opportunity id): files named against their dates on purpose, and
    # two reports on one day (the later id wins).
    "kr/a-2016.md": ("2016-05-01", {"kr-a": "agreed", "kr-b": "identified"}),
    "kr/b-2014.md": ("2014-02-01", {"kr-a": "identified", "kr-c": "discussed"}),
    "kr/c-2016.md": ("2016-05-01", {"kr-b": "active"}),
    "kr/d-2015.md": ("2015-01-01", {"kr-a": "discussed", "kr-c": "closed"}),
}


@pytest.fixture
def updates(tmp_path) -> Path:
    make_tree(tmp_path)
    for name, (day, statuses) in UPDATES.items():
        entries = "".join(
            f"  - {{id: {oid}, title: {oid.upper()}, status: {status}}}\n" for oid, status in statuses.items()
        )
        write(
            tmp_path / "reports" / name,
            f"---\ntitle: Update {name}\ndate: {day}\ncountries: [KR]\ntype: meeting-note\n"
            f"visibility: public\nopportunities:\n{entries}---\n\nText.\n",
        )
    return tmp_path


def test_the_latest_report_by_date_then_id_gives_the_status(updates):
    items = {o.id: o for o in list_opportunities(Project.at(updates), Filters()).items}
    assert {k: items[k].status for k in ("kr-a", "kr-b", "kr-c")} == {
        "kr-a": "agreed",
        "kr-b": "active",  # a-2016 and c-2016 are of one day: the later id, c-2016, wins
        "kr-c": "closed",
    }
    assert [(r.id, status) for r, status in items["kr-a"].history()] == [
        ("b-2014", "identified"),
        ("d-2015", "discussed"),
        ("a-2016", "agreed"),
    ]


# -- one rule for a target's state ---------------------------------------------------------------
@pytest.mark.parametrize(
    "status, deadline, last_seen, state",
    [
        ("met", "2016", "2015-01-01", "met"),
        ("met", None, "2015-01-01", "met"),
        ("missed", "2016", "2015-01-01", "closed"),
        ("dropped", "2030", "2015-01-01", "closed"),  # ended before its deadline
        (None, None, "2015-01-01", "unknown"),
        ("announced", None, "2023-01-01", "unknown"),
        ("on-track", "2024", "2015-01-01", "on-track"),  # all of 2024 is the deadline, and said on track
        ("on-track", None, "2023-01-01", "unknown"),  # on track towards no deadline: nobody can tell
        ("announced", "2024-03", "2015-01-01", "due"),  # today is in March 2024
        ("announced", "2024-02-29", "2015-01-01", "overdue"),
        ("on-track", "2016", "2016-12-31", "overdue"),  # the last report is of the deadline's last day
        (None, "2016", "2014-01-01", "overdue"),
        ("on-track", "2016", "2017-01-01", "past"),  # a report after the deadline did not say
        ("announced", "2023-12", "2024-01-15", "past"),
    ],
)
def test_target_state(status, deadline, last_seen, state):
    day = date.fromisoformat(last_seen)
    assert target_state(status, parse_fuzzy(deadline) if deadline else None, day, date(2024, 3, 1)) == state


def test_every_state_is_named_and_the_site_has_a_label_for_each():
    from kb.site.context import STATE_LABELS

    assert TARGET_STATES == ("on-track", "due", "overdue", "past", "met", "closed", "unknown")
    assert tuple(STATE_LABELS) == TARGET_STATES


def test_state_and_flagged_options(tree):
    run = cli(tree)
    overdue = run("targets", "--state", "overdue", "--format", "json")
    flagged = run("targets", "--flagged", "--format", "json")
    assert json.loads(overdue.stdout) == json.loads(flagged.stdout)
    ids = {t["id"]: t["state"] for t in json.loads(run("targets", "--format", "json").stdout)["targets"]}
    due = json.loads(run("targets", "--state", "due", "--state", "met", "--format", "json").stdout)
    assert {t["id"] for t in due["targets"]} == {i for i, s in ids.items() if s in ("due", "met")} != set()
    bad = run("targets", "--state", "overdeu")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "error: --state 'overdeu' is not one of on-track, due, overdue, past, met, closed, unknown "
        "(did you mean 'overdue' or 'due'?)\n"
    )
    far = run("targets", "--state", "xyzzy")
    assert far.stderr == (
        "error: --state 'xyzzy' is not one of on-track, due, overdue, past, met, closed, unknown "
        "(one of: on-track, due, overdue, past, met, closed, unknown)\n"
    )


# -- the CLI's CSV is the published CSV ----------------------------------------------------------
@pytest.mark.parametrize(
    "kind, columns", [("opportunities", OPPORTUNITY_COLUMNS), ("targets", TARGET_COLUMNS)]
)
def test_cli_csv_has_the_columns_and_rows_of_the_published_csv(tree, kind, columns):
    run = cli(tree)
    assert run("export", "--out", str(tree / "data")).exit_code == 0
    published = (tree / "data" / f"{kind}.csv").read_text(encoding="utf-8")
    printed = run(kind, "--format", "csv").stdout_bytes.decode("utf-8")

    def rows(text):
        return sorted(
            csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")), key=lambda r: r["id"]
        )

    assert next(csv.reader(io.StringIO(printed.removeprefix("\ufeff")))) == list(columns)
    assert next(csv.reader(io.StringIO(published.removeprefix("\ufeff")))) == list(columns)
    assert rows(printed) == rows(published) != []


def test_rows_have_the_columns_in_order(tree):
    knowledge = load(Project.at(tree))
    reports = knowledge.visible(True)
    assert [tuple(o.as_row()) for o in track_opportunities(reports)] == [OPPORTUNITY_COLUMNS] * 2
    assert {tuple(t.as_row()) for t in track_targets(reports, date(2024, 1, 1))} == {TARGET_COLUMNS}
