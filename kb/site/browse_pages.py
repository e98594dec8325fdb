"""Browse pages: home, reports by year (the timeline), countries and sectors.

Reports are listed on these index pages, never in the sidebar: a sidebar of
every report makes each page grow with the knowledge base and the build quadratic.
"""

from __future__ import annotations

from collections import Counter

from kb.report.dates import MONTHS, human_date
from kb.site import paths
from kb.site.context import LATEST, STATE_LABELS, Site, country_label, front_matter, kind_label, type_label
from kb.site.entity_pages import opportunity_table, target_table
from kb.site.html import text
from kb.tracking.model import TARGET_STATES

TABLE_NAMES = (
    ("reports", "Reports"),
    ("entities", "Entities"),
    ("opportunities", "Opportunities"),
    ("targets", "Targets"),
)


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def home_page(site: Site) -> str:
    page = paths.HOME
    out = [
        front_matter("Home", description="Bilateral cooperation and visit reports, cross-linked."),
        f"# {text(site.site_name)}{' (staff)' if site.internal else ''}\n",
        "Country updates and visit reports from UK posts abroad, cross-linked: every report, "
        "ministry, sector, project and opportunity has a page linking to the others.\n",
    ]
    if site.internal:
        out.append(
            '!!! danger "Staff build"\n\n    This site includes internal reports and internal '
            "sections. Do not publish or forward it.\n"
        )
    ministries = sum(1 for e in site.registry.entities.values() if e.kind in ("ministry", "agency"))
    counts = [
        f"[{_plural(len(site.reports), 'report')}]({paths.link(page, paths.REPORTS_INDEX)})",
        f"[{_plural(len(site.countries()), 'country', 'countries')}]({paths.link(page, paths.COUNTRIES_INDEX)})",
        f"[{_plural(len(site.sectors()), 'sector')}]({paths.link(page, paths.SECTORS_INDEX)})",
        f"[{_plural(ministries, 'ministry or agency', 'ministries and agencies')}]"
        f"({paths.link(page, paths.ENTITIES_INDEX)})",
        f"[{_plural(len(site.opportunities), 'opportunity', 'opportunities')}]"
        f"({paths.link(page, paths.OPPORTUNITIES)})",
        f"[{_plural(len(site.targets), 'target')}]({paths.link(page, paths.TARGETS)})",
    ]
    out.append('<div class="kb-counts" markdown>\n\n' + "\n".join(f"- {c}" for c in counts) + "\n\n</div>\n")
    out.append("## Latest reports\n")
    latest = list(reversed(site.reports[-LATEST:]))
    out.append(site.report_list(latest, summary=True) if latest else no_reports_yet(site, page))
    out.append(
        f"[Every report, year by year]({paths.link(page, paths.YEARS_INDEX)}) · "
        f"[Atom feed]({paths.link(page, paths.ALL_FEED)}){{ .kb-feed }}\n"
    )
    out.append("## Browse\n")
    out.append(
        "\n".join(
            [
                f"- [Find reports]({paths.link(page, paths.FIND)}): search by words and names, filter by sector, "
                "country, ministry and year",
                f"- [Reports by year]({paths.link(page, paths.YEARS_INDEX)})",
                f"- [Countries]({paths.link(page, paths.COUNTRIES_INDEX)})",
                f"- [Sectors]({paths.link(page, paths.SECTORS_INDEX)})",
                f"- [Ministries, organisations and projects]({paths.link(page, paths.ENTITIES_INDEX)})",
                f"- [Opportunities board]({paths.link(page, paths.OPPORTUNITIES)})",
                f"- [Targets tracker]({paths.link(page, paths.TARGETS)})",
                f"- [About this site]({paths.link(page, paths.ABOUT)})",
            ]
        )
        + "\n"
    )
    out.append("## Open data\n")
    out.append(open_data_links(page) + "\n")
    return "\n".join(out)


def no_reports_yet(site: Site, page: str) -> str:
    """What a site without reports says instead of listing them: that there are none yet, and
    (on the public site) how a report gets published."""
    if site.internal:
        return (
            "No reports yet. Write one with `kb new` (see [how to add a report]("
            f"{paths.link(page, paths.WRITING)})).\n"
        )
    return (
        "There are no public reports yet. A report is published here once its front matter says "
        "`visibility: public` and `kb check` finds no error in it; reports made with `kb new` are "
        "internal until then. See [how to add a report]"
        f"({paths.link(page, paths.WRITING)}#publishing).\n"
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
        front_matter("Reports"),
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
    out = [front_matter("Timeline"), "# Timeline\n", "Reports by year and month, newest first.\n"]
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
        front_matter(f"Reports of {year}"),
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
    page = paths.COUNTRIES_INDEX
    out = [
        front_matter("Countries"),
        "# Countries\n",
        "| Country | Reports | Latest | Feed |",
        "|---|---|---|---|",
    ]
    for code in site.countries():
        reports = site.by_country.get(code, [])
        latest = human_date(reports[-1].date) if reports else ""
        out.append(
            f"| {site.country_link(page, code)} | {len(reports)} | {latest} "
            f"| [Atom]({paths.link(page, paths.country_feed(code))}) |"
        )
    return "\n".join(out) + "\n"


def country_page(site: Site, code: str) -> str:
    page = paths.country(code)
    name = country_label(code)
    reports = site.by_country.get(code, [])
    feed = paths.country_feed(code)
    out = [
        front_matter(name, feed=feed),
        f"# {text(name)}\n",
        f"{_plural(len(reports), 'report')}. Follow this country: "
        f"[Atom feed]({paths.link(page, feed)}){{ .kb-feed }}\n",
    ]
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
    out.append(f"## Reports ({len(reports)})\n")
    if not reports:
        out.append("No report about it yet.\n")
    by_year: dict[int, list] = {}
    for report in reversed(reports):
        by_year.setdefault(report.year, []).append(report)
    for year, listed in by_year.items():
        out.append(f"### {year}\n")
        out.append(site.report_list(listed))
    return "\n".join(out)


def sectors_index(site: Site) -> str:
    page = paths.SECTORS_INDEX
    out = [
        front_matter("Sectors"),
        "# Sectors\n",
        "Every sector has a page with its reports, opportunities and an Atom feed to follow it.\n",
        "| Sector | Reports | Opportunities | Feed |",
        "|---|---|---|---|",
    ]
    sectors = site.sectors()
    listed = {s.id for s in sectors}
    children: dict[str, list] = {}
    for sector in sectors:
        if sector.parent in listed and sector.parent != sector.id:
            children.setdefault(sector.parent, []).append(sector)
    shown: set[str] = set()

    def rows(roots: list) -> None:
        # A stack, not recursion: a sector tree may be deeper than Python's stack.
        todo = [(sector, 0) for sector in reversed(roots)]
        while todo:
            sector, depth = todo.pop()
            if sector.id in shown:
                continue
            shown.add(sector.id)
            name = ("&nbsp;&nbsp;&nbsp;" * depth) + site.entity_link(page, sector.id)
            out.append(
                f"| {name} | {len(site.reports_tagging(sector.id))} "
                f"| {len(site.opportunities_of.get(sector.id, []))} "
                f"| [Atom]({paths.link(page, paths.sector_feed(sector.id))}) |"
            )
            todo.extend((child, depth + 1) for child in reversed(children.get(sector.id, [])))

    rows([s for s in sectors if s.parent not in listed or s.parent == s.id])
    rows([s for s in sectors if s.id not in shown])  # in a parent cycle (an error in kb check): listed anyway
    return "\n".join(out) + "\n"


def opportunities_page(site: Site) -> str:
    page = paths.OPPORTUNITIES
    statuses = Counter(o.status for o in site.opportunities)
    out = [
        front_matter("Opportunities"),
        "# Opportunities\n",
        f"{_plural(len(site.opportunities), 'opportunity', 'opportunities')}"
        + (": " + ", ".join(f"{n} {text(s)}" for s, n in sorted(statuses.items())) if statuses else "")
        + ". When several reports discuss the same opportunity, the latest report's status is shown "
        f"and every report is linked. Download: [JSON]({paths.link(page, paths.API + '/opportunities.json')}), "
        f"[CSV]({paths.link(page, paths.API + '/opportunities.csv')}).\n",
    ]
    out.append("## By sector\n")
    by_sector: dict[str, list] = {}
    for opportunity in site.opportunities:
        for sector in opportunity.sectors or ("",):
            by_sector.setdefault(sector, []).append(opportunity)
    names = {s: site.registry.get(s).name if site.registry.get(s) else s for s in by_sector}
    for sector in sorted(by_sector, key=lambda s: (s == "", names[s].casefold())):
        heading = site.entity_link(page, sector) if sector else "No sector given"
        out.append(f"### {heading}\n")
        out.append(opportunity_table(site, by_sector[sector]))
    out.append("## By country\n")
    by_country: dict[str, list] = {}
    for opportunity in site.opportunities:
        for code in opportunity.countries:
            by_country.setdefault(code, []).append(opportunity)
    for code in sorted(by_country, key=lambda c: country_label(c).casefold()):
        out.append(f"### {site.country_link(page, code)}\n")
        out.append(opportunity_table(site, by_country[code]))
    if not site.opportunities:
        out.append("No opportunities recorded yet.\n")
    return "\n".join(out)


def targets_page(site: Site) -> str:
    page = paths.TARGETS
    states = Counter(t.state for t in site.targets)
    out = [
        front_matter("Targets"),
        "# Targets\n",
        "Quantified targets partners announced, by deadline. **Due**: the deadline is still ahead; "
        "**overdue**: it has passed and no report since says what happened; **past deadline**: it has "
        "passed, and a later report still speaks of the target without saying it was met; **met**: "
        "reported met; **missed or dropped**: reported so; **no deadline**: none was given.\n",
        ", ".join(f"{STATE_LABELS[state]} {states.get(state, 0)}" for state in TARGET_STATES)
        + f". Download: [JSON]({paths.link(page, paths.API + '/targets.json')}), "
        f"[CSV]({paths.link(page, paths.API + '/targets.csv')}).\n",
    ]
    if site.targets:
        out.append(target_table(site, site.targets))
    else:
        out.append("No targets recorded yet.\n")
    return "\n".join(out)
