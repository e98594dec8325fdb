"""``kb import``: existing country updates (text, HTML, Markdown) turned into tagged reports.

:func:`import_sources` reads every source, proposes front matter against the
registry, checks the result and writes new report files (never replacing one).
Nothing is written if any source fails. See docs/importing.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from ..errors import ExistsError, InputError, KbError
from ..project import Project
from ..registry import Entity, Registry, project_registry
from .analyse import Analyser, Draft
from .entities import NewEntity
from .sources import read_source
from .writer import registry_addition, render, target_path, validate, write_registry, write_report


@dataclass
class Imported:
    source: str
    path: Path
    shown: str
    text: str
    draft: Draft


@dataclass
class ImportResult:
    reports: list[Imported] = field(default_factory=list)
    proposals: list[NewEntity] = field(default_factory=list)
    registry_path: Path | None = None
    written: bool = False


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
        entities.setdefault(proposal.id, Entity(proposal.id, proposal.name, proposal.kind,
                                                (proposal.acronym,) if proposal.acronym else (),
                                                country=proposal.country))
    return Registry(entities=entities, disclaimers=dict(registry.disclaimers))


def draft_source(analyser: Analyser, path: Path, shown: str, *, default_date: date | None = None,
                 countries: list[str] | None = None, accept_new: bool = False) -> Draft:
    return analyser.analyse(read_source(path, shown), default_date=default_date, countries=countries,
                            accept_new=accept_new)


def import_sources(project: Project, paths: Iterable[Path], *, dry_run: bool = False,
                   accept_new_entities: bool = False, default_date: date | None = None,
                   countries: list[str] | None = None, registry: Registry | None = None) -> ImportResult:
    """Import every source; write the reports (and accepted entities) unless ``dry_run``."""
    project.require_reports()
    if registry is None:
        registry, _problems = project_registry(project)
    analyser = Analyser(registry)
    drafts: list[Draft] = []
    failures: list[KbError] = []
    for path in collect_sources(Path(p) for p in paths):
        try:
            drafts.append(draft_source(analyser, path, project.show(path), default_date=default_date,
                                       countries=countries, accept_new=accept_new_entities))
        except KbError as exc:
            failures.append(exc)
    if failures:
        first = failures[0]
        more = f"; {len(failures) - 1} more source(s) failed too" if len(failures) > 1 else ""
        first.hint = f"{first.hint or 'fix or remove this source'}{more}; nothing was written"
        raise first

    proposals: list[NewEntity] = []
    for draft in drafts:
        for proposal in draft.entities.new:
            if proposal.id not in {p.id for p in proposals}:
                proposals.append(proposal)
    checking = with_proposals(registry, proposals) if accept_new_entities else registry

    result = ImportResult(proposals=proposals)
    planned: dict[Path, str] = {}
    for draft in drafts:
        path = target_path(project, draft)
        shown = project.show(path)
        if path in planned:
            raise ExistsError(f"two sources would both become this report ({planned[path]} and {draft.shown})",
                              path=shown, hint="import them one at a time and rename the first")
        if path.exists() and not dry_run:
            raise ExistsError("a report with this date and title already exists; not overwriting it",
                              path=shown, hint=f"nothing was written; move it away to import {draft.shown} again")
        planned[path] = draft.shown
        text = render(draft, checking)
        validate(text, path, shown, checking)
        result.reports.append(Imported(draft.shown, path, shown, text, draft))
    if accept_new_entities and proposals:
        result.registry_path, _text = registry_addition(project, proposals)
    if dry_run:
        return result
    if accept_new_entities and proposals:
        write_registry(project, proposals)
    for item in result.reports:
        write_report(item.path, item.text, item.shown)
    result.written = True
    return result
