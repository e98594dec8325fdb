"""Finding registry entities named in free text, by name, acronym or alias.

Used by ``kb check`` (an entity named in the body but not tagged), by the site
(linking the first mention of each entity) and by ``kb import``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .registry import Registry

#: Sectors are common words ("Energy", "Water"): matching them in prose is noise.
UNMATCHED_KINDS = frozenset({"sector"})
MIN_ACRONYM = 2


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def blank_comments(text: str) -> str:
    """HTML comments replaced by spaces, keeping every offset and line number."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass(frozen=True)
class Mention:
    entity_id: str
    text: str
    start: int
    end: int
    line: int  # 1-based line inside the searched text


class MentionFinder:
    """One compiled pattern per registry; build it once and reuse it for every text."""

    def __init__(self, registry: Registry, kinds_excluded: frozenset[str] = UNMATCHED_KINDS) -> None:
        names: dict[str, str] = {}
        acronyms: dict[str, str] = {}
        for entity in registry.entities.values():
            if entity.kind in kinds_excluded:
                continue
            for name in (entity.name, *entity.aliases):
                if len(name) >= 4:
                    names.setdefault(name.casefold(), entity.id)
            for acronym in entity.acronyms:
                if len(acronym) >= MIN_ACRONYM:
                    acronyms.setdefault(acronym, entity.id)
        self._names = names
        self._acronyms = acronyms
        # Longest first, so "Ministry of Science and ICT" wins over "ICT".
        self._name_re = self._compile(names, re.IGNORECASE)
        self._acronym_re = self._compile(acronyms, 0)

    @staticmethod
    def _compile(table: dict[str, str], flags: int) -> re.Pattern | None:
        if not table:
            return None
        alternatives = "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", flags)

    def find(self, text: str) -> list[Mention]:
        """Every non-overlapping mention, in text order (names beat acronyms on overlap)."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for pattern, table, fold in ((self._name_re, self._names, True),
                                     (self._acronym_re, self._acronyms, False)):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                key = match.group(0).casefold() if fold else match.group(0)
                taken.append((start, end))
                found.append(Mention(table[key], match.group(0), start, end,
                                     text.count("\n", 0, start) + 1))
        return sorted(found, key=lambda m: m.start)
