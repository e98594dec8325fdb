"""`kb check --format github|gitlab`: the problems in the forms GitHub Actions and GitLab read.

The expected strings follow the services' documentation:
- GitHub, "Workflow commands for GitHub Actions" (``::error file={name},line={line},col={col},
  title={title}::{message}``) and the runner toolkit's escaping (``escapeData``: ``%``, CR, LF;
  ``escapeProperty``: those and ``:`` and ``,``);
- GitLab, "Code Quality" report format (a JSON array of issues with ``description``,
  ``check_name``, ``fingerprint``, ``severity`` in info/minor/major/critical/blocker, and
  ``location.path`` with ``location.lines.begin``).
"""

from __future__ import annotations

import json

from kb.checks.formats import (
    CHECK_FORMATS,
    escape_data,
    escape_property,
    github_command,
    gitlab_issues,
    render_check,
)
from kb.checks.knowledgebase import CheckResult, check
from kb.problems import Problem
from kb.project import Project

PATH = "reports/kr/2014-07-03-korea-open-data.md"


def test_github_escaping_follows_the_runner_toolkit():
    # the toolkit's own test cases (command.test.ts): data and property escaping
    assert escape_data("percent % percent % cr \r cr \r lf \n lf \n") == (
        "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A"
    )
    assert escape_property("percent % cr \r lf \n colon : comma ,") == (
        "percent %25 cr %0D lf %0A colon %3A comma %2C"
    )
    # a message keeps ':' and ',' (only a property's value needs them escaped)
    assert escape_data("a: b, c") == "a: b, c"


def test_github_command_has_the_documented_shape():
    problem = Problem(PATH, 7, 12, "error", "unknown-tag", "unknown sector 'wind'", "did you mean 'energy'?")
    assert github_command(problem) == (
        f"::error file={PATH},line=7,col=12,title=kb check [unknown-tag]"
        "::unknown sector 'wind'%0Adid you mean 'energy'?"
    )
    warning = Problem(PATH, 3, 1, "warning", "untagged-mention", "MSIT named but not tagged")
    assert github_command(warning) == (
        f"::warning file={PATH},line=3,col=1,title=kb check [untagged-mention]::MSIT named but not tagged"
    )


def test_github_command_cannot_be_ended_or_forged_by_the_text():
    # A file name or message holding '::' or a newline must not start a second command.
    problem = Problem("reports/a,b:c.md", 1, 1, "error", "bad-yaml", "x\n::error::forged %0A")
    line = github_command(problem)
    assert "\n" not in line
    assert line == (
        "::error file=reports/a%2Cb%3Ac.md,line=1,col=1,title=kb check [bad-yaml]::x\\n::error::forged %250A"
    )


def test_gitlab_issue_has_the_documented_fields():
    problem = Problem(PATH, 42, 3, "error", "unknown-tag", "unknown sector 'wind'", "did you mean 'energy'?")
    (issue,) = gitlab_issues([problem])
    assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert issue["description"] == "unknown sector 'wind' (did you mean 'energy'?)"
    assert issue["check_name"] == "unknown-tag"
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": PATH, "lines": {"begin": 42}}
    assert len(issue["fingerprint"]) == 32 and int(issue["fingerprint"], 16) >= 0
    (warning,) = gitlab_issues([Problem(PATH, 1, 1, "warning", "w", "m")])
    assert warning["severity"] == "minor"


def test_gitlab_fingerprints_are_unique_and_survive_a_line_shift():
    same = Problem(PATH, 5, 1, "error", "unknown-tag", "unknown sector 'wind'")
    moved = Problem(PATH, 9, 1, "error", "unknown-tag", "unknown sector 'wind'")
    first, second = gitlab_issues([same, same])
    assert first["fingerprint"] != second["fingerprint"]  # GitLab shows one issue per fingerprint
    assert gitlab_issues([moved])[0]["fingerprint"] == first["fingerprint"]


def test_render_check_in_every_format(kb_tree):
    (kb_tree / PATH).write_text(
        (kb_tree / PATH).read_text(encoding="utf-8").replace("sectors: [health-data]", "sectors: [wind]"),
        encoding="utf-8",
    )
    result = check(Project.at(kb_tree))
    assert result.errors == 1
    (problem,) = result.problems
    assert render_check(result, "text") == problem.render() + "\n"
    assert render_check(result, "github") == github_command(problem) + "\n"
    assert json.loads(render_check(result, "gitlab")) == gitlab_issues([problem])
    assert json.loads(render_check(result, "json"))["errors"] == 1
    assert set(CHECK_FORMATS) == {"text", "json", "github", "gitlab"}
    clean = CheckResult([], 1)
    assert render_check(clean, "github") == ""
    assert render_check(clean, "gitlab") == "[]\n"  # an empty report: GitLab then shows no issues


def test_a_report_with_one_error_gives_one_annotation_on_its_line(run, kb_tree):
    """The issue's "done when": a pull request adds a report with one error."""
    added = "reports/kr/2014-09-01-korea-more.md"
    text = (kb_tree / PATH).read_text(encoding="utf-8").replace("sectors: [health-data]", "sectors: [wind]")
    (kb_tree / added).write_text(text.replace("2014-07-03", "2014-09-01"), encoding="utf-8")
    result = run("check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={added},line=8,col=11,title=kb check [unknown-entity]"
        "::unknown sector id: 'wind'%0Anot in the registry: add it to reports/registry/entities.yml as "
        "'- {id: wind, name: <its full English name>, kind: sector}', then check again\n"
    )
    assert result.stderr == "1 error, 0 warnings in 2 reports\n"


def test_gitlab_format_end_to_end(run, kb_tree):
    text = (kb_tree / PATH).read_text(encoding="utf-8").replace("sectors: [health-data]", "sectors: [wind]")
    (kb_tree / PATH).write_text(text, encoding="utf-8")
    result = run("check", "--format", "gitlab")
    assert result.exit_code == 1
    (issue,) = json.loads(result.stdout)
    assert issue["location"] == {"path": PATH, "lines": {"begin": 8}}
    assert issue["check_name"] == "unknown-entity" and issue["severity"] == "major"


def test_cli_format_choices_are_the_librarys():
    from kb.changes.render import CHANGES_FORMATS
    from kb.cli import main
    from kb.export import EXPORT_FORMATS

    def choices(command: str) -> tuple[str, ...]:
        (option,) = [p for p in main.commands[command].params if p.name == "fmt"]
        return tuple(option.type.choices)

    assert choices("check") == CHECK_FORMATS
    assert choices("changes") == CHANGES_FORMATS
    assert choices("export") == EXPORT_FORMATS


def test_an_unknown_format_is_a_usage_error(run):
    result = run("check", "--format", "gitub")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --format 'gitub' is not one of text, json, github, gitlab (did you mean 'github' or 'gitlab'?)\n"
    )
