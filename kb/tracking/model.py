"""Opportunities and targets tracked across reports: the one model of the CLI, the site and the open data.

The same opportunity or target id can appear in several reports. Each later report updates it
(the latest report, by date then id, gives its title, status, next step...; for a target, the
latest value that is set), and every report's entry is kept as a :class:`Mention`, oldest first.

Every output speaks of them with the same names: :meth:`Opportunity.as_row` and
:meth:`Target.as_row` are the rows of ``kb opportunities/targets --format csv`` and of the
published ``opportunities.csv`` and ``targets.csv`` alike (:data:`OPPORTUNITY_COLUMNS`,
:data:`TARGET_COLUMNS`). A target's state today follows one rule, :func:`target_state`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from kb.report.dates import FuzzyDate
from kb.report.model import Measure, OpportunityEntry, Report, TargetEntry

Entry = TypeVar("Entry", OpportunityEntry, TargetEntry)

#: A target's state on the tracker, in the order the site lists them; see :func:`target_state`.
TARGET_STATES = ("on-track", "due", "overdue", "past", "met", "closed", "unknown")

#: Reported statuses that end a target: nobody needs to ask what became of it.
_CLOSING_STATUSES = ("missed", "dropped")

OPPORTUNITY_COLUMNS = (
    "id",
    "title",
    "status",
    "sectors",
    "partners",
    "countries",
    "next_step",
    "description",
    "first_seen",
    "last_seen",
    "reports",
)
TARGET_COLUMNS = (
    "id",
    "what",
    "value",
    "unit",
    "deadline",
    "owner",
    "baseline",
    "baseline_as_of",
    "progress",
    "progress_as_of",
    "status",
    "state",
    "countries",
    "first_seen",
    "last_seen",
    "reports",
)


def target_state(status: str | None, deadline: FuzzyDate | None, last_seen: date, today: date) -> str:
    """Where a target stands on ``today``, from its latest reported ``status``, its ``deadline``
    and the date of the latest report that mentions it (``last_seen``). The first rule that
    applies wins:

    - ``met``: the latest status is ``met``;
    - ``closed``: the latest status is ``missed`` or ``dropped``: it ended without being met;
    - ``unknown``: no deadline was given;
    - ``on-track``: the deadline is still running (all of it: a deadline of ``2016`` runs to the
      end of 2016) and the latest reported status is ``on-track``;
    - ``due``: the deadline is still running, and no report says it is on track;
    - ``overdue``: the deadline is over and no report since it mentions the target: nobody has
      said what happened (``kb targets --flagged`` lists these);
    - ``past``: the deadline is over, and a later report still speaks of the target without
      saying it was met, missed or dropped.

    A new state (say, "behind" from progress figures) is a new rule here, at its place in the
    order, and a name in :data:`TARGET_STATES`.
    """
    if status == "met":
        return "met"
    if status in _CLOSING_STATUSES:
        return "closed"
    if deadline is None:
        return "unknown"
    if today <= deadline.end:
        return "on-track" if status == "on-track" else "due"
    return "overdue" if last_seen <= deadline.end else "past"


@dataclass(frozen=True)
class Mention(Generic[Entry]):
    """One report's entry about an opportunity or target."""

    report: Report
    entry: Entry

    def as_dict(self) -> dict[str, Any]:
        """The report and the status it gave (for the CLI's JSON; ``path`` is the report's file)."""
        return {
            "report": self.report.id,
            "title": self.report.title,
            "date": self.report.date.isoformat(),
            "path": self.report.shown.replace("\\", "/"),
            "status": self.entry.status,
        }


@dataclass(frozen=True)
class _Tracked(Generic[Entry]):
    """What opportunities and targets share: an id and the reports mentioning it, oldest first."""

    id: str
    countries: tuple[str, ...]  # of every report mentioning it, in order of appearance
    mentions: tuple[Mention[Entry], ...]

    @property
    def reports(self) -> list[Report]:
        return [m.report for m in self.mentions]

    @property
    def latest(self) -> Mention[Entry]:
        return self.mentions[-1]

    @property
    def first_seen(self) -> date:
        return self.mentions[0].report.date

    @property
    def last_seen(self) -> date:
        """The date of the latest report that mentions it."""
        return self.mentions[-1].report.date

    def _seen(self) -> dict[str, Any]:
        return {
            "countries": list(self.countries),
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "reports": [r.id for r in self.reports],
        }

    def as_row(self) -> dict[str, Any]:  # pragma: no cover - each kind has its own
        raise NotImplementedError

    def as_json(self) -> dict[str, Any]:
        """The row, and every report's entry (for ``--format json`` and ``kb show``)."""
        return {**self.as_row(), "mentions": [m.as_dict() for m in self.mentions]}


@dataclass(frozen=True)
class Opportunity(_Tracked[OpportunityEntry]):
    """An opportunity over time: the latest report's view, and every report about it."""

    title: str
    status: str
    sectors: tuple[str, ...]
    partners: tuple[str, ...]
    next_step: str | None
    description: str | None

    def history(self) -> list[tuple[Report, str]]:
        """``(report, status)`` whenever the status changed, oldest first."""
        changes: list[tuple[Report, str]] = []
        for mention in self.mentions:
            if not changes or changes[-1][1] != mention.entry.status:
                changes.append((mention.report, mention.entry.status))
        return changes

    def as_row(self) -> dict[str, Any]:
        """The row of every opportunities table (:data:`OPPORTUNITY_COLUMNS`)."""
        seen = self._seen()
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "sectors": list(self.sectors),
            "partners": list(self.partners),
            "countries": seen["countries"],
            "next_step": self.next_step,
            "description": self.description,
            "first_seen": seen["first_seen"],
            "last_seen": seen["last_seen"],
            "reports": seen["reports"],
        }


@dataclass(frozen=True)
class Target(_Tracked[TargetEntry]):
    """A target over time: the latest report's view, its state today, and its sources."""

    what: str
    value: float | int | None
    unit: str | None
    deadline: FuzzyDate | None
    owner: str | None
    baseline: Measure | None
    progress: Measure | None
    status: str | None  # as reported: announced, on-track, met, missed, dropped
    state: str  # on the tracker today: one of TARGET_STATES (target_state)

    def as_row(self) -> dict[str, Any]:
        """The row of every targets table (:data:`TARGET_COLUMNS`)."""
        baseline, baseline_as_of = _measure(self.baseline)
        progress, progress_as_of = _measure(self.progress)
        seen = self._seen()
        return {
            "id": self.id,
            "what": self.what,
            "value": self.value,
            "unit": self.unit,
            "deadline": str(self.deadline) if self.deadline else None,
            "owner": self.owner,
            "baseline": baseline,
            "baseline_as_of": baseline_as_of,
            "progress": progress,
            "progress_as_of": progress_as_of,
            "status": self.status,
            "state": self.state,
            "countries": seen["countries"],
            "first_seen": seen["first_seen"],
            "last_seen": seen["last_seen"],
            "reports": seen["reports"],
        }


def _measure(measure: Measure | None) -> tuple[float | int | None, str | None]:
    if measure is None:
        return None, None
    return measure.value, str(measure.as_of) if measure.as_of else None


def _latest(values: Iterable[Any]) -> Any:
    """The last value that is set (later reports override earlier ones)."""
    found = None
    for value in values:
        if value not in (None, (), ""):
            found = value
    return found


def _mentions(
    reports: Iterable[Report], entries: Callable[[Report], tuple[Entry, ...]]
) -> dict[str, list[Mention[Entry]]]:
    grouped: dict[str, list[Mention[Entry]]] = {}
    for report in sorted(reports, key=lambda r: (r.date, r.id)):
        for entry in entries(report):
            grouped.setdefault(entry.id, []).append(Mention(report, entry))
    return grouped


def _countries(mentions: list[Mention[Entry]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for m in mentions for c in m.report.countries))


def track_opportunities(reports: Iterable[Report]) -> list[Opportunity]:
    """Every opportunity id once, sorted by title."""
    tracked = []
    for opportunity_id, mentions in _mentions(reports, lambda r: r.opportunities).items():
        entries = [m.entry for m in mentions]
        tracked.append(
            Opportunity(
                id=opportunity_id,
                countries=_countries(mentions),
                mentions=tuple(mentions),
                title=entries[-1].title,
                status=entries[-1].status,
                sectors=_latest(e.sectors for e in entries) or (),
                partners=_latest(e.partners for e in entries) or (),
                next_step=entries[-1].next_step,
                description=entries[-1].description,
            )
        )
    return sorted(tracked, key=lambda o: (o.title.casefold(), o.id))


def track_targets(reports: Iterable[Report], today: date) -> list[Target]:
    """Every target id once, sorted by deadline (none last), then by what."""
    tracked = []
    for target_id, mentions in _mentions(reports, lambda r: r.targets).items():
        entries = [m.entry for m in mentions]
        deadline = _latest(e.deadline for e in entries)
        status = _latest(e.status for e in entries)
        tracked.append(
            Target(
                id=target_id,
                countries=_countries(mentions),
                mentions=tuple(mentions),
                what=entries[-1].what,
                value=_latest(e.value for e in entries),
                unit=_latest(e.unit for e in entries),
                deadline=deadline,
                owner=_latest(e.owner for e in entries),
                baseline=_latest(e.baseline for e in entries),
                progress=_latest(e.progress for e in entries),
                status=status,
                state=target_state(status, deadline, mentions[-1].report.date, today),
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
