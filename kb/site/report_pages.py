"""One page per report: metadata, entity chips, linked body, opportunities, targets, related reports.

A report page's size depends on the report only: lists that could grow with the
knowledge base (related reports, other reports about an opportunity) are capped.
"""

from __future__ import annotations

from ..dates import human_date
from ..opendata import target_state
from ..report import Opportunity, Person, Report, Target
from . import paths
from .context import (KIND_ORDER, STATE_LABELS, Site, front_matter, fuzzy, kind_label, number, type_label,
                      visit_span)
from .find import search_data
from .html import paragraph, raw_block, text

RELATED = 5
#: Reports scored for "Related reports" per page: keeps the build linear (see Relations.related).
RELATED_CANDIDATES = 40
OTHER_REPORTS = 5
#: Shown when a report names no disclaimer and the registry has none called 'standard'.
DEFAULT_DISCLAIMER = ("Disclaimer", "This report is published for information only. It reflects what its "
                      "authors understood at the time of writing and may since have become out of date.")


def report_page(site: Site, report: Report) -> str:
    page = paths.report(report.id)
    out = [front_matter(report.title, description=report.summary or None)]
    # What the Find page searches: the report's own content (see kb.site.find); related
    # reports and the disclaimer stay outside, so they never make a report match.
    out.append('<div class="kb-report" data-pagefind-body markdown>\n')
    out.append(f"# {text(report.title)}\n")
    out.append(_facts(site, page, report))
    if report.summary:
        out.append(f"{text(report.summary)}\n{{ .kb-summary }}\n")
    chips = _chips(site, page, report)
    if chips:
        out.append(chips)
    body = site.renderer.render(report.body, site.entity_href)
    if body.strip():
        out.append(raw_block(body, "kb-body") + "\n")
    if report.opportunities:
        out.append("## Opportunities\n")
        out.extend(_opportunity(site, page, report, o) for o in report.opportunities)
    if report.targets:
        out.append("## Targets\n")
        out.append(_targets_table(site, page, report.targets))
    out.append(search_data(site, report, body))
    out.append("</div>\n")
    related = site.relations.related(report, limit=RELATED, max_candidates=RELATED_CANDIDATES)
    if related:
        out.append("## Related reports\n")
        out.append("\n".join(site.report_item(page, r.report) for r in related) + "\n")
    out.append(_source(site, report))
    if not site.internal:
        return "\n".join(out)
    return "\n".join(out) + _internal_parts(report)


def _person(site: Site, page: str, person: Person) -> str:
    parts = [text(person.name)]
    extra = []
    if person.role:
        extra.append(text(person.role))
    if person.organisation:
        entity = site.registry.get(person.organisation)
        extra.append(site.entity_link(page, entity.id) if entity else text(person.organisation))
    return parts[0] + (f" ({', '.join(extra)})" if extra else "")


def _facts(site: Site, page: str, report: Report) -> str:
    rows = [("Date", human_date(report.date)), ("Type", text(type_label(report.type))),
            ("Countries", site.country_links(page, report.countries))]
    if report.visit and (report.visit.start or report.visit.end or report.visit.places):
        when = visit_span(report.visit)
        places = ", ".join(text(p) for p in report.visit.places)
        rows.append(("Visit", "; ".join(x for x in (when, places) if x)))
    if report.authors:
        rows.append(("Authors", "; ".join(_person(site, page, p) for p in report.authors)))
    if report.visitors:
        rows.append(("Visitors", "; ".join(_person(site, page, p) for p in report.visitors)))
    replaces = site.by_id.get(report.supersedes) if report.supersedes else None
    if replaces:  # only a visible report: the id of an internal one is not published
        rows.append(("Replaces", site.report_link(page, replaces)))
    if site.replaced_by.get(report.id):
        rows.append(("Replaced by", ", ".join(site.report_link(page, r) for r in site.replaced_by[report.id])))
    if site.internal:
        rows.append(("Visibility", text(report.visibility)))
        if report.classification:
            rows.append(("Classification", text(report.classification)))
    facts = "\n".join(f"- **{label}:** {value}" for label, value in rows)
    return f'<div class="kb-facts" markdown>\n\n{facts}\n\n</div>\n'



def _chips(site: Site, page: str, report: Report) -> str:
    """Every entity the front matter names, grouped by kind, as links to their pages."""
    by_kind: dict[str, list[str]] = {}
    for entity_id in report.entity_ids():
        entity = site.registry.get(entity_id)
        if entity is not None:
            by_kind.setdefault(entity.kind, []).append(entity_id)
    if not by_kind:
        return ""
    lines = []
    for kind in KIND_ORDER:
        if kind in by_kind:
            chips = " ".join(site.entity_link(page, e, chip=True) for e in by_kind[kind])
            lines.append(f"**{kind_label(kind, plural=True)}:** {chips}")
    return "<div class=\"kb-tags\" markdown>\n\n" + "  \n".join(lines) + "\n\n</div>\n"


def _opportunity(site: Site, page: str, report: Report, opportunity: Opportunity) -> str:
    block = [f'!!! tip kb-opportunity "Opportunity: {text(opportunity.title)}"\n']
    facts = [f"**Status:** {text(opportunity.status)}"]
    if opportunity.sectors:
        facts.append(f"**Sectors:** {site.entity_links(page, opportunity.sectors)}")
    if opportunity.partners:
        facts.append(f"**Partners:** {site.entity_links(page, opportunity.partners)}")
    block.append("    " + " · ".join(facts) + "\n")
    if opportunity.next_step:
        block.append(f"    **Next step:** {text(opportunity.next_step)}\n")
    if opportunity.description:
        block.append(_indent(paragraph(opportunity.description)) + "\n")
    tracked = site.opportunity_by_id.get(opportunity.id)
    if tracked and len(tracked.mentions) > 1:
        others = [m for m in tracked.mentions if m.report.id != report.id]
        latest = tracked.mentions[-1]
        if latest.report.id != report.id:
            block.append(f"    **Latest status:** {text(tracked.status)} "
                         f"({human_date(latest.report.date)}, {site.report_link(page, latest.report)})\n")
        shown = others[-OTHER_REPORTS:]
        links = ", ".join(f"{site.report_link(page, m.report)} ({human_date(m.report.date)})" for m in shown)
        more = f" and {len(others) - len(shown)} more on the [opportunities board]" \
               f"({paths.link(page, paths.OPPORTUNITIES)})" if len(others) > len(shown) else ""
        block.append(f"    **Also in:** {links}{more}\n")
    return "\n".join(block)


def _targets_table(site: Site, page: str, targets: tuple[Target, ...]) -> str:
    rows = ["| Target | Value | Deadline | Set by | Status | Progress |", "|---|---|---|---|---|---|"]
    for target in targets:
        value = " ".join(x for x in (number(target.value), text(target.unit or "")) if x)
        progress = ""
        if target.progress and target.progress.value is not None:
            progress = number(target.progress.value)
            if target.progress.as_of:
                progress += f" ({fuzzy(target.progress.as_of)})"
        state = target_state(target.status, target.deadline, site.today)
        status = text(target.status or "")
        if state:
            status = f"{status} ({STATE_LABELS[state].lower()})" if status else STATE_LABELS[state]
        owner = site.entity_link(page, target.owner) if target.owner else ""
        rows.append(f"| {text(target.what)} | {value} | {fuzzy(target.deadline)} | {owner} | {status} "
                    f"| {progress} |")
    return "\n".join(rows) + "\n"


def _indent(markdown_text: str) -> str:
    return "    " + markdown_text.replace("\n", "\n    ")


def _source(site: Site, report: Report) -> str:
    lines = []
    source = report.source
    if source and (source.url or source.publisher):
        name = text(source.publisher or "Original publication")
        where = f"[{name}]({paths.external(source.url)})" if source.url else name
        lines.append(f"**Source:** {where}")
    if source and source.licence:
        lines.append(f"**Licence:** {text(source.licence)}")
    disclaimer = site.registry.disclaimers.get(report.disclaimer or "standard")
    title, body = (disclaimer.title, disclaimer.text) if disclaimer else DEFAULT_DISCLAIMER
    out = "\n---\n\n" + ("  \n".join(lines) + "\n{ .kb-source }\n\n" if lines else "")
    return out + f'!!! info kb-disclaimer "{text(title)}"\n\n{_indent(paragraph(body))}\n'


def _internal_parts(report: Report) -> str:
    """Staff-only fields, shown in the internal build only."""
    out = []
    if report.internal_notes:
        out.append('!!! danger kb-internal "Internal notes"\n\n' + _indent(paragraph(report.internal_notes))
                   + "\n")
    if report.review:
        points = "\n".join(f"    - {text(point)}" for point in report.review)
        out.append(f'!!! danger kb-internal "Still to review"\n\n{points}\n')
    return ("\n" + "\n".join(out)) if out else ""

