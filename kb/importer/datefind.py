"""Dates in running text: candidate phrases found here, each parsed by dateparser.

dateparser alone misreads whole sentences ("Today, May 19, 2023" is split
wrongly by its ``search_dates``), so the phrases are picked by one linear
pattern: day-month and month-day orders, weekdays and ordinals ("Monday 31st
March"), ranges ("8-10 November", "May 10-19", "28 May to 1 June"), with or
without a year, and ISO dates. Each side of a phrase is then parsed by
dateparser with strict settings. A phrase without a year takes the year of the
context when one is known, else stays a month and day.

dateparser is imported on first use only: ``kb --help`` must stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from kb.report.dates import MONTHS


def _month_alternatives() -> str:
    names: list[str] = []
    for name in MONTHS:
        names += [name, name.upper()]
        if len(name) > 4:
            names += [name[:3], name[:3].upper()]
    names += ["Sept", "SEPT"]
    return "|".join(sorted(set(names), key=len, reverse=True))


MONTH = rf"(?:{_month_alternatives()})\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY),?\s"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d\d"
_DASH = r"\s?(?:-|–|—|to|until|and)\s?"
#: One pattern for every shape; groups: d1 m1 y1 (first side), d2 m2 (second side), y (year).
DATE_PHRASE = re.compile(
    rf"(?<![\w-])(?:{_WEEKDAY})?(?:"
    rf"(?P<d1>{_DAY})(?:\s(?P<m1>{MONTH}))?(?:,?\s(?P<y1>{_YEAR}))?{_DASH}(?:{_WEEKDAY})?(?P<d2>{_DAY})\s"
    rf"(?P<m2>{MONTH})"
    rf"|(?P<m3>{MONTH})\s(?P<d3>{_DAY})(?:{_DASH}(?P<d4>{_DAY})(?![\d:]))?"
    rf"|(?P<d5>{_DAY})\s(?P<m5>{MONTH})"
    rf")(?:,?\s(?P<y>{_YEAR}))?(?![\w-])"
    rf"|(?<![\w-])(?P<iso>{_YEAR}-[01]\d-[0-3]\d)(?![\w-])"
    # Korean and East Asian pages: '2023. 5. 16.', '2023.05.16', '2023년 5월 16일'.
    rf"|(?<![\w.])(?P<ky>{_YEAR})(?:\.\s?|년\s?)(?P<km>1[0-2]|0?[1-9])(?:\.\s?|월\s?)(?P<kd>3[01]|[12]\d|0?[1-9])"
    rf"(?:\.|일)?(?!\d)"
)


@dataclass(frozen=True)
class DateMention:
    """A date or range in the text; ``start``/``end`` are None while the year is unknown."""

    phrase: str
    position: int
    month_day: tuple[int, int]
    end_month_day: tuple[int, int] | None
    year: int | None
    start: date | None
    end: date | None

    @property
    def is_range(self) -> bool:
        return self.end_month_day is not None and self.end_month_day != self.month_day

    def with_year(self, year: int) -> DateMention:
        """The mention with a year from its context (a range across New Year ends the year after)."""
        start = _safe(year, *self.month_day)
        end = start
        if self.end_month_day:
            end = _safe(year, *self.end_month_day)
            if start and end and end < start:
                end = _safe(year + 1, *self.end_month_day)
        return DateMention(self.phrase, self.position, self.month_day, self.end_month_day, year, start, end)

    def iso(self) -> str:
        if self.start is None:
            text = f"--{self.month_day[0]:02d}-{self.month_day[1]:02d}"
            if self.end_month_day is not None and self.end_month_day != self.month_day:  # a range
                text += f"..--{self.end_month_day[0]:02d}-{self.end_month_day[1]:02d}"
            return text
        if self.is_range and self.end:
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        return self.start.isoformat()


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class DateReader:
    """Parses date phrases with dateparser, each phrase once (a long text repeats its dates)."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int | None], tuple[int, int] | None] = {}

    def _month_day(self, phrase: str, year: int | None) -> tuple[int, int] | None:
        key = (phrase, year)
        if key not in self._parsed:
            import dateparser

            base = datetime(year or 2000, 1, 1)
            settings = {
                "REQUIRE_PARTS": ["day", "month"],
                "STRICT_PARSING": True,
                "PREFER_DATES_FROM": "current_period",
                "RELATIVE_BASE": base,
                "DATE_ORDER": "DMY" if phrase[:1].isdigit() else "MDY",
            }
            text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", phrase)
            found = dateparser.parse(f"{text} {year or 2000}", languages=["en"], settings=settings)
            self._parsed[key] = (found.month, found.day) if found else None
        return self._parsed[key]

    def mentions(self, text: str, offset: int = 0) -> list[DateMention]:
        """Every date phrase in ``text`` (positions shifted by ``offset``)."""
        out: list[DateMention] = []
        for match in DATE_PHRASE.finditer(text):
            g = match.groupdict()
            if g["iso"] or g["ky"]:
                parts = g["iso"].split("-") if g["iso"] else (g["ky"], g["km"], g["kd"])
                day = _safe(*(int(part) for part in parts))
                if day:
                    out.append(
                        DateMention(
                            match.group(0),
                            offset + match.start(),
                            (day.month, day.day),
                            None,
                            day.year,
                            day,
                            day,
                        )
                    )
                continue
            year = int(g["y"]) if g["y"] else (int(g["y1"]) if g["y1"] else None)
            if g["d2"] and g["m1"] and re.search(r"\sand\s", match.group(0)):
                # 'Monday 31st March and 23rd April': two dates, not a range.
                for day_text, month_text in ((g["d1"], g["m1"]), (g["d2"], g["m2"])):
                    single = self._month_day(f"{day_text} {month_text}", year)
                    if single:
                        mention = DateMention(
                            f"{day_text} {month_text}", offset + match.start(), single, None, None, None, None
                        )
                        out.append(mention.with_year(year) if year else mention)
                continue
            if g["d2"]:
                first = self._month_day(f"{g['d1']} {g['m1'] or g['m2']}", year)
                second = self._month_day(f"{g['d2']} {g['m2']}", year)
            elif g["m3"]:
                first = self._month_day(f"{g['m3']} {g['d3']}", year)
                second = self._month_day(f"{g['m3']} {g['d4']}", year) if g["d4"] else None
            else:
                first, second = self._month_day(f"{g['d5']} {g['m5']}", year), None
            if first is None:
                continue
            mention = DateMention(
                match.group(0).strip(), offset + match.start(), first, second, None, None, None
            )
            out.append(mention.with_year(year) if year else mention)
        return out


# -- the publication date ----------------------------------------------------------------------------
_TODAY = re.compile(r"\b(?:today|this (?:morning|afternoon|evening)|tonight)\s?(?:\(|\[|,)\s?", re.IGNORECASE)
_EVENT_CUES = re.compile(
    r"\b(?:visit\w*|met|meet\w*|signed|sign\w*|launch\w*|held|hold\w*|took place|take place|convened|"
    r"co-?chaired|hosted|arrived|spoke|announced|agreed|travel\w*|attended|opened|renewal)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateFinding:
    """A date read for the report, with where it came from (for a review note when it is a guess)."""

    day: date
    source: str  # e.g. "the 'Published' line", "'today (6 December 2017)' in paragraph 3"
    sure: bool


def today_date(reader: DateReader, paragraphs: list[str]) -> DateFinding | None:
    """'launched today (6 December 2017)', 'Today, May 16, 2023': the document's own date."""
    for number, paragraph in enumerate(paragraphs, start=1):
        for cue in _TODAY.finditer(paragraph):
            mentions = reader.mentions(paragraph[cue.end() : cue.end() + 40])
            if mentions and mentions[0].position == 0 and mentions[0].start:
                phrase = paragraph[cue.start() : cue.end()] + mentions[0].phrase
                phrase += {"(": ")", "[": "]"}.get(paragraph[cue.end() - 2 : cue.end()].strip(), "")
                return DateFinding(mentions[0].start, f"'{phrase.strip()}' in paragraph {number}", True)
    return None


def dateline(reader: DateReader, paragraph: str) -> DateMention | None:
    """A date opening a paragraph ('22 JANUARY, PRETORIA The UK has...', 'May 3, 2012')."""
    mentions = reader.mentions(paragraph[:40])
    return mentions[0] if mentions and mentions[0].position == 0 and not mentions[0].is_range else None


def body_date(reader: DateReader, paragraphs: list[str]) -> DateFinding | None:
    """A best guess: the first full date of an event sentence, else the first full date at all."""
    first_any: DateFinding | None = None
    for number, paragraph in enumerate(paragraphs, start=1):
        for mention in reader.mentions(paragraph):
            if mention.start is None:
                continue
            around = paragraph[max(0, mention.position - 150) : mention.position + 60]
            finding = DateFinding(mention.start, f"'{mention.phrase}' in paragraph {number}", False)
            if _EVENT_CUES.search(around):
                return finding
            first_any = first_any or finding
    return first_any


def event_dates(reader: DateReader, paragraphs: list[str], year: int | None) -> list[DateMention]:
    """Dates of the events a text reports, in order; a date without a year takes ``year`` when known."""
    found: list[DateMention] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        for mention in reader.mentions(paragraph):
            around = paragraph[max(0, mention.position - 150) : mention.position + 60]
            if not _EVENT_CUES.search(around):
                continue
            if mention.start is None and year:
                mention = mention.with_year(year)
            key = mention.iso()
            if key not in seen:
                seen.add(key)
                found.append(mention)
    return found


MONTH_RE = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)


_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER.update({name[:3].lower(): i for i, name in enumerate(MONTHS, start=1)})
_MONTH_NUMBER["sept"] = 9


_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"


_PUBLISHED = re.compile(
    rf"^(?:First\s+)?(?:Published|Publication date|Date published)\s*(?::\s*)?(?:on\s+)?"
    rf"(?:{_DAY}\s+{MONTH_RE},?\s+(\d{{4}})|{MONTH_RE}\s+{_DAY},?\s+(\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}}))"
    rf"(?:\s+by\s+(?:the\s+)?(.+?))?\.?(?=(?<!\s)\s+(?:Last\s+)?updated\b|$)",
    re.IGNORECASE,
)


def month_number(name: str) -> int:
    return _MONTH_NUMBER[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_published(text: str) -> tuple[date | None, str | None] | None:
    """``(date, publisher)`` from a line 'Published 3 July 2014 [by ...]', or None."""
    match = _PUBLISHED.search(text.strip().strip("*_ "))
    if match and match.start() > 0:
        return None
    if not match:
        return None
    g = match.groups()
    if g[0]:
        day = _safe_date(int(g[2]), month_number(g[1]), int(g[0]))
    elif g[3]:
        day = _safe_date(int(g[5]), month_number(g[3]), int(g[4]))
    else:
        day = _safe_date(int(g[6]), int(g[7]), int(g[8]))
    return day, (g[9].strip() if g[9] else None)
