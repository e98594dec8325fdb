"""Everything the page generators share, computed once per build.

:class:`Site` is made from the reports a reader may see (already redacted for a
public build) and the registry; nothing else reaches a page. Indexes are built in
one pass each so generating stays linear in the number of reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from kb.registry.mentions import MentionFinder
from kb.registry.model import Entity, Registry
from kb.relations.related import Relations
from kb.report.countries import country_name
from kb.report.dates import MONTHS, FuzzyDate, human_date
from kb.report.markers import opens_section
from kb.report.model import Report, Visit
from kb.site import paths
from kb.site.html import BodyRenderer, attribute, text
from kb.site.settings import SiteSettings
from kb.tracking.model import Opportunity, Target, track_opportunities, track_targets

if TYPE_CHECKING:
    from kb.site.words import Names, Vocabulary


@dataclass(frozen=True)
class RegistryParts:
    """What a site makes from its registry alone: ``kb serve`` keeps it between updates while the
    registry's files are unchanged (about a tenth of a second at each edit)."""

    registry: Registry
    finder: MentionFinder
    names: Names

    @classmethod
    def of(cls, registry: Registry) -> RegistryParts:
        from kb.site.words import Names

        return cls(registry, MentionFinder(registry), Names(registry))


KIND_LABELS = {
    "ministry": ("Ministry", "Ministries"),
    "agency": ("Agency", "Agencies"),
    "department": ("Department", "Departments"),
    "organisation": ("Organisation", "Organisations"),
    "programme": ("Programme", "Programmes"),
    "project": ("Project", "Projects"),
    "event": ("Event", "Events"),
    "sector": ("Sector", "Sectors"),
    "person": ("Person", "People"),
}
KIND_ORDER = tuple(KIND_LABELS)
STATE_LABELS = {
    "on-track": "On track",
    "due": "Due",
    "overdue": "Overdue",
    "past": "Past deadline",
    "met": "Met",
    "closed": "Missed or dropped",
    "unknown": "No deadline",
}
#: Latest reports on the home page and in the feed of all reports.
LATEST = 20
FEED_ENTRIES = 50


@dataclass
class Site:
    registry: Registry
    reports: list[Report]
    internal: bool
    today: date
    site_url: str
    settings: SiteSettings = field(default_factory=SiteSettings)
    #: The copy for reading from disk (kb build --offline): the theme's own search, over reports too.
    offline: bool = False
    body_cache: dict[str, str] | None = None  # see kb.site.bodycache (kb serve only)
    kept_terms: dict | None = None  # each report's terms for Relations (kb serve only)
    kept_people: dict | None = None  # each report's people's words for the Find page (kb serve only)
    #: Made from this registry by an earlier site (kb serve only); made here when None.
    registry_parts: RegistryParts | None = None
    relations: Relations = field(init=False)
    tagged: dict[str, list[Report]] = field(init=False)
    by_country: dict[str, list[Report]] = field(init=False)
    by_year: dict[int, list[Report]] = field(init=False)
    opportunities: list[Opportunity] = field(init=False)
    targets: list[Target] = field(init=False)
    renderer: BodyRenderer = field(init=False)

    @cached_property
    def find_words(self) -> Vocabulary:
        """The names and people's words the Find page turns a query into index words with."""
        from kb.site.words import Vocabulary

        return Vocabulary(self.registry, self.reports, self.internal, self.parts.names, self.kept_people)

    def __post_init__(self) -> None:
        if not self.internal:
            self._refuse_internal_content()
        self.reports = sorted(self.reports, key=lambda r: (r.date, r.id))
        self.base_path = urlparse(self.site_url).path or "/"
        self.relations = Relations(self.reports, self.registry, self.kept_terms)
        self.tagged = defaultdict(list)
        self.by_country = defaultdict(list)
        self.by_year = defaultdict(list)
        self.by_id = {r.id: r for r in self.reports}
        # A report's list item is the same on every entity, country and year page listing it.
        self._list_items: dict[tuple[str, bool], str] = {}
        self.page_keys: set[str] = set()  # rendered pages kept for kb serve (see kb.site.bodycache)
        self.replaced_by: dict[str, list[Report]] = defaultdict(list)
        for report in self.reports:
            for entity_id in report.entity_ids():
                self.tagged[entity_id].append(report)
            for code in report.countries:
                self.by_country[code].append(report)
            self.by_year[report.year].append(report)
            if report.supersedes:
                self.replaced_by[report.supersedes].append(report)
        self.opportunities = track_opportunities(self.reports)
        self.targets = track_targets(self.reports, self.today)
        self.opportunity_by_id = {o.id: o for o in self.opportunities}
        self.opportunities_of: dict[str, list[Opportunity]] = defaultdict(list)
        for opportunity in self.opportunities:
            for entity_id in dict.fromkeys((*opportunity.sectors, *opportunity.partners)):
                self.opportunities_of[entity_id].append(opportunity)
        self.targets_of: dict[str, list[Target]] = defaultdict(list)
        for target in self.targets:
            if target.owner:
                self.targets_of[target.owner].append(target)
        self.children: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.registry.entities.values():
            if entity.parent:
                self.children[entity.parent].append(entity)
        parts = self.registry_parts
        self.parts = (
            parts
            if parts is not None and parts.registry is self.registry
            else RegistryParts.of(self.registry)
        )
        self.renderer = BodyRenderer(self.parts.finder, cache=self.body_cache)

    def _refuse_internal_content(self) -> None:
        """Fail closed: a public build given anything but redacted public reports stops."""
        from kb.errors import BuildError

        for report in self.reports:
            if (
                not report.is_public
                or report.internal_notes
                or report.review
                or any(opens_section(line) for line in report.body.split("\n"))
                or any(o.internal for o in report.opportunities)
                or any(t.internal for t in report.targets)
                or any(p.internal for p in (*report.authors, *report.visitors))
            ):
                raise BuildError(
                    f"internal content of report {report.id} reached the public build",
                    hint="public pages must be made from KnowledgeBase.visible(False)",
                )

    @property
    def site_name(self) -> str:
        return self.settings.name

    # -- look-ups ----------------------------------------------------------------------------
    def countries(self) -> list[str]:
        """Every country with a page: named by a report or by a registry entity."""
        codes = set(self.by_country)
        codes.update(e.country for e in self.registry.entities.values() if e.country)
        return sorted(codes, key=lambda c: (country_label(c).casefold(), c))

    def sectors(self) -> list[Entity]:
        return self.registry.of_kind("sector")

    def entities(self) -> list[Entity]:
        return sorted(
            self.registry.entities.values(), key=lambda e: (KIND_ORDER.index(e.kind), e.name.casefold(), e.id)
        )

    def reports_tagging(self, entity_id: str) -> list[Report]:
        """Reports naming this entity id itself (not its other names), oldest first."""
        return self.tagged.get(entity_id, [])

    # -- Markdown links ----------------------------------------------------------------------
    def entity_link(self, source: str, entity_id: str, *, chip: bool = False) -> str:
        entity = self.registry.get(entity_id)
        if entity is None:
            return text(entity_id)
        link = f"[{text(entity.label)}]({paths.link(source, paths.entity(entity.kind, entity.id))})"
        return link + "{ .kb-chip }" if chip else link

    def entity_href(self, entity_id: str) -> str | None:
        """For raw HTML: the root-relative URL of an entity's page."""
        entity = self.registry.get(entity_id)
        return paths.rooted(self.base_path, paths.entity(entity.kind, entity.id)) if entity else None

    def country_link(self, source: str, code: str) -> str:
        return f"[{text(country_label(code))}]({paths.link(source, paths.country(code))})"

    # -- HTML links, for the long lists and tables of generated pages ----------------------------
    # A list of thousands of reports costs MkDocs far less as one raw HTML block than as Markdown
    # (inline parsing of every item), and means the same to a reader. Links in raw HTML are
    # root-relative: the only kind both MkDocs and Zensical leave alone (see paths.rooted).
    def href(self, target: str) -> str:
        return paths.rooted(self.base_path, target)

    def entity_a(self, entity_id: str, *, chip: bool = False) -> str:
        entity = self.registry.get(entity_id)
        if entity is None:
            return attribute(entity_id)
        css = ' class="kb-chip"' if chip else ""
        return (
            f'<a{css} href="{self.href(paths.entity(entity.kind, entity.id))}">{attribute(entity.label)}</a>'
        )

    def entities_a(self, entity_ids, separator: str = ", ") -> str:
        return separator.join(self.entity_a(e) for e in entity_ids)

    def report_a(self, report: Report, label: str | None = None) -> str:
        return f'<a href="{self.href(paths.report(report.id))}">{attribute(label or report.title)}</a>'

    def country_a(self, code: str) -> str:
        return f'<a href="{self.href(paths.country(code))}">{attribute(country_label(code))}</a>'

    def report_li(self, report: Report, *, summary: bool = False) -> str:
        """``3 July 2014: <a>title</a> (South Korea)``, with the summary below when asked."""
        key = (report.id, summary)
        line = self._list_items.get(key)
        if line is None:
            line = f"{human_date(report.date)}: {self.report_a(report)}"
            if report.countries:
                line += f" ({', '.join(attribute(country_label(c)) for c in report.countries)})"
            if summary and report.summary:
                line += f"<br />\n{attribute(report.summary)}"
            self._list_items[key] = line
        return line

    def report_list(self, reports, *, summary: bool = False) -> str:
        """Reports as one raw HTML ``<ul>`` block (in the order given), for a generated page."""
        items = "\n".join(f"<li>{self.report_li(r, summary=summary)}</li>" for r in reports)
        # Out of the theme's header search: reports are found on the Find reports page, and
        # these lists repeat report titles on every entity, country and year page.
        return f'<ul data-search-exclude="reports">\n{items}\n</ul>\n'


def country_label(code: str) -> str:
    return country_name(code) or code


def kind_label(kind: str, plural: bool = False) -> str:
    singular, many = KIND_LABELS.get(kind, (kind.title(), kind.title()))
    return many if plural else singular


def type_label(report_type: str) -> str:
    return report_type.replace("-", " ").capitalize()


def fuzzy(value: FuzzyDate | None) -> str:
    return value.human() if value else ""


def visit_span(visit: Visit) -> str:
    """``23 to 25 June 2014``, ``28 June to 2 July 2014``, or one date."""
    start, end = visit.start, visit.end
    if start and end and start != end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day} to {human_date(end)}"
        if start.year == end.year:
            return f"{start.day} {MONTHS[start.month - 1]} to {human_date(end)}"
        return f"{human_date(start)} to {human_date(end)}"
    day = start or end
    return human_date(day) if day else ""


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def front_matter(
    title: str,
    *,
    description: str | None = None,
    feed: str | None = None,
    hide: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
    tab: str | None = None,
) -> str:
    """Front matter of a generated page; every value is HTML-escaped YAML. ``extra``: literal
    YAML lines written by the generators themselves (never from reports). ``tab``: the navigation
    tab the page belongs to (see kb.site.page.TAB)."""
    from kb.site.html import yaml_string

    lines = ["---", f"title: {yaml_string(title)}"]
    if tab:
        lines.append(f"kb_tab: {tab}")
    if description:
        lines.append(f"description: {yaml_string(description)}")
    if feed:
        lines.append(f"feed: {yaml_string(feed)}")
    if hide:
        lines.append("hide: [" + ", ".join(hide) + "]")
    lines.extend(extra)
    lines.append("---")
    return "\n".join(lines) + "\n\n"
