"""The top of a document: page chrome set aside, then the title and the publication date.

Real pages do not always start with their title: a content-type line, a site
banner, a dateline block ("Media Note / Office of the Spokesperson /
Washington, DC / May 3, 2012") or the text itself may come first. The title is
the first line of the header that reads like one; a text without one gets the
first sentence as its title, with a review note. The publication date is taken,
most trusted first, from a "Published" line, a crawler's date prefix, glued
metadata, a date alone on a header line, "today (6 December 2017)", a dateline
with a year; failing those, the first full date of an event sentence is a
guess for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from kb.importer.chrome import GLUED_METADATA, chrome_kind, split_crawl_prefix
from kb.importer.datefind import DateFinding, DateReader, body_date, dateline, today_date
from kb.importer.document import KNOWN_SECTIONS, Block

#: Words that make a short all-capitalised line a body's name ('Office of the Press Secretary').
_ORG_HEADS = re.compile(
    r"\b(?:Office|Ministry|Department|House|Embassy|Agency|Council|Commission|"
    r"Secretariat|Directorate|Bureau|Service|Government|Spokesperson|Street)\b"
)
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "in", "&", "to", "at", "de", "du", "des"})
_FROM = re.compile(r"^From\s*:\s*(.+)$")
TITLE_MAX = 250
#: A title made from the first sentence keeps at most this many words.
GUESSED_TITLE_WORDS = 14


@dataclass
class Header:
    title: str | None = None
    title_note: str | None = None  # why the title is a guess
    genre: str | None = None
    publisher: str | None = None
    published: DateFinding | None = None
    body: list[Block] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return text.split()


def _is_prose(text: str) -> bool:
    """A sentence of running text (the body has started), not a header line."""
    words = _words(text)
    if text.rstrip().endswith(":") or text[:1].islower():
        return True
    return len(words) >= 8 and text.rstrip().endswith((".", "!", "?", "”", '"', "’"))


def _org_line(text: str) -> bool:
    words = _words(text)
    return (
        len(words) <= 6
        and bool(_ORG_HEADS.search(text))
        and all(w[:1].isupper() or w.casefold() in _CONNECTORS for w in words)
    )


def is_date_line(reader: DateReader, text: str) -> bool:
    mentions = reader.mentions(text)
    return len(mentions) == 1 and len(mentions[0].phrase) >= len(text.strip(" .,;:[]()")) - 2


def title_like(text: str, block: Block, first: bool = False) -> bool:
    """A line that reads as a title; ``first`` when nothing but chrome came before it."""
    text = text.strip()
    if not text or len(text) > TITLE_MAX or text.endswith((".", ":", ";", ",")):
        return False
    if not (text[:1].isupper() or text[:1].isdigit() or text[:1] in "‘“\"'"):
        return False
    if text.casefold().rstrip(":") in KNOWN_SECTIONS:
        return False
    # Short titles ('India: solar') are trusted at the top or as a page's <h1>, not in a header
    # full of site sections ('Research and innovation', 'International Cooperation').
    short_ok = (block.kind == "heading" and block.level == 1) or (first and ":" in text)
    minimum = 2 if short_ok else 4
    return len(_words(text)) >= minimum and not _org_line(text)


def guessed_title(body: list[Block]) -> tuple[str, str] | None:
    """The first sentence of the text, shortened: ``(title, where it came from)``."""
    from kb.importer.document import split_sentences

    for number, block in enumerate(body, start=1):
        if (
            block.kind == "heading"
            or not block.text.strip()
            or (block.text.rstrip().endswith(":") and number < len(body))
        ):
            continue  # 'A Downing Street spokesperson said:' leads in to the text, it is not its subject
        sentence = split_sentences(block.text)[0] if split_sentences(block.text) else block.text
        words = sentence.strip(' “"').rstrip(".:").split()
        title = " ".join(words[:GUESSED_TITLE_WORDS]) + (" …" if len(words) > GUESSED_TITLE_WORDS else "")
        title = title[:1].upper() + title[1:]
        return title, f"paragraph {number}"
    return None


def read_header(blocks: list[Block], reader: DateReader) -> Header:
    """Split chrome, title and dates from the body (whose blocks keep their order)."""
    header = Header()
    blocks = list(blocks)
    if blocks:
        iso, rest = split_crawl_prefix(blocks[0].text)
        if iso:
            header.published = DateFinding(date.fromisoformat(iso), f"the page's 'date {iso}' prefix", True)
            blocks[0] = replace(blocks[0], text=rest, markdown=None)
    header_dates: list[DateFinding] = []
    body_started = False
    for block in blocks:
        text = block.text.strip()
        plain = text.strip("*_ ")
        if _header_line(header, header_dates, reader, text, plain, body_started):
            continue
        if not body_started and header.title is None and title_like(plain, block, first=not header.body):
            header.title = text
            continue
        if (block.kind != "heading" and _is_prose(plain)) or block.kind == "item":
            body_started = True
        header.body.append(block)
    if header.title is None:
        guess = guessed_title(header.body)
        if guess:
            header.title = guess[0]
            header.title_note = (
                f"the text has no title line: the title was made from the first sentence "
                f"({guess[1]}); write the real title"
            )
    paragraphs = [b.text for b in header.body]
    header.published = _publication(reader, header.published, header_dates, paragraphs)
    return header


def _header_line(
    header: Header,
    header_dates: list[DateFinding],
    reader: DateReader,
    text: str,
    plain: str,
    body_started: bool,
) -> bool:
    """Whether a line is page furniture: a 'Published' line, chrome (the content type, a 'From:'
    line, glued metadata) or, before the body, a line that is only a date. What it says goes into
    ``header`` and ``header_dates``."""
    from kb.importer.datefind import parse_published

    reading = parse_published(plain)
    if reading is not None:
        header.chrome.append(text)
        if reading[0] is None:
            header.review.append(f"the publication date '{text}' is not a real date")
        else:
            header_dates.insert(0, DateFinding(reading[0], "the 'Published' line", True))
            header.publisher = header.publisher or reading[1]
        return True
    kind = chrome_kind(plain)
    if kind is not None:
        header.chrome.append(text)
        if kind == "content type" and header.genre is None and not body_started:
            header.genre = plain.rstrip(":")
        from_line = _FROM.match(plain)
        if from_line:
            header.publisher = header.publisher or from_line.group(1).strip()
        glued = GLUED_METADATA.match(plain)
        if glued:
            mentions = reader.mentions(f"{glued.group('day')} {glued.group('month')} {glued.group('year')}")
            if mentions and mentions[0].start:
                header_dates.append(DateFinding(mentions[0].start, "the page's metadata line", True))
        return True
    if not body_started and is_date_line(reader, plain):
        mention = reader.mentions(plain)[0]
        if mention.start:
            header.chrome.append(text)
            header_dates.append(DateFinding(mention.start, f"the date line '{plain}'", True))
            return True
    return False


def _publication(
    reader: DateReader, prefix: DateFinding | None, header_dates: list[DateFinding], paragraphs: list[str]
) -> DateFinding | None:
    published = [d for d in header_dates if d.source == "the 'Published' line"]
    if published:
        return published[0]
    if prefix:
        return prefix
    if header_dates:
        return header_dates[0]
    today = today_date(reader, paragraphs)
    if today:
        return today
    for number, paragraph in enumerate(paragraphs[:3], start=1):
        opening = dateline(reader, paragraph)
        if opening and opening.start:
            return DateFinding(opening.start, f"the dateline '{opening.phrase}' in paragraph {number}", True)
    return body_date(reader, paragraphs)
