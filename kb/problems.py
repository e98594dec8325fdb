"""Problems found by checks: where, how bad, what, and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from kb.util.characters import printable, quote_name

Level = Literal["error", "warning"]


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
        return (
            f"{quote_name(self.path)}:{self.line}:{self.column}: {self.level} [{self.code}] "
            f"{printable(self.message + hint)}"
        )

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
