"""One page per opportunity (``kb/opportunities/<id>/``): where it stands, who the partners are,
its history report by report, and the opportunities most like it.

Made from the site's reports (redacted for a public build), so a public page shows only the
states public reports gave; the staff site shows every report's. Written as one HTML block
(every value escaped here), like report pages. A page's size depends only on the reports that
mention the opportunity: the related list is capped, and its candidates are found through the
partners, sectors and countries it shares (:class:`OpportunityPages`), not by reading every
report.
"""

from __future__ import annotations

from collections import defaultdict

from kb.report.dates import human_date
from kb.site import paths
from kb.site.context import Site
from kb.site.html import attribute, yaml_string
from kb.site.page import HTML_PAGE, OPPORTUNITIES_TAB, HtmlPage, breadcrumbs, front, html_table
from kb.tracking.history import Relative, events, progress_line, related, stage, stale_reason
from kb.tracking.model import Opportunity

#: Related opportunities shown on a page.
RELATED = 5


def opportunity_a(site: Site, opportunity: Opportunity, label: str | None = None) -> str:
    """A link to an opportunity's page, by its title (for raw HTML)."""
    href = site.href(paths.opportunity(opportunity.id))
    return f'<a class="kb-opportunity-link" href="{href}">{attribute(label or opportunity.title)}</a>'


class OpportunityPages:
    """Every opportunity's page, with the look-ups made once per build."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.sharing: dict[tuple[str, str], list[Opportunity]] = defaultdict(list)
        for opportunity in site.opportunities:
            for kind, values in (
                ("partner", opportunity.partners),
                ("sector", opportunity.sectors),
                ("country", opportunity.countries),
            ):
                for value in dict.fromkeys(values):
                    self.sharing[(kind, value)].append(opportunity)

    def files(self) -> dict[str, str]:
        return {paths.opportunity(o.id): self.page(o) for o in self.site.opportunities}

    def related(self, opportunity: Opportunity) -> list[Relative]:
        """Those sharing most with it: candidates share a partner or sector first; a country
        only when too few do (a country's opportunities can be many)."""
        candidates: dict[str, Opportunity] = {}
        for kind, values in (("partner", opportunity.partners), ("sector", opportunity.sectors)):
            for value in values:
                candidates.update((o.id, o) for o in self.sharing.get((kind, value), ()))
        candidates.pop(opportunity.id, None)
        if len(candidates) < RELATED:
            for code in opportunity.countries:
                for other in self.sharing.get(("country", code), ()):
                    if other.id != opportunity.id and other.id not in candidates:
                        candidates[other.id] = other
                        if len(candidates) >= RELATED:
                            break
        return related(opportunity, candidates.values(), limit=RELATED)

    def page(self, opportunity: Opportunity) -> str:
        site = self.site
        page = HtmlPage(site)
        out = [breadcrumbs(site, OPPORTUNITIES_TAB, (opportunity.title, None)).rstrip("\n")]
        out.append(page.heading(1, attribute(opportunity.title)))
        out.append(self._facts(opportunity))
        out.append(page.heading(2, "History"))
        out.append(f'<p class="kb-progress">{attribute(progress_line(opportunity))}</p>')
        out.append(self._history(opportunity))
        feed = site.href(paths.opportunity_feed(opportunity.id))
        out.append(
            f'<p>Follow this opportunity: <a class="kb-feed" href="{feed}">Atom feed of the reports on it</a>.</p>'
        )
        relatives = self.related(opportunity)
        if relatives:
            out.append(page.heading(2, "Related opportunities"))
            out.append(self._related(relatives))
        return (
            front(
                opportunity.title,
                OPPORTUNITIES_TAB,
                f"{HTML_PAGE}: true",
                f"feed: {yaml_string(paths.opportunity_feed(opportunity.id))}",
            )
            + '<div class="kb-page kb-opportunity-page">\n'
            + "\n".join(p for p in out if p)
            + "\n</div>\n"
        )

    def _facts(self, opportunity: Opportunity) -> str:
        site = self.site
        now = stage(opportunity.status)
        latest = opportunity.latest.report
        rows = [
            ("Status now", f"{attribute(now)} ({human_date(latest.date)}, {site.report_a(latest)})"),
            ("Countries", ", ".join(site.country_a(c) for c in opportunity.countries)),
            ("Sectors", site.entities_a(opportunity.sectors)),
            ("Partners", site.entities_a(opportunity.partners)),
            ("Next step", attribute(opportunity.next_step or "")),
            ("Description", attribute(opportunity.description or "")),
        ]
        reason = stale_reason(opportunity, site.today)
        if reason:
            rows.append(("Stale", attribute(reason)))
        items = "\n".join(f"<li><strong>{label}:</strong> {value}</li>" for label, value in rows if value)
        return f'<div class="kb-facts">\n<ul>\n{items}\n</ul>\n</div>'

    def _history(self, opportunity: Opportunity) -> str:
        site = self.site
        by_id = {m.report.id: m.report for m in opportunity.mentions}
        rows = [
            (
                human_date(e.date),
                site.report_a(by_id[e.report]),
                attribute(e.status),
                attribute(e.next_step or ""),
            )
            for e in events(opportunity)
        ]
        return html_table(("Date", "Report", "Status", "Next step"), rows, "History").rstrip("\n")

    def _related(self, relatives: list[Relative]) -> str:
        site = self.site
        items = []
        for r in relatives:
            shared = [
                *(site.entity_a(p) for p in r.shared["partner"]),
                *(site.entity_a(s) for s in r.shared["sector"]),
                *(site.country_a(c) for c in r.shared["country"]),
            ]
            items.append(
                f"<li>{opportunity_a(site, r.opportunity)} ({attribute(stage(r.opportunity.status))};"
                f" shares {', '.join(shared)})</li>"
            )
        return '<ul class="kb-related-opportunities">\n' + "\n".join(items) + "\n</ul>"
