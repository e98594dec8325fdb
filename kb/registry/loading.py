"""Reading ``reports/registry/*.yml`` into a :class:`~kb.registry.model.Registry`, with every problem.

Each file holds ``entities:`` (and optionally ``defaults:`` for kind and country, and
``disclaimers:``); links between entities (renames, parents) are checked once all are read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import InputError, ProjectError
from kb.problems import Problem
from kb.registry.lineage import check_lineage
from kb.registry.model import (
    ENTITY_FIELDS,
    KINDS,
    SUCCESSION_FIELDS,
    SUCCESSION_KINDS,
    Disclaimer,
    Entity,
    Registry,
)
from kb.report.countries import country_problem
from kb.report.dates import FuzzyDate
from kb.report.fields import Reader
from kb.report.yamlstrict import load
from kb.util.files import read_text
from kb.util.graphs import find_cycles

if TYPE_CHECKING:
    from kb.project import Project


FILE_FIELDS = ("defaults", "entities", "disclaimers")


def _as_list(reader: Reader, where: tuple, example: str) -> list[str]:
    value = reader.get(where)
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return [item for _i, item in reader.strings(where, example=example)]


def load_registry(
    folder: Path, display: Callable[[Path], str] = str, inside: Iterable[Path] | None = None
) -> tuple[Registry, list[Problem]]:
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
        raise ProjectError(
            f"no registry folder at {display(folder)}",
            hint="create it, or run kb in the project's top folder",
        )
    roots = [Path(os.path.realpath(f)) for f in (inside if inside is not None else [folder])]
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    for file in files:
        shown = display(file)
        try:
            text = read_text(file, shown, inside=roots)
            located = load(text)
        except InputError as exc:  # YamlProblem too: each carries its position and code
            problems.append(
                Problem(
                    shown, exc.line or 1, getattr(exc, "column", 1), "error", exc.code, exc.message, exc.hint
                )
            )
            continue
        for yaml_problem in located.problems:
            problems.append(
                Problem(
                    shown,
                    yaml_problem.line or 1,
                    yaml_problem.column,
                    "error",
                    yaml_problem.code,
                    yaml_problem.message,
                    yaml_problem.hint,
                )
            )
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
                reader.report(
                    ("entities", i, "id"),
                    "duplicate-id",
                    f"entity id '{entity.id}' is already used at {first.path}:{first.line}",
                    "give each entity its own id",
                )
                continue
            entities[entity.id] = entity
        for i in reader.items(("disclaimers",), example="'- id: fco-country-update'"):
            where = ("disclaimers", i)
            reader.known_fields(where, ("id", "title", "text"), "a disclaimer")
            did, title, text_ = (
                reader.ident(where + ("id",)),
                reader.string(where + ("title",)),
                reader.string(where + ("text",)),
            )
            if did and did in disclaimers:
                first_at = disclaimer_lines[did]
                reader.report(
                    where + ("id",),
                    "duplicate-id",
                    f"disclaimer id '{did}' is already used at {first_at}",
                    "give each disclaimer its own id; reports would show only one of them",
                )
            elif did and text_:
                disclaimers[did] = Disclaimer(did, title or did, text_)
                disclaimer_lines[did] = f"{shown}:{located.line_of(where + ('id',))[0]}"
            else:
                reader.required(where, ("id", "text"), "a disclaimer", {})
    registry = Registry(entities=entities, disclaimers=disclaimers)
    problems.extend(_check_links(registry))
    return registry, problems


def _read_entity(reader: Reader, where: tuple, defaults: dict) -> Entity | None:
    reader.known_fields(where, ENTITY_FIELDS, "a registry entity")
    entity_id = reader.ident(where + ("id",))
    name = reader.string(where + ("name",))
    kind = reader.choice(where + ("kind",), KINDS) if reader.has(where + ("kind",)) else defaults.get("kind")
    if kind is not None and kind not in KINDS:
        reader.report(where, "bad-value", f"default kind '{kind}' is not one of {', '.join(KINDS)}")
        kind = None
    if not reader.has(where + ("id",)) or not name:
        reader.required(
            where,
            ("id", "name"),
            "a registry entity",
            {"id": "a short id such as 'msit'", "name": "the official English name"},
        )
    if kind is None and not reader.has(where + ("kind",)):
        reader.report(
            where,
            "missing-field",
            "missing required field 'kind' in a registry entity",
            f"one of: {', '.join(KINDS)}",
        )
    country = (
        reader.string(where + ("country",)) if reader.has(where + ("country",)) else defaults.get("country")
    )
    if country:
        bad = country_problem(country)
        if bad:
            reader.report(where + ("country",), "unknown-country", bad[0], bad[1])
            country = None
    valid_from = reader.fuzzy_date(where + ("valid_from",))
    valid_to = reader.fuzzy_date(where + ("valid_to",))
    if valid_from and valid_to and valid_to.end < valid_from.start:
        reader.report(
            where + ("valid_to",),
            "bad-dates",
            f"valid_to {valid_to} is before valid_from {valid_from}",
            "swap or fix the dates",
        )
    website = reader.url(where + ("website",))
    description = reader.string(where + ("description",))
    parent = reader.ident(where + ("parent",))
    lists = {}
    for name_ in ("acronyms", "aliases", "keywords"):
        lists[name_] = tuple(i for _n, i in reader.strings(where + (name_,), example="[MSIT]"))
    links = {
        name_: tuple(_as_list(reader, where + (name_,), "[msit]"))
        for name_ in ("superseded_by", "renamed_from")
        if not isinstance(reader.get(where + (name_,)), dict)
    }
    succession, succession_date = None, None
    if isinstance(reader.get(where + ("superseded_by",)), dict):
        links["superseded_by"], succession, succession_date = _read_succession(
            reader, where + ("superseded_by",)
        )
    if not entity_id or not name or kind is None:
        return None
    line = reader.located.line_of(where)[0]
    return Entity(
        id=entity_id,
        name=name,
        kind=kind,
        country=country,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        website=website,
        description=description,
        path=reader.path,
        line=line,
        succession=succession,
        succession_date=succession_date,
        **lists,
        **links,
    )


def _read_succession(reader: Reader, where: tuple) -> tuple[tuple[str, ...], str | None, FuzzyDate | None]:
    """``superseded_by: {kind: split, by: [dbt, dsit, desnz], date: 2023-02-07}``."""
    reader.known_fields(where, SUCCESSION_FIELDS, "superseded_by")
    reader.required(
        where,
        ("kind", "by"),
        "superseded_by",
        {
            "kind": f"one of: {', '.join(SUCCESSION_KINDS)}",
            "by": "the id(s) of the successor(s), e.g. by: [msit]",
        },
    )
    kind = reader.choice(where + ("kind",), SUCCESSION_KINDS) if reader.has(where + ("kind",)) else None
    by = tuple(_as_list(reader, where + ("by",), "[msit]")) if reader.has(where + ("by",)) else ()
    return by, kind, reader.fuzzy_date(where + ("date",))


def _check_links(registry: Registry) -> list[Problem]:
    problems = []
    ids = registry.entities
    for entity in ids.values():
        for field_name in ("superseded_by", "renamed_from"):
            for other in getattr(entity, field_name):
                if other not in ids:
                    hint = ", ".join(registry.suggest(other)) or None
                    problems.append(
                        Problem(
                            entity.path,
                            entity.line,
                            1,
                            "error",
                            "unknown-entity",
                            f"{entity.id}: {field_name} names unknown entity '{other}'",
                            f"did you mean {hint}?" if hint else "add it to the registry",
                        )
                    )
                elif other == entity.id:
                    problems.append(
                        Problem(
                            entity.path,
                            entity.line,
                            1,
                            "error",
                            "rename-cycle",
                            f"{entity.id}: {field_name} names itself",
                            None,
                        )
                    )
        if entity.parent and entity.parent not in ids:
            problems.append(
                Problem(
                    entity.path,
                    entity.line,
                    1,
                    "error",
                    "unknown-entity",
                    f"{entity.id}: parent '{entity.parent}' is not in the registry",
                    "add it or remove 'parent'",
                )
            )
    # A rename chain must run one way in time, and a sector cannot be inside itself: a cycle
    # means a typo in the links. Walked without recursion: chains can be thousands long.
    for cycle in find_cycles(sorted(ids), registry.successors):
        entity = ids[cycle[-2]]
        problems.append(
            Problem(
                entity.path,
                entity.line,
                1,
                "error",
                "rename-cycle",
                f"rename cycle: {' -> '.join(cycle)}",
                "a successor cannot also be a predecessor",
            )
        )

    problems.extend(check_lineage(registry))

    def parents(entity_id: str) -> list[str]:
        parent = ids[entity_id].parent
        return [parent] if parent is not None and parent in ids and parent != entity_id else []

    for cycle in find_cycles(sorted(ids), parents):
        entity = ids[cycle[0]]
        problems.append(
            Problem(
                entity.path,
                entity.line,
                1,
                "error",
                "parent-cycle",
                f"parent cycle: {' -> '.join(cycle)}",
                "an entity cannot be part of itself: remove 'parent' from one of them",
            )
        )
    for entity in ids.values():
        if entity.parent == entity.id:
            problems.append(
                Problem(
                    entity.path,
                    entity.line,
                    1,
                    "error",
                    "parent-cycle",
                    f"{entity.id}: parent names itself",
                    "remove 'parent' or name another entity",
                )
            )
    return problems


def project_registry(project: Project) -> tuple[Registry, list[Problem]]:
    """:func:`load_registry` of a project's ``reports/registry/``, reading only files inside it."""
    return load_registry(project.registry_dir, display=project.show, inside=project.readable_roots)
