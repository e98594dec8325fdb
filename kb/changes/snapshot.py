"""The public outputs of one knowledge-base tree, and every text the public and staff see.

The pages are the open-data tables (:func:`kb.export.tables`), which the site's report, entity,
opportunity and target pages are made from, built from the redacted public reports exactly as
``kb build`` does; so a difference here is a difference on the public site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.checks.knowledgebase import KnowledgeBase, load
from kb.export import row_id, tables
from kb.project import Project
from kb.report.model import Report

#: A page: (kind, id), kind one of report, entity, opportunity, target, and an opportunity's
#: event (one report's status and next step for it: ``opportunity@report``), the export's tables.
PageKey = tuple[str, str]
PAGE_KINDS = {
    "reports": "report",
    "entities": "entity",
    "opportunities": "opportunity",
    "targets": "target",
    "opportunity_events": "opportunity-event",
}

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACE = re.compile(r"\s+")


@dataclass
class Snapshot:
    #: every public page and its row of open data
    pages: dict[PageKey, dict] = field(default_factory=dict)
    #: each public report's texts as the public sees them (normalised, in order), by report id
    public_texts: dict[str, list[str]] = field(default_factory=dict)
    #: every text staff see (internal ones included)
    staff_texts: set[str] = field(default_factory=set)
    #: every report of the knowledge base (public or not): its id and its file
    report_files: dict[str, str] = field(default_factory=dict)

    def all_public_texts(self) -> set[str]:
        return {text for texts in self.public_texts.values() for text in texts}


def normalise(text: str) -> str:
    """A paragraph as compared: markers and other HTML comments gone, spaces collapsed, so that
    a paragraph taken out of an internal section is recognised."""
    return _SPACE.sub(" ", _COMMENT.sub("", text)).strip()


def paragraphs(body: str) -> Iterator[str]:
    for block in re.split(r"\n\s*\n", body):
        text = normalise(block)
        if text:
            yield text


def report_texts(report: Report) -> Iterator[str]:
    """Every text of a report a reader sees: title, summary, each body paragraph, people, and
    each opportunity's and target's words."""
    yield from (normalise(t) for t in (report.title, report.summary or "") if t.strip())
    yield from paragraphs(report.body)
    for person in (*report.authors, *report.visitors):
        yield normalise(", ".join(p for p in (person.name, person.role, person.organisation) if p))
    for opportunity in report.opportunities:
        yield from item_texts(opportunity.title, opportunity.description, opportunity.next_step)
    for target in report.targets:
        yield from item_texts(target.what)


def item_texts(*texts: str | None) -> Iterator[str]:
    return (normalise(t) for t in texts if t and t.strip())


def snapshot(root: Path, today: date) -> Snapshot:
    """The public outputs of the knowledge base in ``root`` (an empty one when it has no reports)."""
    project = Project.at(root)
    if not project.registry_dir.is_dir():
        return Snapshot()
    base = load(project, mentions=False)
    return _snapshot_of(base, today)


def _snapshot_of(base: KnowledgeBase, today: date) -> Snapshot:
    public = base.visible(include_internal=False)
    shot = Snapshot()
    for name, rows in tables(public, base.registry, today).items():
        for row in rows:
            shot.pages[(PAGE_KINDS[name], row_id(row))] = row
    for report in public:
        shot.public_texts[report.id] = list(dict.fromkeys(report_texts(report)))
    for report in base.reports:
        shot.staff_texts.update(report_texts(report))
        shot.report_files[report.id] = report.shown
    return shot
