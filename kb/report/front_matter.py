"""The front matter read field by field, as the field table :data:`kb.report.model.FIELDS` says.

Each kind of field has one reader (:data:`READERS`); :func:`read_fields` goes down the table and
returns every field's value (None, or empty, where it is missing or wrong), every problem found
on the way in ``problems``. A reader may use the fields read before it (a visit is checked
against the report's date, a target without an id is named after the report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.problems import Problem
from kb.report.countries import country_problem
from kb.report.fields import Reader, id_problem
from kb.report.model import (
    FIELDS,
    MEASURE_FIELDS,
    OPPORTUNITY_FIELDS,
    OPPORTUNITY_STATUSES,
    PERSON_FIELDS,
    REPORT_FIELDS,
    REQUIRED_FIELDS,
    SOURCE_FIELDS,
    TARGET_FIELDS,
    TARGET_STATUSES,
    VISIT_FIELDS,
    Field,
    Measure,
    OpportunityEntry,
    Person,
    Source,
    TargetEntry,
    Visit,
)


@dataclass
class FrontMatter:
    """What a reader works with: the typed reader, the file, and the fields read so far."""

    reader: Reader
    path: Path
    values: dict[str, Any]


def read_fields(reader: Reader, path: Path) -> dict[str, Any] | None:
    """Every field of :data:`FIELDS` by name, or None when the front matter is no mapping."""
    if reader.located.value is None:
        reader.problems.append(
            Problem(
                reader.path,
                2,
                1,
                "error",
                "missing-field",
                "front matter is empty",
                "add at least title, date, countries, type and visibility",
            )
        )
        return None
    if reader.mapping(()) is None:
        return None
    reader.known_fields((), REPORT_FIELDS, "a report")
    reader.required((), REQUIRED_FIELDS, "a report", {f.name: f.hint for f in FIELDS if f.hint})
    front = FrontMatter(reader, path, {})
    for spec in FIELDS:
        front.values[spec.name] = READERS[spec.kind](front, spec)
    return front.values


# -- plain values -------------------------------------------------------------------------------
def _string(front: FrontMatter, spec: Field) -> str | None:
    return front.reader.string((spec.name,), example=spec.example)


def _date(front: FrontMatter, spec: Field) -> Any:
    return front.reader.date((spec.name,))


def _id(front: FrontMatter, spec: Field) -> str | None:
    return front.reader.ident((spec.name,))


def _strings(front: FrontMatter, spec: Field) -> tuple[str, ...]:
    return tuple(value for _i, value in front.reader.strings((spec.name,), example=spec.example or ""))


def _choice(front: FrontMatter, spec: Field) -> str | None:
    return front.reader.choice((spec.name,), spec.choices)


def _classification(front: FrontMatter, spec: Field) -> str | None:
    value = _choice(front, spec)
    if value == "OFFICIAL-SENSITIVE" and front.values["visibility"] == "public":
        front.reader.report(
            (spec.name,),
            "sensitive-public",
            "an OFFICIAL-SENSITIVE report cannot be public",
            "set 'visibility: internal' or lower the classification",
        )
    return value


def _countries(front: FrontMatter, spec: Field) -> tuple[str, ...]:
    countries: list[str] = []
    for i, code in front.reader.strings((spec.name,), example=spec.example or ""):
        bad = country_problem(code)
        if bad:
            front.reader.report((spec.name, i), "unknown-country", bad[0], bad[1])
        elif code not in countries:
            countries.append(code)
    return tuple(countries)


def _report_id(front: FrontMatter, spec: Field) -> str | None:
    """The ``id`` given, else the file name's stem (an error if that is no valid id)."""
    reader = front.reader
    if reader.has((spec.name,)):
        return reader.ident((spec.name,))
    report_id = front.path.stem
    bad = id_problem(report_id)
    if bad:
        reader.problems.append(
            Problem(
                reader.path,
                1,
                1,
                "error",
                "bad-id",
                f"file name gives the report id '{report_id}', which is not valid",
                "rename the file like 2014-07-03-korea-open-data.md, or set 'id:'",
            )
        )
        return None
    return report_id


def _tags(front: FrontMatter, spec: Field) -> tuple[str, ...]:
    ids: list[str] = []
    for i, value in front.reader.strings((spec.name,), example=spec.example or ""):
        if value in ids:
            front.reader.report(
                (spec.name, i),
                "duplicate-tag",
                f"'{value}' is tagged twice in {spec.name}",
                "remove the repeat",
                level="warning",
            )
        else:
            ids.append(value)
    return tuple(ids)


def _flag(reader: Reader, where: tuple) -> bool:
    value = reader.get(where)
    if value is None:
        return False
    if value in ("true", "false"):
        return value == "true"
    reader.wrong_type(where, "true or false", "'internal: true'")
    return False


# -- structured values --------------------------------------------------------------------------
def _visit(front: FrontMatter, spec: Field) -> Visit | None:
    reader, where = front.reader, (spec.name,)
    if not reader.has(where) or reader.mapping(where) is None:
        return None
    reader.known_fields(where, VISIT_FIELDS, "visit")
    start, end = reader.date(where + ("start",)), reader.date(where + ("end",))
    places = tuple(p for _i, p in reader.strings(where + ("places",), example="[Seoul, Busan]"))
    if start and end and end < start:
        reader.report(
            where + ("end",),
            "visit-order",
            f"visit ends ({end}) before it starts ({start})",
            "swap the dates or fix the year",
        )
    day = front.values["date"]
    if start and day and start > day:
        reader.report(
            where + ("start",),
            "visit-after-date",
            f"visit starts ({start}) after the report's date ({day})",
            "a report is published after the visit it describes",
            level="warning",
        )
    return Visit(start, end, places)


def _people(front: FrontMatter, spec: Field) -> tuple[Person, ...]:
    reader, name = front.reader, spec.name
    people = []
    for i in reader.items((name,), example="'- name: Jane Doe' with 'role:' below"):
        where = (name, i)
        reader.known_fields(where, PERSON_FIELDS, f"an entry of {name}")
        person_name = reader.string(where + ("name",))
        if not person_name:
            reader.required(where, ("name",), f"an entry of {name}", {})
            continue
        people.append(
            Person(
                person_name,
                reader.string(where + ("role",)),
                reader.string(where + ("organisation",)),
                _flag(reader, where + ("internal",)),
            )
        )
    return tuple(people)


def _source(front: FrontMatter, spec: Field) -> Source | None:
    reader, where = front.reader, (spec.name,)
    if not reader.has(where) or reader.mapping(where) is None:
        return None
    reader.known_fields(where, SOURCE_FIELDS, "source")
    return Source(
        reader.url(where + ("url",)),
        reader.string(where + ("publisher",)),
        reader.string(where + ("licence",)),
    )


def _measure(reader: Reader, where: tuple) -> Measure | None:
    if not reader.has(where) or reader.get(where) is None:
        return None
    if reader.mapping(where) is None:
        return None
    reader.known_fields(where, MEASURE_FIELDS, reader.label(where))
    return Measure(reader.number(where + ("value",)), reader.fuzzy_date(where + ("as_of",)))


def _first_use(reader: Reader, where: tuple, item_id: str | None, seen: dict[str, int], what: str) -> bool:
    """False, with a problem, when ``item_id`` was used by an earlier item of the same list: every
    output keys opportunities and targets by id, so a second one would silently replace the first."""
    if item_id and item_id in seen:
        reader.report(
            where + ("id",),
            "duplicate-id",
            f"{what} id '{item_id}' is used twice in this report",
            f"first on line {seen[item_id]}",
        )
        return False
    if item_id:
        seen[item_id] = reader.located.line_of(where + ("id",))[0]
    return True


def _opportunities(front: FrontMatter, spec: Field) -> tuple[OpportunityEntry, ...]:
    reader = front.reader
    found: list[OpportunityEntry] = []
    seen: dict[str, int] = {}
    for i in reader.items((spec.name,), example="'- id: x' with 'title:' and 'status:' below"):
        where = (spec.name, i)
        reader.known_fields(where, OPPORTUNITY_FIELDS, "an opportunity")
        reader.required(
            where,
            ("id", "title", "status"),
            "an opportunity",
            {
                "id": "a short id such as 'kr-health-big-data'",
                "status": f"one of: {', '.join(OPPORTUNITY_STATUSES)}",
            },
        )
        opportunity_id = reader.ident(where + ("id",))
        title = reader.string(where + ("title",))
        status = reader.choice(where + ("status",), OPPORTUNITY_STATUSES)
        sectors = tuple(s for _i, s in reader.strings(where + ("sectors",), example="[healthcare]"))
        partners = tuple(s for _i, s in reader.strings(where + ("partners",), example="[msit]"))
        if not _first_use(reader, where, opportunity_id, seen, "opportunity"):
            continue
        if opportunity_id and title and status:
            found.append(
                OpportunityEntry(
                    opportunity_id,
                    title,
                    status,
                    sectors,
                    partners,
                    reader.string(where + ("next_step",)),
                    reader.string(where + ("description",)),
                    _flag(reader, where + ("internal",)),
                    i,
                )
            )
    return tuple(found)


def _targets(front: FrontMatter, spec: Field) -> tuple[TargetEntry, ...]:
    reader = front.reader
    found: list[TargetEntry] = []
    seen: dict[str, int] = {}
    for i in reader.items((spec.name,), example="'- what: open government data sets' with 'value: 60'"):
        where = (spec.name, i)
        reader.known_fields(where, TARGET_FIELDS, "a target")
        reader.required(where, ("what",), "a target", {"what": "what is to be achieved, in a few words"})
        what = reader.string(where + ("what",))
        target_id = reader.ident(where + ("id",)) if reader.has(where + ("id",)) else None
        value = reader.number(where + ("value",))
        deadline = reader.fuzzy_date(where + ("deadline",))
        owner = reader.string(where + ("owner",))
        status = reader.choice(where + ("status",), TARGET_STATUSES)
        baseline, progress = _measure(reader, where + ("baseline",)), _measure(reader, where + ("progress",))
        if not _first_use(reader, where, target_id, seen, "target"):
            continue
        if what:
            found.append(
                TargetEntry(
                    target_id or f"{front.values['id'] or 'report'}-t{i + 1}",
                    what,
                    value,
                    reader.string(where + ("unit",)),
                    deadline,
                    owner,
                    baseline,
                    progress,
                    status,
                    _flag(reader, where + ("internal",)),
                    i,
                )
            )
    return tuple(found)


#: How each kind of field of :data:`kb.report.model.FIELDS` is read.
READERS: dict[str, Callable[[FrontMatter, Field], Any]] = {
    "string": _string,
    "date": _date,
    "id": _id,
    "strings": _strings,
    "choice": _choice,
    "classification": _classification,
    "countries": _countries,
    "report-id": _report_id,
    "tags": _tags,
    "visit": _visit,
    "people": _people,
    "source": _source,
    "opportunities": _opportunities,
    "targets": _targets,
}
