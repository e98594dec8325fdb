"""Problems found by checks: where, how bad, what, and how to fix it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

from .characters import FORBIDDEN, shown

Level = Literal["error", "warning"]

#: Besides the characters text may not hold (:mod:`kb.characters`), what would split a diagnostic
#: line: line feeds, tabs, line and paragraph separators (a file name may hold any of them).
_LINE_BREAKS = re.compile(r"[\n\t\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` for a one-line message on a terminal: every refused or line-breaking character as
    an escape (``\\x1b``, ``\\n``, ``\\udcff`` for an undecodable byte of a file name)."""
    return _LINE_BREAKS.sub(lambda m: ascii(m.group(0))[1:-1], shown(text))


def quote_name(name: str) -> str:
    """A file name for a diagnostic, which must stay one line: as it is, or, when it holds a
    newline or another character :func:`printable` escapes, in quotes with those escaped."""
    if not FORBIDDEN.search(name) and not _LINE_BREAKS.search(name):
        return name
    return "'" + printable(name.replace("\\", "\\\\").replace("'", "\\'")) + "'"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    level: Level
    code: str
    message: str
    hint: str | None = None

    def render(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{quote_name(self.path)}:{self.line}:{self.column}: {self.level} [{self.code}] " \
               f"{printable(self.message + hint)}"

    def as_dict(self) -> dict:
        return asdict(self)


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for problem in problems:
        if problem.level == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(problems: list[Problem], checked: int, noun: str = "report") -> str:
    """A closing line such as ``3 errors, 1 warning in 12 reports``."""
    errors, warnings = count(problems)
    plural = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")  # noqa: E731
    if not errors and not warnings:
        return f"no problems in {plural(checked, noun)}"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(checked, noun)}"
