"""An opportunity's history, stage, staleness and relatives: what ``kb opportunities``, ``kb show
<opportunity-id>``, the site's opportunity pages and ``opportunity_events`` open data share.

- **History**: every report that mentions the opportunity, oldest first, with the status and next
  step that report gave (:class:`Event`). Made from the reports it is given: callers pass
  ``KnowledgeBase.visible(include_internal)``, so internal reports' statuses and next steps are
  there only for staff.
- **Stages**: the pipeline reads identified → discussed → agreed → active → closed. The report
  format allows exactly those five statuses (:data:`kb.report.model.OPPORTUNITY_STATUSES`), so
  each status is its own stage; there is no ``dropped`` status: an opportunity that was given up
  is ``closed``, and its next step or description says why (:data:`STAGES`).
- **Stale** (one rule, :func:`stale_reason`): an opportunity that is not closed is stale when no
  report has mentioned it for :data:`STALE_MONTHS` months, or when the latest next step names a
  date (``in 2017``, ``by March 2024``, ``2024-03-01``) whose whole period ended more than
  :data:`NEXT_STEP_GRACE_MONTHS` months ago. The first that applies gives the reason.
- **Related** opportunities (:func:`related`): ranked by what they share, each shared partner
  weighing :data:`WEIGHTS` ``partner`` (3), each sector 2, each country 1.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kb.report.dates import MONTHS, human_date
from kb.report.model import OPPORTUNITY_STATUSES
from kb.tracking.model import Opportunity

#: The pipeline's stages, in order: the statuses the format allows (module docstring).
STAGES: tuple[str, ...] = OPPORTUNITY_STATUSES
#: Each reported status's stage (today one each; a new status is mapped here).
STAGE_OF_STATUS: dict[str, str] = {status: status for status in OPPORTUNITY_STATUSES}
#: No report for this many months: stale.
STALE_MONTHS = 18
#: A next step's date this many months past: stale.
NEXT_STEP_GRACE_MONTHS = 6
#: What a shared partner, sector or country is worth when ranking related opportunities.
WEIGHTS = {"partner": 3, "sector": 2, "country": 1}

#: The columns of ``opportunity_events.csv`` (and the keys of its JSON rows).
EVENT_COLUMNS = ("opportunity", "report", "date", "status", "next_step")

_MONTH = "|".join(MONTHS)
_DATE_IN_TEXT = re.compile(
    rf"\b(?:(?P<day>[0-9]{{1,2}})\s+)?(?:(?P<month>{_MONTH})\s+)?(?P<year>(?:19|20)[0-9]{{2}})"
    r"(?:-(?P<mm>[0-9]{2})(?:-(?P<dd>[0-9]{2}))?)?\b",
    re.IGNORECASE,
)


def stage(status: str) -> str:
    """The pipeline stage of a reported status."""
    return STAGE_OF_STATUS.get(status, status)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def next_step_date(text: str | None) -> date | None:
    """The end of the latest date a next step names (``in 2017`` → 31 December 2017, ``by March
    2024`` → 31 March 2024, ``2024-03-05`` → that day); None when it names none."""
    latest = None
    for match in _DATE_IN_TEXT.finditer(text or ""):
        year = int(match["year"])
        month_name = match["month"]
        month = int(match["mm"]) if match["mm"] else None
        if month_name:
            month = [m.casefold() for m in MONTHS].index(month_name.casefold()) + 1
        try:
            if month is None:
                end = date(year, 12, 31)
            elif match["dd"] or (match["day"] and month_name):
                end = date(year, month, int(match["dd"] or match["day"]))
            else:
                end = date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:
            continue  # "31 February 2024": not a date, so not a deadline
        latest = end if latest is None or end > latest else latest
    return latest


def stale_reason(opportunity: Opportunity, today: date) -> str | None:
    """Why ``opportunity`` is stale on ``today``, or None (the one rule: module docstring)."""
    if stage(opportunity.status) == "closed":
        return None
    if add_months(opportunity.last_seen, STALE_MONTHS) < today:
        return f"no report since {human_date(opportunity.last_seen)} (over {STALE_MONTHS} months)"
    due = next_step_date(opportunity.next_step)
    if due is not None and add_months(due, NEXT_STEP_GRACE_MONTHS) < today:
        return f"next step was due by {human_date(due)} (over {NEXT_STEP_GRACE_MONTHS} months ago)"
    return None


@dataclass(frozen=True)
class Event:
    """One report's word on an opportunity: its status and next step then."""

    opportunity: str
    report: str
    report_title: str
    date: date
    status: str
    next_step: str | None

    @property
    def stage(self) -> str:
        return stage(self.status)

    def as_row(self) -> dict[str, Any]:
        """A row of ``opportunity_events`` (:data:`EVENT_COLUMNS`)."""
        return {
            "opportunity": self.opportunity,
            "report": self.report,
            "date": self.date.isoformat(),
            "status": self.status,
            "next_step": self.next_step,
        }


def events(opportunity: Opportunity) -> list[Event]:
    """Every report that mentions ``opportunity``, oldest first."""
    return [
        Event(
            opportunity.id,
            m.report.id,
            m.report.title,
            m.report.date,
            m.entry.status,
            m.entry.next_step,
        )
        for m in opportunity.mentions
    ]


def event_rows(opportunities: Iterable[Opportunity]) -> list[dict[str, Any]]:
    """The ``opportunity_events`` table: each opportunity's events, by opportunity id then date."""
    return [e.as_row() for o in sorted(opportunities, key=lambda o: o.id) for e in events(o)]


def progress_line(opportunity: Opportunity) -> str:
    """``identified, 18 June 2019 → discussed, 30 November 2023``: each change of status."""
    return " → ".join(f"{status}, {human_date(report.date)}" for report, status in opportunity.history())


def _shared(one: Opportunity, other: Opportunity) -> dict[str, tuple[str, ...]]:
    return {
        "partner": tuple(p for p in one.partners if p in other.partners),
        "sector": tuple(s for s in one.sectors if s in other.sectors),
        "country": tuple(c for c in one.countries if c in other.countries),
    }


@dataclass(frozen=True)
class Relative:
    """A related opportunity, its score and what it shares."""

    opportunity: Opportunity
    score: int
    shared: dict[str, tuple[str, ...]]


def related(opportunity: Opportunity, others: Iterable[Opportunity], limit: int = 5) -> list[Relative]:
    """The opportunities sharing most with ``opportunity`` (:data:`WEIGHTS`), best first, then by title."""
    found = []
    for other in others:
        if other.id == opportunity.id:
            continue
        shared = _shared(opportunity, other)
        score = sum(WEIGHTS[kind] * len(values) for kind, values in shared.items())
        if score:
            found.append(Relative(other, score, shared))
    found.sort(key=lambda r: (-r.score, r.opportunity.title.casefold(), r.opportunity.id))
    return found[:limit]


@dataclass(frozen=True)
class History:
    """Everything known about one opportunity over time (``kb show <opportunity-id>``)."""

    opportunity: Opportunity
    events: tuple[Event, ...]
    stale: str | None
    related: tuple[Relative, ...]
    include_internal: bool = False

    @property
    def stage(self) -> str:
        return stage(self.opportunity.status)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.opportunity.as_row(),
            "stage": self.stage,
            "stale": self.stale,
            "progress": progress_line(self.opportunity),
            "events": [{**e.as_row(), "title": e.report_title} for e in self.events],
            "related": [
                {
                    "id": r.opportunity.id,
                    "title": r.opportunity.title,
                    "score": r.score,
                    "shared": {k: list(v) for k, v in r.shared.items()},
                }
                for r in self.related
            ],
            "include_internal": self.include_internal,
        }

    def render_text(self) -> str:
        o = self.opportunity
        lines = [f"{o.title} ({o.id})", f"stage: {self.stage}"]
        for label, values in (("countries", o.countries), ("sectors", o.sectors), ("partners", o.partners)):
            lines.append(f"{label}: {', '.join(values) or '-'}")
        lines.append(f"next step: {o.next_step or '-'}")
        if self.stale:
            lines.append(f"stale: {self.stale}")
        lines.append(f"progress: {progress_line(o)}")
        lines.append("")
        lines.append(f"history ({len(self.events)} reports):")
        for e in self.events:
            lines.append(f"  {e.date.isoformat()}  {e.status:<10}  {e.report_title} ({e.report})")
            if e.next_step:
                lines.append(f"  {'':10}  {'':10}  next: {e.next_step}")
        lines.append("")
        lines.append("related opportunities:")
        lines.extend(
            [f"  {r.score:>3}  {r.opportunity.title} ({r.opportunity.id})" for r in self.related]
            or ["  (none)"]
        )
        return "\n".join(lines)


def history(
    opportunity: Opportunity,
    everything: Sequence[Opportunity],
    today: date,
    *,
    include_internal: bool = False,
) -> History:
    """``opportunity``'s :class:`History`, its relatives among ``everything``."""
    return History(
        opportunity,
        tuple(events(opportunity)),
        stale_reason(opportunity, today),
        tuple(related(opportunity, everything)),
        include_internal,
    )
