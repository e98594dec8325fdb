"""Opportunities and targets tracked across reports: one model for the CLI, the site and the open data.

The same opportunity or target id can appear in several reports: each later report updates it
(the latest report, by date then id, gives its title, status, next step...), and every report's
statement is kept. A target's state (due, past, met, unknown) follows one rule, :func:`target_state`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kb.report.dates import FuzzyDate
from kb.report.model import Measure, Opportunity, Report, Target

TARGET_STATES = ("due", "past", "met", "unknown")


@dataclass(frozen=True)
class Statement:
    """One report's statement about an opportunity or target."""

    report: Report
    item: Opportunity | Target


@dataclass(frozen=True)
class TrackedOpportunity:
    """An opportunity over time: the latest report's view, and every report about it."""

    id: str
    title: str
    status: str
    sectors: tuple[str, ...]
    partners: tuple[str, ...]
    next_step: str | None
    description: str | None
    countries: tuple[str, ...]
    mentions: tuple[Statement, ...]  # oldest first

    @property
    def reports(self) -> list[Report]:
        return [m.report for m in self.mentions]

    @property
    def first_seen(self) -> date:
        return self.mentions[0].report.date

    @property
    def last_updated(self) -> date:
        return self.mentions[-1].report.date

    def history(self) -> list[tuple[Report, str]]:
        """``(report, status)`` whenever the status changed, oldest first."""
        changes: list[tuple[Report, str]] = []
        for mention in self.mentions:
            if not changes or changes[-1][1] != mention.item.status:
                changes.append((mention.report, mention.item.status))
        return changes


@dataclass(frozen=True)
class TrackedTarget:
    """A target over time: the latest report's view, its state today, and its sources."""

    id: str
    what: str
    value: float | int | None
    unit: str | None
    deadline: FuzzyDate | None
    owner: str | None
    baseline: Measure | None
    progress: Measure | None
    status: str | None  # as reported: announced, on-track, met, missed, dropped
    state: str  # on the tracker: due, past, met, unknown
    countries: tuple[str, ...]
    mentions: tuple[Statement, ...]

    @property
    def reports(self) -> list[Report]:
        return [m.report for m in self.mentions]


def target_state(status: str | None, deadline: FuzzyDate | None, today: date) -> str:
    """``met`` if reported met; else ``unknown`` without a deadline, ``past`` once the
    whole deadline period is over, ``due`` until then."""
    if status == "met":
        return "met"
    if deadline is None:
        return "unknown"
    return "past" if deadline.end < today else "due"


def _latest(values: Iterable[Any]) -> Any:
    """The last value that is set (later reports override earlier ones)."""
    found = None
    for value in values:
        if value not in (None, (), ""):
            found = value
    return found


def _mentions(reports: Iterable[Report], attribute: str) -> dict[str, list[Statement]]:
    grouped: dict[str, list[Statement]] = {}
    for report in sorted(reports, key=lambda r: (r.date, r.id)):
        for item in getattr(report, attribute):
            grouped.setdefault(item.id, []).append(Statement(report, item))
    return grouped


def _countries(mentions: list[Statement]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for m in mentions for c in m.report.countries))


def track_opportunities(reports: Iterable[Report]) -> list[TrackedOpportunity]:
    """Every opportunity id once, sorted by title."""
    tracked = []
    for opp_id, mentions in _mentions(reports, "opportunities").items():
        items = [m.item for m in mentions]
        tracked.append(
            TrackedOpportunity(
                id=opp_id,
                title=items[-1].title,
                status=items[-1].status,
                sectors=_latest(i.sectors for i in items) or (),
                partners=_latest(i.partners for i in items) or (),
                next_step=items[-1].next_step,
                description=items[-1].description,
                countries=_countries(mentions),
                mentions=tuple(mentions),
            )
        )
    return sorted(tracked, key=lambda o: (o.title.casefold(), o.id))


def track_targets(reports: Iterable[Report], today: date) -> list[TrackedTarget]:
    """Every target id once, sorted by deadline (none last), then by what."""
    tracked = []
    for target_id, mentions in _mentions(reports, "targets").items():
        items = [m.item for m in mentions]
        deadline = _latest(i.deadline for i in items)
        status = _latest(i.status for i in items)
        tracked.append(
            TrackedTarget(
                id=target_id,
                what=items[-1].what,
                value=_latest(i.value for i in items),
                unit=_latest(i.unit for i in items),
                deadline=deadline,
                owner=_latest(i.owner for i in items),
                baseline=_latest(i.baseline for i in items),
                progress=_latest(i.progress for i in items),
                status=status,
                state=target_state(status, deadline, today),
                countries=_countries(mentions),
                mentions=tuple(mentions),
            )
        )
    return sorted(
        tracked,
        key=lambda t: (
            t.deadline is None,
            t.deadline.end if t.deadline else date.max,
            t.what.casefold(),
            t.id,
        ),
    )
