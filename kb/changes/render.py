"""``kb changes`` output: plain text for a terminal, Markdown for a pull request comment.

The text that becomes public comes first and loud, grouped by report; then the pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from itertools import groupby

from kb.changes.compare import REASONS, Changes, NewlyPublic
from kb.changes.snapshot import PageKey
from kb.util.characters import printable

#: The values of ``kb changes --format``.
CHANGES_FORMATS = ("text", "github")
#: A quoted paragraph is cut here: the reviewer needs to recognise it, the diff has the rest.
QUOTE_CHARS = 300


def _quote(text: str) -> str:
    text = printable(text)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _by_report(items: list[NewlyPublic]) -> list[tuple[str, list[NewlyPublic]]]:
    ordered = sorted(items, key=lambda i: (i.file, REASONS.index(i.reason)))
    return [(file, list(group)) for file, group in groupby(ordered, key=lambda i: i.file)]


def _headline(changes: Changes) -> str:
    pages = len(changes.added) + len(changes.changed) + len(changes.removed)
    return (
        f"{len(changes.newly_public)} text(s) become public that were not public before, "
        f"{len(changes.new_reports)} new public report(s), {pages} public page(s) changed"
    )


def render_text(changes: Changes) -> str:
    lines = [f"kb changes {changes.base}..{changes.head}: {_headline(changes)}"]
    if changes.anything_public:
        lines += ["", "BECOMES PUBLIC (was not public before):"]
        for file, items in _by_report(changes.newly_public):
            lines.append(f"  {printable(file)}")
            lines += [f"    {item.reason}: {_quote(item.text)}" for item in items]
        lines += [f"  {printable(r.file)}: new public report, {r.texts} text(s)" for r in changes.new_reports]
    else:
        lines += ["", "Nothing becomes public that was not public before."]
    pages = _page_lines(changes, "  {verb:<8} {kind:<12} {id}  {title}")
    lines += ["", "Public pages:", *(pages or ["  none"])]
    return "\n".join(lines) + "\n"


def _page_lines(changes: Changes, pattern: str, escape: Callable[[str], str] = _quote) -> list[str]:
    lines = []
    for verb, keys in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
        lines += [_page_line(pattern, verb, key, escape(changes.titles.get(key, ""))) for key in keys]
    return lines


def _page_line(pattern: str, verb: str, key: PageKey, title: str) -> str:
    kind, page_id = key
    return pattern.format(verb=verb, kind=kind, id=printable(page_id), title=title)


def _md(text: str) -> str:
    """Text inside a comment: no HTML, no mention or reference that pings someone."""
    return html.escape(_quote(text), quote=False).replace("@", "@\u200b").replace("#", "#\u200b")


def render_github(changes: Changes) -> str:
    """Markdown for a pull request (or merge request) comment."""
    out = [
        "## What this change does to the public site",
        "",
        f"`{changes.base}`..`{changes.head}`: {_headline(changes)}.",
        "",
    ]
    if changes.anything_public:
        out += [
            "> [!CAUTION]",
            "> **Text becomes public that was not public before.** Read each paragraph below.",
            "",
            "### Becomes public",
            "",
        ]
        for file, items in _by_report(changes.newly_public):
            out.append(f"- `{_md(file)}`")
            out += [f"  - **{item.reason}**: {_md(item.text)}" for item in items]
        out += [f"- `{_md(r.file)}`: new public report, {r.texts} text(s)" for r in changes.new_reports]
        out.append("")
    else:
        out += ["Nothing becomes public that was not public before.", ""]
    out += ["### Public pages", ""]
    rows = _page_lines(
        changes, "| {verb} | {kind} | `{id}` | {title} |", lambda t: _md(t).replace("|", "\\|")
    )
    if rows:
        out += ["| change | page | id | title |", "|---|---|---|---|", *rows]
    else:
        out.append("No public page changes.")
    return "\n".join(out) + "\n"


def render_changes(changes: Changes, fmt: str) -> str:
    if fmt == "text":
        return render_text(changes)
    if fmt == "github":
        return render_github(changes)
    raise ValueError(f"unknown format {fmt!r}")
