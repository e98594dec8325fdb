"""Sectors from the registry's keywords.

Each sector entity lists lower-case ``keywords``. A sector is proposed when its
keywords, name or aliases occur at least twice in the text, once in the title,
or once in a list of themes: a single passing mention is not what a report is about. Text inside entity names is not searched, so
'Ministry of Security' does not make a report about security. The parent of a
level-2 sector is proposed with it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from kb.registry.model import Registry

MIN_HITS = 2
#: An enumeration: a cue, then at least two commas or semicolons before the sentence ends.
_LIST = re.compile(
    r"(?:\b(?:including|such as|as well as|areas? of|sectors?|priorities|fields?|themes?)\b|:)"
    r"(?P<items>(?:[^.:\n,;]{0,200}[,;]){2}[^.\n]{0,200})"
)


def list_spans(text: str) -> list[tuple[int, int]]:
    """Where the text lists themes: enumerations after a cue."""
    spans = [(m.start("items"), m.end("items")) for m in _LIST.finditer(text)]
    return spans


@dataclass(frozen=True)
class SectorHit:
    sector_id: str
    keyword: str
    start: int
    end: int


class SectorMatcher:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        table: dict[str, str] = {}
        for entity in registry.of_kind("sector"):
            # A sector's own name and aliases name it as surely as its keywords ('Life sciences').
            # A single-word name ('Technology') is too common a word to name the sector on its own.
            names = [n for n in (entity.name, *entity.aliases) if len(n.split()) > 1]
            for keyword in (*entity.keywords, *names):
                keyword = keyword.strip().casefold()
                if keyword:
                    table.setdefault(keyword, entity.id)
                    # 'electric vehicles' also finds 'electric vehicle' (phrases only: the singular
                    # of one word is too often another word, 'buildings' -> 'building').
                    if " " in keyword and keyword.endswith("s") and not keyword.endswith("ss"):
                        table.setdefault(keyword[:-1], entity.id)
        self._table = table
        self._pattern = None
        if table:
            alternatives = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
            # Plurals: 'hospital' finds 'hospitals', 'satellite' finds 'satellites'.
            self._pattern = re.compile(rf"(?<![\w-])({alternatives})(?:s|es)?(?![\w-])", re.IGNORECASE)

    def hits(self, text: str) -> list[SectorHit]:
        if self._pattern is None:
            return []
        return [
            SectorHit(self._table[m.group(1).casefold()], m.group(1).casefold(), m.start(), m.end())
            for m in self._pattern.finditer(text)
        ]

    def sectors(self, text: str, title: str = "", listed: list[tuple[int, int]] | None = None) -> list[str]:
        """Sector ids for a text whose entity names are already blanked out, best first.

        A theme named in a list ('priorities: health, energy and education', a bullet) is
        enough on its own: a list names what the text is about.
        """
        counts: dict[str, int] = defaultdict(int)
        spans = sorted(list_spans(text) + list(listed or []))
        starts = [start for start, _end in spans]
        for hit in self.hits(text):
            index = bisect_right(starts, hit.start) - 1
            in_list = index >= 0 and hit.start < spans[index][1]
            counts[hit.sector_id] += MIN_HITS if in_list else 1
        in_title = {hit.sector_id for hit in self.hits(title)}
        chosen = [
            s for s in sorted(counts, key=lambda s: -counts[s]) if counts[s] >= MIN_HITS or s in in_title
        ]
        chosen.extend(s for s in in_title if s not in chosen)
        out: list[str] = []
        for sector_id in chosen:
            entity = self.registry.get(sector_id)
            for candidate in (sector_id, entity.parent if entity else None):
                if candidate and candidate not in out and self.registry.get(candidate) is not None:
                    out.append(candidate)
        return out
