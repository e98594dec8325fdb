"""Atom feeds: all reports, one per sector and per country, so a reader can follow a topic, and
one per opportunity (:func:`opportunity_feeds`): each report that mentions it is an entry.

Feeds are static files in the generated tree (``kb/feeds/``), so every builder
copies them. Entry ids are the reports' page URLs (stable as long as the report
id is), and ``updated`` is the report's date: feeds only change when reports do.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime, time

from feedgen.feed import FeedGenerator

from kb.report.model import Report
from kb.site import paths
from kb.site.context import FEED_ENTRIES, Site, country_label
from kb.tracking.model import Opportunity
from kb.util.characters import remove


def _moment(report: Report) -> datetime:
    return datetime.combine(report.date, time(12, 0), tzinfo=UTC)


def _feed(site: Site, feed_path: str, title: str, page: str, reports: list[Report], subtitle: str) -> bytes:
    generator = FeedGenerator()
    generator.id(paths.absolute(site.site_url, feed_path))
    generator.title(title)
    generator.subtitle(subtitle)
    generator.link(href=paths.absolute(site.site_url, page), rel="alternate")
    generator.link(href=paths.absolute(site.site_url, feed_path), rel="self")
    generator.language("en")
    latest = sorted(reports, key=lambda r: (r.date, r.id))[-FEED_ENTRIES:]
    generator.updated(_moment(latest[-1]) if latest else datetime(2000, 1, 1, tzinfo=UTC))
    for report in latest:  # feedgen puts each new entry first: add oldest first
        url = paths.absolute(site.site_url, paths.report(report.id))
        entry = generator.add_entry()
        entry.id(url)
        entry.title(report.title)
        entry.link(href=url, rel="alternate")
        entry.updated(_moment(report))
        entry.published(_moment(report))
        entry.summary(report.summary or _excerpt(report.body))
        names = [p.name for p in report.authors]
        if not names and report.source and report.source.publisher:
            names = [report.source.publisher]
        for name in names or [site.site_name]:
            entry.author(name=name)
        for code in report.countries:
            entry.category(term=code, label=country_label(code))
        for sector in report.tags.get("sectors", ()):
            entity = site.registry.get(sector)
            entry.category(term=sector, label=entity.name if entity else sector)
    return generator.atom_str(pretty=True)


def _excerpt(body: str, limit: int = 300) -> str:
    plain = re.sub(
        r"<[^<>]*>|[#*_`>\[\]]", " ", body
    )  # '[^>]*' scanned to the end from every '<' of '<<<<...'
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


#: An empty sitemap beside the feeds: the theme asks for ``sitemap.xml`` in the folder of every
#: ``rel=alternate`` link of a page (its language switcher reads them), the feed links included;
#: without it every page logged a 404. Feed readers still find the feeds by ``rel=alternate``.
EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)


def feeds(
    site: Site, sectors: Collection[str] | None = None, countries: Collection[str] | None = None
) -> dict[str, bytes]:
    """Docs path -> Atom XML for every feed (and the empty sitemap beside them); or, given
    ``sectors`` and ``countries``, the feed of all reports and the feeds of those only."""
    out = {
        paths.FEEDS_SITEMAP: EMPTY_SITEMAP,
        paths.ALL_FEED: _feed(
            site,
            paths.ALL_FEED,
            f"{site.site_name}: all reports",
            paths.HOME,
            site.reports,
            "The latest reports",
        ),
    }
    for sector in site.sectors():
        if sectors is not None and sector.id not in sectors:
            continue
        path = paths.sector_feed(sector.id)
        out[path] = _feed(
            site,
            path,
            f"{site.site_name}: {sector.name}",
            paths.entity("sector", sector.id),
            site.reports_tagging(sector.id),
            f"Reports on the sector {sector.name}",
        )
    for code in site.countries():
        if countries is not None and code not in countries:
            continue
        path = paths.country_feed(code)
        out[path] = _feed(
            site,
            path,
            f"{site.site_name}: {country_label(code)}",
            paths.country(code),
            site.by_country.get(code, []),
            f"Reports about {country_label(code)}",
        )
    return out


def opportunity_feeds(site: Site) -> dict[str, bytes]:
    """Docs path -> Atom XML of each opportunity's feed: an entry per report that mentions it (the
    latest :data:`FEED_ENTRIES`), with the status and next step that report gave. Text is checked
    when reports are read; what is written here is also rid of the characters XML refuses
    (:func:`kb.util.characters.remove`), which lxml would stop on."""
    return {paths.opportunity_feed(o.id): _opportunity_feed(site, o) for o in site.opportunities}


def _opportunity_feed(site: Site, opportunity: Opportunity) -> bytes:
    feed_path = paths.opportunity_feed(opportunity.id)
    generator = FeedGenerator()
    generator.id(paths.absolute(site.site_url, feed_path))
    generator.title(remove(f"{site.site_name}: {opportunity.title}"))
    generator.subtitle(remove(f"Reports on the opportunity {opportunity.title}"))
    generator.link(href=paths.absolute(site.site_url, paths.opportunity(opportunity.id)), rel="alternate")
    generator.link(href=paths.absolute(site.site_url, feed_path), rel="self")
    generator.language("en")
    mentions = opportunity.mentions[-FEED_ENTRIES:]
    generator.updated(_moment(mentions[-1].report))
    for mention in mentions:  # oldest first: feedgen puts each new entry first
        report, entry = mention.report, mention.entry
        url = paths.absolute(site.site_url, paths.report(report.id))
        item = generator.add_entry()
        item.id(url)
        item.title(remove(report.title))
        item.link(href=url, rel="alternate")
        item.updated(_moment(report))
        item.published(_moment(report))
        said = f"Status: {entry.status}." + (f" Next step: {entry.next_step}" if entry.next_step else "")
        item.summary(remove(said))
        for name in [p.name for p in report.authors] or [site.site_name]:
            item.author(name=remove(name))
    return generator.atom_str(pretty=True)
