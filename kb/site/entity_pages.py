"""One page per registry entity (ministry, agency, organisation, sector, project, event, person).

A page shows the registry's description, the entity's names over time (linking
predecessors and successors both ways), every report that names it (and, apart,
reports naming its other names), its opportunities and targets, and the
entities most often tagged with it.
"""

from __future__ import annotations

from ..dates import human_date
from ..opendata import TrackedOpportunity, TrackedTarget
from ..registry import Entity
from . import paths
from .context import KIND_ORDER, STATE_LABELS, Site, front_matter, fuzzy, kind_label, number
from .html import attribute, paragraph, text

SEEN_WITH = 10


def entity_page(site: Site, entity: Entity) -> str:
    page = paths.entity(entity.kind, entity.id)
    feed = paths.sector_feed(entity.id) if entity.kind == "sector" else None
    out = [front_matter(entity.label, description=entity.description, feed=feed)]
    out.append(f"# {text(entity.label)}\n")
    facts = [kind_label(entity.kind)]
    if entity.country:
        facts.append(site.country_link(page, entity.country))
    if entity.valid_from or entity.valid_to:
        facts.append(f"{fuzzy(entity.valid_from) or 'unknown'} to {fuzzy(entity.valid_to) or 'today'}")
    if entity.website:
        facts.append(f"[Website]({paths.external(entity.website)})")
    out.append(" · ".join(facts) + "\n{ .kb-facts }\n")
    if entity.parent:
        out.append(f"Part of {site.entity_link(page, entity.parent)}.\n")
    if entity.description:
        out.append(paragraph(entity.description) + "\n")
    if entity.acronyms or entity.aliases:
        names = [text(n) for n in (*entity.acronyms, *entity.aliases)]
        out.append(f"**Also known as:** {', '.join(names)}\n")
    if feed:
        out.append(f"Follow this sector: [Atom feed of its reports]({paths.link(page, feed)}){{ .kb-feed }}\n")
    out.append(_names_over_time(site, page, entity))

    own = site.reports_tagging(entity.id)
    out.append(f"## Reports ({len(own)})\n")
    out.append(_report_list(site, page, own) if own else "No report names it yet.\n")
    others = _other_name_reports(site, entity)
    if others:
        out.append(f"## Reports under its other names ({len(others)})\n")
        out.append(_report_list(site, page, others))

    opportunities = site.opportunities_of.get(entity.id, [])
    if opportunities:
        out.append(f"## Opportunities ({len(opportunities)})\n")
        out.append(opportunity_table(site, opportunities))
    targets = site.targets_of.get(entity.id, [])
    if targets:
        out.append(f"## Targets ({len(targets)})\n")
        out.append(target_table(site, targets))
    seen = site.relations.seen_with(entity.id, limit=SEEN_WITH)
    if seen:
        out.append("## Often seen with\n")
        out.append("\n".join(f"- {site.entity_link(page, other)}: {count} report{'s' if count != 1 else ''}"
                             for other, count in seen) + "\n")
    children = site.children.get(entity.id, [])
    if children:
        out.append("## Parts of it\n")
        out.append("\n".join(f"- {site.entity_link(page, c.id)}" for c in sorted(children, key=lambda c: c.name))
                   + "\n")
    return "\n".join(out)


def _names_over_time(site: Site, page: str, entity: Entity) -> str:
    lineage = site.registry.lineage(entity.id)
    if len(lineage) < 2:
        return ""
    rows = ["| Name | Acronyms | From | To |", "|---|---|---|---|"]
    for other_id in lineage:
        other = site.registry.get(other_id)
        name = f"**{text(other.name)}** (this page)" if other.id == entity.id else site.entity_link(page, other.id)
        rows.append(f"| {name} | {text(', '.join(other.acronyms))} | {fuzzy(other.valid_from)} "
                    f"| {fuzzy(other.valid_to)} |")
    lines = ["## Names over time\n", "\n".join(rows) + "\n"]
    before = site.registry.predecessors(entity.id)
    after = site.registry.successors(entity.id)
    if before:
        lines.append(f"Renamed from {site.entity_links(page, before, ' and ')}.\n")
    if after:
        lines.append(f"Renamed to {site.entity_links(page, after, ' and ')}.\n")
    return "\n".join(lines)


def _other_name_reports(site: Site, entity: Entity) -> list:
    found = {}
    for other in site.registry.lineage(entity.id):
        if other != entity.id:
            for report in site.reports_tagging(other):
                found[report.id] = report
    own = {r.id for r in site.reports_tagging(entity.id)}
    return sorted((r for r in found.values() if r.id not in own), key=lambda r: (r.date, r.id))


def _report_list(site: Site, page: str, reports: list) -> str:
    """Newest first."""
    return site.report_list(reversed(reports))


def reports_cell(site: Site, reports: list) -> str:
    return ", ".join(site.report_a(r, human_date(r.date)) for r in reports)


def html_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A table as one raw HTML block (cells already HTML): see Site.report_list for why."""
    head = "<tr>\n" + "".join(f"<th>{h}</th>\n" for h in headers) + "</tr>"
    body = "\n".join("<tr>\n" + "".join(f"<td>{c}</td>\n" for c in row) + "</tr>" for row in rows)
    return f"<table>\n<thead>\n{head}\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def opportunity_table(site: Site, opportunities: list[TrackedOpportunity]) -> str:
    rows = [(attribute(o.title), attribute(o.status), site.entities_a(o.partners),
             ", ".join(site.country_a(c) for c in o.countries), reports_cell(site, o.reports))
            for o in opportunities]
    return html_table(("Opportunity", "Status", "Partners", "Countries", "Reports"), rows)


def target_table(site: Site, targets: list[TrackedTarget]) -> str:
    rows = []
    for t in targets:
        value = " ".join(x for x in (number(t.value), attribute(t.unit or "")) if x)
        owner = site.entity_a(t.owner) if t.owner else ""
        rows.append((fuzzy(t.deadline), attribute(t.what), value, owner, STATE_LABELS[t.state],
                     attribute(t.status or ""), reports_cell(site, t.reports)))
    return html_table(("Deadline", "Target", "Value", "Set by", "State", "Reported status", "Reports"), rows)


def entities_index(site: Site) -> str:
    page = paths.ENTITIES_INDEX
    out = [front_matter("Ministries, organisations and projects"),
           "# Ministries, organisations and projects\n",
           "Everything the reports are tagged with, from the registry. The number is how many "
           "reports name it.\n"]
    by_kind: dict[str, list[Entity]] = {}
    for entity in site.entities():
        by_kind.setdefault(entity.kind, []).append(entity)
    for kind in KIND_ORDER:
        if kind not in by_kind:
            continue
        out.append(f"## {kind_label(kind, plural=True)}\n")
        lines = []
        for entity in by_kind[kind]:
            count = len(site.reports_tagging(entity.id))
            country = f", {text(site_country(entity))}" if entity.country else ""
            lines.append(f"- {site.entity_link(page, entity.id)} ({count}{country})")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def site_country(entity: Entity) -> str:
    from .context import country_label

    return country_label(entity.country) if entity.country else ""
