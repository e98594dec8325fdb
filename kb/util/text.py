"""Small text helpers shared by the scaffold, the importer and the site."""

from __future__ import annotations

import re
import unicodedata

#: Ids and slugs: lower-case ASCII words joined by single hyphens. Keeps URLs,
#: file names and index keys safe (no ``../``, no look-alike Unicode).


def slugify(text: str, max_length: int = 60) -> str:
    """A safe id from free text: ``Seoul: open data!`` -> ``seoul-open-data``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "report"


def human_number(value: int | float) -> str:
    """A number for people: thousands separators, otherwise as Python writes it (``10000000`` ->
    ``10,000,000``, ``1234.5`` -> ``1,234.5``, ``2.0`` stays ``2.0``, ``1e-07`` stays)."""
    return format(value, ",")


def quantity(value: int | float | None, unit: str | None) -> str:
    """A value with its unit as written, for people: ``10,000,000 people``, ``50 GBP million``,
    ``60 %``; empty without a value."""
    if value is None:
        return ""
    return f"{human_number(value)} {unit}".rstrip() if unit else human_number(value)


#: Markdown and HTML syntax taken out of a snippet, in order (see :func:`plain_snippet`).
_MARKDOWN = (
    (re.compile(r"<!--.*?(?:-->|$)|<!--|-->", re.DOTALL), " "),  # comments, whole or cut
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),  # HTML tags
    (re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),  # [text](url), images
    (re.compile(r"!?\[([^\[\]]*)\]\[[^\[\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"\]\([^()\s]*\)"), ""),  # the end of a link cut at the snippet's start
    (re.compile(r"\]\([^()\s]*$"), ""),  # the start of a link's address cut at its end
    (re.compile(r"(?m)^\s{0,3}#{1,6}(?:\s+|$)|\s#{1,6}\s+(?=\S)"), " "),  # heading hashes
    (re.compile(r"(?m)^\s{0,3}>\s?"), ""),  # block quotes
    (re.compile(r"(?m)^\s*(?:[-*+]|\d+[.)])\s+"), ""),  # list bullets and numbers
    (re.compile(r"(?m)^\s*(?:[-*_]\s*){3,}$"), " "),  # rules
    (re.compile(r"(?m)^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$"), " "),  # table rules
    (re.compile(r"\s*\|\s*"), " | "),  # table cells
    (re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|`+|~~"), ""),  # emphasis, code, strike-through
    (re.compile(r"(?<!\w)\[|\](?!\w)"), ""),  # brackets of a cut link or a reference
    (re.compile(r"\s+"), " "),
)
#: The matched words of a snippet, as the search marks them.
_MATCH = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_START, _END = "\x02", "\x03"  # control characters: never in a report (kb.util.characters)


def plain_snippet(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet (matched words as ``**word**``, the report's own Markdown around them)
    as plain text, in pieces each with whether it is a matched word. Markdown and HTML syntax is
    taken out (emphasis, heading hashes, quotes, bullets, code marks, tags; a link keeps its text),
    also where the snippet cuts it. Bold the report itself wrote (``**word**``) cannot be told
    from a match, so it is emphasised too."""
    text = _MATCH.sub(lambda m: f"{_START}{m.group(1)}{_END}", snippet.replace(_START, "").replace(_END, ""))
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    pieces: list[tuple[str, bool]] = []
    for index, part in enumerate(re.split(f"[{_START}{_END}]", text.strip())):
        if part:
            pieces.append((part, index % 2 == 1))
    return pieces
