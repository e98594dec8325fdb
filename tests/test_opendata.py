"""Open data: tables of reports, entities, opportunities and targets, as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitekit import INTERNAL_ID, PUBLIC_IDS, make_tree, public_reports

from kb.checks.knowledgebase import load
from kb.cli import main
from kb.export import tables
from kb.project import Project
from kb.tracking.model import track_opportunities, track_targets
from kb.util.formats import LIST_SEPARATOR


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path)


def test_export_writes_json_and_csv_that_round_trip(tree):
    result = kb(tree, "export", "--out", str(tree / "data"))
    assert result.exit_code == 0, result.output
    assert "wrote 10 files" in result.stdout and "4 reports" in result.stdout
    knowledge = load(Project.at(tree))
    expected = tables(knowledge.visible(False), knowledge.registry, date.today())
    for name, rows in expected.items():
        text = (tree / "data" / f"{name}.json").read_text(encoding="utf-8")
        assert json.loads(text) == rows
        assert json.loads(json.dumps(json.loads(text))) == rows
        read_back = list(
            csv.DictReader(io.StringIO((tree / "data" / f"{name}.csv").read_text(encoding="utf-8-sig")))
        )
        assert len(read_back) == len(rows)
        for row, csv_row in zip(rows, read_back, strict=True):
            assert list(csv_row) == list(row)
            for key, value in row.items():
                if isinstance(value, list):
                    assert csv_row[key] == LIST_SEPARATOR.join(map(str, value))
                else:
                    assert csv_row[key] == ("" if value is None else str(value))


def test_report_rows_hold_the_public_front_matter(tree):
    knowledge = load(Project.at(tree))
    rows = {
        r["id"]: r for r in tables(knowledge.visible(False), knowledge.registry, date(2024, 1, 1))["reports"]
    }
    assert sorted(rows) == sorted(PUBLIC_IDS)
    for report_id, meta in public_reports().items():
        row = rows[report_id]
        assert row["title"] == meta["title"] and row["date"] == meta["date"].isoformat()
        assert row["countries"] == meta["countries"]
        assert row["opportunities"] == [o["id"] for o in meta.get("opportunities", [])]
        assert row["page"] == f"kb/reports/{report_id}/"
    assert rows["2014-07-03-korea-open-data"]["authors"] == ["Science Team"]


def test_opportunities_group_by_id_latest_status_wins_every_report_kept(tree):
    knowledge = load(Project.at(tree))
    [health] = track_opportunities(knowledge.visible(False))
    assert health.id == "kr-health" and health.status == "agreed" and health.next_step == "Sign the MoU"
    assert [r.id for r in health.reports] == ["2014-07-03-korea-open-data", "2018-05-01-korea-health-data"]
    assert [(r.id, status) for r, status in health.history()] == [
        ("2014-07-03-korea-open-data", "identified"),
        ("2018-05-01-korea-health-data", "agreed"),
    ]
    assert health.partners == ("msit",)
    staff = {o.id: o for o in track_opportunities(knowledge.visible(True))}
    assert staff["kr-health"].status == "closed" and INTERNAL_ID in [r.id for r in staff["kr-health"].reports]


def test_targets_group_by_id_and_sort_by_deadline(tree):
    knowledge = load(Project.at(tree))
    tracked = track_targets(knowledge.visible(False), date(2024, 1, 1))
    assert [(t.id, t.state) for t in tracked] == [
        ("kr-open-sets", "met"),
        ("jp-old", "past"),  # its deadline, June 2018, is over; a 2019 report still says "announced"
        ("kr-health-pilots", "on-track"),  # reported on track, deadline 2099
        ("jp-robots", "unknown"),
    ]
    open_sets = tracked[0]
    assert open_sets.status == "met" and open_sets.unit == "%"
    assert [r.id for r in open_sets.reports] == ["2014-07-03-korea-open-data", "2018-05-01-korea-health-data"]


def test_include_internal_adds_internal_reports_and_columns(tree):
    result = kb(tree, "export", "--include-internal", "--out", str(tree / "staff"))
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads((tree / "staff" / "reports.json").read_text())}
    assert INTERNAL_ID in rows
    assert rows[INTERNAL_ID]["visibility"] == "internal"
    assert rows["2014-07-03-korea-open-data"]["internal_notes"] == "zqxleak-internal-notes"


def test_export_defaults_to_the_export_folder_and_replaces_its_files(tree):
    assert kb(tree, "export").exit_code == 0
    first = (tree / "export" / "reports.json").read_text()
    (tree / "reports" / "jp" / "2019-04-01-hostile.md").unlink()
    assert kb(tree, "export").exit_code == 0
    second = json.loads((tree / "export" / "reports.json").read_text())
    assert len(json.loads(first)) == 4 and len(second) == 3


def test_site_publishes_the_same_files_as_export(tree):
    from kb.site.build import generate

    generate(Project.at(tree), today=date.today())
    assert kb(tree, "export", "--out", str(tree / "data")).exit_code == 0
    exported = sorted(p for p in (tree / "data").iterdir() if p.name != ".kb-output")  # the folder's marker
    assert len(exported) == 10  # JSON and CSV of five tables
    for path in exported:
        assert (tree / "site_pages" / "kb" / "api" / path.name).read_text() == path.read_text(), path.name


def test_opportunity_events_table_has_one_row_per_report_with_status_and_next_step(tree):
    assert kb(tree, "export", "--out", str(tree / "events")).exit_code == 0
    text = (tree / "events" / "opportunity_events.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == '"opportunity","report","date","status","next_step"'
    rows = json.loads((tree / "events" / "opportunity_events.json").read_text())
    knowledge = load(Project.at(tree))
    expected = [
        (o.id, m.report.id, m.report.date.isoformat(), m.entry.status, m.entry.next_step)
        for o in sorted(track_opportunities(knowledge.visible(False)), key=lambda o: o.id)
        for m in o.mentions
    ]
    assert expected and [tuple(r.values()) for r in rows] == expected
    assert len(text.splitlines()) == len(expected) + 1
