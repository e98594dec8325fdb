"""``kb new``: a new report from a template, never overwriting an existing file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import UsageError
from kb.project import Project
from kb.report import yamlstrict
from kb.report.countries import country_problem
from kb.report.model import REPORT_TYPES, VISIBILITIES
from kb.util import characters
from kb.util.atomic import write_text
from kb.util.formats import formula_like
from kb.util.text import slugify

BODY_TEMPLATE = """\
## Detail

<!-- Who travelled, where and when; who you met; what was discussed. Name each
     ministry or agency in full the first time, with its acronym in brackets,
     and tag every one of them in the front matter above. -->

## Comment

<!-- Your assessment: why it matters, what the UK could do next. -->

<!-- internal -->
<!-- Anything between these two markers is for staff only: the public site drops it. -->
<!-- /internal -->
"""

OPTIONAL_GUIDE = """\
# Optional fields (uncomment and fill in; see docs/writing-a-report.md):
# summary: One or two sentences for listings and search results.
# authors:
#   - {name: Jane Doe, role: Second Secretary, organisation: fcdo}
# ministries: [msit]          # registry ids: kb entities ministry
# organisations: [dbt]
# sectors: [technology-and-smart-cities]
# projects: []
# events: []
# opportunities:
#   - id: kr-example-opportunity
#     title: Joint work on ...
#     sectors: [health-data]
#     partners: [msit]
#     status: identified        # identified, discussed, agreed, active, closed
#     next_step: Propose a workshop
# targets:
#   - what: government data sets opened
#     value: 60
#     unit: "%"
#     deadline: 2016
#     owner: mospa
# disclaimer: fco-country-update
"""


@dataclass
class NewReport:
    title: str
    date: datetime.date
    countries: list[str]
    visibility: str = "internal"
    type: str = "visit-report"
    visit_start: datetime.date | None = None
    visit_end: datetime.date | None = None
    places: list[str] = field(default_factory=list)


def render(spec: NewReport) -> str:
    data: dict = {
        "title": spec.title,
        "date": spec.date.isoformat(),
        "countries": list(spec.countries),
        "type": spec.type,
        "visibility": spec.visibility,
    }
    if spec.visit_start or spec.visit_end or spec.places:
        visit: dict = {}
        if spec.visit_start:
            visit["start"] = spec.visit_start.isoformat()
        if spec.visit_end:
            visit["end"] = spec.visit_end.isoformat()
        if spec.places:
            visit["places"] = list(spec.places)
        data["visit"] = visit
    front = yamlstrict.dump(data)
    return f"---\n{front}{OPTIONAL_GUIDE}---\n\n{BODY_TEMPLATE}"


def validate(spec: NewReport) -> None:
    # The rule of kb check (kb.util.characters), so that kb new never writes a file check refuses.
    for option, value in (("--title", spec.title), *(("--place", place) for place in spec.places)):
        refused = characters.find(value)
        if refused:
            raise UsageError(
                f"{option} contains {characters.describe(refused.group(0))}", hint=characters.HINT
            )
    if not spec.title.strip():
        raise UsageError("the title is empty", hint="give --title 'Country: topic'")
    if formula_like(spec.title):
        # A headline never starts so; a copied spreadsheet cell does.
        raise UsageError(
            f"the title starts with '{spec.title.strip()[:1]}', like a spreadsheet formula: "
            "probably pasted by accident",
            hint="retype the title, starting with a word",
        )
    if not spec.countries:
        raise UsageError("no partner country given", hint="give --country KR (repeatable)")
    for code in spec.countries:
        bad = country_problem(code)
        if bad:
            raise UsageError(bad[0], hint=bad[1])
    if spec.visibility not in VISIBILITIES:
        raise UsageError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if spec.type not in REPORT_TYPES:
        raise UsageError(f"type must be one of {', '.join(REPORT_TYPES)}")
    if spec.visit_start and spec.visit_end and spec.visit_end < spec.visit_start:
        raise UsageError(f"the visit ends ({spec.visit_end}) before it starts ({spec.visit_start})")


def target_path(project: Project, spec: NewReport) -> Path:
    folder = project.reports_dir / spec.countries[0].lower()
    return folder / f"{spec.date.isoformat()}-{slugify(spec.title)}.md"


def visibility_note(spec: NewReport) -> str:
    """What ``kb new`` tells the author about the visibility it wrote, and how to change it."""
    if spec.visibility == "public":
        return (
            "visibility: public (published on the site by the next kb build); "
            "to keep it for staff only, change the front-matter line to 'visibility: internal'"
        )
    return (
        "visibility: internal (staff only: not on the public site); "
        "to publish it, change the front-matter line to 'visibility: public'"
    )


def create(project: Project, spec: NewReport) -> Path:
    """Write the new report and return its path; raises if the file exists."""
    project.require_reports()
    validate(spec)
    path = target_path(project, spec)
    write_text(path, render(spec), overwrite=False, shown=project.show(path))
    return path
