"""Dates as authors write them: full ISO dates, and partial ones (``2016``, ``2017-03``).

Dates are parsed here and nowhere else, explicitly: YAML's own timestamp
reading is off (see :mod:`kb.report.yamlstrict`), so ``2014-02-30`` is an error, not a
crash or a silent roll-over.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# [0-9], not \d: \d also matches other scripts' digits, and '٢٠١٤-07-03' would be read as 2014.
_FULL = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{1,2}:[0-9]{2}")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DateProblem(ValueError):
    """Why a text is not a date; the message is written for authors."""


def _refuse_other_digits(text: str) -> None:
    """Digits of other scripts (Arabic-Indic, full-width...) are refused, not read as 0-9."""
    other = next((c for c in text if c.isdigit() and not "0" <= c <= "9"), None)
    if other is not None:
        raise DateProblem(
            f"'{text}' is written with the digit {other!r} ({unicodedata.name(other, 'unknown')}), not 0-9"
        )


def parse_date(text: str) -> date:
    """A full ISO 8601 calendar date ``YYYY-MM-DD``."""
    if not isinstance(text, str):
        raise DateProblem("expected a date like 2014-07-03")
    text = text.strip()
    _refuse_other_digits(text)
    if _DATETIME.match(text):
        raise DateProblem(f"'{text}' is a date and time; give the date only, like {text[:10]}")
    match = _FULL.match(text)
    if not match:
        raise DateProblem(f"'{text}' is not a date like 2014-07-03")
    year, month, day = (int(g) for g in match.groups())
    _check_year(year, text)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"'{text}' is not a real date ({_why_impossible(year, month, day)})") from None


def _check_year(year: int, text: str) -> None:
    """Python's dates start in year 1; '0000' would be a ValueError traceback."""
    if year < 1:
        raise DateProblem(f"'{text}' is not a real date (there is no year 0)")


def _why_impossible(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    return f"{MONTHS[month - 1]} {year} has {days} days"


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date known to the year, month or day: ``2016`` covers all of 2016."""

    start: date
    end: date
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month"}.get(len(self.text), "day")

    def human(self) -> str:
        if self.precision == "year":
            return self.text
        if self.precision == "month":
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        return human_date(self.start)


def parse_fuzzy(text: str) -> FuzzyDate:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if not isinstance(text, str):
        raise DateProblem("expected a date like 2016, 2016-03 or 2016-03-31")
    text = text.strip()
    _refuse_other_digits(text)
    match = _PARTIAL.match(text)
    if not match:
        if _DATETIME.match(text):
            raise DateProblem(f"'{text}' is a date and time; give the date only, like {text[:10]}")
        raise DateProblem(f"'{text}' is not a date like 2016, 2016-03 or 2016-03-31")
    year = int(match.group(1))
    _check_year(year, text)
    if match.group(3):
        day = parse_date(text)
        return FuzzyDate(day, day, text)
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise DateProblem(f"'{text}' is not a real date (there is no month {month})")
        last = calendar.monthrange(year, month)[1]
        return FuzzyDate(date(year, month, 1), date(year, month, last), text)
    return FuzzyDate(date(year, 1, 1), date(year, 12, 31), text)


def human_date(day: date) -> str:
    """``3 July 2014``, as GOV.UK writes dates."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
