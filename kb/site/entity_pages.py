"""One page per registry entity (ministry, agency, organisation, sector, project, event, person).

A page shows the registry's description, the entity's names over time (linking
predecessors and successors both ways), every report that names it (and, apart,
reports naming its other names), its opportunities and targets, and the
entities most often tagged with it.
"""

from __future__ import annotations

from datetime import date

from kb.registry.lineage import history, history_sentence
from kb.registry.model import Entity
from kb.report.dates import FuzzyDate, human_date
from kb.site import paths
from kb.site.charts import Span, timeline
from kb.site.context import (
    KIND_ORDER,
    STATE_LABELS,
    Site,
    country_label,
    front_matter,
    fuzzy,
    kind_label,
    number,
)
from kb.site.html import attribute, text, yaml_string
from kb.site.page import (
    COUNTRIES_TAB,
    HTML_PAGE,
    SECTORS_TAB,
    HtmlPage,
    breadcrumbs,
    front,
    html_table,
    paragraphs,
    per_year_chart,
)
from kb.tracking.model import Opportunity, Target

SEEN_WITH = 10


def entity_page(site: Site, entity: Entity) -> str:
    """The page of one entity, as one HTML block (see :mod:`kb.site.report_pages`: built without
    Markdown, as the report pages are, for there are hundreds of them)."""

    page = HtmlPage(site)
    feed = paths.sector_feed(entity.id) if entity.kind == "sector" else None
    tab, trail = _place(entity)
    out = [
        breadcrumbs(site, tab, *trail, (entity.label, None)),
        page.heading(1, attribute(entity.label)),
        *_introduction(site, entity, feed),
    ]
    out.append(_names_over_time(site, page, entity))
    out.append(_history(site, page, entity))

    own = site.reports_tagging(entity.id)
    if entity.kind == "sector":
        out.append(per_year_chart(own, f" on {entity.name}"))
    out.append(page.heading(2, f"Reports ({len(own)})"))
    out.append(_report_list(site, own) if own else "<p>No report names it yet.</p>")
    others = _other_name_reports(site, entity)
    if others:
        out.append(page.heading(2, f"Reports under its other names ({len(others)})"))
        out.append(_report_list(site, others))
    opportunities = site.opportunities_of.get(entity.id, [])
    if opportunities:
        out.append(page.heading(2, f"Opportunities ({len(opportunities)})"))
        out.append(opportunity_table(site, opportunities))
    targets = site.targets_of.get(entity.id, [])
    if targets:
        out.append(page.heading(2, f"Targets ({len(targets)})"))
        out.append(target_table(site, targets))
    seen = site.relations.seen_with(entity.id, limit=SEEN_WITH)
    if seen:
        out.append(page.heading(2, "Often seen with"))
        out.append(
            _items(
                f"{site.entity_a(other)}: {count} report{'s' if count != 1 else ''}" for other, count in seen
            )
        )
    children = site.children.get(entity.id, [])
    if children:
        out.append(page.heading(2, "Parts of it"))
        out.append(_items(site.entity_a(c.id) for c in sorted(children, key=lambda c: c.name)))
    lines = []
    if entity.description:
        lines.append(f"description: {yaml_string(entity.description)}")
    if feed:
        lines.append(f"feed: {yaml_string(feed)}")
    lines.append(f"{HTML_PAGE}: true")
    body = "\n".join(part.rstrip("\n") for part in out if part)
    return front(entity.label, tab, *lines) + '<div class="kb-page">\n' + body + "\n</div>\n"


def _introduction(site: Site, entity: Entity, feed: str | None) -> list[str]:
    """What an entity is: its kind, country, years, website, parent, description, other names
    and feed."""
    out: list[str] = []
    facts = [attribute(kind_label(entity.kind))]
    if entity.country:
        facts.append(site.country_a(entity.country))
    if entity.valid_from or entity.valid_to:
        facts.append(f"{fuzzy(entity.valid_from) or 'unknown'} to {fuzzy(entity.valid_to) or 'today'}")
    if entity.website:
        facts.append(f'<a href="{attribute(paths.external(entity.website))}">Website</a>')
    out.append(f'<p class="kb-facts">{" · ".join(facts)}</p>')
    if entity.parent:
        out.append(f"<p>Part of {site.entity_a(entity.parent)}.</p>")
    if entity.description:
        out.append(paragraphs(entity.description))
    if entity.acronyms or entity.aliases:
        names = [attribute(n) for n in (*entity.acronyms, *entity.aliases)]
        out.append(f"<p><strong>Also known as:</strong> {', '.join(names)}</p>")
    if feed:
        out.append(
            f'<p>Follow this sector: <a class="kb-feed" href="{site.href(feed)}">Atom feed of its '
            "reports</a></p>"
        )
    return out


def _place(entity: Entity) -> tuple[str, list[tuple[str, str | None]]]:
    """The tab and breadcrumb steps above an entity: Sectors; its country; or the registry's index."""
    if entity.kind == "sector":
        return SECTORS_TAB, []
    if entity.country:
        return COUNTRIES_TAB, [(country_label(entity.country), paths.country(entity.country))]
    return COUNTRIES_TAB, [("Ministries and organisations", paths.ENTITIES_INDEX)]


def _items(items) -> str:
    return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def _names_over_time(site: Site, page, entity: Entity) -> str:
    lineage = site.registry.lineage(entity.id)
    if len(lineage) < 2:
        return ""
    rows = []
    for other_id in lineage:
        other = site.registry.get(other_id)
        if other is None:  # a lineage lists only registry ids; nothing to show for another
            continue
        name = (
            f"<strong>{attribute(other.name)}</strong> (this page)"
            if other.id == entity.id
            else site.entity_a(other.id)
        )
        rows.append(
            (name, attribute(", ".join(other.acronyms)), fuzzy(other.valid_from), fuzzy(other.valid_to))
        )
    lines = [
        page.heading(2, "Names over time"),
        names_timeline(site, lineage, entity),
        html_table(("Name", "Acronyms", "From", "To"), rows, "Names over time"),
    ]
    before = [
        o for o in site.registry.predecessors(entity.id) if site.registry.kind_of(o, entity.id) == "rename"
    ]
    after = site.registry.renamed(entity.id)
    if before:
        lines.append(f"<p>Renamed from {site.entities_a(before, ' and ')}.</p>")
    if after:
        lines.append(f"<p>Renamed to {site.entities_a(after, ' and ')}.</p>")
    return "\n".join(line.rstrip("\n") for line in lines)


def _history(site: Site, page, entity: Entity) -> str:
    """Splits, mergers and transfers of this body (under any of its names): other bodies, so
    linked as history, never counted as this one's reports."""
    events = history(site.registry, entity.id)
    if not events:
        return ""
    # The sentence's own words are fixed text; each body in it is a link that escapes its label.
    items = [history_sentence(site.registry, e, entity.id, name=site.entity_a) for e in events]
    note = (
        "<p>These are other bodies, not former names: their reports are not counted here. "
        "On the Find reports page, \u201cAlso include former bodies\u201d adds them to a search.</p>"
    )
    return "\n".join([page.heading(2, "History"), _items(s[:1].upper() + s[1:] + "." for s in items), note])


def names_timeline(site: Site, lineage: list[str], entity: Entity) -> str:
    """The names of an entity's lineage as bars on a time axis (``MSIP, 2013 to 2017`` then
    ``MSIT, since 2017``); a name without dates is left out of the picture (the table lists it)."""
    spans = []
    for other_id in lineage:
        other = site.registry.get(other_id)
        if other is None or other.valid_from is None:
            continue
        start = _year_fraction(other.valid_from.start)
        end = _year_fraction(other.valid_to.end) if other.valid_to else _year_fraction(site.today)
        shown = (
            f"{_years(other.valid_from)} to {_years(other.valid_to)}"
            if other.valid_to
            else f"since {_years(other.valid_from)}"
        )
        label = other.acronyms[0] if other.acronyms else other.name
        if other.id == entity.id:
            label += " (this page)"
        spans.append(Span(label, start, max(end, start), shown))
    if len(spans) < 2:
        return ""
    first = int(min(s.start for s in spans))
    last = int(max(s.end for s in spans)) + 1
    summary = ", then ".join(f"{s.label.removesuffix(' (this page)')} ({s.shown})" for s in spans)
    return timeline(f"Names of {entity.name} over time", spans, first=first, last=last, summary=summary)


def _year_fraction(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


def _years(value: FuzzyDate) -> str:
    return str(value.start.year)


def _other_name_reports(site: Site, entity: Entity) -> list:
    found = {}
    for other in site.registry.lineage(entity.id):
        if other != entity.id:
            for report in site.reports_tagging(other):
                found[report.id] = report
    own = {r.id for r in site.reports_tagging(entity.id)}
    return sorted((r for r in found.values() if r.id not in own), key=lambda r: (r.date, r.id))


def _report_list(site: Site, reports: list) -> str:
    """Newest first."""
    return site.report_list(reversed(reports))


def reports_cell(site: Site, reports: list) -> str:
    return ", ".join(site.report_a(r, human_date(r.date)) for r in reports)


def opportunity_table(site: Site, opportunities: list[Opportunity]) -> str:
    from kb.site.opportunity_pages import opportunity_a

    rows = [
        (
            opportunity_a(site, o),
            attribute(o.status),
            site.entities_a(o.partners),
            ", ".join(site.country_a(c) for c in o.countries),
            reports_cell(site, o.reports),
        )
        for o in opportunities
    ]
    return html_table(("Opportunity", "Status", "Partners", "Countries", "Reports"), rows, "Opportunities")


def target_table(site: Site, targets: list[Target]) -> str:
    from kb.site.filters import entry_data
    from kb.site.target_pages import progress_bar, target_a

    rows = []
    marks = []  # what the tracker's filters read (kb.site.board)
    for t in targets:
        sectors = (s for r in t.reports for s in r.tags.get("sectors", ()))
        owners = (t.owner,) if t.owner else ()
        marks.append('class="kb-board-entry" ' + entry_data(site, sectors, t.countries, owners))
        value = " ".join(x for x in (number(t.value), attribute(t.unit or "")) if x)
        owner = site.entity_a(t.owner) if t.owner else ""
        rows.append(
            (
                fuzzy(t.deadline),
                target_a(site, t),
                value,
                progress_bar(t.progress.value if t.progress else None, t.value, t.unit),
                owner,
                STATE_LABELS[t.state],
                attribute(t.status or ""),
                reports_cell(site, t.reports),
            )
        )
    return html_table(
        ("Deadline", "Target", "Value", "Progress", "Set by", "State", "Reported status", "Reports"),
        rows,
        "Targets",
        marks,
    )


def entities_index(site: Site) -> str:
    page = paths.ENTITIES_INDEX
    out = [
        front_matter("Ministries, organisations and projects", tab=COUNTRIES_TAB),
        breadcrumbs(site, COUNTRIES_TAB, ("Ministries and organisations", None)),
        "# Ministries, organisations and projects\n",
        "Everything the reports are tagged with, from the registry. The number is how many "
        "reports name it.\n",
    ]
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
    from kb.site.context import country_label

    return country_label(entity.country) if entity.country else ""
