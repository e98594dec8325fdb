"""'Did you mean' suggestions: the closest known words to a mistyped one (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process

#: Ids and slugs: lower-case ASCII words joined by single hyphens. Keeps URLs,
#: file names and index keys safe (no ``../``, no look-alike Unicode).


def closest(word: str, choices: Iterable[str], limit: int = 3, cutoff: float = 60) -> list[str]:
    """The choices nearest to ``word`` (for "did you mean" hints)."""
    pool = list(dict.fromkeys(c for c in choices if c))
    if not word or not pool:
        return []
    found = process.extract(word, pool, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in found]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    near = closest(word, choices)
    return f"did you mean {' or '.join(repr(n) for n in near)}?" if near else None
