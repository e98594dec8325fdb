""" "Did you mean" for searches: the rule, and the words it works on, in one place.

The rule (the CLI's, :mod:`kb.search.spelling`, kept the same on the site's Find page, whose
script ``site_pages/javascripts/find.js`` implements :func:`suggestion` line for line; a browser
test compares the two): a word of three letters or more that no report holds is replaced by the
nearest word that reports do hold, first among words one edit away (Levenshtein), then two, always
with the same first letter; among several, the one in most reports, then the first in
alphabetical order. A word is held when a report has it or a longer word starting with it (the
Find page matches word starts, as the CLI matches word stems).

:func:`words` splits text as the search index does: runs of letters and digits, joined by single
dots (``www.gov.uk``), lower-cased; stop words are kept, so that they count as held.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"\w+(?:\.\w+)*")
#: Shorter words get no suggestion (too many neighbours one edit away).
SHORTEST = 3
DISTANCES = (1, 2)


def words(text: str) -> set[str]:
    """The distinct lower-cased words of ``text`` that have a letter (numbers alone are left out)."""
    return {w for w in (m.lower() for m in _WORD.findall(text)) if not w.isdigit()}


def held(word: str, counts: Mapping[str, int]) -> bool:
    return word in counts or any(other.startswith(word) for other in counts)


def suggestion(word: str, counts: Mapping[str, int]) -> str | None:
    """The word to suggest for ``word``, given how many reports hold each word (``counts``); None
    when ``word`` is held, short, or has no near word."""
    word = word.lower()
    if len(word) < SHORTEST or held(word, counts):
        return None
    for distance in DISTANCES:
        near = {
            other: number
            for other, number in counts.items()
            if number > 0
            and other[:1] == word[:1]
            and Levenshtein.distance(other, word, score_cutoff=distance) <= distance
        }
        if near:
            return min(near, key=lambda other: (-near[other], other))
    return None
