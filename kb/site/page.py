"""Building blocks of the generated HTML pages (headings with anchors, paragraphs, tables,
breadcrumbs, the reports-per-year chart), shared by the report, entity and browse pages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from kb.report.model import Report
from kb.site import paths
from kb.site.charts import bar_chart
from kb.site.context import Site
from kb.site.html import attribute

#: Front matter key of a generated page that is one raw HTML block (see kb.site.passthrough).
HTML_PAGE = "kb_html"
#: Front matter key naming the navigation tab a generated page belongs to (overrides/main.html).
TAB = "kb_tab"
#: The tabs (mkdocs.yml's nav titles) generated pages belong to.
HOME_TAB, REPORTS_TAB, COUNTRIES_TAB, SECTORS_TAB = "Home", "Reports", "Countries", "Sectors"
OPPORTUNITIES_TAB, TARGETS_TAB, ABOUT_TAB = "Opportunities", "Targets", "About"
#: Breadcrumb steps above the pages of each tab: (label, docs path).
TRAILS: dict[str, tuple[tuple[str, str], ...]] = {
    HOME_TAB: (),
    REPORTS_TAB: (("Reports", paths.REPORTS_INDEX),),
    COUNTRIES_TAB: (("Countries", paths.COUNTRIES_INDEX),),
    SECTORS_TAB: (("Sectors", paths.SECTORS_INDEX),),
    OPPORTUNITIES_TAB: (("Opportunities", paths.OPPORTUNITIES),),
    TARGETS_TAB: (("Targets", paths.TARGETS),),
    ABOUT_TAB: (("About", paths.ABOUT),),
}


class HtmlPage:
    """Links and heading ids of one generated HTML page (ids unique within the page, as the toc
    extension makes them, so the theme's table of contents and permalinks work as on Markdown pages)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.ids: set[str] = set()

    def heading(self, level: int, inner_html: str) -> str:
        anchor = self._unique(_slug(inner_html))
        return (
            f'<h{level} id="{anchor}">{inner_html}<a class="headerlink" href="#{anchor}" '
            f'title="Permanent link">&para;</a></h{level}>'
        )

    def with_heading_ids(self, fragment: str) -> str:
        return _HEADING.sub(lambda m: self.heading(int(m.group(1)), m.group(2)), fragment)

    def _unique(self, anchor: str) -> str:
        anchor = anchor or "section"
        candidate, n = anchor, 0
        while candidate in self.ids:
            n += 1
            candidate = f"{anchor}_{n}"
        self.ids.add(candidate)
        return candidate

    def href(self, target: str) -> str:
        return self.site.href(target)

    def entity(self, entity_id: str, *, chip: bool = False) -> str:
        return self.site.entity_a(entity_id, chip=chip)

    def entities(self, entity_ids) -> str:
        return self.site.entities_a(entity_ids)

    def report(self, report: Report) -> str:
        return self.site.report_a(report)

    def country(self, code: str) -> str:
        return self.site.country_a(code)


def paragraphs(value: object) -> str:
    """Escaped text as paragraphs (blank lines in the text separate them)."""
    return "\n".join(f"<p>{attribute(p)}</p>" for p in _BLANK_LINE.split(str(value)) if p.strip())


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], label: str, row_attributes: Sequence[str] = ()
) -> str:
    """A table as one raw HTML block (cells already HTML): see Site.report_list for why.

    Responsive: on a wide screen a table as wide as the text; on a phone each row becomes a card
    of "header: value" lines (``data-label``, see kb.css), so the page never scrolls sideways. The
    explicit roles keep it a table for screen readers when CSS changes how its parts display.
    ``row_attributes``: HTML attributes of each row (written escaped by the caller), or none.
    """
    head = '<tr role="row">\n' + "".join(f'<th role="columnheader" scope="col">{h}</th>\n' for h in headers)
    labels = [attribute(_TAGS.sub("", h)) for h in headers]
    extra = [f" {a}" if a else "" for a in row_attributes] or [""] * len(rows)
    body = "\n".join(
        f'<tr role="row"{more}>\n'
        + "".join(
            f'<td role="cell" data-label="{name}">{c}</td>\n' for name, c in zip(labels, row, strict=True)
        )
        + "</tr>"
        for row, more in zip(rows, extra, strict=True)
    )
    return (
        f'<div class="kb-table-wrap">\n<table class="kb-table" role="table" aria-label="{attribute(label)}">\n'
        f'<thead role="rowgroup">\n{head}</tr>\n</thead>\n<tbody role="rowgroup">\n{body}\n</tbody>\n</table>\n'
        "</div>\n"
    )


def front(title: str | None, tab: str, *lines: str) -> str:
    """Front matter of a generated HTML page: its title (escaped), its tab, and ``lines``
    (literal YAML written by the generators, never from reports)."""
    from kb.site.html import yaml_string

    out = ["---"]
    if title is not None:
        out.append(f"title: {yaml_string(title)}")
    out += [f"{TAB}: {tab}", *lines, "---", ""]
    return "\n".join(out)


def breadcrumbs(site: Site, tab: str, *steps: tuple[str, str | None]) -> str:
    """``Home › Countries › South Korea › <this page>``: the tab's own steps, then ``steps``
    (label, docs path; the last is this page, not linked)."""
    trail = [("Home", paths.HOME), *TRAILS[tab], *steps]
    items = []
    for index, (label, target) in enumerate(trail):
        if index == len(trail) - 1:
            items.append(f'<li aria-current="page">{attribute(label)}</li>')
        else:
            items.append(f'<li><a href="{site.href(target or paths.HOME)}">{attribute(label)}</a></li>')
    return (
        '<nav class="kb-breadcrumbs" aria-label="Breadcrumb" data-search-exclude>\n<ol>'
        + "".join(items)
        + "</ol>\n</nav>\n"
    )


def per_year_chart(reports: Iterable[Report], about: str) -> str:
    """Reports per year, every year from the first to the last (a year without reports shows as
    nothing drawn, not as a gap closed up); empty without reports."""
    counts = Counter(r.year for r in reports)
    if not counts:
        return ""
    years = range(min(counts), max(counts) + 1)
    total = sum(counts.values())
    busiest = max(years, key=lambda y: (counts[y], -y))
    summary = (
        f"{total:,} report{'s' if total != 1 else ''} from {years[0]} to {years[-1]}; "
        f"most in {busiest} ({counts[busiest]:,})"
    )
    return bar_chart(
        f"Reports per year{about}",
        [(str(year), counts[year]) for year in years],
        headers=("Year", "Reports"),
        summary=summary,
    )


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)


_BLANK_LINE = re.compile(r"\n\s*\n")


def _slug(inner_html: str) -> str:
    import html

    from markdown.extensions.toc import slugify

    return slugify(html.unescape(_TAGS.sub("", inner_html)), "-")


_TAGS = re.compile(r"<[^>]+>")
