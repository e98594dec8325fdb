"""``kb show ENTITY`` and ``kb related REPORT``: what the knowledge base knows about one thing.

An entity is found by id, acronym, name or alias. Its page gathers its
registry entry, its names over time (the rename lineage), the reports that tag
it under any of those names, the opportunities and targets it takes part in,
and the entities most often tagged with it. Relations come from
:class:`kb.relations.related.Relations`, so the CLI and the site agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kb.errors import UsageError
from kb.project import Project

if TYPE_CHECKING:
    from kb.checks.knowledgebase import KnowledgeBase
    from kb.relations.country import CountryInfo
    from kb.tracking.history import History
    from kb.util.tables import Terminal

#: ``kb show --format``: its text has a few short sections, not one table.
SHOW_FORMATS = ("table", "json")


@dataclass
class EntityInfo:
    entity: dict  # the registry row (Entity.as_row)
    names_over_time: list[dict]  # the lineage, oldest first
    reports: list[dict]  # reports tagging it (any name), oldest first
    opportunities: list[dict]
    targets: list[dict]
    seen_with: list[dict]
    include_internal: bool = False
    history: list[dict] = field(default_factory=list)  # splits, mergers, transfers: other bodies

    def render_text(self) -> str:
        return render_entity(self)

    def as_json(self) -> dict:
        return {
            "entity": self.entity,
            "names_over_time": self.names_over_time,
            "reports": self.reports,
            "opportunities": self.opportunities,
            "targets": self.targets,
            "seen_with": self.seen_with,
            "history": self.history,
            "include_internal": self.include_internal,
        }


def find_entity(registry, text: str):
    """The entity named ``text`` (id, acronym, name or alias); UsageError with suggestions if none."""
    entity = _named_entity(registry, text)
    if entity:
        return entity
    near = registry.suggest(text)
    hint = f"did you mean {' or '.join(near)}?" if near else "list them with: kb entities"
    raise UsageError(f"unknown entity '{text}'", hint=hint)


def _named_entity(registry, text: str):
    entity = registry.get(text.strip())
    if entity:
        return entity
    found = registry.resolve(text)
    if len(found) > 1:
        options = ", ".join(f"{e.id} ({e.name})" for e in found)
        raise UsageError(f"'{text}' names more than one entity: {options}", hint="give the id")
    return found[0] if found else None


def show(
    project: Project, text: str, *, include_internal: bool = False, today: date | None = None
) -> EntityInfo | CountryInfo | History:
    """``kb show``: an entity (id, acronym, name or alias); if no entity has that name, a country
    (``KR``, ``Korea``, ``South Korea``, ``ROK``...: :func:`kb.report.countries.country_code`);
    if none is, the opportunity with that id and its history
    (:func:`kb.tracking.listing.opportunity_history`)."""
    from kb.checks.knowledgebase import load
    from kb.relations.country import country_info
    from kb.report.countries import country_code, country_name
    from kb.tracking.listing import opportunity_history

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    entity = _named_entity(kb.registry, text)
    if entity is None:
        code = country_code(text)
        if code is not None:
            reports = kb.visible(include_internal)
            name = country_name(code) or code
            return country_info(
                code, name, reports, kb.registry, include_internal=include_internal, today=today
            )
        found = opportunity_history(kb, text, include_internal=include_internal, today=today)
        if found is not None:
            return found
        entity = find_entity(kb.registry, text)  # no such entity: an error with suggestions
    return _entity_info(kb, entity, include_internal=include_internal, today=today)


def _report_row(report, tagged_as: list[str]) -> dict:
    return {
        "id": report.id,
        "title": report.title,
        "date": report.date.isoformat(),
        "countries": list(report.countries),
        "type": report.type,
        "path": report.shown.replace("\\", "/"),
        "tagged_as": tagged_as,
    }


def entity_info(
    project: Project, text: str, *, include_internal: bool = False, today: date | None = None, limit: int = 10
) -> EntityInfo:
    from kb.checks.knowledgebase import load

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    entity = find_entity(kb.registry, text)
    return _entity_info(kb, entity, include_internal=include_internal, today=today, limit=limit)


def _entity_info(
    kb: KnowledgeBase, entity, *, include_internal: bool, today: date | None, limit: int = 10
) -> EntityInfo:
    from kb.relations.related import Relations
    from kb.tracking.model import track_opportunities, track_targets

    registry = kb.registry
    lineage = registry.lineage(entity.id) or [entity.id]
    names = [
        {
            "id": other.id,
            "name": other.name,
            "acronyms": list(other.acronyms),
            "valid_from": str(other.valid_from) if other.valid_from else None,
            "valid_to": str(other.valid_to) if other.valid_to else None,
            "this": other.id == entity.id,
        }
        for other in (registry.entities[other_id] for other_id in lineage)  # a lineage holds registry ids
    ]
    reports = kb.visible(include_internal)
    relations = Relations(reports, registry)
    family = set(lineage)
    about = [
        _report_row(r, [e for e in r.entity_ids() if e in family]) for r in relations.reports_about(entity.id)
    ]
    opportunities = [o.as_json() for o in track_opportunities(reports) if family & {*o.sectors, *o.partners}]
    targets = [t.as_json() for t in track_targets(reports, today or date.today()) if t.owner in family]
    seen = []
    for other_id, count in relations.seen_with(entity.id, limit=limit):
        other = registry.get(other_id)
        seen.append(
            {
                "id": other_id,
                "label": other.label if other else other_id,
                "kind": other.kind if other else None,
                "reports": count,
            }
        )
    from kb.registry.lineage import history, history_sentence

    events = [
        {**event, "text": history_sentence(registry, event, entity.id)}
        for event in history(registry, entity.id)
    ]
    return EntityInfo(entity.as_row(), names, about, opportunities, targets, seen, include_internal, events)


#: ``kb related --format csv`` columns, and those of its table.
RELATED_COLUMNS = ("score", "date", "id", "title", "shared", "path")
RELATED_TABLE = ("score", "date", "title", "shared", "path")


@dataclass
class RelatedReports:
    report: dict
    related: list[dict] = field(default_factory=list)
    include_internal: bool = False

    columns = RELATED_COLUMNS

    def as_json(self) -> dict:
        return {"report": self.report, "related": self.related, "include_internal": self.include_internal}

    def render_text(self, terminal: Terminal | None = None) -> str:
        from kb.util.tables import render_table

        return render_table(self.related, list(RELATED_TABLE), terminal)


def related_reports(
    project: Project, text: str, *, include_internal: bool = False, limit: int = 5
) -> RelatedReports:
    """``kb related``: the reports most like one report, by shared entities and distinctive words."""
    from kb.checks.knowledgebase import load
    from kb.relations.related import Relations

    kb = load(project, mentions=False)  # warnings are not needed here, and that check is slow
    report = kb.find_report(text)
    if report is None:
        from kb.util.suggest import did_you_mean

        hint = did_you_mean(text, [r.id for r in kb.reports]) or "give a report id or the path of its file"
        raise UsageError(f"no report '{text}'", hint=hint)
    if not report.is_public and not include_internal:
        raise UsageError(f"report '{report.id}' is internal", hint="add --include-internal to include it")
    reports = kb.visible(include_internal)
    view = next(r for r in reports if r.id == report.id)
    relations = Relations(reports, kb.registry)
    rows = []
    for item in relations.related(view, limit=limit):
        row = _report_row(item.report, list(item.shared))
        row["score"] = item.score
        row["shared"] = row.pop("tagged_as")
        rows.append(row)
    row = _report_row(view, [])
    del row["tagged_as"]
    return RelatedReports(row, rows, include_internal)


def render_entity(info: EntityInfo) -> str:
    """``kb show`` as text: the entry, names over time, reports, opportunities, targets, companions."""
    entity = info.entity
    lines = [f"{entity['name']} ({entity['id']})", f"kind: {entity['kind']}"]
    for label, key in (
        ("acronyms", "acronyms"),
        ("country", "country"),
        ("valid", "valid"),
        ("website", "website"),
        ("description", "description"),
    ):
        if entity.get(key):
            lines.append(f"{label}: {entity[key]}")
    if entity.get("aliases"):
        lines.append(f"aliases: {', '.join(entity['aliases'])}")
    if len(info.names_over_time) > 1:
        lines.append("")
        lines.append("names over time:")
        for name in info.names_over_time:
            span = f"{name['valid_from'] or '?'} to {name['valid_to'] or 'now'}"
            mark = "  <- this entry" if name["this"] else ""
            lines.append(f"  {span:<25} {name['name']} ({name['id']}){mark}")
    if info.history:
        lines.append("")
        lines.append("history (other bodies; searched with --with-predecessors):")
        lines.extend(f"  {event['text']}" for event in info.history)
    sections = (
        (
            f"reports ({len(info.reports)}):",
            [
                f"  {r['date']}  {r['title']}  [{', '.join(r['tagged_as'])}]  {r['path']}"
                for r in info.reports
            ],
        ),
        (
            f"opportunities ({len(info.opportunities)}):",
            [
                f"  {o['id']}  {o['status']}  {o['title']}  (last seen {o['last_seen']} in {o['reports'][-1]})"
                for o in info.opportunities
            ],
        ),
        (
            f"targets ({len(info.targets)}):",
            [
                f"  {t['id']}  {t['what']}  deadline {t['deadline'] or '-'}  status {t['status'] or '-'}"
                f"  state {t['state']}"
                for t in info.targets
            ],
        ),
        ("most often seen with:", [f"  {s['reports']:>3}  {s['label']} ({s['id']})" for s in info.seen_with]),
    )
    for title, rows in sections:
        lines.append("")
        lines.append(title)
        lines.extend(rows or ["  (none)"])
    return "\n".join(lines)
