"""The Opportunities page as a pipeline: one entry per opportunity, grouped by stage
(:data:`kb.tracking.history.STAGES`), each with its countries, sectors, partners, last report,
next step, and marked when stale (:func:`kb.tracking.history.stale_reason`).

Filters without a server: each entry carries its sector, country and partner ids in ``data-``
attributes, and the filter form is in the page, ``hidden``. ``javascripts/board.js`` (loaded
on this page only: front matter ``kb_board``, see ``overrides/main.html``) shows the form and
hides the entries and stages that do not match. Without JavaScript the form stays hidden and
every entry shows. Written as one HTML block (every value escaped here), like report pages.
"""

from __future__ import annotations

from kb.report.dates import human_date
from kb.site import paths
from kb.site.browse_pages import pipeline_chart
from kb.site.context import Site, country_label
from kb.site.html import attribute
from kb.site.opportunity_pages import opportunity_a
from kb.site.page import HTML_PAGE, OPPORTUNITIES_TAB, HtmlPage, breadcrumbs, front
from kb.tracking.history import STAGES, stage, stale_reason
from kb.tracking.model import Opportunity

#: Front matter key of the board: overrides/main.html loads javascripts/board.js for it.
BOARD_PAGE = "kb_board"
#: The filters: (data attribute, label, what "any" says).
FILTERS = (
    ("sectors", "Sector", "Any sector"),
    ("countries", "Country", "Any country"),
    ("partners", "Partner", "Any partner"),
)


def _ids(opportunity: Opportunity, name: str) -> tuple[str, ...]:
    return {
        "sectors": opportunity.sectors,
        "countries": opportunity.countries,
        "partners": opportunity.partners,
    }[name]


def _matched(site: Site, opportunity: Opportunity, name: str) -> tuple[str, ...]:
    """The ids an entry answers to: a partner under any of its names over time (MSIT is MSIP renamed)."""
    ids = _ids(opportunity, name)
    if name != "partners":
        return ids
    return tuple(dict.fromkeys(i for p in ids for i in (site.registry.lineage(p) or [p])))


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
    """The filter form, hidden until board.js shows it (progressive enhancement)."""
    fields = []
    for name, label, anything in FILTERS:
        values = sorted(
            {v for o in site.opportunities for v in _ids(o, name)},
            key=lambda v: (_label(site, name, v).casefold(), v),
        )
        options = "".join(
            f'<option value="{attribute(v)}">{attribute(_label(site, name, v))}</option>' for v in values
        )
        fields.append(
            f'<label class="kb-board-filter">{label} '
            f'<select data-filter="{name}"><option value="">{anything}</option>{options}</select></label>'
        )
    return (
        '<form class="kb-board-filters" hidden aria-label="Filter the opportunities" data-search-exclude>\n'
        + "\n".join(fields)
        + '\n<p class="kb-board-count" aria-live="polite"></p>\n</form>'
    )


def _label(site: Site, name: str, value: str) -> str:
    if name == "countries":
        return country_label(value)
    entity = site.registry.get(value)
    return entity.label if entity else value


def _entry(site: Site, opportunity: Opportunity, stale: bool) -> str:
    latest = opportunity.latest.report
    data = " ".join(
        f'data-{name}="{attribute(" ".join(_matched(site, opportunity, name)))}"'
        for name, _label, _any in FILTERS
    )
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
