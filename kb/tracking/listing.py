"""``kb opportunities`` and ``kb targets``: every opportunity and target across reports, filtered.

Items are those of :mod:`kb.tracking.model` (latest report wins, every mention kept; a target's
state by :func:`kb.tracking.model.target_state`), so the listings say what the site and the open
data say, in the same columns.

Filters (see :mod:`kb.registry.filters`) apply to an item's own entities first: an
opportunity's sectors and partners, a target's owner; for a kind of entity the item does not
name itself (e.g. a target has no sectors), the tags of the reports that mention it are used.
``--country`` and ``--type`` match any report mentioning the item, ``--since``/``--until`` any
mention's date. ``--partner`` (any registry entity: id, acronym or name, and its names over time)
matches an opportunity's partners; ``--stale`` keeps the stale ones (:mod:`kb.tracking.history`).

``kb opportunities`` prints the pipeline: one table per stage, in stage order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kb.errors import UsageError
from kb.project import Project
from kb.registry.filters import EntityTable, Filters, Resolved, resolve_filters
from kb.report.model import OPPORTUNITY_STATUSES, TARGET_STATUSES
from kb.tracking.history import STAGES, History, history, stage, stale_reason
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
    from kb.checks.knowledgebase import KnowledgeBase
    from kb.report.model import Report
    from kb.util.tables import Terminal

#: The columns of the terminal tables (``--format table``); CSV and JSON have every column.
OPPORTUNITY_TABLE = ("id", "title", "next_step", "last_seen", "countries", "sectors", "partners", "stale")
#: At 80 columns every column must keep room for an id: the baseline goes in the progress cell,
#: and the reported status (``announced``...) is left to ``kb show`` and JSON/CSV; the state says it.
TARGET_TABLE = ("id", "what", "target", "progress", "deadline", "state", "last_seen")


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
    today: date | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV columns: those of the published ``opportunities.csv`` or ``targets.csv``."""
        return OPPORTUNITY_COLUMNS if self.kind == "opportunities" else TARGET_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        return [item.as_row() for item in self.items]

    def _pipeline(self, item: Opportunity | Target) -> dict[str, Any]:
        """An opportunity's stage and, if stale, why (nothing for a target)."""
        if not isinstance(item, Opportunity):
            return {}
        return {"stage": stage(item.status), "stale": stale_reason(item, self.today or date.today())}

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filters": self.filters.as_dict(),
            "include_internal": self.include_internal,
            "total": len(self.items),
            self.kind: [{**item.as_json(), **self._pipeline(item)} for item in self.items],
        }

    def render_text(self, terminal: Terminal | None = None) -> str:
        """The terminal table: a few columns of each row (opportunities: one table per stage);
        quantities with thousands separators and their units (``10,000,000 people``)."""
        from kb.util.tables import render_table
        from kb.util.text import quantity

        if self.kind == "opportunities":
            return self._render_pipeline(terminal)
        rows = self.rows()
        for row in rows:
            row["latest_report"] = row["reports"][-1]
            row["target"] = quantity(row.get("value"), row.get("unit"))
            row["progress"] = _progress_cell(row)
        return render_table(rows, list(TARGET_TABLE), terminal)

    def _render_pipeline(self, terminal: Terminal | None) -> str:
        from kb.util.tables import render_table

        out = []
        for name in STAGES:
            rows = []
            for item in self.items:
                extra = self._pipeline(item)
                if extra["stage"] != name:
                    continue
                row = item.as_row()
                row["stale"] = "stale" if extra["stale"] else ""
                rows.append(row)
            if rows:
                out.append(f"{name} ({len(rows)}):\n" + render_table(rows, list(OPPORTUNITY_TABLE), terminal))
        return "\n\n".join(out) if out else "(no opportunities)"


def _progress_cell(row: dict[str, Any]) -> str:
    """The latest progress and the baseline, each with when it was measured:
    ``300 people (2014-07), baseline 100 people (2013)``."""
    from kb.util.text import quantity

    parts = []
    for name in ("progress", "baseline"):
        if row.get(name) is None:
            continue
        figure = quantity(row[name], row.get("unit"))
        as_of = row.get(f"{name}_as_of")
        figure = f"{figure} ({as_of})" if as_of else figure
        parts.append(figure if name == "progress" else f"baseline {figure}")
    return ", ".join(parts)


def _load(project: Project, include_internal: bool) -> tuple[list[Report], EntityTable]:
    from kb.checks.knowledgebase import load

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    reports = kb.visible(include_internal)
    table = EntityTable.from_registry(kb.registry, (c for r in reports for c in r.countries))
    return reports, table


def resolve_partners(values: Collection[str], table: EntityTable) -> set[str]:
    """The registry ids ``--partner`` names (any kind of entity), with their names over time."""
    ids: set[str] = set()
    for value in values:
        found = table.resolve(value)
        if not found:
            near = table.suggest(value)
            hint = f"did you mean {' or '.join(near)}?" if near else "see the known ones with: kb entities"
            raise UsageError(f"unknown partner '{value}' in --partner", hint=hint)
        for entity_id in found:
            ids.update(table.lineage(entity_id) or [entity_id])
    return ids


def list_opportunities(
    project: Project,
    filters: Filters,
    *,
    statuses: Collection[str] = (),
    partners: Collection[str] = (),
    stale: bool = False,
    include_internal: bool = False,
    today: date | None = None,
) -> Listing:
    """Every opportunity matching ``filters`` whose latest status is one of ``statuses`` (any if
    none), with one of ``partners`` (any if none), only the stale ones if ``stale``; the latest
    reported first."""
    for status in statuses:
        one_of(status, OPPORTUNITY_STATUSES, "--status")
    today = today or date.today()
    reports, table = _load(project, include_internal)
    resolved = resolve_filters(filters, table)
    wanted = resolve_partners(partners, table)
    items = [
        o
        for o in track_opportunities(reports)
        if (not statuses or o.status in statuses)
        and (not wanted or wanted & set(o.partners))
        and (not stale or stale_reason(o, today) is not None)
        and _matches(resolved, table, o.mentions, (*o.sectors, *o.partners))
    ]
    items.sort(key=lambda o: (-o.last_seen.toordinal(), o.id))
    return Listing("opportunities", items, resolved, include_internal, today)


def find_opportunity(
    project: Project, text: str, *, include_internal: bool = False, today: date | None = None
) -> History | None:
    """The history of the opportunity with id ``text`` (``kb show <opportunity-id>``); None if
    no visible report mentions that id. An internal one without ``include_internal`` is refused."""
    from kb.checks.knowledgebase import load

    return opportunity_history(
        load(project, mentions=False), text, include_internal=include_internal, today=today
    )


def opportunity_history(
    kb: KnowledgeBase, text: str, *, include_internal: bool = False, today: date | None = None
) -> History | None:
    """:func:`find_opportunity` on a knowledge base already loaded (``kb show`` loads it once)."""
    wanted = text.strip()
    everything = track_opportunities(kb.visible(include_internal))
    found = next((o for o in everything if o.id == wanted), None)
    if found is None:
        if not include_internal and any(o.id == wanted for o in track_opportunities(kb.visible(True))):
            raise UsageError(
                f"opportunity '{wanted}' is internal", hint="add --include-internal to include it"
            )
        return None
    return history(found, everything, today or date.today(), include_internal=include_internal)


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
