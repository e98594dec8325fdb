"""The knowledge base as one object: registry, reports, and every problem found.

Commands load it with :func:`load` and work on valid reports only; ``kb check``
shows the problems. Reports that fail to parse are left out of everything else.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.checks.rules import Checker
from kb.errors import KbError
from kb.problems import Problem, count, summary
from kb.project import Project
from kb.registry.loading import project_registry
from kb.registry.model import Registry
from kb.report.model import Parsed, Report
from kb.report.parse import parse_report
from kb.report.public import redact
from kb.report.yamlstrict import Located
from kb.util.workers import can_fork, collector_paused, cpus_available


@dataclass
class KnowledgeBase:
    project: Project
    registry: Registry
    reports: list[Report]
    problems: list[Problem] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reports.sort(key=lambda r: (r.date, r.id))
        self._by_id = {r.id: r for r in self.reports}

    def report(self, report_id: str) -> Report | None:
        return self._by_id.get(report_id)

    def visible(
        self, include_internal: bool, views: dict[int, tuple[Report, Report]] | None = None
    ) -> list[Report]:
        """Reports a reader may see: every report in full for staff, else the
        public reports with their internal parts removed (:func:`kb.report.public.redact`).

        ``views``: the public views made by an earlier call (``kb serve``, whose unchanged
        reports are the same objects from one update to the next), by ``id`` of the report,
        with the report itself so that a reused id is never mistaken; updated to this call's."""
        if include_internal:
            return list(self.reports)
        if views is None:
            public = [redact(r) for r in self.reports if r.is_public]
        else:
            made = {}
            for report in self.reports:
                if report.is_public:
                    kept = views.get(id(report))
                    made[id(report)] = (
                        kept if kept is not None and kept[0] is report else (report, redact(report))
                    )
            views.clear()
            views.update(made)
            public = [view for _report, view in made.values()]
        # kb check refuses a public report that supersedes an internal one; should one get
        # here all the same, the internal report's id is still not published.
        ids = {r.id for r in public}
        return [
            r if not r.supersedes or r.supersedes in ids else dataclasses.replace(r, supersedes=None)
            for r in public
        ]

    def find_report(self, text: str) -> Report | None:
        """A report by id, by file path, or by path relative to the project."""
        if text in self._by_id:
            return self._by_id[text]
        stem = Path(text).stem
        if stem in self._by_id:
            return self._by_id[stem]
        return None


def load(
    project: Project,
    *,
    extra_paths: Iterable[Path] = (),
    checks: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    mentions: bool = True,
    kept: dict[Path, tuple[tuple[int, ...], Parsed]] | None = None,
    registry_read: tuple[Registry, list[Problem]] | None = None,
) -> KnowledgeBase:
    """Read the registry and every report; collect all problems (never raises for bad content).

    ``progress("reading", done, total)`` is called after each report, for long runs.
    ``mentions=False`` skips the untagged-mention check, which can only warn (see
    :class:`kb.checks.rules.Checker`): the set of usable reports is the same, and it is faster.
    ``kept``: the files parsed by an earlier call (``kb serve``), reused while a file's ``stat``
    (size, times, inode) is the same; the checks across reports always run again.
    ``registry_read``: the registry and its problems as :func:`project_registry` read them, by a
    caller that knows its files are unchanged (``kb serve``); reused, never changed.
    """
    with collector_paused():
        registry, problems = registry_read or project_registry(project)
        problems = list(problems)
        files = report_paths(project, extra_paths)
        parsed = []
        roots = project.readable_roots
        for done, (path, shown) in enumerate(zip(files, shown_paths(project, files), strict=True), start=1):
            parsed.append(_parse(path, shown, roots, kept))
            if progress:
                progress("reading", done, len(files))
        reports = [p.report for p in parsed if p.report is not None]
        for item in parsed:
            problems.extend(item.problems)
        if checks:
            problems.extend(Checker(registry, mentions=mentions).check_all(reports))
        # Reports with errors stay out of the index and site, so one bad file cannot
        # publish half-checked content; warnings do not block.
        bad = {p.path for p in problems if p.level == "error"}
        usable = [r for r in reports if r.shown not in bad]
        return KnowledgeBase(project, registry, usable, problems, parsed)


def _parse(path: Path, shown: str, roots, kept: dict[Path, tuple[tuple[int, ...], Parsed]] | None) -> Parsed:
    if kept is None:
        return parse_report(path, shown, inside=roots)
    try:
        info = os.lstat(path)
        stamp: tuple[int, ...] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    except OSError:
        stamp = ()
    found = kept.get(path)
    if stamp and found is not None and found[0] == stamp and found[1].shown == shown:
        return found[1]
    result = parse_report(path, shown, inside=roots)
    if stamp:
        kept[path] = (stamp, result)
    return result


@dataclass
class CheckResult:
    problems: list[Problem]
    checked: int

    @property
    def errors(self) -> int:
        return count(self.problems)[0]

    @property
    def warnings(self) -> int:
        return count(self.problems)[1]

    def failed(self, strict: bool = False) -> bool:
        """Errors were found (or warnings, when ``strict``)."""
        return bool(self.errors or (strict and self.warnings))

    def lines(self) -> list[str]:
        """``path:line:col: level [code] message (hint)``, one per problem."""
        return [p.render() for p in self.problems]

    def summary(self) -> str:
        """``3 errors, 1 warning in 12 reports``."""
        return summary(self.problems, self.checked)

    def as_json(self) -> dict[str, Any]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "errors": self.errors,
            "warnings": self.warnings,
            "checked": self.checked,
        }


def check(project: Project, paths: Iterable[Path] = (), *, workers: int | None = None) -> CheckResult:
    """``kb check``: every problem of the registry and of the given reports (all when none given).

    The whole base is always loaded, so the rules across reports (repeated ids, ``supersedes``)
    see every report; only the given reports' problems are returned (as the pre-commit hook,
    which names the changed files, needs). A registry file among the paths returns every
    report's problems, since an edit there can break any report.

    ``workers`` processes share the work (default: one per CPU, when there are many reports).
    """
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise KbError("no such file or folder", path=str(path))
    wanted: set[str] | None = None
    extra: list[Path] = []
    registry_named = False
    if paths:
        wanted = set()
        for path in paths:
            if _is_registry_file(project, path):
                registry_named = True
                continue
            targets = sorted(path.rglob("*.md")) if path.is_dir() else [path]
            for target in targets:
                wanted.add(project.show(target))
                extra.append(target)
    if registry_named:
        wanted = None
    all_problems, parsed_count = _all_problems(project, extra, workers)
    registry_prefix = project.show(project.registry_dir)
    problems = [
        p
        for p in all_problems
        if wanted is None
        or p.path in wanted
        or p.path.startswith(registry_prefix)
        or _repeats_a_wanted_id(p, wanted)
    ]
    checked = len(wanted) if wanted is not None else parsed_count
    return CheckResult(sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code)), checked)


def _repeats_a_wanted_id(problem: Problem, wanted: set[str]) -> bool:
    """A repeated id is reported on whichever report comes second, which may be an unchanged
    one: it is shown all the same when the other report is among those asked for."""
    return problem.code == "duplicate-id" and any(problem.message.endswith(f" used by {w}") for w in wanted)


def _is_registry_file(project: Project, path: Path) -> bool:
    """A registry file named on the command line (the pre-commit hook names every changed file):
    it is read as the registry, never as a report."""
    return (
        path.suffix in (".yml", ".yaml")
        and not path.is_dir()
        and os.path.realpath(path.parent) == os.path.realpath(project.registry_dir)
    )


def report_paths(project: Project, extra_paths: Iterable[Path] = ()) -> list[Path]:
    """Every report file of the project, then the ``extra_paths`` given on the command line, once each."""
    return list(dict.fromkeys([*project.report_files(), *(_absolute(p) for p in extra_paths)]))


def _absolute(path: Path) -> Path:
    """``path`` made absolute through its real folder, the file itself left as it is: a link is
    checked, not followed, when the file is read (and a link loop is not a RuntimeError here)."""
    path = Path(path)
    return Path(os.path.realpath(path.parent)) / path.name


def shown_paths(project: Project, paths: list[Path]) -> list[str]:
    """``project.show(path)`` for each path, with one ``lstat`` per file instead of one per folder.

    The paths are resolved ones or come from walking a real ``reports/`` (``os.walk`` does not
    enter linked folders), so only the file itself can be a link; a linked ``reports/`` or file
    goes the long way.
    """
    if project.reports_dir.is_symlink():
        return [project.show(path) for path in paths]
    shown = []
    for path in paths:
        if path.is_absolute() and not os.path.islink(path):
            try:
                shown.append(str(path.relative_to(project.root)))
                continue
            except ValueError:
                pass
        shown.append(project.show(path))
    return shown


#: Below this many reports, starting worker processes costs about what it saves.
PARALLEL_FROM = 1500


def _all_problems(
    project: Project, extra_paths: list[Path], workers: int | None
) -> tuple[list[Problem], int]:
    """The problems :func:`load` finds, and the number of files read; with several processes
    when there are many reports and more than one CPU (the result is the same, in the same order)."""
    if workers is None:
        workers = cpus_available()
    files = report_paths(project, extra_paths)
    if workers <= 1 or len(files) < PARALLEL_FROM or not can_fork():
        kb = load(project, extra_paths=extra_paths)
        return kb.problems, len(kb.parsed)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with collector_paused():
        registry, problems = project_registry(project)
        checker = Checker(registry)
        size = -(-len(files) // (workers * 8))  # several chunks per worker even out their loads
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_parse_and_check, [project] * len(chunks), [checker] * len(chunks), chunks))
        parsed = [item for chunk in done for item, _own in chunk]
        own = [own for chunk in done for item, own in chunk if item.report is not None]
        for item in parsed:
            problems.extend(item.problems)
        problems.extend(checker.check_all([p.report for p in parsed if p.report is not None], own))
        return problems, len(parsed)


def _parse_and_check(
    project: Project, checker: Checker, paths: list[Path]
) -> list[tuple[Parsed, list[Problem]]]:
    """In a worker process: parse and check reports. Each report goes back as a stub holding what
    the cross-report checks read (:func:`report_stub`): copying whole reports back would cost about
    as much as parsing them."""
    out = []
    with collector_paused():
        roots = project.readable_roots
        for path, shown in zip(paths, shown_paths(project, paths), strict=True):
            parsed = parse_report(path, shown, inside=roots)
            own: list[Problem] = []
            if parsed.report is not None:
                own = checker.check_report(parsed.report)
                parsed.report = report_stub(parsed.report)
            out.append((parsed, own))
    return out


#: The positions :meth:`Checker.check_all` may report at (``line_of`` falls back to the root).
_CROSS_CHECKED = (("id",), ("supersedes",), ())


def report_stub(report: Report) -> Report:
    """The report's id, file, ``supersedes``, whether it is public and the positions the checks
    across reports report at; everything else left empty."""
    located = report.located
    if located is not None:
        located = Located(
            value=None,
            value_pos={k: located.value_pos[k] for k in _CROSS_CHECKED if k in located.value_pos},
            key_pos={k: located.key_pos[k] for k in _CROSS_CHECKED if k in located.key_pos},
        )
    return Report(
        id=report.id,
        path=report.path,
        shown=report.shown,
        title="",
        date=report.date,
        countries=(),
        type=report.type,
        visibility=report.visibility,
        body="",
        body_line=report.body_line,
        supersedes=report.supersedes,
        review=report.review,  # a report under review is not public (Report.is_public)
        located=located,
    )
