"""Two snapshots compared: the pages that change, and the text that becomes public.

Fail closed: every text of a report page that the public could not read before is named,
paragraph by paragraph, with why it is new to the public. Only the text of a report that is new
in this change is summarised (it is all in the change's own diff), unless a paragraph of it was
internal text before, which is named like the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.changes.revisions import checkout, resolve
from kb.changes.snapshot import PageKey, Snapshot, snapshot

#: Why a text becomes public (shown in this order).
TURNED_PUBLIC = "report turned public"
WAS_INTERNAL = "was internal"
NEW_TEXT = "new or edited text"
REASONS = (TURNED_PUBLIC, WAS_INTERNAL, NEW_TEXT)


@dataclass(frozen=True)
class NewlyPublic:
    """One text of a report page that the public could not read before."""

    report: str
    file: str
    reason: str
    text: str


@dataclass(frozen=True)
class NewReport:
    """A report new in this change: public, with this many texts (title, paragraphs, items)."""

    report: str
    file: str
    texts: int


@dataclass
class Changes:
    base: str
    head: str
    added: list[PageKey] = field(default_factory=list)
    changed: list[PageKey] = field(default_factory=list)
    removed: list[PageKey] = field(default_factory=list)
    newly_public: list[NewlyPublic] = field(default_factory=list)
    new_reports: list[NewReport] = field(default_factory=list)
    titles: dict[PageKey, str] = field(default_factory=dict)

    @property
    def anything_public(self) -> bool:
        return bool(self.newly_public or self.new_reports)


def compare(before: Snapshot, after: Snapshot, base: str = "BASE", head: str = "HEAD") -> Changes:
    changes = Changes(base, head)
    for key in sorted(after.pages.keys() - before.pages.keys()):
        changes.added.append(key)
    for key in sorted(before.pages.keys() - after.pages.keys()):
        changes.removed.append(key)
    for key in sorted(after.pages.keys() & before.pages.keys()):
        if after.pages[key] != before.pages[key]:
            changes.changed.append(key)
    for key in (*changes.added, *changes.changed, *changes.removed):
        row = after.pages.get(key) or before.pages[key]
        changes.titles[key] = str(row.get("title") or row.get("name") or row.get("what") or "")
    was_public = before.all_public_texts()
    for report_id, texts in after.public_texts.items():
        file = after.report_files.get(report_id, report_id)
        fresh = [t for t in texts if t not in was_public]
        if not fresh:
            continue
        if report_id in before.public_texts:
            reasons = [WAS_INTERNAL if t in before.staff_texts else NEW_TEXT for t in fresh]
        elif report_id in before.report_files:
            reasons = [TURNED_PUBLIC] * len(fresh)
        else:
            # a new report: only the text that was internal somewhere before is named
            reasons = [WAS_INTERNAL if t in before.staff_texts else "" for t in fresh]
            changes.new_reports.append(NewReport(report_id, file, len(texts)))
        changes.newly_public += [
            NewlyPublic(report_id, file, reason, text)
            for reason, text in zip(reasons, fresh, strict=True)
            if reason
        ]
    return changes


def changes(root: Path, base: str, head: str | None = None, *, today: date | None = None) -> Changes:
    """``kb changes BASE [HEAD]``: what going from revision ``base`` to ``head`` (default: the
    working tree in ``root``, uncommitted edits included) does to the public site."""
    today = today or date.today()
    base_commit = resolve(root, base)
    head_commit = resolve(root, head) if head is not None else None
    with checkout(root, base_commit) as folder:
        before = snapshot(folder, today)
    if head_commit is None:
        after = snapshot(root, today)
    else:
        with checkout(root, head_commit) as folder:
            after = snapshot(folder, today)
    return compare(before, after, base, head or "working tree")
