"""The synthetic registry: partner countries' ministries (with renames and splits), UK bodies,
programmes, events, people and sectors, as plain data the report generator draws from.

Every name is unique across the registry, and every acronym too, so a name in a
report's body always points at the entity the report tags (``kb check`` warns
otherwise, and a benchmark corpus should check clean).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .tables import (
    AGENCY_KINDS,
    COUNTRIES,
    FIRST_NAMES,
    LAST_NAMES,
    PARTNER_ROLES,
    PORTFOLIOS,
    SECTORS,
    UK_DEPARTMENTS,
    UK_ORGANISATIONS,
    UK_ROLES,
    UK_SUCCESSION_KINDS,
)

REPORT_FIRST = date(2010, 1, 1)
REPORT_LAST = date(2025, 6, 30)


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    acronyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    parent: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    superseded_by: list[str] = field(default_factory=list)
    renamed_from: list[str] = field(default_factory=list)
    succession: str | None = None  # the kind written with superseded_by (None: a plain list)
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    website: str | None = None
    role: str | None = None  # people only: used in prose, not written to the registry

    @property
    def acronym(self) -> str | None:
        return self.acronyms[0] if self.acronyms else None


@dataclass
class Link:
    """One holder of a ministry's portfolio over ``[start, end]`` (None: open-ended)."""

    entity_id: str
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass
class Country:
    code: str
    name: str
    demonym: str
    cities: list[str]
    slots: list[list[Link]] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    events: list[tuple[int, str]] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def ministries_on(self, day: date) -> list[str]:
        found = []
        for slot in self.slots:
            for link in slot:
                if link.covers(day):
                    found.append(link.entity_id)
                    break
        return found


@dataclass
class Registry:
    entities: dict[str, Entity]
    countries: list[Country]
    uk_links: list[Link]
    uk_people: list[str]
    uk_programmes: list[str]
    sectors: list[str]

    def uk_bodies_on(self, day: date) -> list[str]:
        return [link.entity_id for link in self.uk_links if link.covers(day)]


def slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1)
    if len(parts) == 2:
        return date(parts[0], parts[1], 1)
    return date(*parts)


def _initials(words: str) -> str:
    return "".join(
        w[0].upper()
        for w in re.split(r"[\s,&-]+", words)
        if w and w.lower() not in ("and", "of", "for", "the")
    )


class _Names:
    """Hands out globally unique names, acronyms and ids."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.acronyms: set[str] = set()
        self.ids: set[str] = set()

    def acronym(self, base: str, country: str) -> str:
        for candidate in (
            base,
            base + country[0],
            base + country,
            *(f"{base}{country}{i}" for i in range(2, 99)),
        ):
            if candidate not in self.acronyms and len(candidate) >= 2:
                self.acronyms.add(candidate)
                return candidate
        raise AssertionError("acronyms exhausted")

    def ident(self, base: str) -> str:
        base = base[:60].rstrip("-")
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate


def _ministry_name(rng: random.Random, names: _Names) -> tuple[str, str]:
    while True:
        count = rng.choice((1, 2, 2, 2, 3))
        parts = rng.sample(PORTFOLIOS, count)
        portfolio = parts[0] if count == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        name = f"Ministry of {portfolio}"
        if name not in names.names:
            names.names.add(name)
            return name, "M" + _initials(portfolio)


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_registry(rng: random.Random) -> Registry:
    names = _Names()
    entities: dict[str, Entity] = {}

    def add(entity: Entity) -> Entity:
        entities[entity.id] = entity
        names.ids.add(entity.id)
        names.names.add(entity.name)
        names.acronyms.update(entity.acronyms)
        return entity

    # Sectors: never matched in prose, so plain common names are fine.
    sector_ids = []
    for sector_id, name, keywords in SECTORS:
        add(
            Entity(
                sector_id,
                name,
                "sector",
                keywords=list(keywords),
                description=f"Reports on {name.lower()}: policy, projects and market openings.",
            )
        )
        sector_ids.append(sector_id)

    # UK departments with their real renames, and UK organisations.
    uk_links = []
    for dep_id, name, acronyms, start, end, successors in UK_DEPARTMENTS:
        add(
            Entity(
                dep_id,
                name,
                "department",
                acronyms=list(acronyms),
                country="GB",
                valid_from=start,
                valid_to=end,
                superseded_by=list(successors),
                succession=UK_SUCCESSION_KINDS.get(dep_id),
                website=f"https://www.gov.uk/government/organisations/{slug(name)}",
                description=f"UK government body: {name}.",
            )
        )
        uk_links.append(Link(dep_id, _day(start), _day(end)))
    for org_id, name, acronyms in UK_ORGANISATIONS:
        add(
            Entity(
                org_id,
                name,
                "organisation",
                acronyms=list(acronyms),
                country="GB",
                description=f"UK organisation that works with partners abroad: {name}.",
            )
        )
        uk_links.append(Link(org_id, None, None))

    used_people: set[str] = set()

    def person_name() -> str:
        while True:
            full = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if full not in used_people:
                used_people.add(full)
                return full

    uk_people = []
    for _ in range(30):
        full = person_name()
        role = rng.choice(UK_ROLES)
        entity = add(
            Entity(
                names.ident(slug(full)),
                full,
                "person",
                country="GB",
                role=role,
                description=f"UK official; {role} at the time of the reports that tag them.",
            )
        )
        uk_people.append(entity.id)

    uk_programmes = []
    for pid, name, acronyms, start, end, successors in [
        ("prosperity-fund", "Prosperity Fund", [], None, None, []),
        ("newton-fund", "Newton Fund", [], "2014-04-01", "2023-03-31", ["ispf"]),
        ("ispf", "International Science Partnerships Fund", ["ISPF"], "2023-04-01", None, []),
        ("uk-pact", "UK Partnering for Accelerated Climate Transitions", ["UK PACT"], "2018-01-01", None, []),
        ("global-britain-programme-fund", "Global Britain Programme Fund", [], None, None, []),
        ("gcrf", "Global Challenges Research Fund", ["GCRF"], "2016-01-01", None, []),
    ]:
        add(
            Entity(
                pid,
                name,
                "programme",
                acronyms=acronyms,
                country="GB",
                valid_from=start,
                valid_to=end,
                superseded_by=successors,
                description=f"UK fund or programme: {name}.",
            )
        )
        uk_programmes.append(pid)

    countries = [
        _partner_country(rng, names, add, person_name, sector_ids, entities, row) for row in COUNTRIES
    ]
    return Registry(entities, countries, uk_links, uk_people, uk_programmes, sector_ids)


def _partner_country(
    rng: random.Random,
    names: _Names,
    add: Callable[[Entity], Entity],
    person_name: Callable[[], str],
    sector_ids: list[str],
    entities: dict[str, Entity],
    row: tuple,
) -> Country:
    """One partner country's ministries (with renames and splits), agencies, programmes, events, people."""
    code, cname, demonym, cities = row
    country = Country(code, cname, demonym, list(cities))
    cc = code.lower()
    _ministry_slots(rng, names, add, country, cc)
    for agency_name, base in rng.sample(AGENCY_KINDS, rng.randint(3, 5)):
        name = f"{demonym} {agency_name}"
        parent_slot = rng.choice(country.slots)
        entity = add(
            Entity(
                names.ident(f"{cc}-{slug(agency_name)}"),
                name,
                "agency",
                acronyms=[names.acronym(demonym[0] + base, code)],
                country=code,
                parent=parent_slot[-1].entity_id,
                description=f"{demonym} public body: {agency_name.lower()}.",
            )
        )
        country.agencies.append(entity.id)
    for sector_id in rng.sample(sector_ids, rng.randint(2, 4)):
        sector_name = entities[sector_id].name
        label = rng.choice(("Partnership", "Programme", "Initiative", "Dialogue"))
        kind = "programme" if label == "Programme" else "project"
        name = f"UK-{demonym} {sector_name} {label}"
        entity = add(
            Entity(
                names.ident(f"uk-{cc}-{sector_id}-{label.lower()}"),
                name,
                kind,
                country=code,
                description=f"Joint {label.lower()} between the UK and {cname} on {sector_name.lower()}.",
            )
        )
        country.programmes.append(entity.id)
    for year in sorted(rng.sample(range(2010, 2026), rng.randint(3, 6))):
        label = rng.choice(
            (
                "Joint Economic and Trade Committee",
                "Science and Innovation Council",
                "Energy Dialogue",
                "Investment Forum",
                "Trade Mission",
            )
        )
        name = f"UK-{cname} {label} {year}"
        entity = add(
            Entity(
                names.ident(f"uk-{cc}-{slug(label)}-{year}"),
                name,
                "event",
                country=code,
                description=f"{label} held in {year}.",
            )
        )
        country.events.append((year, entity.id))
    for _ in range(2):
        full = person_name()
        role = rng.choice(PARTNER_ROLES)
        entity = add(
            Entity(
                names.ident(slug(full)),
                full,
                "person",
                country=code,
                role=role,
                description=f"{demonym} public figure.",
            )
        )
        country.people.append(entity.id)
    return country


def _ministry_slots(
    rng: random.Random, names: _Names, add: Callable[[Entity], Entity], country: Country, cc: str
) -> None:
    """A country's ministries, each slot one line of succession (plain, renamed once or twice, split)."""
    code, demonym = country.code, country.demonym
    for _ in range(rng.randint(7, 10)):
        kind = rng.choices(("plain", "rename", "rename2", "split"), weights=(6, 3, 1, 1))[0]
        slot: list[Link] = []
        name, initials = _ministry_name(rng, names)
        first = add(
            Entity(
                names.ident(f"{cc}-{slug(name[len('Ministry of ') :])}"),
                name,
                "ministry",
                acronyms=[names.acronym(initials, code)],
                country=code,
                description=f"{demonym} government ministry.",
            )
        )
        if kind == "plain":
            alias = f"{demonym} {name.split(' of ')[1].split(',')[0].split(' and ')[0].lower()} ministry"
            if rng.random() < 0.3 and alias not in names.names:
                names.names.add(alias)
                first.aliases.append(alias)
            slot.append(Link(first.id, None, None))
            country.slots.append(slot)
            continue
        first.valid_from = rng.choice((None, "1998", "2003-02-25", "2008-02-29"))
        change = _random_day(rng, date(2011, 1, 1), date(2017, 12, 31))
        if kind == "rename2":
            change = _random_day(rng, date(2011, 1, 1), date(2015, 12, 31))
        first.valid_to = (change - timedelta(days=1)).isoformat()
        slot.append(Link(first.id, _day(first.valid_from), change - timedelta(days=1)))
        previous, start = first, change
        steps = 2 if kind == "rename2" else 1
        for step in range(steps):
            name, initials = _ministry_name(rng, names)
            nxt = add(
                Entity(
                    names.ident(f"{cc}-{slug(name[len('Ministry of ') :])}"),
                    name,
                    "ministry",
                    acronyms=[names.acronym(initials, code)],
                    country=code,
                    valid_from=start.isoformat(),
                    description=f"{demonym} government ministry, successor of the {previous.name}.",
                )
            )
            # Renames are recorded from either end, as authors do.
            if rng.random() < 0.5:
                previous.superseded_by.append(nxt.id)
            else:
                nxt.renamed_from.append(previous.id)
            end = None
            if step + 1 < steps:
                end_day = _random_day(rng, start + timedelta(days=400), date(2021, 12, 31))
                nxt.valid_to = (end_day - timedelta(days=1)).isoformat()
                end = end_day - timedelta(days=1)
            slot.append(Link(nxt.id, start, end))
            previous, start = nxt, (end + timedelta(days=1) if end else None)
        country.slots.append(slot)
        if kind == "split":
            # The old ministry's work went to two bodies: the second is a new slot.
            name, initials = _ministry_name(rng, names)
            other = add(
                Entity(
                    names.ident(f"{cc}-{slug(name[len('Ministry of ') :])}"),
                    name,
                    "ministry",
                    acronyms=[names.acronym(initials, code)],
                    country=code,
                    valid_from=change.isoformat(),
                    description=f"{demonym} ministry created from part of the {first.name}.",
                )
            )
            # Both bodies succeed it: a plain list of two is read as a split (not a rename of
            # the first of them, which the registry would make one body with the old ministry).
            if first.id in nxt.renamed_from:
                nxt.renamed_from.remove(first.id)
                first.superseded_by.append(nxt.id)
            first.superseded_by.append(other.id)
            country.slots.append([Link(other.id, change, None)])
