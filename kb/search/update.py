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
is left out. The checks across reports (repeated ids, ``supersedes``) are run by the checks' own
:func:`kb.checks.rules.cross_report_problems` on what the manifest records of every report; a
change that moves one of their verdicts could change *other* reports' usability, and takes the
full path. A full build is :func:`kb.search.build.build_generation`.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kb.project import Project
from kb.search.documents import entity_snapshot, report_document
from kb.search.engine import SCHEMA_VERSION, change_index
from kb.search.store import (
    ENTITIES,
    MANIFEST,
    RACY_NS,
    STATE,
    FileEntry,
    Manifest,
    Scan,
    Store,
    generation_state,
    older_index,
    read_entities,
    registry_digest,
    scan,
    scan_digest,
    sha256_file,
    walk_order,
)
from kb.util.atomic import write_text

if TYPE_CHECKING:
    from kb.checks.rules import Checker
    from kb.registry.model import Registry
    from kb.report.model import Report
    from kb.search.build import Progress


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
            assert live is not None and manifest is not None  # no reason to rebuild: both exist
            result = _incremental(project, store, live, manifest, found, progress)
            reason = "reports with shared or superseded ids changed"
        if result is None:
            # Imported here: a search that finds the index fresh never loads the build.
            from kb.search.build import build_generation

            built, final = build_generation(project, store, found, digest, progress)
            result = IndexResult(
                True,
                reason,
                added=len(built.usable_keys),
                skipped=sorted(built.skipped),
                reports=len(built.usable_keys),
                generation=final.name,
            )
    result.seconds = time.perf_counter() - started
    return result


def _incremental(
    project: Project, store: Store, live: Path, manifest: Manifest, found: Scan, progress: Progress | None
) -> IndexResult | None:
    """Apply added, changed and removed reports to a copy of the live generation; None means
    "rebuild instead" (the change alters what the checks across reports say)."""
    from kb.checks.rules import Checker
    from kb.registry.loading import project_registry

    state = store.read_state(live)
    files, changed, removed = _compare(manifest.files, found, int(state.get("since_ns", 0)) - RACY_NS)
    if not changed and not removed:
        return _record_timestamps(store, live, manifest, files, found, state)
    registry, _problems = project_registry(project)
    parsed = _read_changed(project, found, files, changed, Checker(registry, mentions=False), progress)
    # A verdict of the checks across reports (repeated ids, 'supersedes') that moves can change
    # whether an *unchanged* report is usable: those rare changes take the full path. Otherwise
    # every unchanged report keeps its verdict and a changed one failing them stays out.
    failing = _failing_across_reports(files)
    if failing != _failing_across_reports(manifest.files):
        return None
    for key in failing.intersection(parsed):
        files[key] = replace(files[key], indexed=False)
    valid = {key: report for key, report in parsed.items() if files[key].indexed}
    final = _apply(store, live, manifest, files, found, [*removed, *changed], valid, registry)
    was_indexed = {k for k, e in manifest.files.items() if e.indexed}
    return IndexResult(
        False,
        "",
        added=sum(1 for k in valid if k not in was_indexed),
        updated=sum(1 for k in valid if k in was_indexed),
        removed=sum(1 for k in removed if k in was_indexed)
        + sum(1 for k in changed if k in was_indexed and k not in valid),
        skipped=sorted(project.show(Path(found.reports[k][0])) for k in changed if not files[k].indexed),
        reports=sum(1 for e in files.values() if e.indexed),
        generation=final.name,
    )


def _compare(
    old: dict[str, FileEntry], found: Scan, racy_from: int
) -> tuple[dict[str, FileEntry], list[str], list[str]]:
    """The manifest's entries brought up to the scan, the keys of reports whose content changed
    (entries reset until they are read again) and the keys of removed ones."""
    files = dict(old)
    changed: list[str] = []
    for key, (path, mtime, size) in found.reports.items():
        entry = old.get(key)
        # A file written in the same clock tick as the last scan may change again unseen.
        if entry and entry.mtime_ns == mtime and entry.size == size and mtime < racy_from:
            continue
        try:
            sha = sha256_file(path)
        except OSError:
            continue
        if entry and entry.sha256 == sha:
            files[key] = replace(entry, mtime_ns=mtime, size=size)
        else:
            files[key] = FileEntry(mtime, size, sha)
            changed.append(key)
    removed = sorted(set(old) - set(found.reports))
    for key in removed:
        del files[key]
    return files, changed, removed


def _record_timestamps(
    store: Store, live: Path, manifest: Manifest, files: dict[str, FileEntry], found: Scan, state: dict
) -> IndexResult:
    """Only timestamps moved: record them in the live generation so the next check is fast again."""
    reports, documents = state.get("reports", 0), state.get("documents", 0)
    write_text(
        live / MANIFEST, Manifest(SCHEMA_VERSION, manifest.registry_digest, files).to_json(), overwrite=True
    )
    write_text(
        live / STATE,
        json.dumps({**state, **generation_state(found, SCHEMA_VERSION, reports, documents)}, indent=1),
        overwrite=True,
    )
    return IndexResult(False, "", reports=reports, generation=live.name)


def _read_changed(
    project: Project,
    found: Scan,
    files: dict[str, FileEntry],
    changed: list[str],
    checker: Checker,
    progress: Progress | None,
) -> dict[str, Report]:
    """Read and check each changed report on its own, recording in ``files`` its id, what it
    supersedes, whether it is public and whether it passes; returns the reports that could be read."""
    from kb.report.parse import parse_report

    parsed: dict[str, Report] = {}
    for done, key in enumerate(changed, start=1):
        path = Path(found.reports[key][0])
        item = parse_report(path, project.show(path), inside=project.readable_roots)
        report = item.report
        if report is not None:
            parsed[key] = report
            errors = [p for p in item.problems if p.level == "error"]
            errors += [p for p in checker.check_report(report) if p.level == "error"]
            entry = files[key]
            files[key] = FileEntry.of_report(entry.mtime_ns, entry.size, entry.sha256, report, not errors)
        if progress:
            progress("reading", done, len(changed))
    return parsed


def _failing_across_reports(files: dict[str, FileEntry]) -> set[str]:
    """The keys of the reports the checks across reports (:func:`kb.checks.rules.cross_report_problems`)
    find an error in, given what the manifest records of each readable report."""
    from kb.checks.rules import ReportLink, cross_report_problems

    links = [
        ReportLink(entry.report_id, key, entry.supersedes, entry.public)
        for key, entry in sorted(files.items(), key=lambda item: walk_order(item[0]))
        if entry.report_id is not None
    ]
    return {p.path for p in cross_report_problems(links) if p.level == "error"}


def _apply(
    store: Store,
    live: Path,
    manifest: Manifest,
    files: dict[str, FileEntry],
    found: Scan,
    gone: list[str],
    valid: dict[str, Report],
    registry: Registry,
) -> Path:
    """A copy of the live generation without the documents of ``gone`` and with those of
    ``valid``, made live with ``files`` as its manifest; returns its folder."""
    folder = store.new_folder(copy_from=live)
    try:
        count = change_index(
            folder, gone, (report_document(report, registry, key) for key, report in sorted(valid.items()))
        )
        snapshot = read_entities(live)
        grown = entity_snapshot(registry, (c for r in valid.values() for c in r.countries), snapshot)
        if grown["countries"] != snapshot.get("countries"):
            (folder / ENTITIES).unlink()  # a hard link to the live file: never write through it
            (folder / ENTITIES).write_text(json.dumps(grown, ensure_ascii=False), encoding="utf-8")
        indexed = sum(1 for e in files.values() if e.indexed)
        return store.publish(
            folder,
            Manifest(SCHEMA_VERSION, manifest.registry_digest, files),
            generation_state(found, SCHEMA_VERSION, indexed, count),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


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
        return Freshness(_live(store))
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
    return Freshness(_live(store), result)


def _live(store: Store) -> Path:
    """The live generation of an index just found fresh or just updated."""
    from kb.errors import ProjectError

    live = store.current()
    if live is None:  # removed by hand in between
        raise ProjectError("there is no search index yet", hint="run kb index")
    return live
