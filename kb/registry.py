"""The registry: every entity reports talk about, with its names over time.

Files ``reports/registry/*.yml`` each hold ``entities:`` (and optionally
``defaults:`` for kind and country, and ``disclaimers:``). Renames are
first-class: ``superseded_by`` on the old entity or ``renamed_from`` on the new
one links them both ways, so the tool knows which name was current on a date and
search can follow a ministry across its names.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .countries import country_problem
from .dates import FuzzyDate
from .errors import InputError, ProjectError
from .links import find_cycles
from .problems import Problem
from .reading import read_text
from .schema import Reader, closest
from .yamlstrict import load

if TYPE_CHECKING:
    from .project import Project

#: Entity kinds, and the report tag list each kind is tagged under.
KINDS = {
    "ministry": "ministries",      # partner-government ministry, commission or office
    "agency": "ministries",        # partner-government agency or public institution
    "department": "organisations",  # home-country government department or body
    "organisation": "organisations",  # universities, institutes, companies, multilaterals
    "programme": "projects",
    "project": "projects",
    "event": "events",
    "sector": "sectors",
    "person": "people",
}
TAG_LISTS = ("ministries", "organisations", "sectors", "projects", "events", "people")
ENTITY_FIELDS = ("id", "name", "kind", "acronyms", "aliases", "country", "parent", "valid_from",
                 "valid_to", "superseded_by", "renamed_from", "website", "description", "keywords")
FILE_FIELDS = ("defaults", "entities", "disclaimers")


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
        if self.valid_from and day < self.valid_from.start:
            return False
        if self.valid_to and day > self.valid_to.end:
            return False
        return True

    def as_row(self) -> dict:
        """Plain data for tables, JSON and CSV."""
        return {
            "id": self.id, "name": self.name, "acronyms": ", ".join(self.acronyms),
            "aliases": list(self.aliases), "kind": self.kind, "country": self.country or "",
            "parent": self.parent, "valid": self.validity(),
            "valid_from": str(self.valid_from) if self.valid_from else None,
            "valid_to": str(self.valid_to) if self.valid_to else None,
            "superseded_by": list(self.superseded_by), "renamed_from": list(self.renamed_from),
            "website": self.website, "description": self.description,
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
        self._lineages = {}
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
        return sorted((e for e in self.entities.values() if not kinds or e.kind in kinds),
                      key=lambda e: (e.kind, e.name.casefold()))

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
            if self.entities[other].valid_on(day) and self.entities[other].kind == self.entities[entity_id].kind:
                return self.entities[other]
        return None

    def suggest(self, text: str, kinds: Iterable[str] | None = None, limit: int = 3) -> list[str]:
        """Closest entity ids to ``text``, matching on ids, names, acronyms and aliases."""
        kinds = set(kinds) if kinds else None
        pool: dict[str, str] = {}
        for entity in self.entities.values():
            if kinds and entity.kind not in kinds:
                continue
            for name in (entity.id, *entity.names()):
                pool.setdefault(name, entity.id)
        found = []
        for name in closest(text, pool, limit=limit * 3):
            if pool[name] not in found:
                found.append(pool[name])
        return found[:limit]

    def all_names(self, entity_id: str) -> list[str]:
        """Names of the entity and of its whole lineage: for search expansion."""
        names: list[str] = []
        for other in self.lineage(entity_id) or [entity_id]:
            entity = self.entities.get(other)
            if entity:
                names.extend(n for n in entity.names() if n not in names)
        return names


def _as_list(reader: Reader, where: tuple, example: str) -> list[str]:
    value = reader.get(where)
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return [item for _i, item in reader.strings(where, example=example)]


def load_registry(folder: Path, display: callable = str,
                  inside: Iterable[Path] | None = None) -> tuple[Registry, list[Problem]]:
    """Read every ``*.yml``/``*.yaml`` file of ``folder``; return the registry and all problems.

    A file is read only if its real path lies in one of the ``inside`` folders (default: ``folder``
    itself; :attr:`Project.readable_roots` for a project's registry): a link to a file elsewhere
    is an error, and nothing of that file is read or shown.
    """
    problems: list[Problem] = []
    entities: dict[str, Entity] = {}
    disclaimers: dict[str, Disclaimer] = {}
    disclaimer_lines: dict[str, str] = {}  # id -> where it was first given, for the duplicate error
    if not folder.is_dir():
        raise ProjectError(f"no registry folder at {display(folder)}",
                           hint="create it, or run kb in the project's top folder")
    roots = [Path(os.path.realpath(f)) for f in (inside if inside is not None else [folder])]
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    for file in files:
        shown = display(file)
        try:
            text = read_text(file, shown, inside=roots)
            located = load(text)
        except InputError as exc:  # YamlProblem too: each carries its position and code
            problems.append(Problem(shown, exc.line or 1, getattr(exc, "column", 1), "error", exc.code,
                                    exc.message, exc.hint))
            continue
        for yaml_problem in located.problems:
            problems.append(Problem(shown, yaml_problem.line or 1, yaml_problem.column, "error",
                                    yaml_problem.code, yaml_problem.message, yaml_problem.hint))
        reader = Reader(located, shown, problems)
        if located.value is None:
            continue
        if reader.mapping(()) is None:
            continue
        reader.known_fields((), FILE_FIELDS, "a registry file")
        defaults = {}
        if reader.has(("defaults",)) and reader.mapping(("defaults",)) is not None:
            reader.known_fields(("defaults",), ("kind", "country"), "defaults")
            defaults = {k: reader.string(("defaults", k)) for k in ("kind", "country")}
        for i in reader.items(("entities",), example="'- id: msit'"):
            entity = _read_entity(reader, ("entities", i), defaults)
            if entity is None:
                continue
            if entity.id in entities:
                first = entities[entity.id]
                reader.report(("entities", i, "id"), "duplicate-id",
                              f"entity id '{entity.id}' is already used at {first.path}:{first.line}",
                              "give each entity its own id")
                continue
            entities[entity.id] = entity
        for i in reader.items(("disclaimers",), example="'- id: fco-country-update'"):
            where = ("disclaimers", i)
            reader.known_fields(where, ("id", "title", "text"), "a disclaimer")
            did, title, text_ = reader.ident(where + ("id",)), reader.string(where + ("title",)), \
                reader.string(where + ("text",))
            if did and did in disclaimers:
                first_at = disclaimer_lines[did]
                reader.report(where + ("id",), "duplicate-id",
                              f"disclaimer id '{did}' is already used at {first_at}",
                              "give each disclaimer its own id; reports would show only one of them")
            elif did and text_:
                disclaimers[did] = Disclaimer(did, title or did, text_)
                disclaimer_lines[did] = f"{shown}:{located.line_of(where + ('id',))[0]}"
            else:
                reader.required(where, ("id", "text"), "a disclaimer", {})
    registry = Registry(entities=entities, disclaimers=disclaimers)
    problems.extend(_check_links(registry))
    return registry, problems


def project_registry(project: "Project") -> tuple[Registry, list[Problem]]:
    """:func:`load_registry` of a project's ``reports/registry/``, reading only files inside it."""
    return load_registry(project.registry_dir, display=project.show, inside=project.readable_roots)


def _read_entity(reader: Reader, where: tuple, defaults: dict) -> Entity | None:
    reader.known_fields(where, ENTITY_FIELDS, "a registry entity")
    entity_id = reader.ident(where + ("id",))
    name = reader.string(where + ("name",))
    kind = reader.choice(where + ("kind",), KINDS) if reader.has(where + ("kind",)) else defaults.get("kind")
    if kind is not None and kind not in KINDS:
        reader.report(where, "bad-value", f"default kind '{kind}' is not one of {', '.join(KINDS)}")
        kind = None
    if not reader.has(where + ("id",)) or not name:
        reader.required(where, ("id", "name"), "a registry entity",
                        {"id": "a short id such as 'msit'", "name": "the official English name"})
    if kind is None and not reader.has(where + ("kind",)):
        reader.report(where, "missing-field", "missing required field 'kind' in a registry entity",
                      f"one of: {', '.join(KINDS)}")
    country = reader.string(where + ("country",)) if reader.has(where + ("country",)) else defaults.get("country")
    if country:
        bad = country_problem(country)
        if bad:
            reader.report(where + ("country",), "unknown-country", bad[0], bad[1])
            country = None
    valid_from = reader.fuzzy_date(where + ("valid_from",))
    valid_to = reader.fuzzy_date(where + ("valid_to",))
    if valid_from and valid_to and valid_to.end < valid_from.start:
        reader.report(where + ("valid_to",), "bad-dates",
                      f"valid_to {valid_to} is before valid_from {valid_from}", "swap or fix the dates")
    website = reader.url(where + ("website",))
    description = reader.string(where + ("description",))
    parent = reader.ident(where + ("parent",))
    lists = {}
    for name_ in ("acronyms", "aliases", "keywords"):
        lists[name_] = tuple(i for _n, i in reader.strings(where + (name_,), example="[MSIT]"))
    links = {name_: tuple(_as_list(reader, where + (name_,), "[msit]"))
             for name_ in ("superseded_by", "renamed_from")}
    if not entity_id or not name or kind is None:
        return None
    line = reader.located.line_of(where)[0]
    return Entity(id=entity_id, name=name, kind=kind, country=country, parent=parent,
                  valid_from=valid_from, valid_to=valid_to, website=website,
                  description=description, path=reader.path, line=line,
                  **lists, **links)


def _check_links(registry: Registry) -> list[Problem]:
    problems = []
    ids = registry.entities
    for entity in ids.values():
        for field_name in ("superseded_by", "renamed_from"):
            for other in getattr(entity, field_name):
                if other not in ids:
                    hint = ", ".join(registry.suggest(other)) or None
                    problems.append(Problem(entity.path, entity.line, 1, "error", "unknown-entity",
                                            f"{entity.id}: {field_name} names unknown entity '{other}'",
                                            f"did you mean {hint}?" if hint else "add it to the registry"))
                elif other == entity.id:
                    problems.append(Problem(entity.path, entity.line, 1, "error", "rename-cycle",
                                            f"{entity.id}: {field_name} names itself", None))
        if entity.parent and entity.parent not in ids:
            problems.append(Problem(entity.path, entity.line, 1, "error", "unknown-entity",
                                    f"{entity.id}: parent '{entity.parent}' is not in the registry",
                                    "add it or remove 'parent'"))
    # A rename chain must run one way in time, and a sector cannot be inside itself: a cycle
    # means a typo in the links. Walked without recursion: chains can be thousands long.
    for cycle in find_cycles(sorted(ids), registry.successors):
        entity = ids[cycle[-2]]
        problems.append(Problem(entity.path, entity.line, 1, "error", "rename-cycle",
                                f"rename cycle: {' -> '.join(cycle)}",
                                "a successor cannot also be a predecessor"))
    parents = lambda i: [ids[i].parent] if ids[i].parent in ids and ids[i].parent != i else []  # noqa: E731
    for cycle in find_cycles(sorted(ids), parents):
        entity = ids[cycle[0]]
        problems.append(Problem(entity.path, entity.line, 1, "error", "parent-cycle",
                                f"parent cycle: {' -> '.join(cycle)}",
                                "an entity cannot be part of itself: remove 'parent' from one of them"))
    for entity in ids.values():
        if entity.parent == entity.id:
            problems.append(Problem(entity.path, entity.line, 1, "error", "parent-cycle",
                                    f"{entity.id}: parent names itself", "remove 'parent' or name another entity"))
    return problems
