"""A source as a document of blocks (headings, paragraphs, items, tables), from plain text or
Markdown; HTML is read into the same blocks by :mod:`kb.importer.html`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Section names that are headings even without numbering or Markdown marks.
KNOWN_SECTIONS = frozenset(
    {
        "detail",
        "details",
        "comment",
        "comments",
        "disclaimer",
        "summary",
        "background",
        "context",
        "next steps",
        "key points",
        "opportunities",
        "conclusion",
        "conclusions",
        "introduction",
        "overview",
        "analysis",
        "what happened",
        "why it matters",
        "outcome",
        "outcomes",
        "action",
        "actions",
        "recommendations",
        "contact",
        "contacts",
        "further information",
        "key findings",
    }
)


_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(\S.*)$")


_BULLET = re.compile(r"^\s*(?:[-*+•·▪‣◦–]|\d{1,2}[.)])\s+(.*)$")


_METADATA_LINE = re.compile(r"^(?:First published|Published|Last updated|Updated|From:)\s", re.IGNORECASE)


#: Unwrapped paragraphs (one line each, as copied from a web page) are longer than this.
WRAP_WIDTH = 100


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "item" or "table"
    text: str  # plain text, inline markup removed
    level: int = 0  # heading level, 1 for the page title
    markdown: str | None = None  # the original Markdown, for Markdown sources


@dataclass
class Document:
    shown: str
    format: str  # "text", "html" or "markdown"
    blocks: list[Block]
    url: str | None = None
    page_title: str | None = None  # <title> or og:title of an HTML page
    meta: dict[str, str] = field(default_factory=dict)


# -- plain text --------------------------------------------------------------------------------
def is_heading_line(line: str) -> bool:
    """A short line that names a section: 'Detail', '0.1 Detail', '2. Comment'."""
    line = line.strip().rstrip(":")
    if not line or len(line) > 70:
        return False
    numbered = _NUMBERED_HEADING.match(line)
    if numbered:
        rest = numbered.group(2)
        return rest[:1].isupper() and not rest.endswith((".", ",", ";")) and len(rest.split()) <= 8
    return line.casefold() in KNOWN_SECTIONS


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines of one paragraph broken at a fixed width, not separate short lines."""
    from kb.importer.chrome import chrome_kind

    widest = max(len(line) for line in lines)
    if len(lines) == 1 or widest > WRAP_WIDTH or any(chrome_kind(line) for line in lines):
        return False
    if any(line.lstrip()[:1].islower() for line in lines[1:]):
        return True  # a line going on in lower case continues the one before
    return widest >= 40 and all(len(line.rstrip()) >= 0.6 * widest for line in lines[:-1])


def _is_short_line(line: str) -> bool:
    """A line shaped like a section heading: short, unpunctuated, not a name or a caption."""
    line = line.strip()
    words = line.split()
    if not (0 < len(line) <= 90 and len(words) <= 12) or line.endswith((".", ",", ";", ":", "!", "?", "”")):
        return False
    if not line[:1].isupper() or line.casefold() in KNOWN_SECTIONS:
        return line.casefold() in KNOWN_SECTIONS
    # 'Sir Mark Walport', 'Jo Johnson': a name or photo caption is every word capitalised.
    return len(words) == 1 or any(w[:1].islower() for w in words[1:])


class _Blocks:
    """Blocks being collected, and the lines of the paragraph not yet closed."""

    def __init__(self, markdown: bool = False) -> None:
        self.blocks: list[Block] = []
        self.paragraph: list[str] = []
        self.markdown = markdown

    def flush(self) -> None:
        """Close the open paragraph, if any."""
        if not self.paragraph:
            return
        joined = " ".join(p.strip() for p in self.paragraph)
        if self.markdown:
            self.blocks.append(Block("paragraph", markdown_to_text(joined), markdown=joined))
        else:
            self.blocks.append(Block("paragraph", joined))
        self.paragraph.clear()

    def add(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def last_is(self, kind: str) -> bool:
        return bool(self.blocks) and self.blocks[-1].kind == kind


def parse_text(text: str, shown: str) -> Document:
    """Text as copied from a web page: one paragraph per line, or hard-wrapped paragraphs."""
    found = _Blocks()
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            _text_chunk(found, lines)
    # A lone short line before any text is a title or a heading: leave that to extract,
    # but mark lone short lines as candidate headings so sections are found.
    blocks, out = found.blocks, []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if (
            block.kind == "paragraph"
            and _is_short_line(block.text)
            and following is not None
            and following.kind != "heading"
            and not _is_short_line(following.text)
        ):
            out.append(Block("heading", block.text, 2))
        else:
            out.append(block)
    return Document(shown, "text", out)


def _text_chunk(found: _Blocks, lines: list[str]) -> None:
    """The blocks of one chunk of text between blank lines."""
    unwrapped = not _hard_wrapped(lines)
    for line in lines:
        bullet = _BULLET.match(line)
        if _METADATA_LINE.match(line.strip()):
            found.flush()
            found.paragraph.append(line)
            found.flush()
        elif is_heading_line(line) and not (bullet and not _NUMBERED_HEADING.match(line.strip())):
            found.add(Block("heading", _strip_number(line.strip().rstrip(":")), 2))
        elif bullet and not is_heading_line(line):
            found.add(Block("item", bullet.group(1).strip()))
        elif unwrapped:
            found.flush()
            found.paragraph.append(line)
            found.flush()
        else:
            found.paragraph.append(line)
    found.flush()


def _strip_number(text: str) -> str:
    numbered = _NUMBERED_HEADING.match(text)
    return numbered.group(2).strip() if numbered else text


# -- Markdown ----------------------------------------------------------------------------------
# Linear patterns only (issue 12): a closing '#*' between two '\s*' after a lazy '(.*?)' made the
# heading pattern cubic in the spaces of a line ('## a', 2,000 spaces, 'b' took 10 s). The closing
# hashes are stripped in code instead (see _atx_title).
_ATX = re.compile(r"^(#{1,6})\s+(.*)$")


_SETEXT = re.compile(r"^(=+|-+)\s*$")


_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_].*?)\1\s*(?::\s*)?$")


def _atx_title(text: str) -> str:
    """A Markdown heading's text without its closing hashes: ``Notes ##`` -> ``Notes``."""
    return text.rstrip().rstrip("#").rstrip()


#: Inline Markdown, each pattern linear: no part scans past the next opening bracket or mark, where
#: '[^\]]+' from every '[' of '[[[[...' made the link pattern quadratic (issue 12).
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^)\[]*\)")


_LINK = re.compile(r"\[([^\[\]]+)\]\([^)\[]*\)")


_EMPHASIS = re.compile(r"(?<![\w*])(?:\*(?!\s)([^*\n]+?)(?<!\s)\*|_(?!\s)([^_\n]+?)(?<!\s)_)(?![\w*])")


_TAG = re.compile(r"<[^<>]+>")


def markdown_to_text(markdown: str) -> str:
    """Inline Markdown to plain text: links, emphasis, code marks removed."""
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = text.replace("`", "")
    text = _TAG.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_markdown(text: str, shown: str) -> Document:
    """Markdown without front matter: headings (ATX, setext, a bold line naming a section),
    paragraphs, list items and tables; fenced code and comments left out."""
    found = _Blocks(markdown=True)
    lines = text.split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and not stripped.startswith("<!--"):
            _markdown_line(found, line, lines[i + 1] if i + 1 < len(lines) else "")
    found.flush()
    return Document(shown, "markdown", found.blocks)


def _markdown_line(found: _Blocks, line: str, following: str) -> None:
    """One line of Markdown: a new block, or more of the open one."""
    stripped = line.strip()
    atx = _ATX.match(stripped)
    bold = _BOLD_LINE.match(stripped)
    bullet = _BULLET.match(line)
    if atx:
        title = markdown_to_text(_atx_title(atx.group(2)))
        found.add(Block("heading", _strip_number(title), len(atx.group(1))))
    elif _setext_title(stripped, following) and not found.paragraph:
        level = 1 if following.strip().startswith("=") else 2
        found.add(Block("heading", _strip_number(markdown_to_text(stripped)), level))
    elif _SETEXT.match(stripped) and len(stripped) >= 3 and found.last_is("heading") and not found.paragraph:
        pass  # the underline of a setext heading
    elif bold and is_heading_line(bold.group(2)):
        found.add(Block("heading", _strip_number(bold.group(2).strip()), 2))
    elif stripped.startswith("|") and stripped.endswith("|") and not found.paragraph:
        _table_row(found, stripped)
    elif bullet and (not found.paragraph or _BULLET.match(found.paragraph[0])):
        item = bullet.group(1).strip()
        found.add(Block("item", markdown_to_text(item), markdown=item))
    elif not stripped:
        found.flush()
    elif line.startswith(("    ", "\t")) and found.last_is("item") and not found.paragraph:
        last = found.blocks.pop()
        markdown = f"{last.markdown} {stripped}"
        found.blocks.append(Block("item", markdown_to_text(markdown), markdown=markdown))
    else:
        found.paragraph.append(stripped)


def _setext_title(stripped: str, following: str) -> bool:
    """A line underlined with ``===`` or ``---`` (not a list item)."""
    underline = following.strip()
    return (
        bool(stripped)
        and bool(_SETEXT.match(underline))
        and len(underline) >= 3
        and not _BULLET.match(stripped)
    )


def _table_row(found: _Blocks, row: str) -> None:
    """A Markdown table is kept whole, as written: each row joins the table above it."""
    text = markdown_to_text(row.strip("|"))
    if found.last_is("table"):
        last = found.blocks.pop()
        found.blocks.append(Block("table", f"{last.text} {text}", markdown=f"{last.markdown}\n{row}"))
    else:
        found.blocks.append(Block("table", text, markdown=row))


_ABBREVIATIONS = (
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Prof.",
    "e.g.",
    "i.e.",
    "St.",
    "No.",
    "etc.",
    "Inc.",
    "Ltd.",
    "Co.",
    "U.S.",
    "U.K.",
    "vs.",
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; abbreviations such as 'Dr.' do not end one."""
    pieces = re.split(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘'(£$€¥₹])", text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]
