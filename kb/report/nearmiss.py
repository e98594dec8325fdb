"""Near misses: text that tries to mark part of a report internal, and would be published.

Anything that looks like an author's attempt to mark text internal (``<!-- internal start -->``,
``<div class="internal">``, ``[INTERNAL]``, a Word-pasted ``<!– internal –>``, a heading ``## Staff
only``...) hides nothing: :func:`near_misses` finds each, and :mod:`kb.report.markers` makes it
an error. Lines are read as a browser or a careless eye
would read them (entities decoded, dashes and full-width forms folded); a cheap first test
(:func:`quick_clear`) passes over the many bodies and lines that hold no marking word at all.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# -- the words that make a comment, element or label look like a marker ----------------------
#: A word containing one of these marks it ("internal-only", "staffonly", "official-sensitive").
_STEMS = (
    "internal",
    "staff",
    "confidential",
    "sensitive",
    "classified",
    "restricted",
    "embargo",
    "redact",
    "vertraulich",
    "confidentiel",
    "confidencial",
)
#: Whole words only: "secret" is not in "secretariat", "intern" not in "international".
_WORDS = frozenset(
    {"secret", "topsecret", "intern", "interne", "interno", "interna", "nfp", "fouo", "hide", "hidden"}
)
#: Phrases, matched on the words run together ("Not-for-publication", "do not publish").
_PHRASE_WORDS = (
    ("not", "for", "public"),
    ("not", "public"),
    ("not", "for", "release"),
    ("do", "not", "publish"),
    ("don", "t", "publish"),
    ("dont", "publish"),
    ("not", "to", "be", "published"),
    ("do", "not", "release"),
    ("eyes", "only"),
    ("in", "confidence"),
    ("off", "the", "record"),
    ("official", "use", "only"),
    ("ne", "pas", "publier"),
    ("nicht", "veroffentlich"),
    ("no", "publicar"),
)
_PHRASES = tuple(dict.fromkeys("".join(words) for words in _PHRASE_WORDS))
#: In an element's class or a label, "private" hides too; in a comment it is too often "private sector".
_LABEL_WORDS = frozenset({"private"})
#: Words that may stand beside a marking word in a label such as "**Internal use only:**".
_FILLER = frozenset(
    [
        "only",
        "use",
        "for",
        "not",
        "do",
        "don",
        "dont",
        "t",
        "no",
        "publication",
        "publish",
        "publishing",
        "published",
        "release",
        "public",
        "begin",
        "beginning",
        "start",
        "starts",
        "end",
        "ends",
        "stop",
        "section",
        "part",
        "text",
        "content",
        "note",
        "notes",
        "comment",
        "comments",
        "remark",
        "remarks",
        "below",
        "above",
        "following",
        "here",
        "this",
        "the",
        "of",
        "to",
        "be",
        "from",
        "eyes",
        "official",
        "in",
        "confidence",
        "and",
        "or",
        "strictly",
        "highly",
        "information",
        "info",
        "marking",
        "marked",
        "mark",
        "version",
        "draft",
        "record",
        "off",
        "matter",
        "please",
    ]
)
#: Cheap test for a whole body or line, a superset of :func:`marking_word`: substrings first
#: (C-speed ``in``), then whole words and phrases, anchored at a word start so the search is fast.
_QUICK_PARTS = (*_STEMS, "private", "hide", "display", "visibility")
_QUICK_WORDS = re.compile(
    r"\b(?:(?:"
    + "|".join(sorted(_WORDS))
    + r")\b|"
    + "|".join(r"[\W_]*".join(w) for w in _PHRASE_WORDS)
    + ")"
)
_COMBINING = re.compile("[\u0300-\u036f]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def _words(text: str) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain.casefold())


def marking_word(text: str, *, labels: bool = False) -> str | None:
    """The word or phrase of ``text`` that marks it internal, if any."""
    words = _words(text)
    for word in words:
        stem = next((s for s in _STEMS if s in word), None)
        if stem or word in _WORDS or (labels and word in _LABEL_WORDS):
            return word
    joined = "".join(words)
    return next((p for p in _PHRASES if p in joined), None)


def _is_label(text: str) -> bool:
    """Text made only of marking words and filler, such as 'Internal use only' or 'STAFF'."""
    words = _words(text)
    if not words or len(words) > 8:
        return False
    joined = "".join(words)
    marked = any(p in joined for p in _PHRASES) or any(
        w in _WORDS or w in _LABEL_WORDS or any(s in w for s in _STEMS) for w in words
    )
    unknown = [
        w
        for w in words
        if w not in _FILLER and w not in _WORDS and w not in _LABEL_WORDS and not any(s in w for s in _STEMS)
    ]
    return marked and (not unknown or (any(p in joined for p in _PHRASES) and len(words) <= 5))


# -- normalising what editors do to markup ---------------------------------------------------
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _fold(char: str) -> str:
    if unicodedata.category(char) == "Cf":  # zero-width spaces and joiners, soft hyphens
        return ""
    if char in _DASHES:  # Word and Google Docs turn '--' into en or em dashes
        return "-"
    return unicodedata.normalize("NFKC", char).casefold()  # full-width '＜', no-break spaces


def _normalise(line: str) -> tuple[str, list[int]]:
    """``line`` as a browser or a careless eye would read it, and the original column of each
    character: entities decoded (``&lt;!--``), Markdown escapes dropped (``\\<!\\-\\-``), dashes,
    full-width forms and invisible characters folded, lower case."""
    if line.isascii() and "&" not in line and "\\" not in line:
        return line.lower(), list(range(len(line) + 1))
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == "&":
            match = _ENTITY.match(line, i)
            if match and html.unescape(match.group(0)) != match.group(0):
                for piece in html.unescape(match.group(0)):
                    folded = _fold(piece)
                    out.append(folded)
                    where.extend([i] * len(folded))
                i = match.end()
                continue
        if char == "\\" and i + 1 < len(line) and not line[i + 1].isalnum() and not line[i + 1].isspace():
            i += 1
            continue
        folded = _fold(char)
        out.append(folded)
        where.extend([i] * len(folded))
        i += 1
    where.append(len(line))
    return "".join(out), where


# -- the constructs ---------------------------------------------------------------------------
_COMMENT = re.compile(r"<!(\s*-)*")
# Linear (issue 12): a match starts only where a run of dashes starts, and an e-mail look-ahead stops
# at the next '<'; scanned from every dash or every '<', both were quadratic in one long line.
_COMMENT_END = re.compile(r"(?<!-)-+\s*>")
_DECLARATION_END = re.compile(">")
#: An element, not an autolink (<https://...>) or an address (<staff@example.org>).
_TAG = re.compile(r"</?(?![a-z][a-z0-9+.-]*:|[^\s<>]*@)([a-z][a-z0-9:-]*)([^<>]*)>?")
_ATTRIBUTE = re.compile(r"([a-z_:][\w:.-]*)(?:\s*=\s*(\"[^\"]*\"?|'[^']*'?|[^\s>]+))?")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_SUMMARY = re.compile(r"<\s*summary\b[^>]*>(.*?)(?:<\s*/\s*summary\s*>?|$)")
_QUOTE_OR_ITEM = re.compile(r"^(?:\s*>)*\s*(?:[-*+]\s+|\d+[.)]\s+)?")
_DIALECT = (
    (re.compile(r"%%(.*?)(?:%%|$)"), "an Obsidian comment"),
    (re.compile(r"^\[[^\]]*\]:\s*(?:#|<>|<#>)(.*)$"), "a link-reference comment"),
    (re.compile(r"^(?::{3,}|!{3}|\?{3}\+?|/{3,})\s*(.+)$"), "a fenced div or admonition"),
    (re.compile(r"\{%-?\s*comment\s*-?%\}(.*?)(?:\{%|$)"), "a template comment"),
    (re.compile(r"(\{[%{<:.#][^}]*\}{0,2})"), "a template or attribute tag"),
)
_BRACKET = re.compile(r"[\[{]{1,2}\s*/?\s*([^\[\]{}]{1,60}?)\s*[\]}]{1,2}(?![(\[:])")
_DECORATION = " \t#*_=~>|+-.:;!—[](){}<>/\\\"'`"


@dataclass(frozen=True)
class _Found:
    column: int  # 0-based, in the original line
    end: int
    what: str


def _find(text: str, lines_after: list[str]) -> tuple[_Found | None, int]:
    """The first near miss in a normalised line; also how many following lines a comment
    opened here runs over (they are part of it)."""
    found, spans = _in_comment(text, lines_after)
    if found or spans:
        return found, spans
    return _in_element(text) or _in_text(text), 0


def _in_comment(text: str, lines_after: list[str]) -> tuple[_Found | None, int]:
    """A comment (``<!-- ... -->``, or a ``<!...>`` declaration) holding a marking word; and how
    many following lines the first unclosed comment runs over."""
    for match in _COMMENT.finditer(text):
        dashed = "-" in match.group(0)
        closing = _COMMENT_END if dashed else _DECLARATION_END
        rest = text[match.end() :]
        closer = closing.search(rest)
        spans = 0
        if closer:
            content, end = rest[: closer.start()], match.end() + closer.end()
        else:
            content, end = rest, len(text)
            for following in lines_after[:30]:
                spans += 1
                closer = closing.search(following)
                content += "\n" + (following[: closer.start()] if closer else following)
                if closer:
                    break
        if marking_word(content):
            return _Found(match.start(), end, "an HTML comment"), spans
        if spans:
            return None, spans
    return None, 0


def _in_element(text: str) -> _Found | None:
    """An HTML element named like a marker, hiding its text, or labelled like a marker; or a
    ``<summary>`` that reads like one."""
    for match in _TAG.finditer(text):
        name, attributes = match.group(1), match.group(2)
        if marking_word(name, labels=True):
            return _Found(match.start(), match.end(), "an HTML element")
        for attribute in _ATTRIBUTE.finditer(attributes):
            key, value = attribute.group(1), (attribute.group(2) or "").strip("\"'")
            if key == "hidden" or (key == "style" and _HIDING_STYLE.search(value)):
                return _Found(match.start(), match.end(), "HTML that hides text")
            labelling = key in ("class", "id", "title", "role") or key.startswith(("data-", "aria-"))
            if labelling and marking_word(f"{key} {value}", labels=True):
                return _Found(match.start(), match.end(), "an HTML element")
    summary = _SUMMARY.search(text)
    if summary and marking_word(summary.group(1), labels=True):
        return _Found(summary.start(), summary.end(), "a <details> summary")
    return None


def _in_text(text: str) -> _Found | None:
    """Markup of other dialects, a bracketed tag or a label, after any quote or list marker."""
    lead = _QUOTE_OR_ITEM.match(text)
    start = lead.end() if lead else 0
    body = text[start:]
    for pattern, what in _DIALECT:
        for match in pattern.finditer(body):
            if marking_word(match.group(1)):
                return _Found(start + match.start(), start + match.end(), what)
    for match in _BRACKET.finditer(body):
        if _is_label(match.group(1)):
            return _Found(start + match.start(), start + match.end(), "a bracketed tag")
    label = body.strip(_DECORATION)
    if "|" in label:  # a table row: cells, not a label
        return None
    head = label.split(":", 1)[0] if ":" in label else label
    if head and _is_label(head):
        offset = start + body.find(head[:1])
        return _Found(offset, offset + len(head), "a label or heading")
    return None


def _code_lines(body: str, hidden: set[int]) -> set[int]:
    """0-based numbers of the lines inside fenced code blocks, found with the site's own Markdown
    rule on the body as the public build renders it (internal sections and markers blanked)."""
    if "```" not in body and "~~~" not in body:
        return set()
    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    lines = body.split("\n")
    shaped = "\n".join("" if i in hidden else line for i, line in enumerate(lines))
    inside: set[int] = set()
    for match in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(shaped):
        first = shaped.count("\n", 0, match.start())
        last = shaped.count("\n", 0, match.end())
        inside.update(range(first, last + 1))
    return inside


def quick_clear(body: str) -> bool:
    """True when no line of ``body`` can be a near miss: no marking word, no character entity
    ("R&D" is not one) and no full-width bracket."""
    if "\uff1c" in body or "\ufe64" in body or ("&" in body and _ENTITY.search(body)):
        return False
    if not body.isascii():
        body = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", _INVISIBLE.sub("", body)))
        body = _COMBINING.sub("", body)
    folded = body.casefold()
    return not any(part in folded for part in _QUICK_PARTS) and not _QUICK_WORDS.search(folded)


@dataclass(frozen=True)
class NearMiss:
    """Where a line tries to mark text internal: 0-based line and columns in the body as written."""

    line: int
    start: int
    end: int
    what: str  # "an HTML comment", "a bracketed tag", ...


def near_misses(body: str, hidden: set[int]) -> list[NearMiss]:
    """Every line of ``body`` outside internal sections and code blocks (``hidden``: 0-based
    numbers of the lines never published) that tries to mark text internal."""
    if quick_clear(body):
        return []
    found_all = []
    lines = body.split("\n")
    code = _code_lines(body, hidden)
    skip = 0
    for i, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        if i in hidden or i in code or ("<!" not in line and quick_clear(line)):
            continue
        text, where = _normalise(line)
        following = [_normalise(other)[0] for other in lines[i + 1 : i + 31]] if "<!" in text else []
        found, skip = _find(text, following)
        if found:
            found_all.append(
                NearMiss(i, where[found.column], where[min(found.end, len(where) - 1)], found.what)
            )
    return found_all
