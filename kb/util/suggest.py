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
