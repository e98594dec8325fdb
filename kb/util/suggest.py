"""'Did you mean' suggestions: the closest known words to a mistyped one (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def closest(word: str, choices: Iterable[str], limit: int = 3, cutoff: float = 60) -> list[str]:
    """The choices nearest to ``word`` (for "did you mean" hints)."""
    pool = list(dict.fromkeys(c for c in choices if c))
    if not word or not pool:
        return []
    from rapidfuzz import process  # only when a suggestion is needed: every kb search imports this module

    found = process.extract(word, pool, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in found]


def typo_distance(word: str) -> int:
    """How many typing slips (a letter wrong, missing, extra, or two swapped) a word of this
    length may hold and still be called a near miss: 1 up to 5 letters, 2 up to 9, then 3."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


def near_misses(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The choices a mistyped ``word`` is a near miss of (:func:`typo_distance` slips or fewer,
    ignoring case), nearest first: the floor under "did you mean" for ids and acronyms, so that
    ``msti`` gets ``msit`` and ``mohw`` gets nothing rather than ``me``."""
    key = word.casefold()
    if not key:
        return []
    from rapidfuzz.distance import OSA  # only when a suggestion is needed (see closest)

    most = typo_distance(key)
    scored = []
    for order, choice in enumerate(dict.fromkeys(c for c in choices if c)):
        distance = OSA.distance(key, choice.casefold(), score_cutoff=most)
        if distance <= most:
            scored.append((distance, order, choice))
    return [choice for _d, _o, choice in sorted(scored)[:limit]]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    near = closest(word, choices)
    return f"did you mean {' or '.join(repr(n) for n in near)}?" if near else None


def one_of(value: str, allowed: Sequence[str], option: str) -> str:
    """``value`` if it is one of ``allowed``; else a one-line usage error (exit 2) that names
    them all and the closest: the one message for a bad choice, in the CLI and the library."""
    if value in allowed:
        return value
    from kb.errors import UsageError

    hint = did_you_mean(value, allowed) or f"one of: {', '.join(allowed)}"
    raise UsageError(f"{option} '{value}' is not one of {', '.join(allowed)}", hint=hint)
