"""The knowledge base as one object: registry, reports, and every problem found.

Commands load it with :func:`load` and work on valid reports only; ``kb check``
shows the problems. Reports that fail to parse are left out of everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checks import Checker
from .errors import KbError
from .problems import Problem, count
from .project import Project
from .registry import Registry, load_registry
from .report import Parsed, Report, parse_report, redact


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

    def visible(self, include_internal: bool) -> list[Report]:
        """Reports a reader may see: every report in full for staff, else the
        public reports with their internal parts removed (:func:`kb.report.redact`)."""
        if include_internal:
            return list(self.reports)
        return [redact(r) for r in self.reports if r.is_public]

    def find_report(self, text: str) -> Report | None:
        """A report by id, by file path, or by path relative to the project."""
        if text in self._by_id:
            return self._by_id[text]
        stem = Path(text).stem
        if stem in self._by_id:
            return self._by_id[stem]
        return None


def load(project: Project, *, extra_paths: Iterable[Path] = (), checks: bool = True) -> KnowledgeBase:
    """Read the registry and every report; collect all problems (never raises for bad content)."""
    registry, problems = load_registry(project.registry_dir, display=project.show)
    files = list(dict.fromkeys([*project.report_files(), *(p.resolve() for p in extra_paths)]))
    parsed = [parse_report(path, project.show(path)) for path in files]
    reports = [p.report for p in parsed if p.report is not None]
    for item in parsed:
        problems.extend(item.problems)
    if checks:
        problems.extend(Checker(registry).check_all(reports))
    # Reports with errors stay out of the index and site, so one bad file cannot
    # publish half-checked content; warnings do not block.
    bad = {p.path for p in problems if p.level == "error"}
    usable = [r for r in reports if r.shown not in bad]
    return KnowledgeBase(project, registry, usable, problems, parsed)


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


def check(project: Project, paths: Iterable[Path] = ()) -> CheckResult:
    """``kb check``: every problem of the registry and of the given reports (all when none given)."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise KbError("no such file or folder", path=str(path))
    wanted: set[str] | None = None
    extra: list[Path] = []
    if paths:
        wanted = set()
        for path in paths:
            targets = sorted(path.rglob("*.md")) if path.is_dir() else [path]
            for target in targets:
                wanted.add(project.show(target))
                extra.append(target)
    kb = load(project, extra_paths=extra)
    registry_prefix = project.show(project.registry_dir)
    problems = [p for p in kb.problems
                if wanted is None or p.path in wanted or p.path.startswith(registry_prefix)]
    checked = len(wanted) if wanted is not None else len(kb.parsed)
    return CheckResult(sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code)), checked)
