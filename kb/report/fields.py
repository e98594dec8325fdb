"""Typed reading of a :class:`~kb.report.yamlstrict.Located` tree, collecting every problem.

Both report front matter and registry files are read through :class:`Reader`, so a wrong type
gets the same message everywhere, with the line of the value. Types are checked here, before any
vocabulary (countries, registry ids).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlparse

from kb.problems import Level, Problem
from kb.report.dates import DateProblem, FuzzyDate, parse_date, parse_fuzzy
from kb.report.yamlstrict import Located
from kb.util import characters
from kb.util.suggest import did_you_mean

#: Ids and slugs: lower-case ASCII words joined by single hyphens. Keeps URLs,
#: file names and index keys safe (no ``../``, no look-alike Unicode).


ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


MAX_ID_LENGTH = 80


#: Names that are unsafe as file or folder names on some system.
RESERVED_IDS = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        "index",
        "api",
        "assets",
        "search",
        "com1",
        "com2",
        "com3",
        "com4",
        "lpt1",
        "lpt2",
        "lpt3",
    }
)


_NUMBER = re.compile(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")


#: A number in a report has at most this many digits (before and after the point together), so
#: every value is below 10**15 in size, exact as a float, never infinite and never too long for
#: Python's integer-to-text limit: far beyond any target (a trillion has 13 digits).
MAX_DIGITS = 15


Path_ = tuple[Any, ...]


def id_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a valid id, with a hint, or None when it is valid."""
    if len(value) > MAX_ID_LENGTH:
        return f"id '{value[:20]}...' is longer than {MAX_ID_LENGTH} characters", "shorten it"
    if not value.isascii():
        odd = next(ch for ch in value if not ch.isascii())
        name = unicodedata.name(odd, "unknown character")
        return (
            f"id '{value}' contains the non-ASCII character {odd!r} ({name})",
            "ids use only a-z, 0-9 and hyphens; retype it",
        )
    if not ID_PATTERN.match(value):
        return (
            f"'{value}' is not a valid id",
            "use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x'",
        )
    if value in RESERVED_IDS:
        return f"'{value}' is a reserved name", "choose another id"
    return None


def number_in_range(value: float | int) -> bool:
    """Whether ``value`` can be written as a report's number (see :data:`MAX_DIGITS`)."""
    return math.isfinite(value) and abs(value) < 10**MAX_DIGITS


class Reader:
    """Reads typed values out of a located tree and records problems for ``path``."""

    def __init__(self, located: Located, path: str, problems: list[Problem]) -> None:
        self.located = located
        self.path = path
        self.problems = problems

    # -- reporting -------------------------------------------------------------------------
    def report(
        self,
        where: Path_,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        level: Level = "error",
        key: bool = False,
    ) -> None:
        line, column = self.located.line_of(where, key=key)
        self.problems.append(Problem(self.path, line, column, level, code, message, hint))

    def get(self, where: Path_) -> Any:
        value = self.located.value
        for step in where:
            if isinstance(value, dict) and isinstance(step, str):
                value = value.get(step)
            elif isinstance(value, list) and isinstance(step, int) and step < len(value):
                value = value[step]
            else:
                return None
        return value

    def has(self, where: Path_) -> bool:
        parent = self.get(where[:-1])
        return isinstance(parent, dict) and where[-1] in parent

    @staticmethod
    def label(where: Path_) -> str:
        out = ""
        for step in where:
            out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
        return out or "front matter"

    def wrong_type(self, where: Path_, expected: str, example: str | None = None) -> None:
        value = self.get(where)
        got = {dict: "a mapping", list: "a list", type(None): "nothing"}.get(type(value), f"'{value}'")
        hint = f"write it like {example}" if example else None
        self.report(where, "wrong-type", f"{self.label(where)} must be {expected}, not {got}", hint)

    # -- structure -------------------------------------------------------------------------
    def mapping(self, where: Path_) -> dict | None:
        value = self.get(where)
        if isinstance(value, dict):
            return value
        self.wrong_type(where, "a mapping of 'key: value' lines")
        return None

    def known_fields(self, where: Path_, allowed: Iterable[str], what: str) -> None:
        allowed = list(allowed)
        value = self.get(where)
        if not isinstance(value, dict):
            return
        previous = None
        for key in value:
            if key not in allowed:
                hint = _comma_hint(previous, value, key) or did_you_mean(key, allowed)
                hint = hint or f"allowed: {', '.join(allowed)}"
                self.report(
                    where + (key,), "unknown-field", f"unknown field '{key}' in {what}", hint, key=True
                )
            previous = key

    def required(self, where: Path_, names: Iterable[str], what: str, hints: dict[str, str]) -> None:
        value = self.get(where)
        if not isinstance(value, dict):
            return
        for name in names:
            if value.get(name) in (None, "", []):
                kind = "missing" if name not in value else "empty"
                self.report(
                    where if name not in value else where + (name,),
                    f"{kind}-field",
                    f"{kind} required field '{name}' in {what}",
                    hints.get(name),
                )

    # -- scalars ---------------------------------------------------------------------------
    def string(self, where: Path_, *, example: str | None = None) -> str | None:
        value = self.get(where)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() if self.text_allowed(where, value) else None
        self.wrong_type(where, "text", example)
        return None

    def text_allowed(self, where: Path_, value: str) -> bool:
        """False, with an error, when ``value`` holds a character :mod:`kb.util.characters` refuses
        (they corrupt terminals, feeds, CSV and pages)."""
        bad = characters.find(value)
        if bad:
            self.report(
                where,
                "bad-text",
                f"{self.label(where)} contains {characters.describe(bad.group(0))}",
                characters.HINT,
            )
        return bad is None

    def strings(self, where: Path_, *, example: str) -> list[tuple[int, str]]:
        """A list of strings, as ``(index, value)`` pairs of the valid items."""
        value = self.get(where)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong_type(where, "a list", example)
            return []
        items = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                if self.text_allowed(where + (i,), item):
                    items.append((i, item.strip()))
            else:
                self.wrong_type(where + (i,), "text", example)
        return items

    def items(self, where: Path_, *, example: str) -> list[int]:
        """Indexes of the mapping items of a list of mappings."""
        value = self.get(where)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong_type(where, "a list", example)
            return []
        good = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                good.append(i)
            else:
                self.wrong_type(where + (i,), "a mapping", example)
        return good

    def date(self, where: Path_) -> date | None:
        value = self.get(where)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(where, "a date", "2014-07-03")
            return None
        try:
            return parse_date(value)
        except DateProblem as exc:
            self.report(where, "bad-date", f"{self.label(where)}: {exc}", "use YYYY-MM-DD")
            return None

    def fuzzy_date(self, where: Path_) -> FuzzyDate | None:
        value = self.get(where)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(where, "a date", "2016 or 2016-03-31")
            return None
        try:
            return parse_fuzzy(value)
        except DateProblem as exc:
            self.report(where, "bad-date", f"{self.label(where)}: {exc}", "use YYYY, YYYY-MM or YYYY-MM-DD")
            return None

    def number(self, where: Path_) -> float | int | None:
        """A plain number of ASCII digits (``60``, ``-2.5``, ``6,000``), of at most :data:`MAX_DIGITS`."""
        value = self.get(where)
        if value is None:
            return None
        if isinstance(value, str) and _NUMBER.match(value.strip()):
            text = value.strip().replace(",", "")
            digits = len(text) - text.startswith("-") - ("." in text)
            if digits > MAX_DIGITS:
                self.report(
                    where,
                    "bad-number",
                    f"{self.label(where)} has {digits} digits; at most {MAX_DIGITS} are allowed",
                    "give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD'",
                )
                return None
            return float(text) if "." in text else int(text)
        self.wrong_type(where, "a plain number", "60 or 2.5, with the unit in 'unit'")
        return None

    def choice(self, where: Path_, choices: Iterable[str]) -> str | None:
        choices = list(choices)
        value = self.string(where)
        if value is None:
            return None
        if value in choices:
            return value
        if value.lower() in choices:
            self.report(
                where,
                "bad-value",
                f"{self.label(where)} is '{value}', not '{value.lower()}'",
                f"write it in lower case: {value.lower()}",
            )
            return None
        self.report(
            where,
            "bad-value",
            f"{self.label(where)} '{value}' is not one of {', '.join(choices)}",
            did_you_mean(value, choices),
        )
        return None

    def ident(self, where: Path_) -> str | None:
        value = self.string(where)
        if value is None:
            return None
        problem = id_problem(value)
        if problem:
            self.report(where, "bad-id", problem[0], problem[1])
            return None
        return value

    def url(self, where: Path_) -> str | None:
        value = self.string(where)
        if value is None:
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            self.report(
                where,
                "bad-url",
                f"{self.label(where)} '{value[:60]}' is not an http(s) address",
                "give a full address starting with https://",
            )
            return None
        return value


def _comma_hint(previous: object, mapping: dict, key: object) -> str | None:
    """In ``{name: Energy team, British Embassy Tokyo}`` the comma ends the value and the rest
    becomes a key with no value: say to quote the whole value (field names have no spaces)."""
    if mapping[key] is not None or not isinstance(key, str) or " " not in key.strip():
        return None
    if not isinstance(previous, str) or not isinstance(mapping[previous], str):
        return None
    return (
        f"a comma inside {{ }} ends a value: put the whole value in quotes, "
        f'{previous}: "{mapping[previous]}, {key.strip()}"'
    )
