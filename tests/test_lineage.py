"""Lineage with kinds (issue 15, item 1): only a rename makes one body of two registry entries.

The sample registry (reports/registry/) is read here with plain PyYAML, independently of kb's
reader, and every succession in it is checked through the CLI: ``kb search --organisation X``
(or ``--ministry X``) returns exactly the public reports tagging X or a name X had or took by
rename, and ``--with-predecessors`` adds those tagging a body X was split or merged from.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, write

from kb.cli import main
from kb.registry.loading import load_registry
from kb.registry.model import KINDS


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


# -- the sample registry, read independently ----------------------------------------------------
def _registry() -> dict[str, dict]:
    entities = {}
    for path in sorted((REPO / "reports" / "registry").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        defaults = data.get("defaults") or {}
        for entry in data.get("entities") or []:
            entities[entry["id"]] = {**defaults, **entry}
    return entities


REGISTRY = _registry()


def _links() -> list[tuple[str, str, str]]:
    """Every (old, new, kind) of the sample registry; every one is written explicitly there."""
    links = []
    for entity_id, entry in REGISTRY.items():
        succession = entry.get("superseded_by")
        if succession is None:
            continue
        assert isinstance(succession, dict), f"{entity_id}: the sample writes every kind out"
        by = succession["by"] if isinstance(succession["by"], list) else [succession["by"]]
        links.extend((entity_id, new, succession["kind"]) for new in by)
    return links


LINKS = _links()


def renamed_family(entity_id: str) -> set[str]:
    family, todo = set(), [entity_id]
    while todo:
        current = todo.pop()
        if current in family:
            continue
        family.add(current)
        todo += [n for o, n, k in LINKS if o == current and k == "rename"]
        todo += [o for o, n, k in LINKS if n == current and k == "rename"]
    return family


def with_predecessors(entity_id: str) -> set[str]:
    found, todo = set(renamed_family(entity_id)), list(renamed_family(entity_id))
    while todo:
        current = todo.pop()
        for old in (o for o, n, _k in LINKS if n == current):
            for other in renamed_family(old) - found:
                found.add(other)
                todo.append(other)
    return found


def _public_reports() -> dict[str, set[str]]:
    """Public report id -> every id its front matter tags."""
    out = {}
    for path in sorted((REPO / "reports").rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if meta.get("visibility") != "public" or meta.get("review"):
            continue
        out[path.stem] = {
            value
            for name in ("ministries", "organisations", "sectors", "projects")
            for value in meta.get(name) or []
        }
    return out


PUBLIC = _public_reports()
BODIES = sorted({i for link in LINKS for i in link[:2]})


def test_the_sample_has_every_kind_of_succession():
    assert {k for _o, _n, k in LINKS} >= {"rename", "split", "merger"}
    assert ("beis", "dsit", "split") in LINKS and ("msip", "msit", "rename") in LINKS
    assert {("fco", "fcdo", "merger"), ("dfid", "fcdo", "merger")} <= set(LINKS)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lineage")
    shutil.copytree(REPO / "reports", root / "reports")
    assert kb(root, "index").exit_code == 0
    return root


def search(root: Path, entity_id: str, *extra: str) -> set[str]:
    option = "--ministry" if KINDS[REGISTRY[entity_id]["kind"]] == "ministries" else "--organisation"
    result = kb(root, "search", option, entity_id, "--format", "json", "--limit", "100", *extra)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == len(data["results"])
    return {r["id"] for r in data["results"]}


@pytest.mark.parametrize("entity_id", BODIES)
def test_a_body_finds_only_reports_tagging_it_or_a_name_it_had(sample, entity_id):
    family = renamed_family(entity_id)
    expected = {report for report, tags in PUBLIC.items() if tags & family}
    assert search(sample, entity_id) == expected


@pytest.mark.parametrize("entity_id", BODIES)
def test_with_predecessors_adds_the_bodies_it_was_split_or_merged_from(sample, entity_id):
    family = with_predecessors(entity_id)
    expected = {report for report, tags in PUBLIC.items() if tags & family}
    assert search(sample, entity_id, "--with-predecessors") == expected


def test_dsit_is_not_a_new_name_of_everything(sample):
    """The issue's own example: 12 of 15 reports came back for DSIT."""
    assert search(sample, "dsit") == {r for r, tags in PUBLIC.items() if "dsit" in tags}
    assert len(search(sample, "dsit")) == 2
    assert search(sample, "msit") == {r for r, tags in PUBLIC.items() if tags & {"msip", "msit"}}
    older = search(sample, "dsit", "--with-predecessors") - search(sample, "dsit")
    assert older and all(PUBLIC[r] & {"beis", "bis", "decc"} for r in older)


def test_related_shares_only_what_both_reports_tag_under_one_bodys_names(sample):
    for report, tags in PUBLIC.items():
        result = kb(sample, "related", report, "--format", "json", "--limit", "20")
        assert result.exit_code == 0, result.output
        for item in json.loads(result.stdout)["related"]:
            for shared in item["shared"]:
                family = renamed_family(shared) if shared in REGISTRY else {shared}
                assert tags & family and PUBLIC[item["id"]] & family, (report, item["id"], shared)


def test_show_gives_names_over_time_apart_from_history(sample):
    result = kb(sample, "show", "DSIT", "--format", "json")
    data = json.loads(result.stdout)
    assert [n["id"] for n in data["names_over_time"]] == ["dsit"]
    assert {r["id"] for r in data["reports"]} == {r for r, tags in PUBLIC.items() if "dsit" in tags}
    assert [(h["kind"], h["from"], h["to"]) for h in data["history"]] == [
        ("split", ["beis"], ["dbt", "dsit", "desnz"])
    ]
    text = kb(sample, "show", "BEIS").stdout
    assert (
        "history (other bodies; searched with --with-predecessors):\n"
        "  formed by the merger of Department for Business, Innovation and Skills (BIS) and Department of "
        "Energy and Climate Change (DECC) on 2016-07-14\n"
        "  split into Department for Business and Trade (DBT), Department for Science, Innovation and "
        "Technology (DSIT) and Department for Energy Security and Net Zero (DESNZ) on 2023-02-07\n"
    ) in text
    msip = json.loads(kb(sample, "show", "MSIP", "--format", "json").stdout)
    assert [n["id"] for n in msip["names_over_time"]] == ["msip", "msit"] and msip["history"] == []


# -- how registry files are read ----------------------------------------------------------------
OLD_STYLE = """\
defaults: {kind: department, country: GB}
entities:
  - {id: old, name: Old, valid_to: 2010, superseded_by: new}
  - {id: new, name: New, valid_from: 2010}
  - {id: whole, name: Whole, valid_to: 2023, superseded_by: [part-a, part-b]}
  - {id: part-a, name: Part A}
  - {id: part-b, name: Part B}
  - {id: left, name: Left, valid_to: 2020-09-02, superseded_by: joined}
  - {id: right, name: Right, valid_to: 2020-09-02, superseded_by: joined}
  - {id: joined, name: Joined}
"""


def test_plain_lists_keep_working_and_a_guessed_merger_asks_for_the_explicit_form(tmp_path):
    write(tmp_path / "registry" / "old.yml", OLD_STYLE)
    registry, problems = load_registry(tmp_path / "registry", display=lambda p: p.name)
    assert (registry.kind_of("old", "new"), registry.lineage("new")) == ("rename", ["old", "new"])
    assert registry.kind_of("whole", "part-a") == "split" and registry.lineage("part-a") == ["part-a"]
    assert registry.kind_of("left", "joined") == "merger" and registry.lineage("joined") == ["joined"]
    assert registry.former_bodies("joined") == ["left", "right"]
    assert [(p.level, p.code, p.line, p.message, p.hint) for p in problems] == [
        (
            "warning",
            "ambiguous-lineage",
            8,
            "left: superseded_by: joined is read as a merger, as joined also replaces right",
            "say so: superseded_by: {kind: merger, by: joined, date: 2020-09-02}",
        ),
        (
            "warning",
            "ambiguous-lineage",
            9,
            "right: superseded_by: joined is read as a merger, as joined also replaces left",
            "say so: superseded_by: {kind: merger, by: joined, date: 2020-09-02}",
        ),
    ]


def test_the_explicit_form_is_read_and_kept_in_the_entity_list(tmp_path):
    write(
        tmp_path / "registry" / "new.yml",
        OLD_STYLE.replace(
            "superseded_by: joined", "superseded_by: {kind: merger, by: joined, date: 2020-09-02}"
        ),
    )
    registry, problems = load_registry(tmp_path / "registry", display=lambda p: p.name)
    assert problems == []
    left = registry.get("left")
    assert left is not None and (left.superseded_by, left.succession, str(left.succession_date)) == (
        ("joined",),
        "merger",
        "2020-09-02",
    )
    assert left.as_row()["succession"] == "merger"


def test_entity_pages_show_history_apart_and_count_only_their_own_names(sample_site):
    def page(kind: str, entity_id: str) -> str:
        html = (sample_site / "site" / "kb" / "entities" / kind / entity_id / "index.html").read_text()
        return " ".join(html.split())

    dsit = page("department", "dsit")
    tagging = sum("dsit" in tags for tags in PUBLIC.values())
    assert f"Reports ({tagging})" in dsit
    assert "Names over time" not in dsit and "Reports under its other names" not in dsit
    assert '<h2 id="history">History<a class="headerlink"' in dsit
    assert "Formed in part from <a href=" in dsit and "(BEIS)</a> on 2023-02-07 (split)." in dsit
    msit = page("ministry", "msit")
    assert "Names over time" in msit and '<h2 id="history">' not in msit


def test_a_tag_of_a_body_that_was_split_or_merged_says_what_became_of_it(tmp_path):
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    report = tmp_path / "reports" / "kr" / "2024-06-05-ai-seoul-summit-follow-up.md"
    text = report.read_text(encoding="utf-8")
    assert "organisations: [fcdo, dsit," in text
    report.write_text(
        text.replace("organisations: [fcdo, dsit,", "organisations: [fco, beis,"), encoding="utf-8"
    )
    result = kb(tmp_path, "check")
    assert [line for line in result.stdout.splitlines() if "name-not-current" in line] == [
        "reports/kr/2024-06-05-ai-seoul-summit-follow-up.md:15:17: warning [name-not-current] 'fco' (Foreign and "
        "Commonwealth Office) was not the current name on 2024-06-05 (it existed 1968 to 2020-09-02, then was "
        "merged into fcdo: tag fcdo)",
        "reports/kr/2024-06-05-ai-seoul-summit-follow-up.md:15:22: warning [name-not-current] 'beis' (Department "
        "for Business, Energy and Industrial Strategy) was not the current name on 2024-06-05 (it existed "
        "2016-07-14 to 2023-02-07, then was split into dbt, dsit, desnz: tag the one the report means)",
    ]
