"""``kb check``'s problems in the forms that tools and hosting services read.

- ``text``: ``path:line:col: level [code] message (hint)``, one a line (:meth:`Problem.render`).
- ``json``: the problems and the counts, for scripts.
- ``github``: GitHub Actions workflow commands (``::error file=...,line=...,col=...,title=...::message``),
  which the runner turns into annotations on the changed lines of a pull request.
- ``gitlab``: a GitLab Code Quality report (a JSON list of issues with ``description``,
  ``check_name``, ``fingerprint``, ``severity`` and ``location``), shown in a merge request.

Both service formats follow the services' documentation; ``tests/test_check_formats.py`` holds
the documented examples.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from kb.checks.knowledgebase import CheckResult
from kb.problems import Problem
from kb.util.characters import printable
from kb.util.formats import to_json

#: The values of ``kb check --format``.
CHECK_FORMATS = ("text", "json", "github", "gitlab")

#: A check problem's level as GitLab's severity (info, minor, major, critical, blocker): an
#: error keeps a report off every output, a warning does not.
GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, carriage return and line feed percent-encoded, so that
    no text can end the command or start another one."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``): as :func:`escape_data`, and
    ``:`` and ``,``, which separate the properties, too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(problem: Problem) -> str:
    """One problem as a workflow command: ``::error`` or ``::warning`` at its file, line and column,
    titled by its code; the hint on a second line of the message."""
    message = printable(problem.message)
    if problem.hint:
        message += "\n" + printable(problem.hint)
    properties = ",".join(
        f"{name}={escape_property(value)}"
        for name, value in (
            ("file", problem.path),
            ("line", str(problem.line)),
            ("col", str(problem.column)),
            ("title", f"kb check [{problem.code}]"),
        )
    )
    return f"::{problem.level} {properties}::{escape_data(message)}"


def github_commands(problems: Iterable[Problem]) -> str:
    return "".join(github_command(p) + "\n" for p in problems)


def gitlab_issues(problems: Iterable[Problem]) -> list[dict]:
    """The Code Quality issues. A fingerprint names the file, code and message (and which of several
    alike it is) but not the line, so that a problem moved by an edit above it is not reported as
    fixed and found again; GitLab shows only the first issue of each fingerprint, so each is unique."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for problem in problems:
        key = (problem.path, problem.code, problem.message)
        seen[key] += 1
        hint = f" ({problem.hint})" if problem.hint else ""
        issues.append(
            {
                "description": printable(problem.message + hint),
                "check_name": problem.code,
                "fingerprint": _fingerprint(*key, seen[key]),
                "severity": GITLAB_SEVERITY[problem.level],
                "location": {"path": problem.path, "lines": {"begin": problem.line}},
            }
        )
    return issues


def _fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    text = "\0".join((path, code, message, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def render_check(result: CheckResult, fmt: str) -> str:
    """``kb check``'s standard output in ``fmt`` (one of :data:`CHECK_FORMATS`); the summary line
    (:func:`kb.problems.summary`) goes to standard error, apart."""
    if fmt == "json":
        return to_json(result.as_json()) + "\n"
    if fmt == "github":
        return github_commands(result.problems)
    if fmt == "gitlab":
        return to_json(gitlab_issues(result.problems)) + "\n"
    if fmt == "text":
        return "".join(line + "\n" for line in result.lines())
    raise ValueError(f"unknown format {fmt!r}")
