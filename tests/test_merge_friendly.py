"""Two branches that each add an entity (kb import --accept-new-entities) and a report merge in
git without a conflict: new entities get a file each, and no registry file is rewritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitkit import commit_all, git, init

from kb.cli import main

CASES = Path(__file__).parent / "import_cases"


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture
def kb_tree(tmp_path: Path) -> Path:
    """A project whose registry is the import cases' registry, with no reports yet."""
    shutil.copytree(CASES / "registry", tmp_path / "reports" / "registry")
    return tmp_path


def test_two_branches_adding_entities_and_reports_merge_cleanly(kb_tree):
    init(kb_tree)
    registry_before = {p.name: p.read_bytes() for p in (kb_tree / "reports/registry").iterdir()}

    git(kb_tree, "switch", "-q", "-c", "hanoi")
    hanoi = kb(kb_tree, "import", "--accept-new-entities", str(CASES / "04-vn-rice.txt"))
    assert hanoi.exit_code == 0, hanoi.output
    commit_all(kb_tree, "Hanoi: rice report, MARD")

    git(kb_tree, "switch", "-q", "main")
    git(kb_tree, "switch", "-q", "-c", "delhi")
    delhi = kb(kb_tree, "import", "--accept-new-entities", str(CASES / "03-in-solar.html"))
    assert delhi.exit_code == 0, delhi.output
    commit_all(kb_tree, "Delhi: solar report, MoP")

    git(kb_tree, "switch", "-q", "main")
    assert git(kb_tree, "merge", "-q", "--no-edit", "hanoi").returncode == 0
    merged = git(kb_tree, "merge", "--no-edit", "delhi", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert git(kb_tree, "status", "--porcelain").stdout == ""

    registry = kb_tree / "reports/registry"
    assert {
        p.name: p.read_bytes() for p in registry.iterdir() if p.name in registry_before
    } == registry_before
    added = sorted(p.name for p in registry.iterdir() if p.name not in registry_before)
    assert "imported-vn-mard.yml" in added and "imported-in-mop.yml" in added
    reports = sorted(p.name for p in (kb_tree / "reports").rglob("*.md"))
    assert len(reports) == 2
    checked = kb(kb_tree, "check")
    assert checked.exit_code == 0, checked.output


def test_the_same_entity_added_on_two_branches_is_a_real_conflict(kb_tree):
    init(kb_tree)
    for branch in ("one", "two"):
        git(kb_tree, "switch", "-q", "main")
        git(kb_tree, "switch", "-q", "-c", branch)
        assert kb(kb_tree, "import", "--accept-new-entities", str(CASES / "04-vn-rice.txt")).exit_code == 0
        path = kb_tree / "reports/registry/imported-vn-mard.yml"
        path.write_text(path.read_text(encoding="utf-8") + f"# checked on {branch}\n", encoding="utf-8")
        commit_all(kb_tree, branch)
    git(kb_tree, "switch", "-q", "main")
    git(kb_tree, "merge", "-q", "--no-edit", "one")
    merged = git(kb_tree, "merge", "--no-edit", "two", check=False)
    assert merged.returncode == 1
    assert "CONFLICT (add/add): Merge conflict in reports/registry/imported-vn-mard.yml" in merged.stdout
