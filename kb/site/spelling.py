"""The words of the published reports, for "did you mean" on the Find reports page.

``kb build`` counts, for every word of the reports' titles, summaries and bodies (the text the
CLI's suggestions come from), how many reports hold it, and writes the counts as one small JSON
file per first character (``kb/spelling/6f.json`` for words starting with ``o``, named by the
character's code point): a suggestion keeps the first letter (see :mod:`kb.util.spelling`), so
the Find page downloads only the files of the letters a reader typed, and only when a word found
nothing. Made from the reports the build publishes (public and redacted for the public site),
so it holds no word of an internal report or section.
"""

from __future__ import annotations

import json
from collections import Counter

from kb.report.comments import replace_comments
from kb.site import paths
from kb.site.context import Site
from kb.util.spelling import words


def spelling_files(
    site: Site, kept: dict[tuple[str, str, str], tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Docs path -> JSON ``{word: number of reports}`` for each first character. ``kept``: each
    report's words by its title, summary and body, kept between the rebuilds of ``kb serve``."""
    counts: Counter[str] = Counter()
    for report in site.reports:
        key = (report.title, report.summary or "", report.body)
        found = kept.get(key) if kept is not None else None
        if found is None:
            text = "\n".join(
                (report.title, report.summary or "", replace_comments(report.body, lambda _c: " "))
            )
            found = tuple(words(text))
            if kept is not None:
                kept[key] = found
        counts.update(found)
    shards: dict[str, dict[str, int]] = {}
    for word in sorted(counts):
        shards.setdefault(shard_name(word), {})[word] = counts[word]
    return {
        f"{paths.SPELLING}/{name}.json": json.dumps(shard, ensure_ascii=False, separators=(",", ":"))
        for name, shard in shards.items()
    }


def shard_name(word: str) -> str:
    """The file of words starting with ``word``'s first character: its code point in hex."""
    return f"{ord(word[0]):x}"
