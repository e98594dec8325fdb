"""The ready workflows of examples/ (and their copies in docs/publishing.md) are valid for their
services: each validated against the service's published schema (the GitHub workflow and GitLab
CI schemas that check-jsonschema vendors; actionlint could not be installed from the package
index here: its PyPI wrapper downloads the binary from GitHub as it builds) and the pre-commit
files by pre-commit itself."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from conftest import REPO

EXAMPLES = REPO / "examples"
SCHEMAS = {"github-workflow.yml": "vendor.github-workflows", "gitlab-ci.yml": "vendor.gitlab-ci"}


def validate(schema: str, path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_workflow_is_valid_for_its_service(name):
    result = validate(SCHEMAS[name], EXAMPLES / name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_the_schema_check_would_catch_a_broken_workflow(tmp_path):
    workflow = yaml.safe_load((EXAMPLES / "github-workflow.yml").read_text(encoding="utf-8"))
    workflow["jobs"]["check"]["runs-on"] = None  # a job with nowhere to run
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(workflow), encoding="utf-8")
    assert validate(SCHEMAS["github-workflow.yml"], broken).returncode == 1


def test_workflows_check_pull_requests_and_publish_two_sites_apart():
    github = yaml.safe_load((EXAMPLES / "github-workflow.yml").read_text(encoding="utf-8"))
    jobs = github["jobs"]
    runs = {name: [s.get("run", "") for s in job.get("steps", [])] for name, job in jobs.items()}
    assert "kb check --format github" in runs["check"]
    assert any("kb changes" in r and "--format github" in r for r in runs["check"])
    # --strict: a report left out by mistake (errors, open review points) fails the publication.
    assert "kb build --strict" in runs["public-site"] and "kb build --internal" not in runs["public-site"]
    assert "kb build --internal" in runs["staff-site"]
    assert any("site-internal/" in r for r in runs["staff-site"])
    assert [
        s["with"]["path"] for s in jobs["public-site"]["steps"] if "with" in s and "path" in s["with"]
    ] == ["site"]
    assert jobs["staff-site"]["environment"]["name"] == "staff"

    gitlab = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert gitlab["check"]["script"] == ["kb check --format gitlab > gl-code-quality-report.json"]
    assert "mv site public" in gitlab["pages"]["script"] and "kb build --strict" in gitlab["pages"]["script"]
    assert "kb build --internal" in gitlab["staff-site"]["script"]
    assert gitlab["staff-site"]["environment"]["name"] == "staff"


@pytest.mark.parametrize("name", ["github-workflow.yml", "gitlab-ci.yml", "pre-commit-config.yaml"])
def test_publishing_guide_shows_each_file_as_it_is(name):
    guide = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    assert (EXAMPLES / name).read_text(encoding="utf-8") in guide


def test_pre_commit_files_are_valid():
    for command, path in (
        ("validate-manifest", REPO / ".pre-commit-hooks.yaml"),
        ("validate-config", EXAMPLES / "pre-commit-config.yaml"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
