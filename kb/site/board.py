"""The Opportunities page as a pipeline: one entry per opportunity, grouped by stage
(:data:`kb.tracking.history.STAGES`), each with its countries, sectors, partners, last report,
next step, and marked when stale (:func:`kb.tracking.history.stale_reason`).

Filters without a server: each entry carries its sector, country and partner ids in ``data-``
attributes, and the filter form is in the page, ``hidden``. ``javascripts/board.js`` (loaded
on this page only: front matter ``kb_board``, see ``overrides/main.html``) shows the form and
hides the entries and stages that do not match. The targets tracker uses the same form and
script over its table's rows (:func:`filter_form`, :func:`entry_data`). Without JavaScript the form stays hidden and
every entry shows. Written as one HTML block (every value escaped here), like report pages.
"""

from __future__ import annotations

from kb.report.dates import human_date
from kb.site import paths
from kb.site.browse_pages import pipeline_chart
from kb.site.context import Site
from kb.site.filters import BOARD_PAGE, FILTERS, entry_data, filter_form
from kb.site.html import attribute
from kb.site.opportunity_pages import opportunity_a
from kb.site.page import HTML_PAGE, OPPORTUNITIES_TAB, HtmlPage, breadcrumbs, front
from kb.tracking.history import STAGES, stage, stale_reason
from kb.tracking.model import Opportunity


def _ids(opportunity: Opportunity, name: str) -> tuple[str, ...]:
    return {
        "sectors": opportunity.sectors,
        "countries": opportunity.countries,
        "partners": opportunity.partners,
    }[name]


def board_page(site: Site) -> str:
    page = HtmlPage(site)
    by_stage: dict[str, list[Opportunity]] = {name: [] for name in STAGES}
    for opportunity in sorted(
        site.opportunities, key=lambda o: (-o.last_seen.toordinal(), o.title.casefold(), o.id)
    ):
        by_stage.setdefault(stage(opportunity.status), []).append(opportunity)
    stale = {o.id for o in site.opportunities if stale_reason(o, site.today)}
    total = len(site.opportunities)
    counts = ", ".join(f"{len(items)} {attribute(name)}" for name, items in by_stage.items() if items)
    data = ", ".join(
        f'<a href="{site.href(paths.API + "/" + name)}">{label}</a>'
        for name, label in (
            ("opportunities.json", "JSON"),
            ("opportunities.csv", "CSV"),
            ("opportunity_events.json", "history as JSON"),
            ("opportunity_events.csv", "history as CSV"),
        )
    )
    out = [breadcrumbs(site, OPPORTUNITIES_TAB, ("Opportunities", None)).rstrip("\n")]
    out.append(page.heading(1, "Opportunities"))
    out.append(
        f"<p>{total:,} {'opportunity' if total == 1 else 'opportunities'}"
        + (f": {counts}" if counts else "")
        + f". {len(stale):,} stale (no report for 18 months, or a next step over 6 months past). "
        "Each opportunity is shown as its latest report describes it; its page has every report on it. "
        f"Download: {data}.</p>"
    )
    out.append(pipeline_chart(site).rstrip("\n"))
    if not site.opportunities:
        out.append("<p>No opportunities recorded yet.</p>")
    else:
        out.append(_filters(site))
    for name, items in by_stage.items():
        if not items:
            continue
        entries = "\n".join(_entry(site, o, o.id in stale) for o in items)
        out.append(
            f'<section class="kb-board-stage" data-stage="{attribute(name)}">\n'
            + page.heading(2, f"{attribute(name.capitalize())} ({len(items):,})")
            + f'\n<ul class="kb-board">\n{entries}\n</ul>\n</section>'
        )
    return (
        front("Opportunities", OPPORTUNITIES_TAB, f"{HTML_PAGE}: true", f"{BOARD_PAGE}: true")
        + '<div class="kb-page">\n'
        + "\n".join(p for p in out if p)
        + "\n</div>\n"
    )


def _filters(site: Site) -> str:
    values = {name: {v for o in site.opportunities for v in _ids(o, name)} for name, _label, _any in FILTERS}
    return filter_form(site, values, "opportunities")


def _entry(site: Site, opportunity: Opportunity, stale: bool) -> str:
    latest = opportunity.latest.report
    data = entry_data(site, opportunity.sectors, opportunity.countries, opportunity.partners)
    facts = [
        ("Countries", ", ".join(site.country_a(c) for c in opportunity.countries)),
        ("Sectors", site.entities_a(opportunity.sectors)),
        ("Partners", site.entities_a(opportunity.partners)),
        ("Last report", f"{human_date(latest.date)}, {site.report_a(latest)}"),
        ("Next step", attribute(opportunity.next_step or "")),
    ]
    mark = ' <strong class="kb-stale">Stale</strong>' if stale else ""
    lines = "".join(f"<br />\n<strong>{label}:</strong> {value}" for label, value in facts if value)
    return f'<li class="kb-board-entry" {data}>{opportunity_a(site, opportunity)}{mark}{lines}</li>'
