"""One page per report: metadata, entity chips, linked body, opportunities, targets, related reports.

A report page is written as HTML, one raw block (every value escaped here, the body
sanitised by :mod:`kb.site.html`): MkDocs then has no Markdown to parse, and ``kb build``
passes the page through untouched (see :mod:`kb.site.passthrough`), which makes the
thousands of report pages cheap to build. Links are root-relative (:func:`paths.rooted`),
the only kind both MkDocs and Zensical leave alone in raw HTML; the site's link test checks
them. Report pages stay out of the theme's header search (``search: exclude``): the Find
reports page searches them with Pagefind.

A report page's size depends on the report only: lists that could grow with the
knowledge base (related reports, other reports about an opportunity) are capped.
"""

from __future__ import annotations

from kb.report.dates import human_date
from kb.report.model import OpportunityEntry, Person, Report
from kb.site import paths
from kb.site.context import (
    KIND_ORDER,
    STATE_LABELS,
    Site,
    country_label,
    fuzzy,
    kind_label,
    number,
    type_label,
    visit_span,
)
from kb.site.find import search_data
from kb.site.html import attribute, one_block
from kb.site.page import (
    COUNTRIES_TAB,
    HTML_PAGE,
    REPORTS_TAB,
    HtmlPage,
    breadcrumbs,
    front,
    html_table,
    paragraphs,
)
from kb.tracking.model import target_state

RELATED = 5
#: Reports scored for "Related reports" per page: keeps the build linear (see Relations.related).
RELATED_CANDIDATES = 40
OTHER_REPORTS = 5
#: Licences reports name by their SPDX identifier: the name a reader knows, and where to read it.
KNOWN_LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "OGL-UK-2.0": (
        "Open Government Licence v2.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/",
    ),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}
#: Shown when a report names no disclaimer and the registry has none called 'standard'.
DEFAULT_DISCLAIMER = (
    "Disclaimer",
    "This report is published for information only. It reflects what its "
    "authors understood at the time of writing and may since have become out of date.",
)


def report_page(site: Site, report: Report) -> str:
    """The page of one report: YAML front matter, then one block of HTML."""
    page = HtmlPage(site)
    tab, trail = _place(report)
    out = [breadcrumbs(site, tab, *trail, (report.title, None)).rstrip("\n")]
    # What the Find page searches: the report's own content (see kb.site.find); related
    # reports and the disclaimer stay outside, so they never make a report match. The facts
    # and tags are left out of its text too (their words are in the search data, at the end):
    # a result's snippet is then the report's own text, never "Date: ... Type: ...".
    out.append('<div class="kb-report" data-pagefind-body>')
    out.append(page.heading(1, attribute(report.title)))
    out.append(_facts(page, report))
    if report.summary:
        out.append(f'<p class="kb-summary">{attribute(report.summary)}</p>')
    chips = _chips(page, report)
    if chips:
        out.append(chips)
    body = site.renderer.render(report.body, site.entity_href)
    if body.strip():
        out.append('<div class="kb-body">\n' + page.with_heading_ids(one_block(body)) + "\n</div>")
    if report.opportunities:
        out.append(page.heading(2, "Opportunities"))
        out.extend(_opportunity(page, report, o) for o in report.opportunities)
    if report.targets:
        out.append(page.heading(2, "Targets"))
        out.append(_targets_table(page, report))
    out.append(search_data(site, report, body).rstrip("\n"))
    out.append("</div>")
    related = site.relations.related(report, limit=RELATED, max_candidates=RELATED_CANDIDATES)
    if related:
        out.append(page.heading(2, "Related reports"))
        out.append(site.report_list(r.report for r in related).rstrip("\n"))
    out.append(_source(page, report))
    if site.internal:
        out.append(_internal_parts(report))
    # One outer element and no blank line: the page is one HTML block, whoever reads it.
    return (
        _front_matter(site, report, tab)
        + '<div class="kb-page">\n'
        + "\n".join(p for p in out if p)
        + "\n</div>\n"
    )


def _place(report: Report) -> tuple[str, list[tuple[str, str | None]]]:
    """The tab and breadcrumb steps above a report: under its first country, else under Reports."""
    if report.countries:
        code = report.countries[0]
        return COUNTRIES_TAB, [(country_label(code), paths.country(code))]
    return REPORTS_TAB, []


def _front_matter(site: Site, report: Report, tab: str) -> str:
    from kb.site.html import yaml_string

    lines = []
    if report.summary:
        lines.append(f"description: {yaml_string(report.summary)}")
    lines.append(f"{HTML_PAGE}: true")
    if not site.offline:  # the offline copy's search is the theme's own: it searches reports
        lines += ["search:", "  exclude: true"]
    return front(report.title, tab, *lines)


def _person(page: HtmlPage, person: Person) -> str:
    extra = []
    if person.role:
        extra.append(attribute(person.role))
    if person.organisation:
        entity = page.site.registry.get(person.organisation)
        extra.append(page.entity(entity.id) if entity else attribute(person.organisation))
    return attribute(person.name) + (f" ({', '.join(extra)})" if extra else "")


def _facts(page: HtmlPage, report: Report) -> str:
    site = page.site
    rows = [
        ("Date", human_date(report.date)),
        ("Type", attribute(type_label(report.type))),
        ("Countries", ", ".join(page.country(c) for c in report.countries)),
    ]
    if report.visit and (report.visit.start or report.visit.end or report.visit.places):
        when = visit_span(report.visit)
        places = ", ".join(attribute(p) for p in report.visit.places)
        rows.append(("Visit", "; ".join(x for x in (when, places) if x)))
    if report.authors:
        rows.append(("Authors", "; ".join(_person(page, p) for p in report.authors)))
    if report.visitors:
        rows.append(("Visitors", "; ".join(_person(page, p) for p in report.visitors)))
    replaces = site.by_id.get(report.supersedes) if report.supersedes else None
    if replaces:  # only a visible report: the id of an internal one is not published
        rows.append(("Replaces", page.report(replaces)))
    if site.replaced_by.get(report.id):
        rows.append(("Replaced by", ", ".join(page.report(r) for r in site.replaced_by[report.id])))
    if site.internal:
        rows.append(("Visibility", attribute(report.visibility)))
        if report.classification:
            rows.append(("Classification", attribute(report.classification)))
    facts = "\n".join(f"<li><strong>{label}:</strong> {value}</li>" for label, value in rows)
    return f'<div class="kb-facts" data-pagefind-ignore>\n<ul>\n{facts}\n</ul>\n</div>'


def _chips(page: HtmlPage, report: Report) -> str:
    """Every entity the front matter names, grouped by kind, as links to their pages."""
    by_kind: dict[str, list[str]] = {}
    for entity_id in report.entity_ids():
        entity = page.site.registry.get(entity_id)
        if entity is not None:
            by_kind.setdefault(entity.kind, []).append(entity_id)
    if not by_kind:
        return ""
    lines = []
    for kind in KIND_ORDER:
        if kind in by_kind:
            chips = " ".join(page.entity(e, chip=True) for e in by_kind[kind])
            lines.append(f"<strong>{kind_label(kind, plural=True)}:</strong> {chips}")
    return '<div class="kb-tags" data-pagefind-ignore>\n<p>' + "<br />\n".join(lines) + "</p>\n</div>"


def _admonition(kind: str, css_class: str, title: str, inner: str) -> str:
    """The HTML of Python-Markdown's ``!!! kind css_class "title"`` admonition."""
    return (
        f'<div class="admonition {kind} {css_class}">\n<p class="admonition-title">{title}</p>\n'
        f"{inner}\n</div>"
    )


def _opportunity(page: HtmlPage, report: Report, opportunity: OpportunityEntry) -> str:
    site = page.site
    facts = [f"<strong>Status:</strong> {attribute(opportunity.status)}"]
    if opportunity.sectors:
        facts.append(f"<strong>Sectors:</strong> {page.entities(opportunity.sectors)}")
    if opportunity.partners:
        facts.append(f"<strong>Partners:</strong> {page.entities(opportunity.partners)}")
    block = ["<p>" + " · ".join(facts) + "</p>"]
    if opportunity.next_step:
        block.append(f"<p><strong>Next step:</strong> {attribute(opportunity.next_step)}</p>")
    if opportunity.description:
        block.append(paragraphs(opportunity.description))
    tracked = site.opportunity_by_id.get(opportunity.id)
    if tracked and len(tracked.mentions) > 1:
        others = [m for m in tracked.mentions if m.report.id != report.id]
        latest = tracked.mentions[-1]
        if latest.report.id != report.id:
            block.append(
                f"<p><strong>Latest status:</strong> {attribute(tracked.status)} "
                f"({human_date(latest.report.date)}, {page.report(latest.report)})</p>"
            )
        shown = others[-OTHER_REPORTS:]
        links = ", ".join(f"{page.report(m.report)} ({human_date(m.report.date)})" for m in shown)
        more = (
            f' and {len(others) - len(shown)} more on <a href="{page.href(paths.opportunity(opportunity.id))}">'
            "its page</a>"
            if len(others) > len(shown)
            else ""
        )
        block.append(f"<p><strong>Also in:</strong> {links}{more}</p>")
    title = attribute(opportunity.title)
    if tracked:  # its page: history, partners, related opportunities (kb.site.opportunity_pages)
        title = f'<a class="kb-opportunity-link" href="{page.href(paths.opportunity(opportunity.id))}">{title}</a>'
    return _admonition("tip", "kb-opportunity", f"Opportunity: {title}", "\n".join(block))


def _targets_table(page: HtmlPage, report: Report) -> str:
    rows = []
    for target in report.targets:
        value = " ".join(x for x in (number(target.value), attribute(target.unit or "")) if x)
        progress = ""
        if target.progress and target.progress.value is not None:
            progress = number(target.progress.value)
            if target.progress.as_of:
                progress += f" ({fuzzy(target.progress.as_of)})"
        state = target_state(target.status, target.deadline, report.date, page.site.today)
        status = attribute(target.status or "")
        if state:
            status = f"{status} ({STATE_LABELS[state].lower()})" if status else STATE_LABELS[state]
        owner = page.entity(target.owner) if target.owner else ""
        what = f'<a class="kb-target-link" href="{page.href(paths.target(target.id))}">{attribute(target.what)}</a>'
        rows.append((what, value, fuzzy(target.deadline), owner, status, progress))
    return html_table(
        ("Target", "Value", "Deadline", "Set by", "Status", "Progress"), rows, "Targets in this report"
    ).rstrip("\n")


def _source(page: HtmlPage, report: Report) -> str:
    """Provenance: where the report came from (publisher, address, licence), how to cite it, and
    its disclaimer."""
    site = page.site
    lines = []
    source = report.source
    if source and source.publisher:
        lines.append(f"<strong>Published by:</strong> {attribute(source.publisher)}")
    if source and source.url:
        address = attribute(paths.external(source.url))
        lines.append(
            f'<strong>Source:</strong> <a class="kb-source__url" href="{address}">{attribute(source.url)}</a>'
        )
    licence = _licence(source.licence if source else None) or _site_licence(site)
    if licence:
        lines.append(f"<strong>Licence:</strong> {licence}")
    lines.append(
        f'<strong>Cite this report:</strong> <span class="kb-cite">{attribute(citation(site, report))}</span>'
    )
    disclaimer = site.registry.disclaimers.get(report.disclaimer or "standard")
    title, body = (disclaimer.title, disclaimer.text) if disclaimer else DEFAULT_DISCLAIMER
    out = page.heading(2, "Source and citation") + "\n"
    out += '<p class="kb-source">' + "<br />\n".join(lines) + "</p>\n"
    return out + _admonition("info", "kb-disclaimer", attribute(title), paragraphs(body))


def _licence(value: str | None) -> str:
    if not value:
        return ""
    known = KNOWN_LICENCES.get(value.strip())
    if known:
        return f'<a href="{known[1]}">{attribute(known[0])}</a>'
    return attribute(value)


def _site_licence(site: Site) -> str:
    """The site's licence (reports/site.yml), for a report that names none of its own."""
    licence = site.settings.licence
    if licence is None:
        return ""
    if licence.url:
        return f'<a href="{attribute(paths.external(licence.url))}">{attribute(licence.name)}</a>'
    return attribute(licence.name)


def citation(site: Site, report: Report) -> str:
    """``Author (2014). Title. Site name. https://.../kb/reports/<id>/`` (plain text)."""
    if report.authors:
        who = "; ".join(p.name for p in report.authors)
    elif report.source and report.source.publisher:
        who = report.source.publisher
    elif site.settings.organisation:
        who = site.settings.organisation.name
    else:
        who = site.site_name
    title = report.title.rstrip(".")
    return f"{who} ({report.year}). {title}. {site.site_name}. {paths.absolute(site.site_url, paths.report(report.id))}"


def _internal_parts(report: Report) -> str:
    """Staff-only fields, shown in the internal build only."""
    out = []
    if report.internal_notes:
        out.append(_admonition("danger", "kb-internal", "Internal notes", paragraphs(report.internal_notes)))
    if report.review:
        points = "\n".join(f"<li>{attribute(point)}</li>" for point in report.review)
        out.append(_admonition("danger", "kb-internal", "Still to review", f"<ul>\n{points}\n</ul>"))
    return "\n".join(out)
