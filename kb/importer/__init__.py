"""``kb import``: existing country updates (text, HTML, Markdown) turned into tagged reports.

:func:`import_sources` reads every source, proposes front matter against the
registry, checks the result and writes new report files (never replacing one).
Any readable text gives a draft; a source that cannot be read is refused with
its reason while the others go on. See docs/importing.md.

May import :mod:`kb.checks`, :mod:`kb.registry`, :mod:`kb.report`, :mod:`kb.util`; nothing
imports it but the CLI.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import ExistsError, InputError, KbError, UsageError
from kb.importer.analyse import Analyser, Draft
from kb.importer.entities import NewEntity
from kb.importer.sources import read_source
from kb.importer.writer import (
    accept_proposals,
    registry_additions,
    render,
    target_path,
    validate,
    write_registry,
    write_report,
)
from kb.project import Project
from kb.registry.loading import project_registry
from kb.registry.model import Entity, Registry

if TYPE_CHECKING:
    from kb.util.tables import Terminal


@dataclass
class Imported:
    source: str
    path: Path
    shown: str
    text: str
    draft: Draft


@dataclass(frozen=True)
class Refused:
    """A source that gave no report, and why (unreadable, or its report file exists)."""

    source: str
    reason: str
    error: KbError


@dataclass
class ImportResult:
    reports: list[Imported] = field(default_factory=list)
    proposals: list[NewEntity] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    #: the new registry files, one per accepted entity (see :func:`registry_additions`)
    registry_files: list[Path] = field(default_factory=list)
    written: bool = False
    accept_new_entities: bool = False

    def notes(self, project: Project, terminal: Terminal | None = None) -> list[str]:
        """What ``kb import`` says on stderr after the reports: each refusal, the new entities
        proposed or added, and a summary table when there was more than one source or a refusal."""
        from kb.util.tables import render_table

        lines = [refused.error.render() for refused in self.refused]
        if self.proposals:
            if self.accept_new_entities:
                action = "added to" if self.written else "would be added to"
                where = (
                    f"{project.show(project.registry_dir)}/imported-ID.yml (one file each)"
                    if self.registry_files
                    else "the registry"
                )
                lines.append(f"new entities {action} {where}:")
            else:
                lines.append("new entities proposed (not added; use --accept-new-entities):")
            lines += [f"  {p.id}: {p.label}, {p.kind}, {p.country or 'no country'}" for p in self.proposals]
        if len(self.reports) + len(self.refused) > 1 or self.refused:
            rows = [
                {"outcome": outcome, "reason": reason, "sources": count}
                for outcome, reason, count in self.summary()
            ]
            lines.append(render_table(rows, ["outcome", "reason", "sources"], terminal))
        return lines

    def summary(self) -> list[tuple[str, str, int]]:
        """Rows ``(outcome, reason, count)``: imported, needs review (by reason), refused (by reason)."""
        rows: list[tuple[str, str, int]] = [("imported", "", len(self.reports))]
        reasons = Counter(
            reason
            for item in self.reports
            for reason in dict.fromkeys(review_reason(n) for n in item.draft.review)
        )
        rows += [
            ("needs review", reason, n) for reason, n in sorted(reasons.items(), key=lambda r: (-r[1], r[0]))
        ]
        refused = Counter(item.reason for item in self.refused)
        rows += [("refused", reason, n) for reason, n in sorted(refused.items(), key=lambda r: (-r[1], r[0]))]
        return rows


#: Review notes grouped for the summary: the first pattern a note matches names its reason.
_REVIEW_REASONS = (
    ("title", re.compile(r"title")),
    ("date", re.compile(r"\bdate\b|\bdates\b|year")),
    ("partner country", re.compile(r"partner countr")),
    ("new entity", re.compile(r"new entity|proposed")),
    ("target", re.compile(r"^target")),
    ("people", re.compile(r"^people named")),
    ("disclaimer", re.compile(r"disclaimer")),
    ("list count", re.compile(r"but lists")),
)


def review_reason(note: str) -> str:
    """A short name for the kind of a review note ('title', 'date', 'target', ...)."""
    return next((name for name, pattern in _REVIEW_REASONS if pattern.search(note)), "other")


def collect_sources(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file given, and every visible file of each folder given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not inside:
                raise InputError("folder holds no files to import", path=str(path))
            files.extend(inside)
        elif path.exists():
            files.append(path)
        else:
            raise InputError("no such file or folder", path=str(path))
    return list(dict.fromkeys(files))


def with_proposals(registry: Registry, proposals: list[NewEntity]) -> Registry:
    """A copy of the registry with the proposed entities added (for checking and tagging)."""
    entities = dict(registry.entities)
    for proposal in proposals:
        entities.setdefault(
            proposal.id,
            Entity(
                proposal.id,
                proposal.name,
                proposal.kind,
                (proposal.acronym,) if proposal.acronym else (),
                country=proposal.country,
            ),
        )
    return Registry(entities=entities, disclaimers=dict(registry.disclaimers))


@dataclass(frozen=True)
class Overrides:
    """What the user says over the text: ``--title``, ``--date``, ``--country``, ``--publisher``."""

    title: str | None = None
    day: date | None = None
    countries: tuple[str, ...] = ()
    publisher: str | None = None


def draft_source(
    analyser: Analyser,
    path: Path,
    shown: str,
    overrides: Overrides = Overrides(),
    *,
    accept_new: bool = False,
) -> Draft:
    return analyser.analyse(
        read_source(path, shown),
        default_date=overrides.day,
        countries=list(overrides.countries) or None,
        accept_new=accept_new,
        title=overrides.title,
        publisher=overrides.publisher,
    )


Progress = Callable[[int, int, str], None]


def import_sources(
    project: Project,
    paths: Iterable[Path],
    *,
    dry_run: bool = False,
    accept_new_entities: bool = False,
    overrides: Overrides = Overrides(),
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import every readable source; write the reports (and accepted entities) unless ``dry_run``.

    A source that cannot be read, or whose report file already exists, is refused with its
    reason and the others go on. ``progress(done, total, source)`` is called after each source.
    """
    project.require_reports()
    if registry is None:
        registry, _problems = project_registry(project)
    sources = collect_sources(Path(p) for p in paths)
    if overrides.title and len(sources) > 1:
        raise UsageError(
            "--title names one report, but several sources were given",
            hint="import the sources one at a time to give each its title",
        )
    result = ImportResult(accept_new_entities=accept_new_entities)
    drafts = _drafts(project, sources, Analyser(registry), overrides, result, accept_new_entities, progress)
    result.proposals = _proposals(drafts)
    accepted, held = accept_proposals(registry, result.proposals) if accept_new_entities else ([], [])
    for draft in drafts:
        for proposal, why in held:
            if proposal in draft.entities.new:
                draft.review.append(
                    f"new entity proposed: {proposal.label}, id {proposal.id}, not added to "
                    f"the registry: {why}"
                )
    checking = with_proposals(registry, accepted)
    planned: dict[Path, str] = {}
    stems = {p.stem for p in project.reports_dir.rglob("*.md") if project.registry_dir not in p.parents}
    for draft in drafts:
        path = _report_path(project, draft, stems | {p.stem for p in planned})
        refusal = _refusal(project, draft, path, planned, dry_run)
        if refusal:
            result.refused.append(refusal)
            continue
        draft.accepted = accept_new_entities and any(p in accepted for p in draft.entities.new)
        text = render(draft, checking)
        shown = project.show(path)
        try:
            validate(text, path, shown, checking)
        except KbError as exc:
            exc.path = draft.shown
            result.refused.append(Refused(draft.shown, exc.message.split(":")[0], exc))
            continue
        planned[path] = draft.shown
        result.reports.append(Imported(draft.shown, path, shown, text, draft))
    if accepted:
        result.registry_files = [path for path, _text in registry_additions(project, accepted)]
    if dry_run:
        return result
    if accepted:
        write_registry(project, accepted)
    for item in result.reports:
        write_report(item.path, item.text, item.shown)
    result.written = True
    return result


def _drafts(
    project: Project,
    sources: list[Path],
    analyser: Analyser,
    overrides: Overrides,
    result: ImportResult,
    accept_new: bool,
    progress: Progress | None,
) -> list[Draft]:
    """A draft of every readable source; the others refused in ``result``, with their reason."""
    drafts: list[Draft] = []
    for done, path in enumerate(sources, start=1):
        shown = project.show(path)
        try:
            drafts.append(draft_source(analyser, path, shown, overrides, accept_new=accept_new))
        except KbError as exc:
            result.refused.append(Refused(shown, exc.message, exc))
        if progress:
            progress(done, len(sources), shown)
    return drafts


def _proposals(drafts: list[Draft]) -> list[NewEntity]:
    """The new entities the drafts propose, each once, in order."""
    proposals: list[NewEntity] = []
    for draft in drafts:
        for proposal in draft.entities.new:
            if proposal.id not in {p.id for p in proposals}:
                proposals.append(proposal)
    return proposals


def _report_path(project: Project, draft: Draft, taken: set[str]) -> Path:
    """Where the draft's report goes: by country, date and title; a report id is unique across
    countries, so a name another folder (or another source of this run) has gets a number."""
    path = target_path(project, draft)
    if path.exists() or path.stem not in taken:
        return path
    return next(
        path.with_name(f"{path.stem}-{n}.md")
        for n in range(2, 10_000)
        if path.with_name(f"{path.stem}-{n}.md").stem not in taken
    )


def _refusal(
    project: Project, draft: Draft, path: Path, planned: dict[Path, str], dry_run: bool
) -> Refused | None:
    """Why the draft's report cannot be written at ``path``: another source of this run makes
    the same report, or the file exists (never overwritten); None when it can."""
    if path in planned:
        error = ExistsError(
            f"{planned[path]} becomes the same report",
            path=draft.shown,
            hint="import it on its own, with --title",
        )
        return Refused(draft.shown, "another source makes the same report", error)
    if path.exists() and not dry_run:
        error = ExistsError(
            f"a report with this date and title already exists: {project.show(path)}; not overwriting it",
            path=draft.shown,
            hint="move the report away to import this source again",
        )
        return Refused(draft.shown, "its report already exists", error)
    return None
