"""Browse pages: home (the front door), reports by year (the timeline), countries and sectors.

Reports are listed on these index pages, never in the sidebar: a sidebar of
every report makes each page grow with the knowledge base and the build quadratic.
"""

from __future__ import annotations

from collections import Counter

from kb.report.dates import MONTHS, human_date
from kb.report.model import OPPORTUNITY_STATUSES
from kb.site import paths
from kb.site.charts import bar_chart
from kb.site.context import LATEST, STATE_LABELS, Site, country_label, front_matter, kind_label, type_label
from kb.site.entity_pages import opportunity_table, target_table
from kb.site.filters import BOARD_PAGE, filter_form
from kb.site.html import attribute, text
from kb.site.opportunity_pages import opportunity_a
from kb.site.page import (
    COUNTRIES_TAB,
    REPORTS_TAB,
    SECTORS_TAB,
    TARGETS_TAB,
    breadcrumbs,
    html_table,
    per_year_chart,
)
from kb.tracking.model import TARGET_STATES

TABLE_NAMES = (
    ("reports", "Reports"),
    ("entities", "Entities"),
    ("opportunities", "Opportunities"),
    ("targets", "Targets"),
)
#: The front door's entry points: sectors and opportunities shown (the rest are one link away).
HOME_SECTORS = 12
HOME_OPPORTUNITIES = 5
HOME_REPORTS = 10


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def home_page(site: Site) -> str:
    """The front door: what this is and who publishes it, a search box for the Find page, the ways
    in (countries with counts, sectors, latest opportunities), then the latest reports and a
    picture of reports per year."""
    settings = site.settings
    out = [
        "---\nkb_tab: Home\n---\n",  # no title: the theme titles the home page with the site's name
        f'<h1 class="kb-home__title">{attribute(site.site_name)}{" (staff)" if site.internal else ""}</h1>\n',
    ]
    intro = [attribute(settings.description)] if settings.description else []
    if settings.organisation:
        who = attribute(settings.organisation.name)
        if settings.organisation.url:
            who = f'<a href="{attribute(paths.external(settings.organisation.url))}">{who}</a>'
        intro.append(f"Published by {who}.")
    if site.reports:
        years = sorted(site.by_year)
        span = f"{years[0]}" if years[0] == years[-1] else f"{years[0]} to {years[-1]}"
        intro.append(
            f"{_plural(len(site.reports), 'report')} from {span}, about "
            f"{_plural(len(site.by_country), 'country', 'countries')}."
        )
    if intro:
        out.append('<div class="kb-home__intro">\n<p>' + " ".join(intro) + "</p>\n</div>\n")
    if site.internal:
        out.append(
            '!!! danger "Staff build"\n\n    This site includes internal reports and internal '
            "sections. Do not publish or forward it.\n"
        )
    if not site.reports:
        out.append("## Latest reports\n")
        out.append(no_reports_yet(site, paths.HOME))
        return "\n".join(out)
    out.append(_home_search(site))
    out.append("## Countries\n")
    out.append(
        _entry_list(
            (country_label(c), site.href(paths.country(c)), len(site.by_country[c]))
            for c in sorted(site.by_country, key=lambda c: country_label(c).casefold())
        )
    )
    out.append(
        f"[Every country]({paths.link(paths.HOME, paths.COUNTRIES_INDEX)}) · [Ministries and organisations]({paths.link(paths.HOME, paths.ENTITIES_INDEX)})\n"
    )
    sectors = sorted(
        ((len(site.reports_tagging(s.id)), s) for s in site.sectors() if site.reports_tagging(s.id)),
        key=lambda ns: (-ns[0], ns[1].name.casefold()),
    )
    if sectors:
        out.append("## Sectors\n")
        out.append(_entry_list((s.name, site.entity_href(s.id) or "", n) for n, s in sectors[:HOME_SECTORS]))
        out.append(f"[Every sector]({paths.link(paths.HOME, paths.SECTORS_INDEX)})\n")
    if site.opportunities:
        out.append("## Latest opportunities\n")
        out.append(_latest_opportunities(site))
        out.append(f"[The opportunities board]({paths.link(paths.HOME, paths.OPPORTUNITIES)})\n")
    out.append("## Latest reports\n")
    out.append(site.report_list(list(reversed(site.reports[-HOME_REPORTS:])), summary=True))
    out.append(
        f"[Every report, year by year]({paths.link(paths.HOME, paths.YEARS_INDEX)}) · "
        f"[Atom feed]({paths.link(paths.HOME, paths.ALL_FEED)}){{ .kb-feed }}\n"
    )
    out.append("## Reports per year\n")
    out.append(per_year_chart(site.reports, ""))
    out.append("## Open data\n")
    out.append(open_data_links(paths.HOME) + "\n")
    return "\n".join(out)


def _home_search(site: Site) -> str:
    """A search box that opens the Find reports page with its words (a plain form: no script)."""
    return (
        f'<form class="kb-home-search" role="search" aria-label="Search the reports" '
        f'action="{site.href(paths.FIND)}" method="get">\n'
        '<label for="kb-home-words">Search the reports by words, names or places</label>\n'
        '<div class="kb-home-search__row"><input type="search" id="kb-home-words" name="words" '
        'autocomplete="off"><button type="submit" class="md-button md-button--primary">Search</button></div>\n'
        "</form>\n"
    )


def _entry_list(entries) -> str:
    """Links with a count each (``South Korea 6 reports``), as one raw HTML list."""
    items = "\n".join(
        f'<li><a href="{href}">{attribute(label)}</a> <span class="kb-entries__count">'
        f"{_plural(count, 'report')}</span></li>"
        for label, href, count in entries
    )
    return f'<ul class="kb-entries">\n{items}\n</ul>\n'


def _latest_opportunities(site: Site) -> str:
    """The opportunities most recently discussed, newest first."""
    latest = sorted(site.opportunities, key=lambda o: (o.mentions[-1].report.date, o.id), reverse=True)
    items = []
    for opportunity in latest[:HOME_OPPORTUNITIES]:
        report = opportunity.mentions[-1].report
        countries = ", ".join(attribute(country_label(c)) for c in opportunity.countries)
        items.append(
            f"<li><strong>{opportunity_a(site, opportunity)}</strong> ({attribute(opportunity.status)}"
            + (f"; {countries}" if countries else "")
            + f"): {human_date(report.date)}, {site.report_a(report)}</li>"
        )
    return '<ul class="kb-opportunities">\n' + "\n".join(items) + "\n</ul>\n"


def no_reports_yet(site: Site, page: str) -> str:
    """What a site without reports says instead of listing them: that there are none yet, and
    (on the public site) how a report gets published."""
    if site.internal:
        return f"No reports yet. Write one with `kb new` (see `{paths.WRITING_GUIDE}` in the repository).\n"
    return (
        "There are no public reports yet. A report is published here once its front matter says "
        "`visibility: public` and `kb check` finds no error in it; reports made with `kb new` are "
        f'internal until then. See `{paths.WRITING_GUIDE}` in the repository, "Publishing".\n'
    )


def open_data_links(page: str) -> str:
    items = []
    for name, label in TABLE_NAMES:
        items.append(
            f"- {label}: [JSON]({paths.link(page, f'{paths.API}/{name}.json')}), "
            f"[CSV]({paths.link(page, f'{paths.API}/{name}.csv')})"
        )
    return "\n".join(items)


def reports_index(site: Site) -> str:
    page = paths.REPORTS_INDEX
    out = [
        front_matter("Reports", tab=REPORTS_TAB),
        breadcrumbs(site, REPORTS_TAB, ("Reports", None)),
        "# Reports\n",
        f"{_plural(len(site.reports), 'report')}. [Find reports]({paths.link(page, paths.FIND)}) by words, "
        f"names, sector, country, ministry and year. Follow new ones with the "
        f"[Atom feed]({paths.link(page, paths.ALL_FEED)}).\n",
    ]
    out.append("## By year\n")
    out.append(
        "\n".join(
            f"- [{year}]({paths.link(page, paths.year(year))}): {_plural(len(site.by_year[year]), 'report')}"
            for year in sorted(site.by_year, reverse=True)
        )
        + "\n"
        if site.by_year
        else "No reports yet.\n"
    )
    types = Counter(r.type for r in site.reports)
    if types:
        out.append("## By type\n")
        out.append("\n".join(f"- {text(type_label(t))}: {n}" for t, n in sorted(types.items())) + "\n")
    out.append("## Latest\n")
    out.append(
        site.report_list(reversed(site.reports[-LATEST:]), summary=True) if site.reports else "None yet.\n"
    )
    return "\n".join(out)


def years_index(site: Site) -> str:
    """The timeline: each year, month by month, with counts and countries."""
    page = paths.YEARS_INDEX
    out = [
        front_matter("Timeline", tab=REPORTS_TAB),
        breadcrumbs(site, REPORTS_TAB, ("Timeline", None)),
        "# Timeline\n",
        "Reports by year and month, newest first.\n",
        per_year_chart(site.reports, ""),
    ]
    for year in sorted(site.by_year, reverse=True):
        reports = site.by_year[year]
        out.append(f"## [{year}]({paths.link(page, paths.year(year))})\n")
        months = Counter(r.date.month for r in reports)
        countries = Counter(c for r in reports for c in r.countries)
        out.append(
            f"{_plural(len(reports), 'report')}: "
            + ", ".join(f"{MONTHS[m - 1]} ({n})" for m, n in sorted(months.items()))
            + ".  \n"
            + "Countries: "
            + ", ".join(f"{site.country_link(page, c)} ({n})" for c, n in countries.most_common())
            + "\n"
        )
    if not site.by_year:
        out.append("No reports yet.\n")
    return "\n".join(out)


def year_page(site: Site, year: int) -> str:
    page = paths.year(year)
    reports = site.by_year[year]
    out = [
        front_matter(f"Reports of {year}", tab=REPORTS_TAB),
        breadcrumbs(site, REPORTS_TAB, ("Timeline", paths.YEARS_INDEX), (str(year), None)),
        f"# Reports of {year}\n",
        f"{_plural(len(reports), 'report')}. [All years]({paths.link(page, paths.YEARS_INDEX)})\n",
    ]
    by_month: dict[int, list] = {}
    for report in reports:
        by_month.setdefault(report.date.month, []).append(report)
    for month in sorted(by_month, reverse=True):
        out.append(f"## {MONTHS[month - 1]} {year}\n")
        out.append(site.report_list(reversed(by_month[month]), summary=True))
    return "\n".join(out)


def countries_index(site: Site) -> str:
    out = [
        front_matter("Countries", tab=COUNTRIES_TAB),
        breadcrumbs(site, COUNTRIES_TAB, ("Countries", None)),
        "# Countries\n",
    ]
    rows = []
    for code in site.countries():
        reports = site.by_country.get(code, [])
        latest = human_date(reports[-1].date) if reports else ""
        feed = f'<a href="{site.href(paths.country_feed(code))}">Atom<span class="kb-visually-hidden"> feed of {attribute(country_label(code))}</span></a>'
        rows.append((site.country_a(code), f"{len(reports):,}", latest, feed))
    out.append(html_table(("Country", "Reports", "Latest", "Feed"), rows, "Countries"))
    return "\n".join(out) + "\n"


def country_page(site: Site, code: str) -> str:
    """A country: its reports first (newest first, by year), then its ministries and
    organisations, sectors, opportunities and targets."""
    page = paths.country(code)
    name = country_label(code)
    reports = site.by_country.get(code, [])
    feed = paths.country_feed(code)
    out = [
        front_matter(name, feed=feed, tab=COUNTRIES_TAB),
        breadcrumbs(site, COUNTRIES_TAB, (name, None)),
        f"# {text(name)}\n",
        f"{_plural(len(reports), 'report')}. Follow this country: "
        f"[Atom feed]({paths.link(page, feed)}){{ .kb-feed }}\n",
        per_year_chart(reports, f" about {name}"),
        f"## Reports ({len(reports)})\n",
    ]
    if not reports:
        out.append("No report about it yet.\n")
    by_year: dict[int, list] = {}
    for report in reversed(reports):
        by_year.setdefault(report.year, []).append(report)
    for year, listed in by_year.items():
        out.append(f"### {year}\n")
        out.append(site.report_list(listed))
    counted = [(len(site.reports_tagging(e.id)), e) for e in site.entities() if e.country == code]
    named = sorted(((n, e) for n, e in counted if n), key=lambda ne: (-ne[0], ne[1].name.casefold()))
    if named:
        out.append("## Ministries, agencies and organisations\n")
        out.append(
            "\n".join(
                f"- {site.entity_link(page, e.id)} ({text(kind_label(e.kind).lower())}; "
                f"{_plural(n, 'report')})"
                for n, e in named
            )
            + "\n"
        )
    if len(counted) > len(named):
        out.append(
            f"{len(counted) - len(named)} more in the registry, not named by a report yet: see "
            f"[ministries, organisations and projects]({paths.link(page, paths.ENTITIES_INDEX)}).\n"
        )
    sectors = Counter(s for r in reports for s in r.tags.get("sectors", ()))
    if sectors:
        out.append("## Sectors\n")
        out.append(", ".join(f"{site.entity_link(page, s)} ({n})" for s, n in sectors.most_common()) + "\n")
    opportunities = [o for o in site.opportunities if code in o.countries]
    if opportunities:
        out.append(f"## Opportunities ({len(opportunities)})\n")
        out.append(opportunity_table(site, opportunities))
    targets = [t for t in site.targets if code in t.countries]
    if targets:
        out.append(f"## Targets ({len(targets)})\n")
        out.append(target_table(site, targets))
    return "\n".join(out)


def sectors_index(site: Site) -> str:
    out = [
        front_matter("Sectors", tab=SECTORS_TAB),
        breadcrumbs(site, SECTORS_TAB, ("Sectors", None)),
        "# Sectors\n",
        "Every sector has a page with its reports, opportunities and an Atom feed to follow it.\n",
    ]
    sectors = site.sectors()
    listed = {s.id for s in sectors}
    children: dict[str, list] = {}
    for sector in sectors:
        if sector.parent in listed and sector.parent != sector.id:
            children.setdefault(sector.parent, []).append(sector)
    shown: set[str] = set()
    table: list[tuple[str, ...]] = []

    def rows(roots: list) -> None:
        # A stack, not recursion: a sector tree may be deeper than Python's stack.
        todo = [(sector, 0) for sector in reversed(roots)]
        while todo:
            sector, depth = todo.pop()
            if sector.id in shown:
                continue
            shown.add(sector.id)
            name = f'<span class="kb-depth-{min(depth, 3)}">{site.entity_a(sector.id)}</span>'
            feed = (
                f'<a href="{site.href(paths.sector_feed(sector.id))}">Atom<span class="kb-visually-hidden"> '
                f"feed of {attribute(sector.name)}</span></a>"
            )
            table.append(
                (
                    name,
                    f"{len(site.reports_tagging(sector.id)):,}",
                    f"{len(site.opportunities_of.get(sector.id, [])):,}",
                    feed,
                )
            )
            todo.extend((child, depth + 1) for child in reversed(children.get(sector.id, [])))

    rows([s for s in sectors if s.parent not in listed or s.parent == s.id])
    rows([s for s in sectors if s.id not in shown])  # in a parent cycle (an error in kb check): listed anyway
    out.append(html_table(("Sector", "Reports", "Opportunities", "Feed"), table, "Sectors"))
    return "\n".join(out) + "\n"


def targets_page(site: Site) -> str:
    page = paths.TARGETS
    states = Counter(t.state for t in site.targets)
    out = [
        front_matter("Targets", tab=TARGETS_TAB, extra=(f"{BOARD_PAGE}: true",)),
        breadcrumbs(site, TARGETS_TAB, ("Targets", None)),
        "# Targets\n",
        "Quantified targets partners announced, by deadline. **On track**: the deadline is still ahead "
        "and the latest report says the target is on track; **due**: the deadline is still ahead; "
        "**overdue**: it has passed and no report since says what happened; **past deadline**: it has "
        "passed, and a later report still speaks of the target without saying it was met; **met**: "
        "reported met; **missed or dropped**: reported so; **no deadline**: none was given.\n",
        ", ".join(f"{STATE_LABELS[state]} {states.get(state, 0)}" for state in TARGET_STATES)
        + f". Download: [JSON]({paths.link(page, paths.API + '/targets.json')}), "
        f"[CSV]({paths.link(page, paths.API + '/targets.csv')}).\n",
    ]
    if site.targets:
        values: dict[str, set[str]] = {"sectors": set(), "countries": set(), "partners": set()}
        for t in site.targets:
            values["sectors"].update(s for r in t.reports for s in r.tags.get("sectors", ()))
            values["countries"].update(t.countries)
            values["partners"].update((t.owner,) if t.owner else ())
        out.append(filter_form(site, values, "targets") + "\n")
        out.append(target_table(site, site.targets))
    else:
        out.append("No targets recorded yet.\n")
    return "\n".join(out)


def pipeline_chart(site: Site) -> str:
    """Opportunities by their latest stage, in the order of the pipeline."""
    stages = Counter(o.status for o in site.opportunities)
    if not stages:
        return ""
    order = [s for s in OPPORTUNITY_STATUSES if s in stages] + sorted(set(stages) - set(OPPORTUNITY_STATUSES))
    rows = [(stage.capitalize(), stages[stage]) for stage in order]
    summary = "; ".join(f"{label.lower()} {count:,}" for label, count in rows)
    return bar_chart(
        "Opportunities by stage",
        rows,
        headers=("Stage", "Opportunities"),
        summary=summary,
        css="kb-chart--stages",
    )
