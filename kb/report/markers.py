"""Internal sections of a report body: the one accepted marker form, and every near miss refused.

Text between a line ``<!-- internal -->`` and a line ``<!-- /internal -->`` is staff-only:
:func:`split_body` drops it from every public output. Anything else that looks like an
author's attempt to mark text internal (``<!-- internal start -->``, ``<div class="internal">``,
``[INTERNAL]``, a Word-pasted ``<!– internal –>``, a heading ``## Staff only``...) hides
nothing, so :func:`marker_problems` makes it an error (code ``near-miss-marker``; they are
recognised in :mod:`kb.report.nearmiss`): a report with an error is left out of every output
until it is fixed. The forms are listed in
docs/writing-a-report.md; a near miss inside a fenced code block is a code sample, not an
attempt, and is shown as code.
"""

from __future__ import annotations

import re

from kb.problems import Problem
from kb.report.nearmiss import near_misses

OPEN_MARKER = "<!-- internal -->"
CLOSE_MARKER = "<!-- /internal -->"
NEAR_MISS = "near-miss-marker"
MARKER_HINT = (
    f"mark staff-only text with a line {OPEN_MARKER} before it and a line {CLOSE_MARKER} "
    "after it, each alone at the start of its line; if this is not meant as a marker, reword it"
)

#: What :func:`split_body` hides by: the exact markers and their case and spacing variants. Wider
#: than what the check accepts, so a variant the check refuses still hides its text (fail closed).
_LOOSE_OPEN = re.compile(r"^\s*<!--\s*internal\s*-->\s*$", re.IGNORECASE)
_LOOSE_CLOSE = re.compile(r"^\s*<!--\s*/\s*internal\s*-->\s*$", re.IGNORECASE)


def marker_problems(body: str, body_line: int, shown: str) -> list[Problem]:
    """Unbalanced internal sections, markers not written exactly, and near misses."""
    problems: list[Problem] = []
    lines = body.split("\n")
    open_line = None
    hidden: set[int] = set()  # inside sections, and the markers themselves: never published
    for i, line in enumerate(lines if "<!--" in body else ()):  # most reports have no marker
        number = body_line + i
        if _LOOSE_OPEN.match(line):
            hidden.add(i)
            if open_line is not None:
                problems.append(
                    Problem(
                        shown,
                        number,
                        1,
                        "error",
                        "internal-marker",
                        f"internal section opened again before the one on line {open_line} closed",
                        f"close it with {CLOSE_MARKER}",
                    )
                )
            open_line = number
            _exact(problems, shown, number, line, OPEN_MARKER)
        elif _LOOSE_CLOSE.match(line):
            hidden.add(i)
            if open_line is None:
                problems.append(
                    Problem(
                        shown,
                        number,
                        1,
                        "error",
                        "internal-marker",
                        f"{CLOSE_MARKER} without an opening {OPEN_MARKER}",
                        f"add {OPEN_MARKER} before the staff-only text",
                    )
                )
            open_line = None
            _exact(problems, shown, number, line, CLOSE_MARKER)
        elif open_line is not None:
            hidden.add(i)
    if open_line is not None:
        problems.append(
            Problem(
                shown,
                open_line,
                1,
                "error",
                "internal-marker",
                "internal section is never closed",
                f"add {CLOSE_MARKER} after the staff-only text",
            )
        )
    for miss in near_misses(body, hidden):
        line = lines[miss.line]
        problems.append(
            Problem(
                shown,
                body_line + miss.line,
                miss.start + 1,
                "error",
                NEAR_MISS,
                f"{miss.what} '{_snippet(line, miss.start, miss.end)}' looks like an internal "
                "marker but is not one: the text it marks would be published",
                MARKER_HINT,
            )
        )
    return problems


def _snippet(line: str, start: int, end: int) -> str:
    text = line[start:end].strip() or line.strip()
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 50 else text[:49] + "…"


def _exact(problems: list[Problem], shown: str, number: int, line: str, marker: str) -> None:
    if line.rstrip() != marker:
        problems.append(
            Problem(
                shown,
                number,
                1,
                "error",
                NEAR_MISS,
                f"'{_snippet(line, 0, len(line))}' is not written exactly as the marker {marker}",
                f"write it exactly '{marker}': lower case, one space each side, at the start of its own line",
            )
        )


def opens_section(line: str) -> bool:
    """True for a line that starts an internal section (or a variant that still hides text)."""
    return bool(_LOOSE_OPEN.match(line))


def split_body(body: str) -> tuple[str, str]:
    """``(public, internal)``: the body without its internal sections, and their text alone.

    Fails closed: an unclosed section keeps everything after its opening line internal.
    """
    public: list[str] = []
    internal: list[str] = []
    inside = False
    for line in body.split("\n"):
        if _LOOSE_OPEN.match(line):
            inside = True
        elif _LOOSE_CLOSE.match(line):
            inside = False
        else:
            (internal if inside else public).append(line)
    return "\n".join(public), "\n".join(internal)


def public_body(body: str) -> str:
    """The body without its internal sections (markers are checked by :func:`marker_problems`)."""
    return split_body(body)[0]
