"""Finding registry entities named in free text, by name, acronym or alias.

Used by ``kb check`` (an entity named in the body but not tagged), by the site
(linking the first mention of each entity) and by ``kb import``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb.registry.model import Registry
from kb.report.comments import replace_comments

#: Sectors are common words ("Energy", "Water"): matching them in prose is noise.
UNMATCHED_KINDS = frozenset({"sector"})
MIN_ACRONYM = 2


#: A character that may not touch a mention: the look-behind and look-ahead of the patterns.
_WORDISH = re.compile(r"[\w-]")


def blank_comments(text: str) -> str:
    """HTML comments replaced by spaces, keeping every offset and line number."""
    return replace_comments(text, lambda comment: re.sub(r"[^\n]", " ", comment))


def _trie_pattern(words) -> str:
    """One regex alternative per shared prefix, longer continuations tried first.

    Matches exactly what ``longest|...|shortest`` would, but ``re`` tries one
    branch per character instead of every name at every position: about 12
    times faster with the sample registry's ~1,200 names and acronyms.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if not char:
                continue
            run = [char]
            # A run of single continuations (the tail of a long name) is written out here, not
            # recursed into: recursion goes one level per branching point, not per character.
            while len(child) == 1 and "" not in child:
                ((char, child),) = child.items()
                run.append(char)
            branches.append(re.escape("".join(run)) + emit(child))
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


@dataclass(frozen=True)
class Mention:
    entity_id: str
    text: str
    start: int
    end: int
    line: int  # 1-based line inside the searched text
    #: Every entity going by this name ("Ministry of Health" exists in many countries).
    candidates: tuple[str, ...] = ()


class MentionFinder:
    """One compiled pattern per registry; build it once and reuse it for every text."""

    def __init__(self, registry: Registry, kinds_excluded: frozenset[str] = UNMATCHED_KINDS) -> None:
        names: dict[str, list[str]] = {}
        acronyms: dict[str, list[str]] = {}
        self._country = {e.id: e.country for e in registry.entities.values()}
        for entity in registry.entities.values():
            if entity.kind in kinds_excluded:
                continue
            for name in (entity.name, *entity.aliases):
                if len(name) >= 4:
                    names.setdefault(name.casefold(), []).append(entity.id)
            for acronym in entity.acronyms:
                if len(acronym) >= MIN_ACRONYM:
                    acronyms.setdefault(acronym, []).append(entity.id)
        self._names = names
        self._acronyms = acronyms
        # Longest first, so "Ministry of Science and ICT" wins over "ICT".
        self._name_re = self._compile(names, re.IGNORECASE)
        self._acronym_re = self._compile(acronyms, 0)
        # Faster forms of the same two searches, with the same results (see _name_spans and
        # _acronym_spans): names searched case-sensitively in lower-cased text, and acronyms
        # without the leading look-behind, so that ``re`` skips ahead to their first letters.
        self._name_lower_re = re.compile(rf"(?<![\w-])(?:{_trie_pattern(names)})(?![\w-])") if names else None
        self._acronym_bare_re = re.compile(rf"(?:{_trie_pattern(acronyms)})(?![\w-])") if acronyms else None
        self._name_chars = frozenset(ch for name in names for ch in name)
        self._lowers_alike: dict[str, bool] = {}
        # Most texts are plain ASCII: one test of the whole text instead of one per character.
        self._ascii_alike = all(self._lower_is_alike(chr(code)) for code in range(128))

    @staticmethod
    def _compile(table: dict[str, list[str]], flags: int) -> re.Pattern | None:
        if not table:
            return None
        return re.compile(rf"(?<![\w-])(?:{_trie_pattern(table)})(?![\w-])", flags)

    def _pick(self, candidates: list[str], countries: tuple[str, ...]) -> str:
        """Among entities sharing a name, prefer one of the text's countries, then the first listed."""
        for entity_id in candidates:
            if self._country.get(entity_id) in countries:
                return entity_id
        return candidates[0]

    def find(self, text: str, countries: tuple[str, ...] = ()) -> list[Mention]:
        """Every non-overlapping mention, in text order (names beat acronyms on overlap).

        ``countries`` (e.g. a report's partner countries) decides between
        entities that share a name or acronym.
        """
        spans_found: list[tuple[int, int, str, list[str]]] = []
        name_spans = self._name_spans(text)
        # Matches of one pattern never overlap each other: only acronyms can overlap a name.
        name_starts = [start for start, _end in name_spans]
        for spans, table, fold in (
            (name_spans, self._names, True),
            (self._acronym_spans(text), self._acronyms, False),
        ):
            for start, end in spans:
                if not fold:
                    i = bisect.bisect_left(name_starts, end) - 1
                    if i >= 0 and name_spans[i][1] > start:
                        continue
                matched = text[start:end]
                spans_found.append((start, end, matched, table[matched.casefold() if fold else matched]))
        spans_found.sort(key=lambda found: found[0])
        # Line numbers counted once along the text, not from its start for every mention.
        found: list[Mention] = []
        line, counted = 1, 0
        for start, end, matched, candidates in spans_found:
            line += text.count("\n", counted, start)
            counted = start
            found.append(
                Mention(self._pick(candidates, countries), matched, start, end, line, tuple(candidates))
            )
        return found

    def _name_spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``_name_re`` matches. In lower-cased text a case-sensitive search finds the same
        spans about 2.5 times faster, when lower-casing keeps every character's length, word-ness
        and case-insensitive matches against the names' characters (true of all but a few exotic
        characters, such as the Kelvin sign or the dotted capital I, which take the slow path)."""
        lower_re = self._name_lower_re
        if self._name_re is None or lower_re is None:  # no names to find (both or neither are set)
            return []
        if self._ascii_alike and text.isascii():
            return [m.span() for m in lower_re.finditer(text.lower())]
        lowers_alike = self._lowers_alike
        for ch in set(text):
            alike = lowers_alike.get(ch)
            if alike is None:
                alike = lowers_alike[ch] = self._lower_is_alike(ch)
            if not alike:
                return [m.span() for m in self._name_re.finditer(text)]
        return [m.span() for m in lower_re.finditer(text.lower())]

    def _lower_is_alike(self, ch: str) -> bool:
        low = ch.lower()
        if len(low) != 1 or bool(_WORDISH.match(low)) != bool(_WORDISH.match(ch)):
            return False
        return all(
            (low == name_ch) == bool(re.fullmatch(re.escape(name_ch), ch, re.IGNORECASE))
            for name_ch in self._name_chars
        )

    def _acronym_spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``_acronym_re`` matches: its look-behind is checked here, after ``re`` has found
        a candidate by its first letter (a leading look-behind makes ``re`` try every position)."""
        spans: list[tuple[int, int]] = []
        if self._acronym_bare_re is None:
            return spans
        search, pos = self._acronym_bare_re.search, 0
        while (match := search(text, pos)) is not None:
            start, end = match.span()
            if start and _WORDISH.match(text, start - 1):
                pos = start + 1
                continue
            spans.append((start, end))
            pos = end
        return spans
