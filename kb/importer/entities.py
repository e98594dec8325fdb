"""Matching the bodies a text names against the registry, and proposing new ones.

Registry names, acronyms and aliases are found with :class:`kb.mentions.MentionFinder`.
A name shared by bodies of several countries ('Ministry of Health') is settled
by the report's countries; a renamed body is tagged under the name current on
the publication date. A body introduced as 'Ministry of X (MOX)' that the
registry does not know becomes a proposed new entity (never a tag, unless the
user accepts the proposals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..mentions import MentionFinder
from ..registry import Entity, Registry
from ..schema import id_problem, slugify
from .places import HOME_COUNTRY, country_words

#: Head words that make a capitalised name an organisation.
ORG_HEADS = ("Ministry", "Department", "Agency", "Institute", "Council", "Commission", "Corporation",
             "Authority", "Office", "Organisation", "Organization", "Foundation", "Service", "Bank",
             "Centre", "Center", "Administration", "Board", "University", "Society", "Association",
             "Company", "Executive", "Secretariat", "Committee", "Laboratory", "Bureau", "Directorate",
             "Academy", "Fund", "Network", "Group", "Secretaría", "Secretaria")
_PARTNER_KINDS = ("ministry", "agency")
_ACRONYM = re.compile(r"^(?=(?:.*[A-ZÀ-Þ]){2})[A-ZÀ-Þ][A-Za-zÀ-ÿ&.-]{1,11}$")
_INTRO = re.compile(r"\(([A-ZÀ-Þ][A-Za-zÀ-ÿ&.-]{1,11})\)")
_NAME_TOKEN = re.compile(r"[A-ZÀ-Þ0-9][\w’'&.-]*|of|for|and|the|on|&|,|in|de|da|do|dos|del|la", re.UNICODE)
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "&", ",", "in", "de", "da", "do", "dos", "del", "la"})
_MINISTRY_NAME = re.compile(
    r"\b(?:Ministry|Department) (?:of|for) (?:(?:[A-Z][\w’'-]*|ICT)(?:,? (?:and |& )?)?)+", re.UNICODE)


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

    # -- choosing among candidates -------------------------------------------------------------
    def _pick(self, candidates: list[Entity], countries: list[str]) -> Entity | None:
        if not candidates:
            return None
        fitting = [e for e in candidates if e.country is None or e.country in countries
                   or e.country == HOME_COUNTRY or e.kind not in _PARTNER_KINDS]
        ranked = sorted(fitting, key=lambda e: (e.country not in countries, e.kind == "sector"))
        return ranked[0] if ranked else None

    def _same_name_here(self, text: str, countries: list[str]) -> Entity | None:
        """'Ministry of Health' in a Turkish report: the Turkish ministry, named with its country."""
        wanted = _bare(text, countries)
        for entity in self.registry.entities.values():
            if entity.country in countries and entity.kind in _PARTNER_KINDS:
                if any(_bare(name, countries) == wanted for name in entity.names()):
                    return entity
        return None

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
            review.append(f"'{entity.name}' had been split by {day} into "
                          f"{', '.join(e.id for e in valid)}: check which is meant")
        return entity

    # -- reading a text ----------------------------------------------------------------------------
    def read(self, text: str, countries: list[str], day: date, *, publisher: str = HOME_COUNTRY) -> EntityReading:
        reading = EntityReading()
        local: dict[str, str] = {}  # names and acronyms of proposed entities -> id
        country = countries[0] if countries else None
        taken: list[tuple[int, int]] = []
        for match in _INTRO.finditer(text):
            acronym = match.group(1)
            name, name_start = _name_before(text, match.start())
            if not name:
                continue
            known = self.resolve(acronym, countries) if _ACRONYM.match(acronym) or \
                self.registry.resolve(acronym) else None
            name, name_start = _own_name(name, name_start, known)
            by_name = self.resolve(name, countries)
            entity = by_name or known
            if entity is not None:
                entity = self.current(entity, day, reading.review)
                reading.hits.append(Hit(entity.id, name_start, match.end()))
                taken.append((name_start, match.end()))
                continue
            if not _ACRONYM.match(acronym) or not _org_name(name):
                continue
            proposal = self._propose(name, acronym, country, reading.new)
            local[name.casefold()] = proposal.id
            local[acronym] = proposal.id
            reading.hits.append(Hit(proposal.id, name_start, match.end(), new=True))
            taken.append((name_start, match.end()))
        for match in _MINISTRY_NAME.finditer(text):
            name = re.sub(r"(?:,|\s)+(?:and|&)?\s*$", "", match.group(0)).strip(" ,")
            start, end = match.start(), match.start() + len(name)
            if any(s < end and start < e for s, e in taken) or name.casefold() in local:
                continue
            if self.resolve(name, countries) or _covered_by_registry(self.finder, name):
                continue
            proposal = self._propose(name, None, country, reading.new)
            local[name.casefold()] = proposal.id
            reading.hits.append(Hit(proposal.id, start, end, new=True))
            taken.append((start, end))
        for mention in self.finder.find(text):
            if any(s < mention.end and mention.start < e for s, e in taken):
                continue
            entity = self.resolve(mention.text, countries)
            if entity is None:
                continue
            entity = self.current(entity, day, reading.review)
            reading.hits.append(Hit(entity.id, mention.start, mention.end))
            taken.append((mention.start, mention.end))
        names = {k: v for k, v in local.items() if k == k.casefold() and not k.isupper()}
        acronyms = {k: v for k, v in local.items() if k not in names}
        for table, flags in ((names, re.IGNORECASE), (acronyms, 0)):
            if not table:
                continue
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
                re.escape(k) for k in sorted(table, key=len, reverse=True)) + r")(?![\w-])", flags)
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                key = match.group(0).casefold() if flags else match.group(0)
                reading.hits.append(Hit(table[key], match.start(), match.end(), new=True))
                taken.append((match.start(), match.end()))
        reading.hits.sort(key=lambda h: h.start)
        return reading

    def _propose(self, name: str, acronym: str | None, country: str | None,
                 proposals: list[NewEntity]) -> NewEntity:
        for existing in proposals:
            if existing.name.casefold() == name.casefold():
                return existing
        kind = _guess_kind(name)
        owner_country = HOME_COUNTRY if re.search(r"\b(UK|British|Her Majesty|HM)\b", name) else country
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


def _bare(name: str, countries: list[str]) -> str:
    """A body's name without its country ('Turkish Ministry of Health' -> 'ministry of health')."""
    text = name
    for code in countries:
        for word in sorted(country_words(code), key=len, reverse=True):
            text = re.sub(rf"\b(?:of\s+(?:the\s+)?)?{re.escape(word)}\b", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"^\s*the\s+", "", text, flags=re.IGNORECASE)).strip(" ,").casefold()


def _name_before(text: str, end: int) -> tuple[str, int]:
    """The capitalised name that ends just before an acronym in brackets."""
    tokens = list(_NAME_TOKEN.finditer(text[max(0, end - 200):end]))
    offset = max(0, end - 200)
    chosen: list[re.Match] = []
    position = end - offset
    for token in reversed(tokens):
        gap = text[offset + token.end():offset + position]
        if gap.strip(" ") or (token.group(0).endswith(".") and len(token.group(0)) > 2):
            break  # another word, a line break or a sentence end comes first
        if token.group(0) == "," and chosen and chosen[-1].group(0) == ",":
            break
        chosen.append(token)
        position = token.start()
    chosen.reverse()
    while chosen and chosen[0].group(0) in _CONNECTORS:
        chosen.pop(0)
    while chosen and chosen[-1].group(0) in _CONNECTORS:
        chosen.pop()
    if not chosen:
        return "", end
    # A comma followed by a lower-case word ends the name: 'lead delivery agency, National ...'.
    start = offset + chosen[0].start()
    name = text[start:end].strip()
    return name, start


def _own_name(name: str, start: int, known: Entity | None) -> tuple[str, int]:
    """The part of 'A Ministry and B Company' that the bracketed acronym belongs to."""
    cuts = [m.end() for m in re.finditer(r"(?:,\s+|\s+and\s+|\s+&\s+)(?=[A-Z])", name)]
    if known is not None:
        names = {n.casefold() for n in known.names()}
        for cut in cuts:
            if name[cut:].casefold() in names:
                return name[cut:], start + cut
        return name, start
    for cut in cuts:
        # Two bodies joined by 'and': both look like organisations, the second a full name.
        if _org_name(name[:cut]) and _org_name(name[cut:]) and len(name[cut:].split()) >= 3:
            return name[cut:], start + cut
    return name, start


def _org_name(name: str) -> bool:
    return any(re.search(rf"\b{head}\b", name) for head in ORG_HEADS)


def _covered_by_registry(finder: MentionFinder, name: str) -> bool:
    return any(m.start == 0 and m.end == len(name) for m in finder.find(name))


def _guess_kind(name: str) -> str:
    if re.search(r"\b(UK|British|HM)\b", name):
        return "department"
    if re.search(r"\b(Ministry|Secretariat|Secretaría|Secretaria)\b", name) or \
            re.match(r"(Department|Office) (of|for)\b", name):
        return "ministry"
    if re.search(r"\b(University|Association|Society|Company|Bank|Foundation|Group|Network)\b", name):
        return "organisation"
    return "agency"
