"""``kb show ENTITY`` and ``kb related REPORT``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from searchkit import cli, make_tree

from kb.checks.knowledgebase import load
from kb.project import Project


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("show"))


def show(tree, *args) -> dict:
    result = cli(tree)("show", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "name", ["msit", "MSIT", "Ministry of Science and ICT", "ministry of science and ict"]
)
def test_any_name_finds_the_entity(tree, name):
    assert show(tree, name)["entity"]["id"] == "msit"


def test_names_over_time_and_reports_under_every_name(tree):
    data = show(tree, "MSIP")
    assert data["entity"]["id"] == "msip"
    assert [(n["id"], n["valid_from"], n["valid_to"], n["this"]) for n in data["names_over_time"]] == [
        ("msip", "2013-03", "2017-07-26", True),
        ("msit", "2017-07-26", None, False),
    ]
    reports = [r for r in load(Project.at(tree)).reports if r.is_public]
    expected = sorted((r.date.isoformat(), r.id) for r in reports if {"msip", "msit"} & set(r.entity_ids()))
    assert [(r["date"], r["id"]) for r in data["reports"]] == expected
    assert {r["id"]: r["tagged_as"] for r in data["reports"]}["2019-06-18-korea-ai-and-health"] == ["msit"]


def test_opportunities_targets_and_companions(tree):
    data = show(tree, "msit")
    assert [o["id"] for o in data["opportunities"]] == ["kr-health-records"]
    assert [t["id"] for t in data["targets"]] == ["kr-ai-talent"]
    reports = [r for r in load(Project.at(tree)).reports if r.is_public]
    counts = Counter(
        e
        for r in reports
        if {"msip", "msit"} & set(r.entity_ids())
        for e in r.entity_ids()
        if e not in ("msip", "msit")
    )
    assert {s["id"]: s["reports"] for s in data["seen_with"]} == dict(counts)
    assert data["seen_with"][0]["reports"] == max(counts.values())


def test_internal_reports_only_with_the_flag(tree):
    public = {r["id"] for r in show(tree, "METI")["reports"]}
    staff = {r["id"] for r in show(tree, "METI", "--include-internal")["reports"]}
    assert staff - public == {"2020-01-15-japan-health-internal"}


def test_text_output(tree):
    result = cli(tree)("show", "msit")
    assert result.exit_code == 0
    assert result.stdout.startswith("Ministry of Science and ICT (msit)\nkind: ministry\n")
    assert "names over time:" in result.stdout and "<- this entry" in result.stdout
    assert "reports (4):" in result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (("show", "MSTI"), "error: unknown entity 'MSTI' (did you mean msit or meti?)"),
        (
            ("related", "2014-07-03-korea-opn-data"),
            "error: no report '2014-07-03-korea-opn-data' (did you mean",
        ),
        (
            ("related", "2020-01-15-japan-health-internal"),
            "error: report '2020-01-15-japan-health-internal' is internal (add --include-internal",
        ),
    ],
)
def test_unknown_names_exit_2_with_a_suggestion(tree, args, message):
    result = cli(tree)(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_related_reports_share_entities(tree):
    run = cli(tree)
    data = json.loads(run("related", "reports/kr/2014-07-03-korea-open-data.md", "--format", "json").stdout)
    assert data["report"]["id"] == "2014-07-03-korea-open-data"
    first = data["related"][0]
    assert first["id"] == "2019-06-18-korea-ai-and-health"
    assert {"health-data", "msit"} <= set(first["shared"])
    assert "2020-01-15-japan-health-internal" not in {r["id"] for r in data["related"]}
    staff = json.loads(
        run("related", "2014-07-03-korea-open-data", "--include-internal", "--format", "json").stdout
    )
    assert [r["score"] for r in staff["related"]] == sorted(
        (r["score"] for r in staff["related"]), reverse=True
    )


# -- countries (issue 15, item 3) ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["KR", "kr", "Korea", "korea", "South Korea", "south korea", "ROK", "Republic of Korea"]
)
def test_a_country_by_code_or_common_name(tree, name):
    data = show(tree, name)
    assert data["country"] == {"code": "KR", "name": "South Korea"}
    assert data["reports"] == show(tree, "KR")["reports"]


def test_a_countrys_reports_bodies_opportunities_targets_and_years(tree):
    data = show(tree, "Korea")
    kb = load(Project.at(tree))
    # The public view: internal items of public reports are not shown either.
    korean = sorted((r for r in kb.visible(False) if "KR" in r.countries), key=lambda r: r.date)
    assert korean, "the tree has public reports about Korea"
    assert [(r["date"], r["title"]) for r in data["reports"]] == [
        (r.date.isoformat(), r.title) for r in korean
    ]
    assert data["years"] == sorted({r.date.year for r in korean})
    tagged = Counter(e for r in korean for e in set(r.entity_ids()))
    bodies = ("ministry", "agency", "department", "organisation")
    own = {e.id for e in kb.registry.entities.values() if e.country == "KR" and e.kind in bodies}
    assert {b["id"] for b in data["bodies"]} == own
    assert {b["id"]: b["reports"] for b in data["bodies"]}["msit"] == tagged["msit"] > 0
    others = {
        i for i in tagged if kb.registry.get(i) and kb.registry.entities[i].kind in bodies and i not in own
    }
    assert {b["id"] for b in data["also_tagged"]} == others
    assert {o["id"] for o in data["opportunities"]} == {o.id for r in korean for o in r.opportunities}
    assert {t["id"] for t in data["targets"]} == {t.id for r in korean for t in r.targets}
    assert "kr-zqxsecret-deal" not in {o["id"] for o in data["opportunities"]}
    japan = {r.id for r in kb.visible(False) if "JP" in r.countries}
    assert {r["id"] for r in show(tree, "Japan")["reports"]} == japan != {r["id"] for r in data["reports"]}


def test_a_countrys_internal_reports_only_with_the_flag(tree):
    public = {r["id"] for r in show(tree, "JP")["reports"]}
    staff = {r["id"] for r in show(tree, "JP", "--include-internal")["reports"]}
    assert staff - public == {"2020-01-15-japan-health-internal"}


def test_a_country_as_text(tree):
    result = cli(tree)("show", "ROK")
    assert result.exit_code == 0, result.stderr
    years = show(tree, "KR")["years"]
    assert result.stdout.startswith(
        f"South Korea (KR)\nkind: country\nyears covered: {years[0]} to {years[-1]} "
        f"({', '.join(map(str, years))})\n\nreports ("
    )
    for heading in (
        "bodies of South Korea (",
        "other bodies its reports tag (",
        "opportunities (",
        "targets (",
    ):
        assert "\n" + heading in result.stdout


def test_an_entity_name_wins_over_a_country_and_a_non_country_is_refused(tree):
    assert "entity" in show(tree, "msit")
    result = cli(tree)("show", "Narnia")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown entity 'Narnia' (list them with: kb entities)\n"
