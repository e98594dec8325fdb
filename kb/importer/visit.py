"""The visit a report describes: its dates (the year from the publication date when the text
gives none) and the places visited, from the first sentence that speaks of a visit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kb.importer.datefind import _DAY, MONTH_RE, _safe_date, month_number
from kb.importer.document import split_sentences


@dataclass
class VisitReading:
    start: date | None = None
    end: date | None = None
    places: list[str] = field(default_factory=list)


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


def _dates_in(sentence: str, published: date | None) -> tuple[date | None, date | None, bool] | None:
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
