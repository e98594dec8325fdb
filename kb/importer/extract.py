"""Reading a document's parts: title, publication date, sections, disclaimer, visit, people.

Works on the blocks of :mod:`kb.importer.sources`, whatever the file format was.
Anything unsure is returned as a review note, never silently guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kb.importer.datefind import _DAY, MONTH_RE, DateFinding, DateReader, _safe_date, month_number
from kb.importer.document import Block, Document, split_sentences

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
class PersonReading:
    name: str
    role: str | None = None
    organisation: str | None = None
    visitor: bool = False


@dataclass
class VisitReading:
    start: date | None = None
    end: date | None = None
    places: list[str] = field(default_factory=list)


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
        try:
            finding = DateFinding(date.fromisoformat(document.meta["date"][:10]), "the page's metadata", True)
        except ValueError:
            pass  # a malformed metadata date: keep what the text says
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


# -- visit -------------------------------------------------------------------------------------
VISIT_CUES = re.compile(
    r"\b(visit(?:ed|ing|s)?|travel(?:l?ed|l?ing)|trip|mission|delegation|was in|were in|spent|toured|"
    r"held talks|met|meetings?|joined|attended|took part|hosted)\b",
    re.IGNORECASE,
)
_RANGES = [
    # 28 May to 1 June [2018]
    re.compile(
        rf"\b{_DAY}\s+{MONTH_RE}(?:\s+(\d{{4}}))?\s*(?:-|–|—|to|until|and)\s*{_DAY}\s+{MONTH_RE}"
        rf"(?:,?\s+(\d{{4}}))?",
        re.IGNORECASE,
    ),
    # 23-25 June, 23 to 25 June, 12 and 13 September, between 15 and 18 February
    re.compile(rf"\b{_DAY}\s*(?:-|–|—|to|and|&)\s*{_DAY}\s+{MONTH_RE}(?:,?\s+(\d{{4}}))?", re.IGNORECASE),
    # June 23-25
    re.compile(rf"\b{MONTH_RE}\s+{_DAY}\s*(?:-|–|to)\s*{_DAY}(?:,?\s+(\d{{4}}))?", re.IGNORECASE),
    # on 2 November [2016]
    re.compile(rf"\b(?:on|from)\s+{_DAY}\s+{MONTH_RE}(?:,?\s+(\d{{4}}))?", re.IGNORECASE),
]


def _resolve_year(month: int, day: int, year: int | None, published: date | None) -> date | None:
    if year:
        return _safe_date(year, month, day)
    if published is None:
        return None  # no year in the text and none known from its date: leave it for review
    guess = _safe_date(published.year, month, day)
    if guess and guess > published:
        guess = _safe_date(published.year - 1, month, day)
    return guess


def find_visit(
    paragraphs: list[str], published: date | None, review: list[str]
) -> tuple[VisitReading, str | None]:
    """Visit dates (year from the publication date, when known) and places; and their sentence."""
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            if not VISIT_CUES.search(sentence):
                continue
            dates = _dates_in(sentence, published)
            if dates and dates[0] is None:
                review.append(
                    f"the visit's dates in '{sentence[:80]}' give no year, and the text's own date "
                    f"is unsure: add visit start and end"
                )
                return VisitReading(places=find_places(sentence)), sentence
            if dates:
                start, end, year_given = dates
                if not year_given and start and end and end < start:
                    end = _safe_date(end.year + 1, end.month, end.day)
                if not year_given and start and published and start.year != published.year:
                    review.append(
                        f"visit year read as {start.year} (the text gives none and the "
                        f"dates fall after publication in {published.year})"
                    )
                return VisitReading(start, end, find_places(sentence)), sentence
    for paragraph in paragraphs[:4]:
        for sentence in split_sentences(paragraph):
            if re.search(r"\b(visited|travelled to|was in|were in|held talks)\b", sentence):
                review.append("the text describes a visit but gives no dates: add visit start and end")
                return VisitReading(places=find_places(sentence)), sentence
    return VisitReading(), None


def _dates_in(sentence: str, published: date) -> tuple[date | None, date | None, bool] | None:
    for index, pattern in enumerate(_RANGES):
        match = pattern.search(sentence)
        if not match:
            continue
        g = match.groups()
        if index == 0:
            year1 = int(g[2]) if g[2] else None
            year2 = int(g[5]) if g[5] else None
            end = _resolve_year(month_number(g[4]), int(g[3]), year2, published)
            start = _resolve_year(
                month_number(g[1]),
                int(g[0]),
                year1 or (end.year if year2 and end else None),
                published if not year2 or not end else end,
            )
            return start, end, bool(year1 or year2)
        if index == 1:
            year = int(g[3]) if g[3] else None
            month = month_number(g[2])
            return (
                _resolve_year(month, int(g[0]), year, published),
                _resolve_year(month, int(g[1]), year, published),
                bool(year),
            )
        if index == 2:
            year = int(g[3]) if g[3] else None
            month = month_number(g[0])
            return (
                _resolve_year(month, int(g[1]), year, published),
                _resolve_year(month, int(g[2]), year, published),
                bool(year),
            )
        year = int(g[2]) if g[2] else None
        day = _resolve_year(month_number(g[1]), int(g[0]), year, published)
        return day, day, bool(year)
    return None


_PLACE_WORD = r"[A-ZÀ-Þ][\w’'.-]*"
_PLACE = rf"{_PLACE_WORD}(?:\s+(?:(?:de|do|da|dos|das|del|la|el|al|upon|on)\s+)?{_PLACE_WORD})*"
_PLACE_LIST = re.compile(
    rf"\b(?:visited|visiting|visit to|trip to|travelled to|traveled to|went to|delegation to|mission to|"
    rf"was in|were in|in|to|at)\s+({_PLACE}(?:\s*(?:,|and|&)\s*{_PLACE})*)"
)
_NOT_PLACES = frozenset(
    {
        "the",
        "a",
        "an",
        "uk",
        "british",
        "government",
        "ministry",
        "department",
        "president",
        "minister",
        "director",
        "head",
        "officials",
        "our",
        "its",
        "their",
    }
)


def find_places(sentence: str) -> list[str]:
    """Places named after a visit verb ('visited Seoul and Busan')."""
    from kb.importer.places import city_country

    places: list[str] = []
    for match in _PLACE_LIST.finditer(sentence):
        lead = match.group(0).split()[0].lower()
        names = [
            p.strip() for p in re.split(r"(?:(?<!\s)\s+)?(?:,|\band\b|&)\s*", match.group(1)) if p.strip()
        ]
        strong = lead in (
            "visited",
            "visiting",
            "travelled",
            "traveled",
            "went",
            "was",
            "were",
        ) or match.group(0).lower().startswith(("visit to", "trip to", "delegation to", "mission to"))
        names = [
            n
            for n in names
            if n.split()[0].lower() not in _NOT_PLACES
            and not re.match(MONTH_RE + r"$", n)
            and not n.isupper()
        ]
        if not names:
            continue
        if re.search(
            r"\b(?:Embassy|Consulate|Commission|Office|based)\s+(?:in|at)\s*$", sentence[: match.start(1)]
        ):
            continue  # where someone works, not where they went
        if strong or any(city_country(n) for n in names):
            for name in names:
                if name not in places and not _org_like(name):
                    places.append(name)
    return places


def _org_like(name: str) -> bool:
    return bool(
        re.search(
            r"\b(Ministry|Department|Agency|Office|Institute|Council|Commission|Embassy|"
            r"Corporation|University|Centre|Center|Forum|Fund)\b",
            name,
        )
    )


# -- people ------------------------------------------------------------------------------------
_HONORIFIC = r"(?:(?:Dr|Professor|Prof|Sir|Dame|Lord|Lady|Baroness|Mr|Mrs|Ms|Dr\.|Prof\.)\s+)?"
_NAME = rf"{_HONORIFIC}[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){{1,2}}"
_ROLE_WORD = r"(?:[A-Z][\w’'&-]*|of|for|and|on|the)"
#: Role and organisation are at most 12 words, and the end is a look-ahead only: unbounded, both
#: were tried against each other over a whole sentence (quadratic in ' of The' repeated, or in a
#: run of spaces; issue 12).
_PERSON = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:the\s+)?(?P<role>[A-Z][\w’'&-]*(?:\s+{_ROLE_WORD}){{0,12}}?)"
    rf"(?:\s+(?:at|of|in|from|for)\s+(?:the\s+)?(?P<org>[A-Z][\w’'&-]*(?:\s+(?:[A-Z][\w’'&-]*|of|for|and|&)){{0,12}}))?"
    rf"(?=\s*[,.;()]|\s+(?:visited|led|was|travelled|spent|met|and)\b)"
)
_LED_BY = re.compile(rf"\bled by\s+(?P<name>{_NAME})")
_ROLE_TITLES = (
    "Director",
    "Head",
    "Minister",
    "Secretary",
    "Adviser",
    "Advisor",
    "Officer",
    "Attaché",
    "Ambassador",
    "Consul",
    "Counsellor",
    "Chief",
    "President",
    "Chair",
    "Chairman",
    "Commissioner",
    "Manager",
    "Lead",
    "Deputy",
    "Professor",
    "Envoy",
    "Champion",
    "Governor",
)


def find_people(paragraphs: list[str]) -> list[PersonReading]:
    """People introduced with their role: 'Jane Doe, Director of X at the Y'."""
    people: list[PersonReading] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            visit_sentence = bool(VISIT_CUES.search(sentence))
            for match in _PERSON.finditer(sentence):
                role = match.group("role").strip()
                if not any(word in role for word in _ROLE_TITLES):
                    continue
                name = match.group("name").strip()
                org = match.group("org")
                org = re.sub(r"(?<!\s)\s+(?:and|of|for|&)$", "", org.strip()) if org else None
                before = sentence[: match.start()]
                visitor = visit_sentence and not re.search(r"\b(met|with|by)\s*$", before.strip()[-12:])
                if not any(p.name == name for p in people):
                    people.append(PersonReading(name, role, org, visitor))
    return people


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
