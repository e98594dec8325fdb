"""Keeping the search index up to date: full builds, incremental updates, freshness checks.

``kb index`` and every search call :func:`update_index` (through
:func:`fresh_generation`): under the index lock it compares the reports with
the manifest of the live generation and either

* rebuilds (no index yet, ``--rebuild``, a new index format, or a registry
  change: every document lists the renames of its entities, and searches read
  entity names from the index's copy of the registry), or
* copies the live generation (hard links) and applies only the added, changed
  and removed reports, found by modification time, size and content hash.

Either way the result becomes live in one atomic step (:mod:`kb.search.store`).
Which reports are usable follows :func:`kb.checks.knowledgebase.load`: a report with an error
is left out. Changes that could change *other* reports' validity (duplicate
ids, a report that supersedes another or is superseded) take the full path, which applies
those cross-report rules exactly as ``kb check`` does.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kb.project import Project
from kb.search.documents import entity_snapshot, report_document
from kb.search.engine import SCHEMA_VERSION, change_index, create_index
from kb.search.store import (
    ENTITIES,
    RACY_NS,
    FileEntry,
    Manifest,
    Store,
    file_key,
    older_index,
    read_entities,
    registry_digest,
    scan,
    scan_digest,
    sha256_file,
)

if TYPE_CHECKING:
    from kb.report.model import Report

Progress = Callable[[str, int, int], None]


@dataclass
class IndexResult:
    """What one ``kb index`` run did."""

    rebuilt: bool
    reason: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)  # report files left out because of errors
    reports: int = 0  # reports in the index afterwards
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        if self.rebuilt:
            text = f"indexed {self.reports} reports ({self.reason})"
        elif self.changed:
            text = (
                f"updated the index: {self.added} added, {self.updated} changed, {self.removed} removed; "
                f"{self.reports} reports"
            )
        else:
            text = f"index is up to date ({self.reports} reports)"
        if self.skipped:
            text += f"; {len(self.skipped)} with errors left out (run kb check)"
        return text

    def as_dict(self) -> dict:
        return {
            "rebuilt": self.rebuilt,
            "reason": self.reason,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "skipped": self.skipped,
            "reports": self.reports,
            "seconds": round(self.seconds, 3),
            "generation": self.generation,
        }


def store_for(project: Project, index_dir: str | Path | None = None) -> Store:
    """The index folder (``index_dir``, relative to the project, or .kb/index), once it is known to
    be a place the index may be written: see :func:`kb.util.folders.check_output_folder`."""
    from kb.project import check_output_folder

    path = project.index_dir if index_dir is None else Path(index_dir)
    store = Store(path if path.is_absolute() else project.root / path)
    check_output_folder(
        project, store.root, "kb index", project.show(store.root), ours=older_index, option="--index-dir"
    )
    return store


def update_index(
    project: Project,
    *,
    index_dir: str | Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = 30.0,
) -> IndexResult:
    """``kb index``: bring the index up to date with the reports, changing only what changed."""
    started = time.perf_counter()
    project.require_reports()
    store = store_for(project, index_dir)
    with store.locked(wait):
        store.mark()
        store.clean()
        found = scan(project)
        live = store.current()
        manifest = store.read_manifest(live) if live else None
        digest = registry_digest(found)
        reason = None
        if rebuild:
            reason = "--rebuild"
        elif live is None or manifest is None:
            reason = "no index yet"
        elif manifest.schema_version != SCHEMA_VERSION:
            reason = "the index format changed"
        elif manifest.registry_digest != digest:
            reason = "the registry changed"
        result = None
        if reason is None:
            result = _incremental(project, store, live, manifest, found, progress)
            reason = "reports with shared or superseded ids changed"
        if result is None:
            result = _full(project, store, found, digest, reason, progress)
    result.seconds = time.perf_counter() - started
    return result


def _state(found, reports: int, documents: int) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "since_ns": found.started_ns,
        "scan_digest": scan_digest(found, found.started_ns, SCHEMA_VERSION),
        "built": datetime.now().isoformat(timespec="seconds"),
        "reports": reports,
        "documents": documents,
    }


def _full(
    project: Project, store: Store, found, digest: str, reason: str, progress: Progress | None
) -> IndexResult:
    from kb.search.build import build_in_parts, workers_for

    workers = workers_for(len(found.reports))
    folder = store.new_folder()
    try:
        if workers > 1:
            built = build_in_parts(project, folder, found.reports, workers)
        else:
            built = _build_here(project, folder, found.reports, progress)
        snapshot = entity_snapshot(built.registry, built.countries)
        (folder / ENTITIES).write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        final = store.publish(
            folder,
            Manifest(SCHEMA_VERSION, digest, built.files),
            _state(found, len(built.usable_keys), built.documents),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return IndexResult(
        True,
        reason,
        added=len(built.usable_keys),
        skipped=sorted(built.skipped),
        reports=len(built.usable_keys),
        generation=final.name,
    )


def _build_here(project: Project, folder: Path, scanned: dict, progress: Progress | None):
    """A full build in this process (small knowledge bases, or no second CPU)."""
    from kb.checks.knowledgebase import load
    from kb.search.build import Built

    kb = load(project, progress=progress, mentions=False)
    usable = {r.path for r in kb.reports}
    files: dict[str, FileEntry] = {}
    reports_by_key: dict[str, Report] = {}
    skipped = []
    for item in kb.parsed:
        key = file_key(project, item.path)
        stat = scanned.get(key)
        if stat is None:
            continue  # appeared after the scan: the next run picks it up
        report = item.report
        try:
            sha = sha256_file(item.path)
        except OSError:
            if report is None:  # unreadable (a named pipe, say): say so
                skipped.append(item.shown)
            continue
        ok = report is not None and item.path in usable
        files[key] = FileEntry(
            stat[1], stat[2], sha, report.id if report else None, report.supersedes if report else None, ok
        )
        if ok:
            reports_by_key[key] = report
        else:
            skipped.append(item.shown)
    ordered = sorted(reports_by_key.items())

    def documents():
        for done, (key, report) in enumerate(ordered, start=1):
            yield report_document(report, kb.registry, key)
            if progress:
                progress("indexing", done, len(ordered))

    count = create_index(folder, documents())
    countries = [code for report in reports_by_key.values() for code in report.countries]
    return Built(files, [key for key, _ in ordered], skipped, countries, count, kb.registry)


def _incremental(
    project: Project, store: Store, live: Path, manifest: Manifest, found, progress: Progress | None
) -> IndexResult | None:
    """Apply added, changed and removed reports to a copy of the live generation; None means
    "rebuild instead" (a change touches report ids other reports depend on)."""
    old = manifest.files
    state = store.read_state(live)
    racy_from = int(state.get("since_ns", 0)) - RACY_NS
    files = dict(old)
    changed: list[str] = []
    for key, (path, mtime, size) in found.reports.items():
        entry = old.get(key)
        if entry and entry.mtime_ns == mtime and entry.size == size and mtime < racy_from:
            continue
        try:
            sha = sha256_file(path)
        except OSError:
            continue
        if entry and entry.sha256 == sha:
            files[key] = FileEntry(mtime, size, sha, entry.report_id, entry.supersedes, entry.indexed)
        else:
            files[key] = FileEntry(mtime, size, sha)
            changed.append(key)
    removed = sorted(set(old) - set(found.reports))
    for key in removed:
        del files[key]
    if not changed and not removed:
        # Only timestamps moved: record them so the next check is fast again.
        from kb.search.store import MANIFEST, STATE
        from kb.util.atomic import write_text

        write_text(
            live / MANIFEST,
            Manifest(SCHEMA_VERSION, manifest.registry_digest, files).to_json(),
            overwrite=True,
        )
        write_text(
            live / STATE,
            json.dumps(
                {**state, **_state(found, state.get("reports", 0), state.get("documents", 0))}, indent=1
            ),
            overwrite=True,
        )
        return IndexResult(False, "", reports=state.get("reports", 0), generation=live.name)

    from kb.checks.rules import Checker
    from kb.registry.loading import project_registry
    from kb.report.parse import parse_report

    registry, _problems = project_registry(project)
    checker = Checker(registry, mentions=False)
    parsed: dict[str, Report] = {}
    valid: dict[str, Report] = {}
    for done, key in enumerate(changed, start=1):
        path = Path(found.reports[key][0])
        item = parse_report(path, project.show(path), inside=project.readable_roots)
        entry = files[key]
        report = item.report
        if report is not None:
            parsed[key] = report
            errors = [p for p in item.problems if p.level == "error"]
            errors += [p for p in checker.check_report(report) if p.level == "error"]
            files[key] = FileEntry(
                entry.mtime_ns, entry.size, entry.sha256, report.id, report.supersedes, not errors
            )
        if progress:
            progress("reading", done, len(changed))

    # Cross-report rules (duplicate ids, 'supersedes') can flip other reports' validity:
    # those rare changes get a full build, which applies the rules exactly as `kb check` does.
    touched_old = {old[k].report_id for k in (*changed, *removed) if k in old and old[k].report_id}
    touched_new = {r.id for r in parsed.values()}
    owners: dict[str, int] = {}
    for entry in files.values():
        if entry.report_id:
            owners[entry.report_id] = owners.get(entry.report_id, 0) + 1
    if any(owners.get(i, 0) > 1 for i in touched_old | touched_new):
        return None
    # 'supersedes' rules read the other report too (does it exist, is it public, is there a
    # cycle): a changed report that supersedes one, or is superseded, takes the full path.
    superseded = {e.supersedes for e in files.values() if e.supersedes}
    if (touched_old | touched_new) & superseded or any(r.supersedes for r in parsed.values()):
        return None
    for key, report in parsed.items():
        if files[key].indexed:
            valid[key] = report

    folder = store.new_folder(copy_from=live)
    try:
        count = change_index(
            folder,
            [*removed, *changed],
            (report_document(report, registry, key) for key, report in sorted(valid.items())),
        )
        snapshot = read_entities(live)
        grown = entity_snapshot(registry, (c for r in valid.values() for c in r.countries), snapshot)
        if grown["countries"] != snapshot.get("countries"):
            (folder / ENTITIES).unlink()  # a hard link to the live file: never write through it
            (folder / ENTITIES).write_text(json.dumps(grown, ensure_ascii=False), encoding="utf-8")
        indexed = sum(1 for e in files.values() if e.indexed)
        final = store.publish(
            folder, Manifest(SCHEMA_VERSION, manifest.registry_digest, files), _state(found, indexed, count)
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    was_indexed = {k for k, e in old.items() if e.indexed}
    return IndexResult(
        False,
        "",
        added=sum(1 for k in valid if k not in was_indexed),
        updated=sum(1 for k in valid if k in was_indexed),
        removed=sum(1 for k in removed if k in was_indexed)
        + sum(1 for k in changed if k in was_indexed and k not in valid),
        skipped=sorted(project.show(Path(found.reports[k][0])) for k in changed if not files[k].indexed),
        reports=indexed,
        generation=final.name,
    )


# -- freshness -----------------------------------------------------------------------------------
@dataclass
class Freshness:
    generation: Path
    update: IndexResult | None = None
    notes: list[str] = field(default_factory=list)


def is_fresh(project: Project, store: Store) -> bool:
    live = store.current()
    if live is None:
        return False
    try:
        state = store.read_state(live)
    except (OSError, ValueError):
        return False
    if state.get("schema_version") != SCHEMA_VERSION:
        return False
    found = scan(project)
    return scan_digest(found, int(state.get("since_ns", 0)), SCHEMA_VERSION) == state.get("scan_digest")


def fresh_generation(
    project: Project,
    *,
    index_dir: str | Path | None = None,
    progress: Progress | None = None,
    wait: float = 30.0,
    update: bool = True,
) -> Freshness:
    """The live index generation, built or brought up to date first when reports changed."""
    from kb.errors import LockedError, ProjectError

    project.require_reports()
    store = store_for(project, index_dir)
    if is_fresh(project, store):
        return Freshness(store.current())
    live = store.current()
    if not update:
        if live is None:
            raise ProjectError("there is no search index yet", hint="run kb index")
        return Freshness(live, notes=["the index is older than the reports; run kb index to update it"])
    try:
        result = update_index(project, index_dir=index_dir, progress=progress, wait=wait)
    except LockedError:
        if live is None:
            raise
        return Freshness(
            live,
            notes=["another kb index run is updating the index; these results may miss the latest changes"],
        )
    return Freshness(store.current(), result)
