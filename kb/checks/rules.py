"""Vocabulary and cross-report checks: everything that needs the registry or other reports.

Format and type checks happen while parsing (:mod:`kb.report`); the checks here
run on reports that parsed, so a type error is reported once, not twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kb.problems import Level, Problem
from kb.registry.mentions import MentionFinder, blank_comments
from kb.registry.model import KINDS, Registry
from kb.report.dates import human_date
from kb.report.model import TAG_LISTS, Report
from kb.report.yamlstrict import Located
from kb.util.formats import formula_like
from kb.util.graphs import find_cycles

#: The tag list each kind belongs in, and the kinds each list accepts.
LIST_KINDS = {name: {kind for kind, target in KINDS.items() if target == name} for name in TAG_LISTS}
#: What one entry of each tag list is called in a message.
_SINGULAR = {name: "person" if name == "people" else name[:-1] for name in TAG_LISTS}


@dataclass
class Checker:
    registry: Registry
    finder: MentionFinder | None = None
    #: False skips the untagged-mention check: it only warns, and it is the slowest check,
    #: so callers that only need to know which reports are usable (the index) leave it out.
    mentions: bool = True

    def __post_init__(self) -> None:
        if self.finder is None and self.mentions:
            self.finder = MentionFinder(self.registry)

    def _problem(
        self, report: Report, where: tuple, level: Level, code: str, message: str, hint: str | None = None
    ) -> Problem:
        return _problem(report, where, level, code, message, hint)

    def _unknown(
        self, report: Report, where: tuple, value: str, kinds: set[str] | None, what: str
    ) -> Problem:
        if not value.isascii():
            # Look-alike letters (Cyrillic i in "msіt") are invisible to the eye.
            odd = next(ch for ch in value if not ch.isascii())
            near = self.registry.suggest(value, kinds)
            return self._problem(
                report,
                where,
                "error",
                "unknown-entity",
                f"unknown {what}: '{value}' contains the non-ASCII character {odd!r} "
                f"({unicodedata.name(odd, 'unknown')})",
                f"retype it{': did you mean ' + ' or '.join(near) + '?' if near else ''}",
            )
        matches = [e for e in self.registry.resolve(value) if not kinds or e.kind in kinds]
        if matches:
            entity = matches[0]
            return self._problem(
                report,
                where,
                "error",
                "alias-tag",
                f"'{value}' is a name of {entity.label}, not an id",
                f"write its id: {entity.id}",
            )
        near = self.registry.suggest(value, kinds, country=report.countries[0] if report.countries else None)
        hint = f"did you mean {' or '.join(near)}?" if near else self._add_to_registry(report, value, kinds)
        return self._problem(report, where, "error", "unknown-entity", f"unknown {what}: '{value}'", hint)

    def _add_to_registry(self, report: Report, value: str, kinds: set[str] | None) -> str:
        """The hint for an id nothing in the registry is near: where to add it, and a ready entry."""
        kind = "ministry" if kinds and "ministry" in kinds else min(kinds) if kinds else "organisation"
        country = report.countries[0] if kind in ("ministry", "agency") and report.countries else None
        where = self.registry.file_for({kind}, country) or "reports/registry/entities.yml"
        entry = f"id: {value}, name: <its full English name>, kind: {kind}"
        if kind in ("ministry", "agency", "department", "organisation"):
            entry += f", acronyms: [{value.upper()}]"
        if country:
            entry += f", country: {country}"
        return f"not in the registry: add it to {where} as '- {{{entry}}}', then check again"

    def check_report(self, report: Report) -> list[Problem]:
        """Every problem of one report that needs the registry: its tags, the entities of its
        opportunities and targets, its disclaimer; and the warnings of its own fields (review
        points, a title like a formula), mentions it does not tag, HTML the site removes."""
        problems = self._tag_problems(report)
        problems += self._item_problems(report)
        problems += self._field_problems(report)
        if self.mentions:
            problems += self._untagged_mentions(report)
        problems += _unsafe_html(report)
        return problems

    def _tag_problems(self, report: Report) -> list[Problem]:
        """Tags the registry does not have, tagged in the wrong list, or not current on the date."""
        problems: list[Problem] = []
        for list_name in TAG_LISTS:
            for i, value in enumerate(report.tags.get(list_name, ())):
                where = (list_name, _index_in(report, list_name, value, i))
                problem = self._tag_problem(report, where, list_name, value)
                if problem:
                    problems.append(problem)
        return problems

    def _tag_problem(self, report: Report, where: tuple, list_name: str, value: str) -> Problem | None:
        entity = self.registry.get(value)
        if entity is None:
            what = "ministry or agency id" if list_name == "ministries" else f"{_SINGULAR[list_name]} id"
            return self._unknown(report, where, value, LIST_KINDS[list_name], what)
        if entity.kind not in LIST_KINDS[list_name]:
            return self._problem(
                report,
                where,
                "error",
                "wrong-list",
                f"'{value}' is a {entity.kind}, not tagged under {list_name}",
                f"move it to {entity.tag_list}",
            )
        if entity.valid_on(report.date):
            return None
        current = self.registry.current_on(value, report.date)
        later = [n for n in self.registry.successors(value) if self.registry.kind_of(value, n) != "rename"]
        if current and current.id != value:
            hint = f"on {human_date(report.date)} it was {current.label}: tag {current.id}"
        elif later and entity.valid_to and report.date > entity.valid_to.end:
            kind = self.registry.kind_of(value, later[0])
            done = {"split": "split into", "merger": "merged into", "transfer": "succeeded by"}.get(
                kind or "", ""
            )
            pick = "the one the report means" if len(later) > 1 else later[0]
            hint = f"it existed {entity.validity()}, then was {done} {', '.join(later)}: tag {pick}"
        else:
            hint = f"it existed {entity.validity()}"
        return self._problem(
            report,
            where,
            "warning",
            "name-not-current",
            f"'{value}' ({entity.name}) was not the current name on {report.date}",
            hint,
        )

    def _item_problems(self, report: Report) -> list[Problem]:
        """Sectors and partners of opportunities, owners of targets, that the registry does not have."""
        problems: list[Problem] = []
        for opportunity in report.opportunities:
            base = ("opportunities", opportunity.index)
            for field_name, kinds in (("sectors", {"sector"}), ("partners", None)):
                for j, value in enumerate(getattr(opportunity, field_name)):
                    entity = self.registry.get(value)
                    if entity is None or (kinds and entity.kind not in kinds):
                        problems.append(
                            self._unknown(
                                report,
                                base + (field_name, j),
                                value,
                                kinds,
                                f"{'sector' if kinds else 'partner'} in opportunity {opportunity.id}",
                            )
                        )
        for target in report.targets:
            if target.owner and self.registry.get(target.owner) is None:
                problems.append(
                    self._unknown(
                        report,
                        ("targets", target.index, "owner"),
                        target.owner,
                        None,
                        f"owner of target {target.id}",
                    )
                )
        return problems

    def _field_problems(self, report: Report) -> list[Problem]:
        """An unknown disclaimer; a public report held for review; a title like a formula; each
        point still to review."""
        problems: list[Problem] = []
        if report.disclaimer and report.disclaimer not in self.registry.disclaimers:
            known = ", ".join(sorted(self.registry.disclaimers)) or "none defined"
            problems.append(
                self._problem(
                    report,
                    ("disclaimer",),
                    "error",
                    "unknown-disclaimer",
                    f"unknown disclaimer '{report.disclaimer}'",
                    f"known disclaimers: {known}",
                )
            )
        if report.held_for_review:
            problems.append(
                self._problem(
                    report,
                    ("visibility",),
                    "warning",
                    "public-under-review",
                    f"visibility is public but {len(report.review)} review point(s) are "
                    f"still open: the report is left out of the public site",
                    "resolve each point and delete it from 'review' to publish",
                )
            )
        if formula_like(report.title):
            problems.append(
                self._problem(
                    report,
                    ("title",),
                    "warning",
                    "formula-title",
                    f"the title starts with '{report.title[:1]}', like a spreadsheet formula",
                    "retype it, starting with a word: it was probably pasted by accident "
                    "(CSV files show it as text, after an apostrophe)",
                )
            )
        problems += [
            self._problem(
                report,
                ("review", i),
                "warning",
                "needs-review",
                f"needs review: {note}",
                "check it, then delete the line from 'review'",
            )
            for i, note in enumerate(report.review)
        ]
        return problems

    def _untagged_mentions(self, report: Report) -> list[Problem]:
        """Registry entities the body names (under any of their names) that the report does not tag."""
        if self.finder is None:  # only when mentions is off
            return []
        tagged: set[str] = set()
        for entity_id in report.entity_ids():
            tagged.update(self.registry.lineage(entity_id) or [entity_id])
        reported: set[str] = set()
        problems = []
        for mention in self.finder.find(blank_comments(report.body), (*report.countries, "GB")):
            if mention.entity_id in reported or tagged.intersection(
                mention.candidates or (mention.entity_id,)
            ):
                continue
            reported.add(mention.entity_id)
            entity = self.registry.entities[mention.entity_id]  # the finder knows only registry names
            problems.append(
                Problem(
                    report.shown,
                    report.body_line + mention.line - 1,
                    1,
                    "warning",
                    "untagged-mention",
                    f"the body names '{mention.text}' ({entity.id}) but the report does not tag it",
                    f"add {entity.id} to {entity.tag_list}",
                )
            )
        return problems

    def check_all(self, reports: list[Report], checked: list[list[Problem]] | None = None) -> list[Problem]:
        """Every report's own problems and the cross-report ones (:func:`cross_report_problems`).
        ``checked`` gives :meth:`check_report`'s result for each report when it was already
        computed (in parallel, see :func:`kb.checks.knowledgebase.check`)."""
        first, problems = _first_of_each_id(reports)
        for i, report in enumerate(reports):
            problems.extend(self.check_report(report) if checked is None else checked[i])
            problems.extend(_unknown_supersedes(report, first))
        problems.extend(_supersede_problems(reports, first))
        return problems


class Linked(Protocol):
    """What the rules across reports read of a report: a :class:`~kb.report.model.Report` is one,
    and so is a :class:`ReportLink`."""

    @property
    def id(self) -> str: ...
    @property
    def shown(self) -> str: ...
    @property
    def supersedes(self) -> str | None: ...
    @property
    def located(self) -> Located | None: ...
    @property
    def is_public(self) -> bool: ...
    def line_of(self, *path: Any) -> tuple[int, int]: ...


@dataclass(frozen=True, slots=True)
class ReportLink:
    """A report as the rules across reports see it, for code that keeps only these facts (the
    search index's manifest); its problems are placed at line 1."""

    id: str
    shown: str
    supersedes: str | None
    is_public: bool
    located: Located | None = None

    def line_of(self, *path: Any) -> tuple[int, int]:
        return (1, 1)


def cross_report_problems(reports: Sequence[Linked]) -> list[Problem]:
    """The rules across reports, in the order of ``reports`` (the first of two reports with one
    id is kept): ids used twice, a ``supersedes`` naming an unknown report or, from a public
    report, an internal one, and reports that supersede themselves or each other."""
    first, problems = _first_of_each_id(reports)
    for report in reports:
        problems.extend(_unknown_supersedes(report, first))
    problems.extend(_supersede_problems(reports, first))
    return problems


def _problem(
    report: Linked, where: tuple, level: Level, code: str, message: str, hint: str | None = None
) -> Problem:
    line, column = report.line_of(*where)
    return Problem(report.shown, line, column, level, code, message, hint)


def _first_of_each_id(reports: Sequence[Linked]) -> tuple[dict[str, Linked], list[Problem]]:
    """The first report of each id, and a problem for each later one."""
    problems: list[Problem] = []
    first: dict[str, Linked] = {}
    for report in reports:
        if report.id in first:
            other = first[report.id]
            problems.append(
                _problem(
                    report,
                    ("id",) if report.located and ("id",) in report.located.value_pos else (),
                    "error",
                    "duplicate-id",
                    f"report id '{report.id}' is also used by {other.shown}",
                    "rename the file or set a different 'id:'",
                )
            )
        else:
            first[report.id] = report
    return first, problems


def _unknown_supersedes(report: Linked, first: dict[str, Linked]) -> list[Problem]:
    if report.supersedes and report.supersedes not in first:
        return [
            _problem(
                report,
                ("supersedes",),
                "error",
                "unknown-report",
                f"supersedes unknown report '{report.supersedes}'",
                "give the id (file name without .md) of an existing report",
            )
        ]
    return []


def _supersede_problems(reports: Sequence[Linked], first: dict[str, Linked]) -> list[Problem]:
    """A public report naming an internal one (its id, made from its title, would be
    published), and reports that supersede themselves or each other (which is the newer?)."""
    problems = []
    for report in reports:
        older = first.get(report.supersedes) if report.supersedes else None
        if older is not None and report.is_public and not older.is_public:
            problems.append(
                _problem(
                    report,
                    ("supersedes",),
                    "error",
                    "internal-reference",
                    f"a public report cannot supersede the internal report '{older.id}': "
                    "its id would be published",
                    "remove 'supersedes', make this report internal, or publish the older one",
                )
            )

    def superseded(report_id: str) -> list[str]:
        older = first[report_id].supersedes if report_id in first else None
        return [older] if older in first else []

    for cycle in find_cycles((r.id for r in reports), superseded):
        for report_id in cycle[:-1]:
            report = first[report_id]
            if len(cycle) == 2:
                message, hint = "the report supersedes itself", "name the earlier report it replaces"
            else:
                ring = cycle[:-1]
                at = ring.index(report_id)
                message = f"supersede cycle: {' -> '.join(ring[at:] + ring[:at] + [report_id])}"
                hint = "a report can only supersede an older one: remove 'supersedes' from one of them"
            problems.append(_problem(report, ("supersedes",), "error", "supersede-cycle", message, hint))
    return problems


def _index_in(report: Report, list_name: str, value: str, fallback: int) -> int:
    """Position of ``value`` in the raw list (repeats were dropped while parsing)."""
    raw = report.located.value.get(list_name) if report.located else None
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if isinstance(item, str) and item.strip() == value:
                return i
    return fallback


#: A cheap first test for markup the site's sanitiser removes (:func:`kb.report.sanitise.removed_on_publishing`
#: says exactly what): most reports have none, and are not rendered.
UNSAFE_HTML = re.compile(
    r"<\s*(script|iframe|object|embed|style|form)\b|[\s/\"']on[a-z]+\s*=|"
    r"(?:\(|=\s*[\"']?|<)\s*(?:javascript|vbscript|data):",
    re.IGNORECASE,
)


def _unsafe_html(report: Report) -> list[Problem]:
    """A warning on each line holding markup that publishing removes (scripts, event handlers,
    script and data URLs): only markup, never text that shows it (in code, or escaped), which is
    published as text."""
    body = report.body
    # Every match needs '<' or '=', or '(' and ':'; and a match inside a line is also a match
    # in the whole body: two cheap tests and at most one search clear most reports.
    if (
        "<" not in body and "=" not in body and ("(" not in body or ":" not in body)
    ) or not UNSAFE_HTML.search(body):
        return []
    from kb.report.sanitise import removed_on_publishing

    problems = []
    warned: set[int] = set()
    for offset, fragment in removed_on_publishing(body):
        line_start = body.rfind("\n", 0, offset) + 1
        number = report.body_line + body.count("\n", 0, offset)
        if number in warned:
            continue
        warned.add(number)
        problems.append(
            Problem(
                report.shown,
                number,
                offset - line_start + 1,
                "warning",
                "unsafe-html",
                f"'{fragment}' is removed when the report is published",
                "write plain Markdown; scripts, event handlers and script URLs are never published",
            )
        )
    return problems
