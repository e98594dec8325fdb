"""What goes into the search index: one document per report, and a copy of the registry.

The field names here are those of :func:`kb.search.engine.make_schema`. No Whoosh here:
documents are plain dicts.

One document per report. Its ordinary fields hold what the public may see: for
a public report, the view :func:`kb.report.public.redact` leaves (no internal sections,
items, people or notes); for an internal report, everything (an internal report
is only ever searched by staff). The internal parts of a *public* report go
into separate ``private*`` fields. A public search is filtered to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling; a staff search reads them all.

Entity names are expanded when searching, not when indexing: ``entities`` holds
every entity a report tags plus their predecessors and successors (the
registry's lineage), and :mod:`kb.search.rewrite` turns a name, acronym or alias in the
query into ``entities:<id>``. So a ministry's new name finds reports written
under its old one, and an acronym finds reports that only use the full name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from kb.report.comments import replace_comments

if TYPE_CHECKING:
    from kb.registry.model import Registry
    from kb.report.model import Report

TAG_FIELDS = ("ministries", "organisations", "sectors", "projects", "events", "people")


def _clean(text: str) -> str:
    return replace_comments(text, lambda _comment: " ")


def _internal_sections(body: str) -> str:
    """The text inside ``<!-- internal -->`` sections: what :func:`kb.report.markers.public_body` drops."""
    from kb.report.markers import split_body

    return split_body(body)[1]


def _lineage(view: Report, registry: Registry) -> list[str]:
    found: list[str] = []
    for entity_id in view.entity_ids():
        for other in registry.lineage(entity_id) or [entity_id]:
            if other not in found:
                found.append(other)
    return found


def people_text(view: Report) -> str:
    """The ``authors`` field: each author's and visitor's name, role and organisation."""
    return "\n".join(
        " ".join(filter(None, (p.name, p.role, p.organisation))) for p in (*view.authors, *view.visitors)
    )


def _text(view: Report) -> dict[str, str]:
    body = _clean(view.body)
    if view.internal_notes:
        body += "\n\n" + view.internal_notes
    return {
        "body": body,
        "opportunities": "\n".join(
            " ".join(filter(None, (o.id, o.title, o.next_step, o.description))) for o in view.opportunities
        ),
        "targets": "\n".join(f"{t.id} {t.what}" for t in view.targets),
        "authors": people_text(view),
    }


def report_document(report: Report, registry: Registry, key: str) -> dict:
    """The index document of one report (see the module docstring for the public/private split)."""
    from kb.report.public import redact

    full = _text(report)
    document = {
        "key": report.id,
        "path": key,
        "visibility": report.visibility,
        "title": report.title,
        "summary": report.summary or "",
        "date": datetime(report.date.year, report.date.month, report.date.day),
        "year": str(report.date.year),
        "countries": " ".join(report.countries),
        **{name: " ".join(report.tags.get(name, ())) for name in TAG_FIELDS},
        "type": report.type,
        "content_hash": report.content_hash,
    }
    if not report.is_public:
        return {
            **document,
            **full,
            "opportunity_ids": " ".join(o.id for o in report.opportunities),
            "entities": " ".join(_lineage(report, registry)),
        }
    public = redact(report)
    shown = _text(public)
    entities = _lineage(public, registry)
    # Whatever redaction removed, as plain text for staff searches and snippets.
    hidden = [_clean(_internal_sections(report.body)), report.internal_notes or ""]
    hidden += [
        " ".join(filter(None, (o.id, o.title, o.next_step, o.description)))
        for o in report.opportunities
        if o.internal
    ]
    hidden += [f"{t.id} {t.what}" for t in report.targets if t.internal]
    hidden += [
        " ".join(filter(None, (p.name, p.role, p.organisation)))
        for p in (*report.authors, *report.visitors)
        if p.internal
    ]
    return {
        **document,
        **shown,
        "opportunity_ids": " ".join(o.id for o in public.opportunities),
        "private_opportunity_ids": " ".join(o.id for o in report.opportunities if o.internal),
        "entities": " ".join(entities),
        "private_entities": " ".join(e for e in _lineage(report, registry) if e not in entities),
        "private": "\n".join(h for h in hidden if h.strip()),
    }


def entity_snapshot(registry: Registry, country_codes: Iterable[str], previous: dict | None = None) -> dict:
    """What a search needs of the registry, so that it does not have to read the YAML files;
    ``country_codes`` are those of the indexed reports (repeats allowed)."""
    from kb.report.countries import country_name
    from kb.report.model import REPORT_TYPES

    countries = dict((previous or {}).get("countries", {}))
    for code in country_codes:
        if code not in countries:
            countries[code] = country_name(code) or code
    return {
        "entities": {
            e.id: {
                "name": e.name,
                "kind": e.kind,
                "list": e.tag_list,
                "label": e.label,
                "names": list(e.names()),
                "lineage": registry.lineage(e.id) or [e.id],
                "former": registry.former_bodies(e.id),
            }
            for e in registry.entities.values()
        },
        "report_types": list(REPORT_TYPES),
        "countries": dict(sorted(countries.items())),
    }
