"""Reading a document's parts: title, publication date, publisher, sections, disclaimer; and
lists whose stated count differs from their items.

Works on the blocks of :mod:`kb.importer.document`, whatever the file format was. The visit is
read in :mod:`kb.importer.visit`, the people in :mod:`kb.importer.people`. Anything unsure is
returned as a review note, never silently guessed.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date

from kb.importer.datefind import DateFinding, DateReader
from kb.importer.document import Block, Document

DISCLAIMER_SIGNALS = (
    "warrant",
    "liabilit",
    "accuracy",
    "completeness",
    "representation",
    "for information only",
    "loss or damage",
    "no liability",
    "reliable",
    "reliance",
    "advice",
    "own judg",
    "own business decisions",
    "disclaim",
)

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a hundred": 100,
}


@dataclass
class Section:
    heading: str | None
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Extracted:
    title: str | None
    genre: str | None
    published: date | None
    publisher: str | None
    sections: list[Section]
    disclaimer_text: str | None
    review: list[str] = field(default_factory=list)
    date_finding: DateFinding | None = None  # the date read, sure or a guess, and where from
    chrome: list[str] = field(default_factory=list)  # page furniture left out of the body
    title_note: str | None = None  # why the title is a guess

    def paragraphs(self) -> list[str]:
        """Every paragraph and list item of the body, in order (the disclaimer left out)."""
        return [b.text for s in self.sections for b in s.blocks]


def is_disclaimer(text: str) -> bool:
    lowered = text.casefold()
    return sum(1 for signal in DISCLAIMER_SIGNALS if signal in lowered) >= 3


def extract(document: Document, reader: DateReader | None = None) -> Extracted:
    """Title, date, publisher and sections of a document (see :mod:`kb.importer.header`)."""
    from kb.importer.header import read_header

    reader = reader or DateReader()
    header = read_header(document.blocks, reader)
    title, note = header.title, header.title_note
    if note and document.page_title:
        title, note = document.page_title, None
    sections, disclaimer_text = _sections(header.body)
    finding = header.published
    if document.meta.get("date") and (finding is None or finding.source != "the 'Published' line"):
        with contextlib.suppress(ValueError):  # a malformed metadata date: keep what the text says
            finding = DateFinding(date.fromisoformat(document.meta["date"][:10]), "the page's metadata", True)
    return Extracted(
        title,
        header.genre,
        finding.day if finding and finding.sure else None,
        header.publisher,
        sections,
        disclaimer_text,
        list(header.review),
        finding,
        header.chrome,
        note,
    )


def _sections(blocks: list[Block]) -> tuple[list[Section], str | None]:
    """Group blocks under their headings; take the disclaimer section or paragraph out."""
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    top = levels[0] if levels else 2
    sections: list[Section] = []
    current = Section(None, 2)
    disclaimer: list[str] = []
    in_disclaimer = False
    for block in blocks:
        if block.kind == "heading":
            if current.heading or current.blocks:
                sections.append(current)
            in_disclaimer = block.text.casefold().rstrip(":") in ("disclaimer", "legal disclaimer")
            current = Section(block.text, 2 if block.level <= top else 3)
            continue
        if in_disclaimer or (block.kind == "paragraph" and is_disclaimer(block.text)):
            disclaimer.append(block.text)
            continue
        current.blocks.append(block)
    if current.heading or current.blocks:
        sections.append(current)
    sections = [
        s
        for s in sections
        if s.blocks or (s.heading and s.heading.casefold() not in ("disclaimer", "legal disclaimer"))
    ]
    kept: list[Section] = []
    for index, section in enumerate(sections):
        following = sections[index + 1] if index + 1 < len(sections) else None
        if section.blocks or (following and following.level > section.level):
            kept.append(section)
        elif section.heading:
            # A heading with nothing under it was a short last line, not a heading: keep its text.
            paragraph = Block("paragraph", section.heading)
            if kept:
                kept[-1].blocks.append(paragraph)
            else:
                kept.append(Section(None, 2, [paragraph]))
    return kept, (" ".join(disclaimer) if disclaimer else None)


# -- lists whose stated count differs from their items -----------------------------------------
_COUNTED_LIST = re.compile(
    r"\b(?P<count>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
    r"(?P<noun>(?:[\w-]+\s+){0,3}[\w-]+s)\b(?P<rest>[^:.;]{0,40}):\s*(?P<items>[^.;]+)",
    re.IGNORECASE,
)


def list_count_problems(paragraphs: list[str]) -> list[str]:
    """'nine strategic industries: a, b, ..., j' listing ten: a note for review."""
    notes = []
    for paragraph in paragraphs:
        for match in _COUNTED_LIST.finditer(paragraph):
            word = match.group("count").lower()
            stated = int(word) if word.isdigit() else WORD_NUMBERS.get(word)
            items = [i.strip() for i in match.group("items").split(",") if i.strip()]
            if len(items) < 2:
                continue
            last = re.sub(r"^and\s+", "", items[-1])
            items[-1] = last
            if " and " in last and not match.group("items").rstrip().endswith(")"):
                items[-1:] = [p.strip() for p in last.rsplit(" and ", 1)]
            if stated and len(items) != stated:
                notes.append(
                    f"the text says '{match.group('count')} {match.group('noun')}' but lists "
                    f"{len(items)}: check the list"
                )
    return notes
