"""``kb opportunities`` and ``kb targets``: every opportunity and target across reports.

The same opportunity id can appear in several reports: each later report
updates it, so its title, status, next step, sectors and partners are those
of the latest report that mentions it (by date, then id); every mention is
kept. Targets are tracked the same way by target id.

A target is *flagged* when its deadline has passed (the whole deadline: a
deadline of ``2016`` passes at the end of 2016), no report dated after the
deadline mentions it, and its latest status is not final (met, missed or
dropped): nobody has said what happened.

Filters (see :mod:`kb.registry.filters`) apply to an item's own entities first: an
opportunity's sectors and partners, a target's owner; for a kind of entity
the item does not name itself (e.g. a target has no sectors), the tags of the
reports that mention it are used. ``--country`` and ``--type`` match any
report mentioning the item, ``--since``/``--until`` any mention's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kb.errors import UsageError
from kb.project import Project
from kb.registry.filters import ENTITY_FILTERS, EntityTable, Filters, Resolved, resolve_filters

if TYPE_CHECKING:
    from kb.checks.knowledgebase import KnowledgeBase
    from kb.report.model import Report

FINAL_TARGET_STATUSES = ("met", "missed", "dropped")


@dataclass
class Mention:
    report: str
    title: str
    date: date
    path: str
    status: str | None
    countries: tuple[str, ...]
    type: str
    tags: dict[str, tuple[str, ...]]

    def as_dict(self) -> dict:
        return {
            "report": self.report,
            "title": self.title,
            "date": self.date.isoformat(),
            "path": self.path,
            "status": self.status,
        }


@dataclass
class Opportunity:
    id: str
    title: str
    status: str
    sectors: tuple[str, ...]
    partners: tuple[str, ...]
    next_step: str | None
    description: str | None
    mentions: list[Mention] = field(default_factory=list)

    @property
    def latest(self) -> Mention:
        return self.mentions[-1]

    def as_dict(self) -> dict:
        latest = self.latest
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "sectors": list(self.sectors),
            "partners": list(self.partners),
            "countries": _countries(self.mentions),
            "next_step": self.next_step,
            "description": self.description,
            "first_seen": self.mentions[0].date.isoformat(),
            "last_seen": latest.date.isoformat(),
            "report": latest.report,
            "path": latest.path,
            "mentions": [m.as_dict() for m in self.mentions],
        }


@dataclass
class Target:
    id: str
    what: str
    value: float | int | None
    unit: str | None
    deadline: str | None
    deadline_end: date | None
    owner: str | None
    status: str | None
    progress: str | None
    baseline: str | None
    flagged: bool = False
    mentions: list[Mention] = field(default_factory=list)

    @property
    def latest(self) -> Mention:
        return self.mentions[-1]

    def as_dict(self) -> dict:
        latest = self.latest
        return {
            "id": self.id,
            "what": self.what,
            "value": self.value,
            "unit": self.unit,
            "deadline": self.deadline,
            "owner": self.owner,
            "status": self.status,
            "progress": self.progress,
            "baseline": self.baseline,
            "flagged": self.flagged,
            "countries": _countries(self.mentions),
            "first_seen": self.mentions[0].date.isoformat(),
            "last_seen": latest.date.isoformat(),
            "report": latest.report,
            "path": latest.path,
            "mentions": [m.as_dict() for m in self.mentions],
        }


def _countries(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(c for m in mentions for c in m.countries))


def _mention(report: Report, status: str | None) -> Mention:
    return Mention(
        report.id,
        report.title,
        report.date,
        report.shown.replace("\\", "/"),
        status,
        report.countries,
        report.type,
        dict(report.tags),
    )


def _measure(measure) -> str | None:
    if measure is None or measure.value is None:
        return None
    return f"{measure.value} ({measure.as_of})" if measure.as_of else str(measure.value)


def collect_opportunities(reports: list[Report]) -> list[Opportunity]:
    """Every opportunity id once, its fields from the latest report mentioning it.

    The grouping rule (latest report wins, every mention kept) is the site's and
    the open data's too: :func:`kb.export.track_opportunities`.
    """
    from kb.tracking.model import track_opportunities

    found = [
        Opportunity(
            t.id,
            t.title,
            t.status,
            t.sectors,
            t.partners,
            t.next_step,
            t.description,
            [_mention(m.report, m.item.status) for m in t.mentions],
        )
        for t in track_opportunities(reports)
    ]
    return sorted(found, key=lambda o: (-o.latest.date.toordinal(), o.id))


def collect_targets(reports: list[Report], today: date) -> list[Target]:
    """Every target id once, its fields from the latest report mentioning it, flagged if overdue."""
    from kb.tracking.model import track_targets

    found = []
    for tracked in track_targets(reports, today):
        deadline = tracked.deadline
        record = Target(
            tracked.id,
            tracked.what,
            tracked.value,
            tracked.unit,
            deadline.text if deadline else None,
            deadline.end if deadline else None,
            tracked.owner,
            tracked.status,
            _measure(tracked.progress),
            _measure(tracked.baseline),
            mentions=[_mention(m.report, m.item.status) for m in tracked.mentions],
        )
        record.flagged = bool(
            record.deadline_end
            and record.deadline_end < today
            and record.latest.date <= record.deadline_end
            and record.status not in FINAL_TARGET_STATUSES
        )
        found.append(record)
    return sorted(found, key=lambda t: (t.deadline_end or date.max, t.id))


def _matches(resolved: Resolved, table: EntityTable, mentions: list[Mention], own: tuple[str, ...]) -> bool:
    """The item's own entities first, then its reports' tags (module docstring)."""
    tags: dict[str, set[str]] = {}
    for name in ENTITY_FILTERS:
        mine = {e for e in own if (table.get(e) or {}).get("list") == name}
        tags[name] = mine or {t for m in mentions for t in m.tags.get(name, ())}
    in_range = [
        m
        for m in mentions
        if (not resolved.start or m.date >= resolved.start) and (not resolved.end or m.date <= resolved.end)
    ]
    if not in_range:
        return False
    if resolved.countries and not {c for m in mentions for c in m.countries} & set(resolved.countries):
        return False
    if resolved.types and not {m.type for m in mentions} & set(resolved.types):
        return False
    return all(not wanted or set(wanted) & tags[name] for name, wanted in resolved.entities.items())


@dataclass
class Listing:
    kind: str  # "opportunities" or "targets"
    items: list
    filters: Resolved
    include_internal: bool

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "filters": self.filters.as_dict(),
            "include_internal": self.include_internal,
            "total": len(self.items),
            self.kind: [item.as_dict() for item in self.items],
        }


def _load(project: Project, include_internal: bool) -> tuple[KnowledgeBase, list[Report], EntityTable]:
    from kb.checks.knowledgebase import load

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    reports = kb.visible(include_internal)
    table = EntityTable.from_registry(kb.registry, (c for r in reports for c in r.countries))
    return kb, reports, table


def _statuses(values: tuple[str, ...], allowed: tuple[str, ...]) -> set[str]:
    from kb.util.suggest import did_you_mean

    for value in values:
        if value not in allowed:
            raise UsageError(
                f"unknown status '{value}' in --status",
                hint=did_you_mean(value, allowed) or f"one of: {', '.join(allowed)}",
            )
    return set(values)


def list_opportunities(
    project: Project, filters: Filters, *, statuses: tuple[str, ...] = (), include_internal: bool = False
) -> Listing:
    from kb.report.model import OPPORTUNITY_STATUSES

    wanted = _statuses(statuses, OPPORTUNITY_STATUSES)
    _kb, reports, table = _load(project, include_internal)
    resolved = resolve_filters(filters, table)
    items = [
        o
        for o in collect_opportunities(reports)
        if (not wanted or o.status in wanted)
        and _matches(resolved, table, o.mentions, (*o.sectors, *o.partners))
    ]
    return Listing("opportunities", items, resolved, include_internal)


def list_targets(
    project: Project,
    filters: Filters,
    *,
    statuses: tuple[str, ...] = (),
    flagged_only: bool = False,
    include_internal: bool = False,
    today: date | None = None,
) -> Listing:
    from kb.report.model import TARGET_STATUSES

    wanted = _statuses(statuses, TARGET_STATUSES)
    _kb, reports, table = _load(project, include_internal)
    resolved = resolve_filters(filters, table)
    items = [
        t
        for t in collect_targets(reports, today or date.today())
        if (not wanted or t.status in wanted)
        and (not flagged_only or t.flagged)
        and _matches(resolved, table, t.mentions, (t.owner,) if t.owner else ())
    ]
    return Listing("targets", items, resolved, include_internal)


OPPORTUNITY_COLUMNS = [
    "id",
    "status",
    "title",
    "partners",
    "sectors",
    "countries",
    "next_step",
    "first_seen",
    "last_seen",
    "report",
    "path",
]
TARGET_COLUMNS = [
    "id",
    "what",
    "value",
    "unit",
    "deadline",
    "status",
    "owner",
    "progress",
    "baseline",
    "flagged",
    "countries",
    "first_seen",
    "last_seen",
    "report",
    "path",
]
