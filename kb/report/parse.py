"""Reading a report file strictly: front matter and body into a :class:`~kb.report.model.Report`.

:func:`parse_report` returns the report plus every format and type problem it has, each with
the line of the offending key or value; nothing is raised for a bad report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from kb.errors import InputError
from kb.problems import Problem
from kb.report.countries import country_problem
from kb.report.fields import Reader
from kb.report.markers import marker_problems
from kb.report.model import (
    CLASSIFICATIONS,
    MEASURE_FIELDS,
    OPPORTUNITY_FIELDS,
    OPPORTUNITY_STATUSES,
    PERSON_FIELDS,
    REPORT_FIELDS,
    REPORT_TYPES,
    REQUIRED_FIELDS,
    SOURCE_FIELDS,
    TAG_LISTS,
    TARGET_FIELDS,
    TARGET_STATUSES,
    VISIBILITIES,
    VISIT_FIELDS,
    Measure,
    OpportunityEntry,
    Parsed,
    Person,
    Report,
    Source,
    TargetEntry,
    Visit,
)
from kb.report.yamlstrict import Located, YamlProblem, load
from kb.util import characters
from kb.util.files import decode, read_text

HINTS = {
    "title": "the report's headline, e.g. 'South Korea: innovation and openness'",
    "date": "the publication date, e.g. 2014-07-03",
    "countries": "partner countries as ISO codes, e.g. [KR]",
    "type": f"one of: {', '.join(REPORT_TYPES)}",
    "visibility": "'public' to publish, 'internal' for staff only (publishing fails closed)",
}


MAX_FRONT_MATTER_LINES = 2000


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """``(yaml_text, body, body_first_line)``; the YAML starts on file line 2."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        hint = (
            "a report starts with a line '---', the front matter, and another '---'"
            if first
            else "the first line must be '---' with nothing before it"
        )
        raise InputError("no front matter at the top of the file", path=shown, line=1, hint=hint)
    for number, line in enumerate(lines[1 : MAX_FRONT_MATTER_LINES + 1], start=2):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise InputError(
        "front matter has no closing '---' line",
        path=shown,
        line=1,
        hint="add a line '---' after the last front matter field",
    )


def parse_report(
    path: Path, shown: str | None = None, *, text: str | None = None, inside: Iterable[Path] = ()
) -> Parsed:
    """Read and validate one report file. Never raises for bad content.

    ``inside``: the folders the file's real path must lie in (:attr:`Project.readable_roots`).
    """
    shown = shown or str(path)
    problems: list[Problem] = []
    try:
        if text is None:
            text = read_text(path, shown, inside=inside)
        elif isinstance(text, bytes):  # pragma: no cover - convenience for tests
            text = decode(text, shown)
        yaml_text, body, body_line = split_front_matter(text, shown)
        located = load(yaml_text, line_offset=1)
    except YamlProblem as exc:
        problems.append(Problem(shown, exc.line or 1, exc.column, "error", exc.code, exc.message, exc.hint))
        return Parsed(path, shown, None, problems)
    except InputError as exc:
        problems.append(Problem(shown, exc.line or 1, 1, "error", exc.code, exc.message, exc.hint))
        return Parsed(path, shown, None, problems)
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
    body = _without_refused_characters(body, body_line, shown, problems)
    report = _read(located, path, shown, body, body_line, problems)
    if report is not None:
        report.content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Parsed(path, shown, report, problems)


def _without_refused_characters(body: str, body_line: int, shown: str, problems: list[Problem]) -> str:
    """The body without the characters :mod:`kb.util.characters` refuses, and a warning on each line
    that held one. Removed, not refused: in a body they are nearly always invisible accidents (a
    terminal's colour codes, a PDF's form feeds), and they carry no meaning in Markdown or HTML,
    so the report is published without them instead of being left out. The file is not changed."""
    if not characters.FORBIDDEN.search(body):
        return body
    for number, line in enumerate(body.split("\n"), start=body_line):
        found = characters.FORBIDDEN.search(line)
        if found:
            problems.append(
                Problem(
                    shown,
                    number,
                    found.start() + 1,
                    "warning",
                    "bad-text",
                    f"the body contains {characters.describe(found.group(0))}, removed "
                    "when the report is published",
                    characters.BODY_HINT,
                )
            )
    return characters.remove(body)


def _flag(reader: Reader, where: tuple) -> bool:
    value = reader.get(where)
    if value is None:
        return False
    if value in ("true", "false"):
        return value == "true"
    reader.wrong_type(where, "true or false", "'internal: true'")
    return False


def _people(reader: Reader, name: str) -> tuple[Person, ...]:
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


def _measure(reader: Reader, where: tuple) -> Measure | None:
    if not reader.has(where) or reader.get(where) is None:
        return None
    if reader.mapping(where) is None:
        return None
    reader.known_fields(where, MEASURE_FIELDS, reader.label(where))
    return Measure(reader.number(where + ("value",)), reader.fuzzy_date(where + ("as_of",)))


def _read(
    located: Located, path: Path, shown: str, body: str, body_line: int, problems: list[Problem]
) -> Report | None:
    reader = Reader(located, shown, problems)
    if located.value is None:
        problems.append(
            Problem(
                shown,
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
    reader.required((), REQUIRED_FIELDS, "a report", HINTS)

    title = reader.string(("title",), example="'title: Korea: open data'")
    day = reader.date(("date",))
    countries = []
    for i, code in reader.strings(("countries",), example="[KR, JP]"):
        bad = country_problem(code)
        if bad:
            reader.report(("countries", i), "unknown-country", bad[0], bad[1])
        elif code not in countries:
            countries.append(code)
    report_type = reader.choice(("type",), REPORT_TYPES)
    visibility = reader.choice(("visibility",), VISIBILITIES)
    classification = reader.choice(("classification",), CLASSIFICATIONS)
    if classification == "OFFICIAL-SENSITIVE" and visibility == "public":
        reader.report(
            ("classification",),
            "sensitive-public",
            "an OFFICIAL-SENSITIVE report cannot be public",
            "set 'visibility: internal' or lower the classification",
        )
    report_id = reader.ident(("id",)) if reader.has(("id",)) else None
    if report_id is None and not reader.has(("id",)):
        report_id = path.stem
        from kb.report.fields import id_problem

        bad = id_problem(report_id)
        if bad:
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    "error",
                    "bad-id",
                    f"file name gives the report id '{report_id}', which is not valid",
                    "rename the file like 2014-07-03-korea-open-data.md, or set 'id:'",
                )
            )
            report_id = None

    visit = None
    if reader.has(("visit",)) and reader.mapping(("visit",)) is not None:
        reader.known_fields(("visit",), VISIT_FIELDS, "visit")
        start, end = reader.date(("visit", "start")), reader.date(("visit", "end"))
        places = tuple(p for _i, p in reader.strings(("visit", "places"), example="[Seoul, Busan]"))
        if start and end and end < start:
            reader.report(
                ("visit", "end"),
                "visit-order",
                f"visit ends ({end}) before it starts ({start})",
                "swap the dates or fix the year",
            )
        if start and day and start > day:
            reader.report(
                ("visit", "start"),
                "visit-after-date",
                f"visit starts ({start}) after the report's date ({day})",
                "a report is published after the visit it describes",
                level="warning",
            )
        visit = Visit(start, end, places)

    tags = {}
    for name in TAG_LISTS:
        ids = []
        for i, value in reader.strings((name,), example="[msit, nia]"):
            if value in ids:
                reader.report(
                    (name, i),
                    "duplicate-tag",
                    f"'{value}' is tagged twice in {name}",
                    "remove the repeat",
                    level="warning",
                )
            else:
                ids.append(value)
        tags[name] = tuple(ids)

    opportunities, seen_opp = [], {}
    for i in reader.items(("opportunities",), example="'- id: x' with 'title:' and 'status:' below"):
        where = ("opportunities", i)
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
        opp_id = reader.ident(where + ("id",))
        opp_title = reader.string(where + ("title",))
        status = reader.choice(where + ("status",), OPPORTUNITY_STATUSES)
        sectors = tuple(s for _i, s in reader.strings(where + ("sectors",), example="[healthcare]"))
        partners = tuple(s for _i, s in reader.strings(where + ("partners",), example="[msit]"))
        if opp_id and opp_id in seen_opp:
            reader.report(
                where + ("id",),
                "duplicate-id",
                f"opportunity id '{opp_id}' is used twice in this report",
                f"first on line {seen_opp[opp_id]}",
            )
            continue
        if opp_id:
            seen_opp[opp_id] = reader.located.line_of(where + ("id",))[0]
        if opp_id and opp_title and status:
            opportunities.append(
                OpportunityEntry(
                    opp_id,
                    opp_title,
                    status,
                    sectors,
                    partners,
                    reader.string(where + ("next_step",)),
                    reader.string(where + ("description",)),
                    _flag(reader, where + ("internal",)),
                    i,
                )
            )

    targets, seen_target = [], {}
    for i in reader.items(("targets",), example="'- what: open government data sets' with 'value: 60'"):
        where = ("targets", i)
        reader.known_fields(where, TARGET_FIELDS, "a target")
        reader.required(where, ("what",), "a target", {"what": "what is to be achieved, in a few words"})
        what = reader.string(where + ("what",))
        target_id = reader.ident(where + ("id",)) if reader.has(where + ("id",)) else None
        value = reader.number(where + ("value",))
        deadline = reader.fuzzy_date(where + ("deadline",))
        owner = reader.string(where + ("owner",))
        status = reader.choice(where + ("status",), TARGET_STATUSES)
        baseline, progress = _measure(reader, where + ("baseline",)), _measure(reader, where + ("progress",))
        if target_id and target_id in seen_target:
            # Every output keys targets by id: a second one would silently replace the first.
            reader.report(
                where + ("id",),
                "duplicate-id",
                f"target id '{target_id}' is used twice in this report",
                f"first on line {seen_target[target_id]}",
            )
            continue
        if target_id:
            seen_target[target_id] = reader.located.line_of(where + ("id",))[0]
        if what:
            targets.append(
                TargetEntry(
                    target_id or f"{report_id or 'report'}-t{i + 1}",
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

    source = None
    if reader.has(("source",)) and reader.mapping(("source",)) is not None:
        reader.known_fields(("source",), SOURCE_FIELDS, "source")
        source = Source(
            reader.url(("source", "url")),
            reader.string(("source", "publisher")),
            reader.string(("source", "licence")),
        )

    problems.extend(marker_problems(body, body_line, shown))

    if not (title and day and countries and report_type and visibility and report_id):
        return None
    return Report(
        id=report_id,
        path=path,
        shown=shown,
        title=title,
        date=day,
        countries=tuple(countries),
        type=report_type,
        visibility=visibility,
        body=body,
        body_line=body_line,
        summary=reader.string(("summary",)),
        visit=visit,
        authors=_people(reader, "authors"),
        visitors=_people(reader, "visitors"),
        classification=classification,
        tags=tags,
        opportunities=tuple(opportunities),
        targets=tuple(targets),
        source=source,
        supersedes=reader.ident(("supersedes",)),
        disclaimer=reader.string(("disclaimer",)),
        internal_notes=reader.string(("internal_notes",)),
        review=tuple(note for _i, note in reader.strings(("review",), example="['check the date']")),
        located=located,
    )
