"""``kb opportunities`` and ``kb targets``: every opportunity and target across reports, filtered.

Items are those of :mod:`kb.tracking.model` (latest report wins, every mention kept; a target's
state by :func:`kb.tracking.model.target_state`), so the listings say what the site and the open
data say, in the same columns.

Filters (see :mod:`kb.registry.filters`) apply to an item's own entities first: an
opportunity's sectors and partners, a target's owner; for a kind of entity the item does not
name itself (e.g. a target has no sectors), the tags of the reports that mention it are used.
``--country`` and ``--type`` match any report mentioning the item, ``--since``/``--until`` any
mention's date.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kb.project import Project
from kb.registry.filters import EntityTable, Filters, Resolved, resolve_filters
from kb.report.model import OPPORTUNITY_STATUSES, TARGET_STATUSES
from kb.tracking.model import (
    OPPORTUNITY_COLUMNS,
    TARGET_COLUMNS,
    TARGET_STATES,
    Mention,
    Opportunity,
    Target,
    track_opportunities,
    track_targets,
)
from kb.util.suggest import one_of

if TYPE_CHECKING:
    from kb.report.model import Report
    from kb.util.tables import Terminal

#: The columns of the terminal tables (``--format table``); CSV and JSON have every column.
OPPORTUNITY_TABLE = ("id", "status", "title", "partners", "last_seen", "latest_report")
TARGET_TABLE = ("id", "what", "target", "deadline", "status", "state", "last_seen")


def _matches(
    resolved: Resolved, table: EntityTable, mentions: Sequence[Mention[Any]], own: Collection[str]
) -> bool:
    """The item's own entities first, then its reports' tags (module docstring)."""
    reports = [m.report for m in mentions]
    in_range = [
        r
        for r in reports
        if (not resolved.start or r.date >= resolved.start) and (not resolved.end or r.date <= resolved.end)
    ]
    if not in_range:
        return False
    if resolved.countries and not {c for r in reports for c in r.countries} & set(resolved.countries):
        return False
    if resolved.types and not {r.type for r in reports} & set(resolved.types):
        return False
    for name, wanted in resolved.entities.items():
        if not wanted:
            continue
        mine = {e for e in own if (table.get(e) or {}).get("list") == name}
        tags = mine or {t for r in reports for t in r.tags.get(name, ())}
        if not set(wanted) & tags:
            return False
    return True


@dataclass
class Listing:
    """What ``kb opportunities`` or ``kb targets`` prints, in each of its formats."""

    kind: str  # "opportunities" or "targets"
    items: Sequence[Opportunity | Target]
    filters: Resolved
    include_internal: bool

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV columns: those of the published ``opportunities.csv`` or ``targets.csv``."""
        return OPPORTUNITY_COLUMNS if self.kind == "opportunities" else TARGET_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        return [item.as_row() for item in self.items]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filters": self.filters.as_dict(),
            "include_internal": self.include_internal,
            "total": len(self.items),
            self.kind: [item.as_json() for item in self.items],
        }

    def render_text(self, terminal: Terminal | None = None) -> str:
        """The terminal table: a few columns of each row, and the latest report; quantities with
        thousands separators and their units (``10,000,000 people``)."""
        from kb.util.tables import render_table
        from kb.util.text import quantity

        rows = self.rows()
        for row in rows:
            row["latest_report"] = row["reports"][-1]
            row["target"] = quantity(row.get("value"), row.get("unit"))
        return render_table(
            rows, list(OPPORTUNITY_TABLE if self.kind == "opportunities" else TARGET_TABLE), terminal
        )


def _load(project: Project, include_internal: bool) -> tuple[list[Report], EntityTable]:
    from kb.checks.knowledgebase import load

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    reports = kb.visible(include_internal)
    table = EntityTable.from_registry(kb.registry, (c for r in reports for c in r.countries))
    return reports, table


def list_opportunities(
    project: Project, filters: Filters, *, statuses: Collection[str] = (), include_internal: bool = False
) -> Listing:
    """Every opportunity matching ``filters`` whose latest status is one of ``statuses`` (any if
    none), the latest reported first."""
    for status in statuses:
        one_of(status, OPPORTUNITY_STATUSES, "--status")
    reports, table = _load(project, include_internal)
    resolved = resolve_filters(filters, table)
    items = [
        o
        for o in track_opportunities(reports)
        if (not statuses or o.status in statuses)
        and _matches(resolved, table, o.mentions, (*o.sectors, *o.partners))
    ]
    items.sort(key=lambda o: (-o.last_seen.toordinal(), o.id))
    return Listing("opportunities", items, resolved, include_internal)


def list_targets(
    project: Project,
    filters: Filters,
    *,
    statuses: Collection[str] = (),
    states: Collection[str] = (),
    include_internal: bool = False,
    today: date | None = None,
) -> Listing:
    """Every target matching ``filters`` whose latest status is one of ``statuses`` and whose
    state today is one of ``states`` (any if none), by deadline."""
    for status in statuses:
        one_of(status, TARGET_STATUSES, "--status")
    for state in states:
        one_of(state, TARGET_STATES, "--state")
    reports, table = _load(project, include_internal)
    resolved = resolve_filters(filters, table)
    items = [
        t
        for t in track_targets(reports, today or date.today())
        if (not statuses or t.status in statuses)
        and (not states or t.state in states)
        and _matches(resolved, table, t.mentions, (t.owner,) if t.owner else ())
    ]
    return Listing("targets", items, resolved, include_internal)
