"""The About page: what the site is, who publishes it, under which licence, how to follow and reuse it.

Generated, not hand-written, because its facts come from the site's settings
(``reports/site.yml``: name, description, organisation, licence) and from the knowledge base
itself (what is published, the open data files); the hand-written public pages are in
``site_pages/`` (the accessibility statement).
"""

from __future__ import annotations

from kb.export import TABLES
from kb.site import paths
from kb.site.context import Site, front_matter
from kb.site.html import text
from kb.site.page import ABOUT_TAB, breadcrumbs


def _link(name: str, url: str | None) -> str:
    return f"[{text(name)}]({paths.external(url)})" if url else text(name)


def about_page(site: Site) -> str:
    page = paths.ABOUT
    settings = site.settings
    out = [
        front_matter(
            "About this site", description=f"What {settings.name} is and who publishes it.", tab=ABOUT_TAB
        ),
        breadcrumbs(site, ABOUT_TAB, ("About", None)),
        "# About this site\n",
    ]
    if settings.description:
        out.append(text(settings.description) + "\n")
    if settings.organisation:
        out.append(
            f"**Published by** {_link(settings.organisation.name, settings.organisation.url)}. "
            "Diplomats and science and trade staff write a short report after a visit or a meeting: who "
            "they met, which sectors and joint projects came up, the targets the partner announced and "
            "the opportunities for cooperation.\n"
        )
    out.append("## Licence\n")
    if settings.licence:
        out.append(
            f"The reports and data on this site are published under the "
            f"{_link(settings.licence.name, settings.licence.url)}, except where a report names "
            "another licence: a report taken from another publisher shows its source, publisher and "
            "licence at its end, with a line to cite it.\n"
        )
    else:
        out.append(
            "No licence has been given for this site (`reports/site.yml`, `licence`): ask its "
            "publisher before reusing its content. A report taken from another publisher shows its "
            "source, publisher and licence at its end.\n"
        )
    out.append("## Finding things\n")
    out.append(
        "\n".join(
            [
                f"- **Search**: the search box at the top of every page searches the reports, on the "
                f"[Find reports]({paths.link(page, paths.FIND)}) page, where filters narrow them by "
                "sector, country, ministry, organisation, project, type and year.",
                f"- **Countries**: [each partner country]({paths.link(page, paths.COUNTRIES_INDEX)}) with "
                f"its reports, ministries, opportunities and targets; [ministries, organisations and "
                f"projects]({paths.link(page, paths.ENTITIES_INDEX)}) each have a page, with their names "
                "over time.",
                f"- **Sectors**: [each sector]({paths.link(page, paths.SECTORS_INDEX)}) with its reports "
                "and opportunities.",
                f"- **Reports**: [every report, year by year]({paths.link(page, paths.YEARS_INDEX)}).",
                f"- **Opportunities** and **targets**: the [board]({paths.link(page, paths.OPPORTUNITIES)}) "
                f"of cooperation opportunities and the [tracker]({paths.link(page, paths.TARGETS)}) of the "
                "partners' quantified targets.",
            ]
        )
        + "\n"
    )
    out.append("## Following a sector or a country\n")
    out.append(
        "Every sector and country page links an Atom feed of its reports; there is also a "
        f"[feed of all reports]({paths.link(page, paths.ALL_FEED)}). Add a feed's address to any "
        "feed reader.\n"
    )
    out.append("## Open data\n")
    tables = [
        f"[{name}]({paths.link(page, f'{paths.API}/{name}.json')}) "
        f"([CSV]({paths.link(page, f'{paths.API}/{name}.csv')}))"
        for name in TABLES
    ]
    out.append(
        "The knowledge base is published as JSON and CSV, one file per table: "
        + ", ".join(tables)
        + ". In the JSON, lists are lists; in the CSV they are joined with `; `. "
        "`opportunity_events` is each opportunity's history: one row per report that mentions it, "
        "with the date, the status and the next step that report gave.\n"
    )
    out.append("## What is published\n")
    out.append(
        "Only reports marked public appear here, without their staff-only sections, notes and items. "
        "Each report carries a disclaimer: reports are published for information, reflect what their "
        "authors understood at the time and may since have become out of date.\n"
    )
    out.append("## Accessibility\n")
    out.append(
        f"See the [accessibility statement]({paths.link(page, paths.ACCESSIBILITY)}): how this site "
        "meets the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, and how it is tested.\n"
    )
    return "\n".join(out)
