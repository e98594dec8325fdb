"""The report as data: its fields, their allowed values, and the dataclasses a parsed report is.

A report is Markdown with YAML front matter (see ``docs/writing-a-report.md``). These types are
what :func:`kb.report.parse.parse_report` returns; vocabulary checks that need the registry
live in :mod:`kb.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kb.problems import Problem
from kb.report.dates import FuzzyDate
from kb.report.yamlstrict import Located

#: The front-matter lists that tag registry entities (each entity kind goes in one of them).
TAG_LISTS = ("ministries", "organisations", "sectors", "projects", "events", "people")

REPORT_TYPES = (
    "country-update",
    "visit-report",
    "ministerial-visit",
    "joint-statement",
    "trade-mission",
    "meeting-note",
    "briefing",
)
VISIBILITIES = ("public", "internal")
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
OPPORTUNITY_STATUSES = ("identified", "discussed", "agreed", "active", "closed")
TARGET_STATUSES = ("announced", "on-track", "met", "missed", "dropped")


@dataclass(frozen=True)
class Field:
    """One front-matter field: how it is read (``kind``, see :data:`kb.report.front_matter.READERS`),
    whether a report needs it, its allowed values, and what to tell an author who left it out."""

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    hint: str | None = None
    example: str | None = None  # of a value of the right type, for a wrong one


#: The report format, field by field, in the order a report lists them (``docs/writing-a-report.md``
#: says the same for people). Reading a report goes down this table; a new field is a new row here
#: (and an attribute of :class:`Report`).
FIELDS = (
    Field(
        "title",
        "string",
        True,
        hint="the report's headline, e.g. 'South Korea: innovation and openness'",
        example="'title: Korea: open data'",
    ),
    Field("date", "date", True, hint="the publication date, e.g. 2014-07-03"),
    Field(
        "countries", "countries", True, hint="partner countries as ISO codes, e.g. [KR]", example="[KR, JP]"
    ),
    Field("type", "choice", True, REPORT_TYPES, hint=f"one of: {', '.join(REPORT_TYPES)}"),
    Field(
        "visibility",
        "choice",
        True,
        VISIBILITIES,
        hint="'public' to publish, 'internal' for staff only (publishing fails closed)",
    ),
    Field("id", "report-id"),
    Field("summary", "string"),
    Field("visit", "visit"),
    Field("authors", "people"),
    Field("visitors", "people"),
    Field("classification", "classification", choices=CLASSIFICATIONS),
    *(Field(name, "tags", example="[msit, nia]") for name in TAG_LISTS),
    Field("opportunities", "opportunities"),
    Field("targets", "targets"),
    Field("source", "source"),
    Field("supersedes", "id"),
    Field("disclaimer", "string"),
    Field("internal_notes", "string"),
    Field("review", "strings", example="['check the date']"),
)
REPORT_FIELDS = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS = tuple(f.name for f in FIELDS if f.required)

VISIT_FIELDS = ("start", "end", "places")
PERSON_FIELDS = ("name", "role", "organisation", "internal")
OPPORTUNITY_FIELDS = ("id", "title", "sectors", "partners", "status", "next_step", "description", "internal")
TARGET_FIELDS = (
    "id",
    "what",
    "value",
    "unit",
    "deadline",
    "owner",
    "baseline",
    "progress",
    "status",
    "internal",
)
MEASURE_FIELDS = ("value", "as_of")
SOURCE_FIELDS = ("url", "publisher", "licence")


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None = None
    organisation: str | None = None
    internal: bool = False


@dataclass(frozen=True)
class Visit:
    start: date | None = None
    end: date | None = None
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpportunityEntry:
    """One entry of a report's ``opportunities:`` list; :class:`kb.tracking.model.Opportunity`
    gathers the entries of every report with its id."""

    id: str
    title: str
    status: str
    sectors: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    next_step: str | None = None
    description: str | None = None
    internal: bool = False
    index: int = 0


@dataclass(frozen=True)
class Measure:
    value: float | int | None
    as_of: FuzzyDate | None


@dataclass(frozen=True)
class TargetEntry:
    """One entry of a report's ``targets:`` list; :class:`kb.tracking.model.Target` gathers
    the entries of every report with its id."""

    id: str
    what: str
    value: float | int | None = None
    unit: str | None = None
    deadline: FuzzyDate | None = None
    owner: str | None = None
    baseline: Measure | None = None
    progress: Measure | None = None
    status: str | None = None
    internal: bool = False
    index: int = 0


@dataclass(frozen=True)
class Source:
    url: str | None = None
    publisher: str | None = None
    licence: str | None = None


@dataclass
class Report:
    id: str
    path: Path
    shown: str
    title: str
    date: date
    countries: tuple[str, ...]
    type: str
    visibility: str
    body: str
    body_line: int
    summary: str | None = None
    visit: Visit | None = None
    authors: tuple[Person, ...] = ()
    visitors: tuple[Person, ...] = ()
    classification: str | None = None
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    opportunities: tuple[OpportunityEntry, ...] = ()
    targets: tuple[TargetEntry, ...] = ()
    source: Source | None = None
    supersedes: str | None = None
    disclaimer: str | None = None
    internal_notes: str | None = None
    review: tuple[str, ...] = ()
    content_hash: str = ""
    located: Located | None = field(default=None, repr=False)

    @property
    def is_public(self) -> bool:
        """Fail closed: a report still holding review points is not published, whatever its visibility."""
        return self.visibility == "public" and not self.review

    @property
    def held_for_review(self) -> bool:
        """Set to public, but kept off the public site until its review points are resolved."""
        return self.visibility == "public" and bool(self.review)

    @property
    def year(self) -> int:
        return self.date.year

    def entity_ids(self) -> list[str]:
        """Every registry id the front matter names, tags first, without repeats."""
        seen: list[str] = []
        for name in TAG_LISTS:
            seen.extend(t for t in self.tags.get(name, ()) if t not in seen)
        for opportunity in self.opportunities:
            seen.extend(t for t in (*opportunity.sectors, *opportunity.partners) if t not in seen)
        for target in self.targets:
            if target.owner and target.owner not in seen:
                seen.append(target.owner)
        return seen

    def line_of(self, *path: Any) -> tuple[int, int]:
        return self.located.line_of(tuple(path)) if self.located else (1, 1)


@dataclass
class Parsed:
    """The outcome of reading one file: a report (None if unusable) and its problems."""

    path: Path
    shown: str
    report: Report | None
    problems: list[Problem]
