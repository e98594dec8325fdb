"""Reading a report file strictly: front matter and body into a :class:`~kb.report.model.Report`.

:func:`parse_report` returns the report plus every format and type problem it has, each with
the line of the offending key or value; nothing is raised for a bad report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from kb.errors import InputError
from kb.problems import Problem
from kb.report.fields import Reader
from kb.report.front_matter import read_fields
from kb.report.markers import marker_problems
from kb.report.model import REQUIRED_FIELDS, TAG_LISTS, Parsed, Report
from kb.report.yamlstrict import Located, YamlProblem, load
from kb.util import characters
from kb.util.files import decode, read_text

MAX_FRONT_MATTER_LINES = 2000


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """``(yaml_text, body, body_first_line)``; the YAML starts on file line 2."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        hint = (
            "a report starts with a line '---', the front matter, and another '---'"
            if first
            else "the first line must be '---' with nothing before it"
        )
        raise InputError("no front matter at the top of the file", path=shown, line=1, hint=hint)
    for number, line in enumerate(lines[1 : MAX_FRONT_MATTER_LINES + 1], start=2):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise InputError(
        "front matter has no closing '---' line",
        path=shown,
        line=1,
        hint="add a line '---' after the last front matter field",
    )


def parse_report(
    path: Path, shown: str | None = None, *, text: str | None = None, inside: Iterable[Path] = ()
) -> Parsed:
    """Read and validate one report file. Never raises for bad content.

    ``inside``: the folders the file's real path must lie in (:attr:`Project.readable_roots`).
    """
    shown = shown or str(path)
    problems: list[Problem] = []
    try:
        if text is None:
            text = read_text(path, shown, inside=inside)
        elif isinstance(text, bytes):  # pragma: no cover - convenience for tests
            text = decode(text, shown)
        yaml_text, body, body_line = split_front_matter(text, shown)
        located = load(yaml_text, line_offset=1)
    except YamlProblem as exc:
        problems.append(Problem(shown, exc.line or 1, exc.column, "error", exc.code, exc.message, exc.hint))
        return Parsed(path, shown, None, problems)
    except InputError as exc:
        problems.append(Problem(shown, exc.line or 1, 1, "error", exc.code, exc.message, exc.hint))
        return Parsed(path, shown, None, problems)
    for yaml_problem in located.problems:
        problems.append(
            Problem(
                shown,
                yaml_problem.line or 1,
                yaml_problem.column,
                "error",
                yaml_problem.code,
                yaml_problem.message,
                yaml_problem.hint,
            )
        )
    body = _without_refused_characters(body, body_line, shown, problems)
    report = _read(located, path, shown, body, body_line, problems)
    if report is not None:
        report.content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Parsed(path, shown, report, problems)


def _without_refused_characters(body: str, body_line: int, shown: str, problems: list[Problem]) -> str:
    """The body without the characters :mod:`kb.util.characters` refuses, and a warning on each line
    that held one. Removed, not refused: in a body they are nearly always invisible accidents (a
    terminal's colour codes, a PDF's form feeds), and they carry no meaning in Markdown or HTML,
    so the report is published without them instead of being left out. The file is not changed."""
    if not characters.find(body):
        return body
    for number, line in enumerate(body.split("\n"), start=body_line):
        found = characters.find(line)
        if found:
            problems.append(
                Problem(
                    shown,
                    number,
                    found.start() + 1,
                    "warning",
                    "bad-text",
                    f"the body contains {characters.describe(found.group(0))}, removed "
                    "when the report is published",
                    characters.BODY_HINT,
                )
            )
    return characters.remove(body)


def _read(
    located: Located, path: Path, shown: str, body: str, body_line: int, problems: list[Problem]
) -> Report | None:
    """The report the front matter and body make, or None when a required field is unusable."""
    values = read_fields(Reader(located, shown, problems), path)
    problems.extend(marker_problems(body, body_line, shown))
    if values is None or not all(values[name] for name in (*REQUIRED_FIELDS, "id")):
        return None
    tags = {name: values.pop(name) for name in TAG_LISTS}
    return Report(
        **values, tags=tags, path=path, shown=shown, body=body, body_line=body_line, located=located
    )
