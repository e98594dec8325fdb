"""The pre-commit hook (.pre-commit-hooks.yaml): `kb check` on the changed files only, with the
rules across reports applied to the whole knowledge base.

The library and CLI behaviour is tested here directly; one test runs the hook for real with
``pre-commit try-repo`` (pre-commit installs bilateral-kb from this checkout and its dependencies
from the package index into its own environment).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import GOOD_REPORT, REPO, write
from gitkit import GIT_ENV, git, init

from kb.checks.knowledgebase import check
from kb.project import Project

CHANGED = "reports/kr/2014-08-01-korea-follow-up.md"
UNCHANGED_BAD = "reports/kr/2014-01-01-korea-old.md"


def two_reports(kb_tree: Path) -> None:
    """A changed report that supersedes an unchanged one (a rule across reports), and an
    unchanged report with an error of its own, which the hook must not show."""
    write(
        kb_tree / CHANGED,
        GOOD_REPORT.replace(
            "disclaimer: standard\n", "disclaimer: standard\nsupersedes: 2014-07-03-korea-open-data\n"
        )
        .replace("date: 2014-07-03", "date: 2014-08-01")
        .replace("sectors: [health-data]", "sectors: [wind]"),
    )
    write(
        kb_tree / UNCHANGED_BAD,
        GOOD_REPORT.replace("date: 2014-07-03", "date: 2014-01-01").replace("[msip, nia]", "[nobody]"),
    )


ERROR = (
    f"{CHANGED}:8:11: error [unknown-entity] unknown sector id: 'wind' (not in the registry: add it to "
    "reports/registry/entities.yml as '- {id: wind, name: <its full English name>, kind: sector}', then check again)"
)


def test_given_files_only_their_problems_with_the_whole_base_loaded(kb_tree):
    two_reports(kb_tree)
    result = check(Project.at(kb_tree), [kb_tree / CHANGED])
    # no 'supersedes unknown report': the report it supersedes was loaded though not named
    assert [p.render() for p in result.problems] == [ERROR]
    assert result.checked == 1


def test_given_files_a_repeated_id_is_still_found(kb_tree):
    copy = "reports/jp/2014-07-03-korea-open-data.md"
    write(kb_tree / copy, GOOD_REPORT)
    result = check(Project.at(kb_tree), [kb_tree / copy])
    # reported on the unchanged report (the second of the two), naming the one asked for
    assert [p.render() for p in result.problems] == [
        "reports/kr/2014-07-03-korea-open-data.md:2:1: error [duplicate-id] report id "
        f"'2014-07-03-korea-open-data' is also used by {copy} (rename the file or set a different 'id:')"
    ]


def test_a_registry_file_named_checks_every_report(kb_tree):
    two_reports(kb_tree)
    registry = kb_tree / "reports/registry/entities.yml"
    result = check(Project.at(kb_tree), [registry])
    assert {p.path for p in result.problems} == {CHANGED, UNCHANGED_BAD}  # never "not a report"


def test_hook_definition():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "kb-check"
    assert hook["entry"] == "kb check"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    assert files.search("reports/kr/2014-07-03-a.md") and files.search("reports/registry/people.yml")
    assert not files.search("README.md") and not files.search("docs/index.md")


@pytest.mark.slow
def test_pre_commit_try_repo_shows_only_the_changed_reports_problems(kb_tree, tmp_path_factory):
    """The hook as a team runs it: pre-commit installs it from this repository and runs it on the
    staged report."""
    if shutil.which("git") is None:
        pytest.fail("git is needed")
    two_reports(kb_tree)
    changed = (kb_tree / CHANGED).read_text(encoding="utf-8")
    (kb_tree / CHANGED).unlink()
    init(kb_tree)
    write(kb_tree / CHANGED, changed)
    git(kb_tree, "add", CHANGED)
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "kb-check", "--verbose"],
        cwd=kb_tree,
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "kb check" in output and "Failed" in output
    assert ERROR in output, output
    assert UNCHANGED_BAD not in output  # an unchanged report's problem is not the committer's
    assert "unknown-report" not in output  # the superseded report was found: the whole base was loaded
