"""Matching the bodies a text names against the registry, and proposing new ones.

Registry names, acronyms and aliases are found with :class:`kb.registry.mentions.MentionFinder`.
A name shared by bodies of several countries ('Ministry of Health') is settled
by the report's countries; a renamed body is tagged under the name current on
the publication date. A body introduced as 'Ministry of X (MOX)' that the
registry does not know becomes a proposed new entity (never a tag, unless the
user accepts the proposals).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from kb.importer.acronyms import acronym_bodies
from kb.importer.bodies import company_bodies, head_noun_bodies
from kb.importer.bodycountry import body_country
from kb.importer.places import HOME_COUNTRY, country_mentions, country_words
from kb.registry.mentions import Mention, MentionFinder
from kb.registry.model import Entity, Registry
from kb.report.fields import id_problem
from kb.util.text import slugify

#: Head words that make a capitalised name an organisation.
ORG_HEADS = (
    "Ministry",
    "Department",
    "Agency",
    "Institute",
    "Council",
    "Commission",
    "Corporation",
    "Authority",
    "Office",
    "Organisation",
    "Organization",
    "Foundation",
    "Service",
    "Bank",
    "Centre",
    "Center",
    "Administration",
    "Board",
    "University",
    "Society",
    "Association",
    "Company",
    "Executive",
    "Secretariat",
    "Committee",
    "Laboratory",
    "Bureau",
    "Directorate",
    "Academy",
    "Fund",
    "Network",
    "Group",
    "Secretaría",
    "Secretaria",
)
_PARTNER_KINDS = ("ministry", "agency")


@dataclass(frozen=True)
class NewEntity:
    """A body the text introduces that the registry does not know."""

    id: str
    name: str
    kind: str
    country: str | None
    acronym: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def as_registry_item(self) -> dict:
        item: dict = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.acronym:
            item["acronyms"] = [self.acronym]
        if self.country:
            item["country"] = self.country
        return item


@dataclass(frozen=True)
class Hit:
    """One mention of a body in the analysed text."""

    entity_id: str
    start: int
    end: int
    new: bool = False


@dataclass
class EntityReading:
    hits: list[Hit] = field(default_factory=list)
    new: list[NewEntity] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        return list(dict.fromkeys(h.entity_id for h in self.hits))


class EntityMatcher:
    """Built once per registry; :meth:`read` is called for each text."""

    def __init__(self, registry: Registry, finder: MentionFinder | None = None) -> None:
        self.registry = registry
        self.finder = finder or MentionFinder(registry)
        # Partner bodies by their name without its country, per set of report countries.
        self._bare_names: dict[tuple[str, ...], dict[str, Entity]] = {}

    # -- choosing among candidates -------------------------------------------------------------
    def _pick(self, candidates: list[Entity], countries: list[str]) -> Entity | None:
        if not candidates:
            return None
        fitting = [
            e
            for e in candidates
            if e.country is None
            or e.country in countries
            or e.country == HOME_COUNTRY
            or e.kind not in _PARTNER_KINDS
        ]
        ranked = sorted(fitting, key=lambda e: (e.country not in countries, e.kind == "sector"))
        return ranked[0] if ranked else None

    def _same_name_here(self, text: str, countries: list[str]) -> Entity | None:
        """'Ministry of Health' in a Turkish report: the Turkish ministry, named with its country."""
        key = tuple(countries)
        if key not in self._bare_names:
            table: dict[str, Entity] = {}
            for entity in self.registry.entities.values():
                if entity.country in countries and entity.kind in _PARTNER_KINDS:
                    for name in entity.names():
                        table.setdefault(_bare(name, countries), entity)
            self._bare_names[key] = table
        return self._bare_names[key].get(_bare(text, countries))

    def _country_of(self, entity_id: str) -> str | None:
        entity = self.registry.get(entity_id)
        return entity.country if entity and entity.kind not in ("sector", "person") else None

    def resolve(self, text: str, countries: list[str]) -> Entity | None:
        """The registry entity a name or acronym means in a report about ``countries``."""
        candidates = self.registry.resolve(text)
        picked = self._pick(candidates, countries)
        if picked is None:
            picked = self._same_name_here(text, countries)
        return picked

    def current(self, entity: Entity, day: date, review: list[str]) -> Entity:
        """The entity under its name current on ``day``, when the registry says so unambiguously."""
        if entity.valid_on(day):
            return entity
        lineage = [self.registry.entities[i] for i in self.registry.lineage(entity.id)]
        valid = [e for e in lineage if e.valid_on(day) and e.kind == entity.kind]
        if len(valid) == 1:
            return valid[0]
        if len(valid) > 1:
            review.append(
                f"'{entity.name}' had been split by {day} into "
                f"{', '.join(e.id for e in valid)}: check which is meant"
            )
        return entity

    # -- reading a text ----------------------------------------------------------------------------
    def read(
        self, text: str, countries: list[str], day: date, *, publisher: str = HOME_COUNTRY
    ) -> EntityReading:
        """The bodies a text names: registry entities under their name current on ``day``, and
        new ones proposed (with the country the text gives them), each place of the text read once."""
        reading = EntityReading()
        covered = _Covered(len(text))
        known = self.finder.find(text)  # registry mentions, whose countries tell a new body's
        local = self._read_bodies(text, countries, day, publisher, known, reading, covered)
        for mention in known:
            if not covered.free(mention.start, mention.end):
                continue
            entity = self.resolve(mention.text, countries)
            if entity is None:
                continue
            entity = self.current(entity, day, reading.review)
            reading.hits.append(Hit(entity.id, mention.start, mention.end))
            covered.take(mention.start, mention.end)
        _read_proposals_again(text, local, reading, covered)
        for proposal in reading.new:
            if proposal.country is None:
                reading.review.append(
                    f"new entity {proposal.label}: the text does not say which country it "
                    f"belongs to; set its country before adding it to the registry"
                )
        reading.hits.sort(key=lambda h: h.start)
        return reading

    def _read_bodies(
        self,
        text: str,
        countries: list[str],
        day: date,
        publisher: str,
        known: list[Mention],
        reading: EntityReading,
        covered: _Covered,
    ) -> dict[str, str]:
        """The named bodies of the text (acronym definitions, head-noun phrases, companies):
        registry entities, or proposals; returns the proposals' names and acronyms -> id."""
        local: dict[str, str] = {}
        text_countries = frozenset(code for code in country_mentions(text) if code != "EU")
        known_starts = [m.start for m in known]
        found = acronym_bodies(text) + head_noun_bodies(text) + company_bodies(text)
        found.sort(key=lambda b: (b.start, b.acronym is None, -(b.end - b.start)))
        for body in found:
            if not covered.free(body.start, body.end):
                continue
            entity = (
                self.resolve(body.name, countries)
                or (self.resolve(body.acronym, countries) if body.acronym else None)
                or (self.resolve(_without_country(body.name), countries))
            )
            if entity is not None:
                entity = self.current(entity, day, reading.review)
                reading.hits.append(Hit(entity.id, body.start, body.end))
                covered.take(body.start, body.end)
                continue
            if (
                _covered_by_registry(self.finder, body.name)
                and body.acronym is None
                and self.registry.resolve(body.name)
                and not country_mentions(body.name)
            ):
                continue  # a registry name; the mention pass decides whose it is
            sentence = _sentence_around(text, body.start, body.end)
            country = body_country(
                body.name,
                sentence,
                _paragraph_around(text, body.start, body.end),
                known_nearby=self._countries_near(text, sentence, body.start, known, known_starts),
                country_word=body.country_word,
                partner=countries[0] if len(countries) == 1 else None,
                publisher=publisher,
                text_countries=text_countries,
            )
            proposal = self._propose(body.name, body.acronym, country, reading.new)
            local[body.name.casefold()] = proposal.id
            if body.acronym:
                local[body.acronym] = proposal.id
            reading.hits.append(Hit(proposal.id, body.start, body.end, new=True))
            covered.take(body.start, body.end)
        return local

    def _countries_near(
        self, text: str, sentence: str, position: int, known: list[Mention], starts: list[int]
    ) -> frozenset[str]:
        """The countries of the registry bodies named (``known``, starting at ``starts``) in the
        sentence around ``position``."""
        sentence_start = text.find(sentence, max(0, position - 400))
        return frozenset(
            c
            for m in known[bisect_left(starts, sentence_start) : bisect_left(starts, position + 400)]
            if m.start < sentence_start + len(sentence) and (c := self._country_of(m.entity_id))
        )

    def _propose(
        self, name: str, acronym: str | None, country: str | None, proposals: list[NewEntity]
    ) -> NewEntity:
        for existing in proposals:
            if existing.name.casefold() == name.casefold():
                return existing
        owner_country = HOME_COUNTRY if re.search(r"\b(UK|British|Her Majesty|HM)\b", name) else country
        kind = _guess_kind(name, owner_country)
        base = slugify(acronym or name, max_length=50)
        prefix = (owner_country or "").lower()
        entity_id = f"{prefix}-{base}" if prefix and prefix != "gb" else base
        if id_problem(entity_id):
            entity_id = slugify(f"{prefix} {name}", max_length=60)
        taken = {p.id for p in proposals}  # a clash with the registry is settled on acceptance
        candidate, n = entity_id, 2
        while candidate in taken:
            candidate, n = f"{entity_id}-{n}", n + 1
        proposal = NewEntity(candidate, name, kind, owner_country, acronym)
        proposals.append(proposal)
        return proposal


class _Covered:
    """Which characters of a text a hit already covers: a later reading never overlaps one
    (a byte per character, so that each check is linear in the span, not in the hits)."""

    def __init__(self, length: int) -> None:
        self.marks = bytearray(length)

    def free(self, start: int, end: int) -> bool:
        return not any(self.marks[start:end])

    def take(self, start: int, end: int) -> None:
        self.marks[start:end] = b"\x01" * (end - start)


def _read_proposals_again(
    text: str, local: dict[str, str], reading: EntityReading, covered: _Covered
) -> None:
    """Later mentions of the proposed bodies, by name (any case) or acronym (as written)."""
    names = {k: v for k, v in local.items() if k == k.casefold() and not k.isupper()}
    acronyms = {k: v for k, v in local.items() if k not in names}
    for table, flags in ((names, re.IGNORECASE), (acronyms, 0)):
        if not table:
            continue
        pattern = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
            + r")(?![\w-])",
            flags,
        )
        for match in pattern.finditer(text):
            if not covered.free(match.start(), match.end()):
                continue
            key = match.group(0).casefold() if flags else match.group(0)
            reading.hits.append(Hit(table[key], match.start(), match.end(), new=True))
            covered.take(match.start(), match.end())


@lru_cache(maxsize=64)
def _country_pattern(codes: tuple[str, ...]) -> re.Pattern:
    words = sorted({w for code in codes for w in country_words(code)}, key=len, reverse=True)
    if not words:
        return re.compile(r"(?!)")
    return re.compile(r"\b(?:of\s+(?:the\s+)?)?(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def _bare(name: str, countries: list[str]) -> str:
    """A body's name without its country ('Turkish Ministry of Health' -> 'ministry of health')."""
    text = _country_pattern(tuple(countries)).sub(" ", name)
    return re.sub(r"\s+", " ", re.sub(r"^\s*the\s+", "", text, flags=re.IGNORECASE)).strip(" ,").casefold()


def _covered_by_registry(finder: MentionFinder, name: str) -> bool:
    return any(m.start == 0 and m.end == len(name) for m in finder.find(name))


def _guess_kind(name: str, country: str | None) -> str:
    """The registry kind from the name's head noun and whose body it is."""
    if re.search(r"\b(Fund|Programme|Program|Prize|Scheme|Awards|Fellowships|Initiative)\b", name):
        return "programme"
    if re.search(
        r"\b(University|College|School|Association|Society|Company|Bank|Foundation|Group|Network|"
        r"Chamber|Museum|Academy|Academies|Trust|Hospital|Federation)\b",
        name,
    ):
        return "organisation"
    if country == HOME_COUNTRY:
        official = (
            r"\b(Department|Ministry|Office|Agency|Service|Executive|Authority|Embassy|Commission|Council)\b"
        )
        return "department" if re.search(official, name) else "organisation"
    if re.search(r"\b(Ministry|Secretariat|Secretaría|Secretaria|Cabinet)\b", name) or re.match(
        r"(Department|Office) (of|for)\b", name
    ):
        return "ministry"
    return "agency"


_LEADING_COUNTRY = re.compile(r"^(?:(?:A|An|The|UK|U\.S\.|US|British|American|EU)\s+)+")


def _without_country(name: str) -> str:
    """'UK Department for International Trade' -> 'Department for International Trade'."""
    return _LEADING_COUNTRY.sub("", name)


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]”’\"])[.!?]\s+|\n")


def _sentence_around(text: str, start: int, end: int) -> str:
    window_start = max(0, start - 400)
    lefts = [m.end() for m in _SENTENCE_END.finditer(text, window_start, start)]
    right = _SENTENCE_END.search(text, end, min(len(text), end + 400))
    return text[lefts[-1] if lefts else window_start : right.start() if right else min(len(text), end + 400)]


def _paragraph_around(text: str, start: int, end: int) -> str:
    left = text.rfind("\n\n", max(0, start - 2000), start)
    right = text.find("\n\n", end, end + 2000)
    return text[max(left, max(0, start - 2000)) : right if right != -1 else min(len(text), end + 2000)]
