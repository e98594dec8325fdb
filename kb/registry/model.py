"""The registry as data: every entity reports talk about, with its names over time.

Successions are first-class, with a kind (:data:`SUCCESSION_KINDS`): ``superseded_by`` on the old
entity (or ``renamed_from`` on the new one) links them both ways. Only a **rename** makes one body
of two entities (MSIP then MSIT: :meth:`Registry.lineage`), so the tool knows which name was current
on a date and search, filters, counts and related reports follow a ministry across its names. A
**split** (BEIS into DBT, DSIT and DESNZ), a **merger** (FCO and DFID into FCDO) or a **transfer**
of functions links different bodies: shown as history (:meth:`Registry.former_bodies`), and
searched together only on request (``--with-predecessors``).

How a plain ``superseded_by`` (no ``kind``) is read, so that older registry files keep working:
several ids are a split; one id is a rename, unless that successor has other predecessors too,
when it is read as a merger (and ``kb check`` warns, asking for the explicit form).
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


#: The kinds of succession ``superseded_by: {kind: ..., by: [...], date: ...}`` may give.
SUCCESSION_KINDS = ("rename", "split", "merger", "transfer")
#: The fields of that mapping.
SUCCESSION_FIELDS = ("kind", "by", "date")

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
    succession: str | None = None  # the kind given with superseded_by; None: read from its shape
    succession_date: FuzzyDate | None = None
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
            "succession": self.succession,
            "succession_date": str(self.succession_date) if self.succession_date else None,
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
        self._former: dict[str, tuple[str, ...]] = {}
        self._kinds: dict[tuple[str, str], str] = {}
        self._inferred: set[tuple[str, str]] = set()  # links whose kind was read from a plain list
        self._successors.clear()
        self._predecessors.clear()
        self._by_name.clear()
        explicit: dict[tuple[str, str], str] = {}
        several: set[tuple[str, str]] = set()
        for entity in self.entities.values():
            for successor in entity.superseded_by:
                if successor in self.entities:
                    self._link(entity.id, successor)
                    if entity.succession:
                        explicit[(entity.id, successor)] = entity.succession
                    elif len(entity.superseded_by) > 1:
                        several.add((entity.id, successor))
            for predecessor in entity.renamed_from:
                if predecessor in self.entities:
                    self._link(predecessor, entity.id)
                    if len(entity.renamed_from) == 1 and (predecessor, entity.id) not in explicit:
                        explicit.setdefault((predecessor, entity.id), "rename")
            for name in {entity.id, *entity.names()}:
                key = name.casefold()
                if entity.id not in self._by_name[key]:
                    self._by_name[key].append(entity.id)
        self._read_kinds(explicit, several)

    def _read_kinds(self, explicit: dict[tuple[str, str], str], several: set[tuple[str, str]]) -> None:
        """Each link's kind: as given; else a split when one of several ids, else a rename when
        the successor has no other predecessor, else a merger (see the module docstring)."""
        for old, successors in self._successors.items():
            for new in successors:
                link = (old, new)
                if link in explicit:
                    kind = explicit[link]
                elif link in several:
                    kind = "split"
                else:
                    kind = "rename" if len(self._predecessors[new]) == 1 else "merger"
                if link not in explicit:
                    self._inferred.add(link)
                self._kinds[link] = kind

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

    def kind_of(self, old: str, new: str) -> str | None:
        """The kind of the succession from ``old`` to ``new`` (:data:`SUCCESSION_KINDS`), or None."""
        return self._kinds.get((old, new))

    def inferred(self, old: str, new: str) -> bool:
        """Whether that kind was read from a plain ``superseded_by`` (no ``kind`` given)."""
        return (old, new) in self._inferred

    def renamed(self, entity_id: str) -> list[str]:
        """The names this entity took next (renames only)."""
        return [n for n in self.successors(entity_id) if self._kinds.get((entity_id, n)) == "rename"]

    def lineage(self, entity_id: str) -> list[str]:
        """Every entity linked to this one by renames, in either direction, oldest first: the
        names of one body over time. Splits, mergers and transfers are not followed."""
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
            todo.extend(
                n for n in self._successors.get(current, []) if self._kinds.get((current, n)) == "rename"
            )
            todo.extend(
                o for o in self._predecessors.get(current, []) if self._kinds.get((o, current)) == "rename"
            )
        return sorted(seen, key=lambda i: (self._start(i), i))

    def former_bodies(self, entity_id: str) -> list[str]:
        """The bodies this one (under any of its names) came from by a split, merger or transfer,
        and theirs in turn, each with its own names over time; oldest first. What
        ``--with-predecessors`` adds to a search, and what entity pages show as history."""
        cached = self._former.get(entity_id)
        if cached is None:
            own = self.lineage(entity_id) or [entity_id]
            found: list[str] = []
            todo = list(own)
            seen = set(own)
            while todo:
                current = todo.pop()
                for old in self._predecessors.get(current, []):
                    for other in self.lineage(old) or [old]:
                        if other not in seen:
                            seen.add(other)
                            found.append(other)
                            todo.append(other)
            cached = self._former[entity_id] = tuple(sorted(found, key=lambda i: (self._start(i), i)))
        return list(cached)

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
