"""Filters shared by ``kb search``, ``kb opportunities`` and ``kb targets``.

Values are OR'ed within one filter and AND'ed across filters, as GOV.UK's
finders do. An entity filter takes an id, acronym, name or alias, and follows
renames: ``--ministry msit`` also matches reports tagged with its former name
``msip``. Splits and mergers are followed only with ``with_predecessors``
(``--with-predecessors``): ``--organisation dsit`` then also matches BEIS (split into
DSIT), and BIS and DECC (merged into BEIS). An unknown value is a usage error naming the
closest registry ids.

The :class:`EntityTable` is the registry reduced to what filters need; a
search reads it from the index (no YAML parsing on the fast path), the other
commands build it from the loaded registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kb.errors import UsageError

if TYPE_CHECKING:
    from kb.registry.model import Registry

#: Entity filters: tag list -> (option, what a value is, the kind given to `kb entities`).
ENTITY_FILTERS = {
    "sectors": ("--sector", "sector", "sector"),
    "ministries": ("--ministry", "ministry or agency", "ministry"),
    "organisations": ("--organisation", "organisation or department", "organisation"),
    "projects": ("--project", "project or programme", "programme"),
}
DATE_HINT = "use YYYY, YYYY-MM or YYYY-MM-DD, e.g. --since 2014 or --until 2016-06-30"


@dataclass
class EntityTable:
    """Registry entities as plain data: id -> name, kind, tag list, label, names, lineage."""

    entities: dict[str, dict]
    countries: dict[str, str] = field(default_factory=dict)  # code -> name, for codes in reports
    report_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[str]] = {}
        for entity_id, info in self.entities.items():
            for name in (entity_id, *info.get("names", ())):
                ids = self._by_name.setdefault(name.casefold(), [])
                if entity_id not in ids:
                    ids.append(entity_id)

    @classmethod
    def from_snapshot(cls, data: dict) -> EntityTable:
        return cls(data.get("entities", {}), data.get("countries", {}), tuple(data.get("report_types", ())))

    @classmethod
    def from_registry(cls, registry: Registry, countries: Iterable[str] = ()) -> EntityTable:
        from kb.report.countries import country_name
        from kb.report.model import REPORT_TYPES

        entities = {
            e.id: {
                "name": e.name,
                "kind": e.kind,
                "list": e.tag_list,
                "label": e.label,
                "names": list(e.names()),
                "lineage": registry.lineage(e.id) or [e.id],
                "former": registry.former_bodies(e.id),
            }
            for e in registry.entities.values()
        }
        return cls(entities, {c: country_name(c) or c for c in sorted(set(countries))}, REPORT_TYPES)

    def get(self, entity_id: str) -> dict | None:
        return self.entities.get(entity_id)

    def label(self, entity_id: str) -> str:
        info = self.entities.get(entity_id)
        return info["label"] if info else entity_id

    def resolve(self, text: str) -> list[str]:
        return list(self._by_name.get(text.strip().casefold(), []))

    def names(self) -> dict[str, list[str]]:
        """Every name :meth:`resolve` knows (case-folded) -> the ids it resolves to."""
        return {key: list(ids) for key, ids in self._by_name.items()}

    def lineage(self, entity_id: str) -> list[str]:
        info = self.entities.get(entity_id)
        return list(info["lineage"]) if info else [entity_id]

    def former(self, entity_id: str) -> list[str]:
        """The bodies it was split or merged from (:meth:`Registry.former_bodies`)."""
        info = self.entities.get(entity_id)
        return list(info.get("former", ())) if info else []

    def family(self, entity_id: str, with_predecessors: bool) -> list[str]:
        """The ids a search for ``entity_id`` matches: its names over time, and its former
        bodies when asked for."""
        return self.lineage(entity_id) + (self.former(entity_id) if with_predecessors else [])

    def suggest(self, text: str, tag_list: str | None = None, limit: int = 3) -> list[str]:
        from kb.util.suggest import closest

        pool: dict[str, str] = {}
        for entity_id, info in self.entities.items():
            if tag_list and info["list"] != tag_list:
                continue
            for name in (entity_id, *info.get("names", ())):
                pool.setdefault(name, entity_id)
        found: list[str] = []
        for name in closest(text, pool, limit=limit * 3):
            if pool[name] not in found:
                found.append(pool[name])
        return found[:limit]


@dataclass(frozen=True)
class Filters:
    """Filters as the user gave them (ids, names or acronyms; dates as text)."""

    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    with_predecessors: bool = False


@dataclass(frozen=True)
class Resolved:
    """Checked filters: entity ids with their renames, country codes, report types, a date range."""

    chosen: dict[str, tuple[str, ...]]  # tag list -> ids the user named (resolved)
    entities: dict[str, tuple[str, ...]]  # tag list -> those ids and every name they had
    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    with_predecessors: bool = False

    def as_dict(self) -> dict:
        return {
            **{name: list(self.chosen.get(name, ())) for name in ENTITY_FILTERS},
            "countries": list(self.countries),
            "types": list(self.types),
            "since": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat() if self.end else None,
            "with_predecessors": self.with_predecessors,
        }


def resolve_filters(filters: Filters, table: EntityTable) -> Resolved:
    """Check every filter value; raise :class:`UsageError` with the closest ids for unknown ones."""
    chosen: dict[str, tuple[str, ...]] = {}
    expanded: dict[str, tuple[str, ...]] = {}
    for name, (option, what, kind) in ENTITY_FILTERS.items():
        ids: list[str] = []
        for value in getattr(filters, name):
            for entity_id in _entity(value, name, option, what, kind, table):
                if entity_id not in ids:
                    ids.append(entity_id)
        if ids:
            chosen[name] = tuple(ids)
            lineage: list[str] = []
            for entity_id in ids:
                lineage.extend(
                    i for i in table.family(entity_id, filters.with_predecessors) if i not in lineage
                )
            expanded[name] = tuple(lineage)
    countries = tuple(dict.fromkeys(_country(value, table) for value in filters.countries))
    types = tuple(dict.fromkeys(_report_type(value, table) for value in filters.types))
    start = _day(filters.since, "--since", first=True)
    end = _day(filters.until, "--until", first=False)
    if start and end and start > end:
        raise UsageError(f"--since {filters.since} is after --until {filters.until}", hint="swap the dates")
    return Resolved(chosen, expanded, countries, types, start, end, filters.with_predecessors)


def _entity(value: str, name: str, option: str, what: str, kind: str, table: EntityTable) -> list[str]:
    found = table.resolve(value)
    right = [i for i in found if table.entities[i]["list"] == name]
    if right:
        return right
    if found:
        other = table.entities[found[0]]
        options = {n: o for n, (o, _w, _k) in ENTITY_FILTERS.items()}
        better = options.get(other["list"])
        hint = f"use {better} {found[0]}" if better else f"{option} takes a {what}"
        raise UsageError(
            f"{option} '{value}' is a {other['kind']} ({other['label']}), not a {what}", hint=hint
        )
    near = table.suggest(value, name)
    hint = f"did you mean {' or '.join(near)}?" if near else f"see the known ones with: kb entities {kind}"
    raise UsageError(f"unknown {what} '{value}' in {option}", hint=hint)


def _country(value: str, table: EntityTable) -> str:
    code = value.strip().upper()
    if code in table.countries:
        return code
    for known, country in table.countries.items():
        if country.casefold() == value.strip().casefold():
            return known
    from kb.report.countries import country_problem

    problem = country_problem(code)
    if problem is None:
        return code  # a real country no report is about yet: no results, not an error
    near = [c for c, n in table.countries.items() if value.strip().casefold() in n.casefold()]
    hint = f"did you mean {' or '.join(near)}?" if near else problem[1]
    raise UsageError(f"unknown country '{value}' in --country", hint=hint)


def _report_type(value: str, table: EntityTable) -> str:
    if value in table.report_types:
        return value
    from kb.util.suggest import did_you_mean

    hint = did_you_mean(value, table.report_types) or f"one of: {', '.join(table.report_types)}"
    raise UsageError(f"unknown report type '{value}' in --type", hint=hint)


def _day(text: str | None, option: str, *, first: bool) -> date | None:
    if text is None or not str(text).strip():
        return None
    from kb.report.dates import DateProblem, parse_fuzzy

    try:
        found = parse_fuzzy(str(text))
    except DateProblem as exc:
        raise UsageError(f"{option}: {exc}", hint=DATE_HINT) from None
    return found.start if first else found.end
