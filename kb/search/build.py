"""A full build of the search index: in this process, or shared among worker processes.

:func:`build_generation` reads and checks every report as :func:`kb.checks.knowledgebase.load`
does, indexes the usable ones into a new folder and makes it the live generation.

One process spends most of a full build of 10,000 reports turning words into
postings, and before that a sixth of it parsing reports. With two CPUs, each
forked worker parses, checks and indexes its own share of the report files
into a Whoosh index of its own (a *part*); nothing but small stubs comes back
to the parent, which applies the checks across reports (repeated ids, unknown
``supersedes``) exactly as :func:`kb.checks.knowledgebase.load` does, then joins the parts'
segments into one index without writing any posting again
(:func:`kb.search.engine.join_parts`). A report that only the cross-report checks find
bad was indexed by its worker and is deleted again, which is rare and cheap.

The usable reports, the manifest and the documents are the same as a build in
one process (``tests/test_index_parallel.py`` compares them).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from kb.checks.knowledgebase import report_stub, shown_paths
from kb.checks.rules import Checker
from kb.errors import KbError
from kb.problems import Problem
from kb.project import Project
from kb.registry.loading import project_registry
from kb.registry.model import Registry
from kb.report.model import Parsed, Report
from kb.report.parse import parse_report
from kb.search.documents import entity_snapshot, report_document
from kb.search.engine import SCHEMA_VERSION, create_index, join_parts
from kb.search.store import (
    ENTITIES,
    FileEntry,
    Manifest,
    Scan,
    Store,
    file_key,
    generation_state,
    sha256_file,
)
from kb.util.workers import can_fork, collector_paused, cpus_available

#: From this many report files a full build is shared among worker processes.
PARALLEL_FROM = 2000

Progress = Callable[[str, int, int], None]


@dataclass
class Outcome:
    """What a worker learnt of one report file."""

    parsed: Parsed  # its report, if any, is a stub (see kb.checks.knowledgebase.report_stub)
    own: list[Problem]  # the report's own check problems
    key: str
    sha: str | None  # None: the file vanished, or appeared after the scan
    indexed: bool
    countries: tuple[str, ...]


@dataclass
class Built:
    """What a full build indexed, and from which files."""

    files: dict[str, FileEntry]
    usable_keys: list[str]
    skipped: list[str]
    countries: list[str]
    documents: int
    registry: Registry


def build_generation(
    project: Project, store: Store, found: Scan, registry_digest: str, progress: Progress | None
) -> tuple[Built, Path]:
    """Index every usable report of the scan ``found`` into a new generation and make it live;
    returns what was indexed and the generation's folder."""
    workers = workers_for(len(found.reports))
    folder = store.new_folder()
    try:
        if workers > 1:
            built = build_in_parts(project, folder, found.reports, workers)
        else:
            built = build_here(project, folder, found.reports, progress)
        snapshot = entity_snapshot(built.registry, built.countries)
        (folder / ENTITIES).write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        final = store.publish(
            folder,
            Manifest(SCHEMA_VERSION, registry_digest, built.files),
            generation_state(found, SCHEMA_VERSION, len(built.usable_keys), built.documents),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return built, final


def build_here(project: Project, folder: Path, scanned: dict, progress: Progress | None) -> Built:
    """A full build in this process (small knowledge bases, or no second CPU)."""
    from kb.checks.knowledgebase import load

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
        files[key] = FileEntry.of_report(stat[1], stat[2], sha, report, ok)
        if report is not None and ok:
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


def workers_for(files: int) -> int:
    """Worker processes for a full build of ``files`` reports (1: build in this process)."""
    cpus = cpus_available()
    if files < PARALLEL_FROM or cpus < 2 or not can_fork():
        return 1
    return min(cpus, 4)


def build_in_parts(project: Project, folder: Path, scanned: dict, workers: int) -> Built:
    """Parse, check and index every report file into the empty index ``folder`` with
    ``workers`` processes. ``scanned`` maps the file keys of the scan to their stat
    (files that appeared after it are left for the next run, as in a serial build)."""
    with collector_paused():
        registry, _problems = project_registry(project)
        checker = Checker(registry, mentions=False)
        files = project.report_files()
        shares = [files[i::workers] for i in range(workers)]
        parts = [folder / f"part-{i}" for i in range(workers)]
        known = frozenset(scanned)
        context = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                results = list(
                    pool.map(
                        _build_part,
                        [project] * workers,
                        [checker] * workers,
                        [registry] * workers,
                        shares,
                        parts,
                        [known] * workers,
                    )
                )
        except BrokenProcessPool:
            raise KbError(
                "an indexing worker process stopped before it finished (killed, or out of memory?)",
                hint="the index in use is unchanged; run 'kb index' again",
            ) from None
        # Back into the order of the files, which decides which of two reports with one id
        # is "first", as in kb.checks.knowledgebase.load.
        outcomes: list[Outcome] = [None] * len(files)  # type: ignore[list-item]
        for i, share in enumerate(results):
            outcomes[i::workers] = share
        with_report = [(o.parsed.report, o.own) for o in outcomes if o.parsed.report is not None]
        problems = [p for o in outcomes for p in o.parsed.problems]
        problems += checker.check_all(
            [report for report, _own in with_report], [own for _report, own in with_report]
        )
        bad = {p.path for p in problems if p.level == "error"}
        files_seen: dict[str, FileEntry] = {}
        usable: list[str] = []
        skipped: list[str] = []
        countries: list[str] = []
        drop: list[str] = []
        for o in outcomes:
            stat = scanned.get(o.key)
            report = o.parsed.report
            if stat is None or o.sha is None:
                if stat is not None and report is None:  # unreadable (a named pipe, say): say so
                    skipped.append(o.parsed.shown)
                continue
            ok = report is not None and report.shown not in bad
            files_seen[o.key] = FileEntry.of_report(stat[1], stat[2], o.sha, report, ok)
            if ok:
                usable.append(o.key)
                countries.extend(o.countries)
            else:
                skipped.append(o.parsed.shown)
                if o.indexed:
                    drop.append(o.key)
        documents = join_parts(folder, parts, drop)
    return Built(files_seen, usable, skipped, countries, documents, registry)


def _build_part(
    project: Project,
    checker: Checker,
    registry: Registry,
    paths: list[Path],
    part: Path,
    known: frozenset[str],
) -> list[Outcome]:
    """In a worker: parse and check ``paths``, index the reports with no error of their own into
    a new index in ``part``, and send back stubs."""
    outcomes: list[Outcome] = []
    reports: list[tuple[str, Report]] = []
    with collector_paused():
        roots = project.readable_roots
        for path, shown in zip(paths, shown_paths(project, paths), strict=True):
            parsed = parse_report(path, shown, inside=roots)
            key = file_key(project, path)
            sha = None
            if key in known:
                with contextlib.suppress(OSError):  # gone, or not a regular file: not indexed
                    sha = sha256_file(path)
            report = parsed.report
            own = checker.check_report(report) if report is not None else []
            indexed = (
                report is not None
                and sha is not None
                and not any(p.level == "error" for p in (*parsed.problems, *own))
            )
            if report is not None and indexed:
                reports.append((key, report))
            countries = report.countries if report is not None else ()
            if report is not None:
                parsed.report = report_stub(report)
            outcomes.append(Outcome(parsed, own, key, sha, indexed, tuple(countries)))
        part.mkdir()
        reports.sort(key=lambda item: item[0])
        create_index(part, (report_document(report, registry, key) for key, report in reports))
    return outcomes
