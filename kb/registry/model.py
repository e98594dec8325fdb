"""The registry as data: every entity reports talk about, with its names over time.

Renames are first-class: ``superseded_by`` on the old entity or ``renamed_from`` on the new one
links them both ways, so the tool knows which name was current on a date and search can follow
a ministry across its names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kb.report.dates import FuzzyDate
from kb.util.suggest import near_misses

if TYPE_CHECKING:
    pass


#: Entity kinds, and the report tag list each kind is tagged under.
KINDS = {
    "ministry": "ministries",  # partner-government ministry, commission or office
    "agency": "ministries",  # partner-government agency or public institution
    "department": "organisations",  # home-country government department or body
    "organisation": "organisations",  # universities, institutes, companies, multilaterals
    "programme": "projects",
    "project": "projects",
    "event": "events",
    "sector": "sectors",
    "person": "people",
}


ENTITY_FIELDS = (
    "id",
    "name",
    "kind",
    "acronyms",
    "aliases",
    "country",
    "parent",
    "valid_from",
    "valid_to",
    "superseded_by",
    "renamed_from",
    "website",
    "description",
    "keywords",
)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    kind: str
    acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: str | None = None
    parent: str | None = None
    valid_from: FuzzyDate | None = None
    valid_to: FuzzyDate | None = None
    superseded_by: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()
    website: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def tag_list(self) -> str:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        """``Ministry of Science and ICT (MSIT)``."""
        return f"{self.name} ({self.acronyms[0]})" if self.acronyms else self.name

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.acronyms, *self.aliases)

    def valid_on(self, day: date) -> bool:
        """Whether the entity existed under this name on ``day`` (its whole first and last periods count)."""
        too_early = self.valid_from is not None and day < self.valid_from.start
        too_late = self.valid_to is not None and day > self.valid_to.end
        return not (too_early or too_late)

    def as_row(self) -> dict:
        """Plain data for tables, JSON and CSV."""
        return {
            "id": self.id,
            "name": self.name,
            "acronyms": ", ".join(self.acronyms),
            "aliases": list(self.aliases),
            "kind": self.kind,
            "country": self.country or "",
            "parent": self.parent,
            "valid": self.validity(),
            "valid_from": str(self.valid_from) if self.valid_from else None,
            "valid_to": str(self.valid_to) if self.valid_to else None,
            "superseded_by": list(self.superseded_by),
            "renamed_from": list(self.renamed_from),
            "website": self.website,
            "description": self.description,
        }

    def validity(self) -> str:
        if not self.valid_from and not self.valid_to:
            return ""
        start = self.valid_from.text if self.valid_from else "?"
        end = self.valid_to.text if self.valid_to else "now"
        return f"{start} to {end}"


@dataclass(frozen=True)
class Disclaimer:
    id: str
    title: str
    text: str


@dataclass
class Registry:
    entities: dict[str, Entity] = field(default_factory=dict)
    disclaimers: dict[str, Disclaimer] = field(default_factory=dict)
    _successors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _predecessors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._lineages: dict[str, tuple[str, ...]] = {}
        self._successors.clear()
        self._predecessors.clear()
        self._by_name.clear()
        for entity in self.entities.values():
            for successor in entity.superseded_by:
                if successor in self.entities:
                    self._link(entity.id, successor)
            for predecessor in entity.renamed_from:
                if predecessor in self.entities:
                    self._link(predecessor, entity.id)
            for name in {entity.id, *entity.names()}:
                key = name.casefold()
                if entity.id not in self._by_name[key]:
                    self._by_name[key].append(entity.id)

    def _link(self, old: str, new: str) -> None:
        if new not in self._successors[old]:
            self._successors[old].append(new)
        if old not in self._predecessors[new]:
            self._predecessors[new].append(old)

    # -- look-ups --------------------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def of_kind(self, *kinds: str) -> list[Entity]:
        return sorted(
            (e for e in self.entities.values() if not kinds or e.kind in kinds),
            key=lambda e: (e.kind, e.name.casefold()),
        )

    def resolve(self, text: str) -> list[Entity]:
        """Entities whose id, name, acronym or alias is ``text`` (case-insensitive)."""
        return [self.entities[i] for i in self._by_name.get(text.strip().casefold(), [])]

    def successors(self, entity_id: str) -> list[str]:
        return list(self._successors.get(entity_id, []))

    def predecessors(self, entity_id: str) -> list[str]:
        return list(self._predecessors.get(entity_id, []))

    def lineage(self, entity_id: str) -> list[str]:
        """Every entity linked to this one by renames, in either direction, oldest first."""
        # Asked for every tag of every report: computed once per entity (see _index).
        cached = self._lineages.get(entity_id)
        if cached is None:
            cached = self._lineages[entity_id] = tuple(self._walk_lineage(entity_id))
        return list(cached)

    def _walk_lineage(self, entity_id: str) -> list[str]:
        seen: list[str] = []
        todo = [entity_id]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.entities:
                continue
            seen.append(current)
            todo.extend(self._successors.get(current, []))
            todo.extend(self._predecessors.get(current, []))
        return sorted(seen, key=lambda i: (self._start(i), i))

    def _start(self, entity_id: str) -> date:
        start = self.entities[entity_id].valid_from
        return start.start if start else date.min

    def current_on(self, entity_id: str, day: date) -> Entity | None:
        """The entity of this one's lineage that was current on ``day``."""
        for other in self.lineage(entity_id):
            if (
                self.entities[other].valid_on(day)
                and self.entities[other].kind == self.entities[entity_id].kind
            ):
                return self.entities[other]
        return None

    def suggest(
        self, text: str, kinds: Iterable[str] | None = None, limit: int = 3, country: str | None = None
    ) -> list[str]:
        """Ids of the entities ``text`` is a near miss of (a typing slip or two away from an id,
        name, acronym or alias: :func:`kb.util.suggest.near_misses`); none when nothing is close,
        so that an id missing from the registry is not answered with an unrelated one. Among
        equally near ones, those of ``country`` (the report's) come first."""
        kinds = set(kinds) if kinds else None
        pool: dict[str, str] = {}
        for entity in sorted(
            self.entities.values(), key=lambda e: country is not None and e.country != country
        ):
            if kinds and entity.kind not in kinds:
                continue
            for name in (entity.id, *entity.names()):
                pool.setdefault(name.casefold(), entity.id)
        found = []
        for name in near_misses(text, pool, limit=limit * 3):
            if pool[name] not in found:
                found.append(pool[name])
        return found[:limit]

    def file_for(self, kinds: Iterable[str], country: str | None) -> str | None:
        """The registry file that holds most entities of these kinds (of this country, if any
        are): where a new one of them belongs."""
        kinds = set(kinds)
        same = [e for e in self.entities.values() if e.kind in kinds and e.path]
        local = [e for e in same if country and e.country == country]
        counts: dict[str, int] = defaultdict(int)
        for entity in local or same:
            counts[entity.path] += 1
        return min(counts, key=lambda path: (-counts[path], path)) if counts else None

    def all_names(self, entity_id: str) -> list[str]:
        """Names of the entity and of its whole lineage: for search expansion."""
        names: list[str] = []
        for other in self.lineage(entity_id) or [entity_id]:
            entity = self.entities.get(other)
            if entity:
                names.extend(n for n in entity.names() if n not in names)
        return names
