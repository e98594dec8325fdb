"""Who published a text and which countries it is about.

The partner country is what the text is about, not who published it: a US
readout of a meeting with Japan is about Japan. Countries are found by name,
short form, adjective and demonym ("Korean", "the ROK", "Republic of Korea",
"U.S.-Japan") through :mod:`kb.importer.places` (pycountry and our own table),
each mention weighed by where it stands (title, opening paragraphs) and
counted. The publisher is read from the bodies and offices that only a
government's own pages name ("Foreign Secretary", "Office of the
Spokesperson", "Directorate-General"); with no such sign the project's home
country is assumed, and ``--publisher`` overrides.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kb.importer.places import HOME_COUNTRY, country_mentions

#: Signs of the publishing government: its own offices, titles and address forms.
PUBLISHER_CUES: dict[str, re.Pattern] = {
    "GB": re.compile(
        r"\b(?:UK [Gg]overnment|HM Government|British (?:Embassy|High Commission|Government|"
        r"Ambassador|High Commissioner|Consulate)|Foreign Secretary|Downing Street|"
        r"Foreign (?:and|&) Commonwealth (?:and Development )?Office|FCO|FCDO|GOV\.UK|"
        r"Prime Minister (?:Theresa May|David Cameron|Boris Johnson|Rishi Sunak|Keir Starmer)|"
        r"UK Science Minister|Chancellor of the Exchequer|the Chancellor|Newton Fund|"
        r"Prosperity Fund|Science and Innovation Network)\b"
    ),
    "US": re.compile(
        r"(?:\bU\.S\. (?:Department|Embassy|Government|delegation|Secretary|Ambassador)|"
        r"\bWhite House\b|\bDepartment of State\b|\bState Department\b|\bOffice of the Spokesperson\b|"
        r"\bSecretary of State\b|\bOSTP\b|\bOffice of the Press Secretary\b|\bPRN:)"
    ),
    "EU": re.compile(
        r"\b(?:European Commission|Directorate-General|Commissioner|EU Member States|"
        r"Horizon Europe|Horizon 2020|DG R&I|EU Delegation)\b"
    ),
    "AU": re.compile(
        r"\b(?:DFAT|Australian (?:Government|High Commission|Embassy)|Department of Foreign "
        r"Affairs and Trade)\b"
    ),
}
#: Weight of a mention in the title, and in the first paragraphs; others count 1.
TITLE_WEIGHT = 4
OPENING_WEIGHT = 2
OPENING_PARAGRAPHS = 2
#: A second partner needs at least this share of the first one's weight.
SECOND_PARTNER_SHARE = 0.5


@dataclass
class CountryReading:
    publisher: str
    partners: list[str]
    scores: Counter = field(default_factory=Counter)
    note: str | None = None  # a review note when the choice is unsure


def publisher_country(text: str) -> str:
    """The publishing government's code (``EU`` for the Commission), by its own signs."""
    counts = {code: len(pattern.findall(text)) for code, pattern in PUBLISHER_CUES.items()}
    best = max(counts, key=lambda code: counts[code])
    return best if counts[best] else HOME_COUNTRY


def read_countries(title: str, paragraphs: list[str], *, publisher: str | None = None) -> CountryReading:
    """The publisher and the partner countries of a text (several when it is about several)."""
    whole = "\n\n".join([title, *paragraphs])
    publisher = publisher or publisher_country(whole)
    scores: Counter = Counter()
    for code, n in country_mentions(title).items():
        scores[code] += TITLE_WEIGHT * n
    for index, paragraph in enumerate(paragraphs):
        weight = OPENING_WEIGHT if index < OPENING_PARAGRAPHS else 1
        for code, n in country_mentions(paragraph).items():
            scores[code] += weight * n
    for code in (publisher, "EU"):
        scores.pop(code, None)
    if not scores:
        return CountryReading(publisher, [], scores, "no partner country is named in the text")
    ranked = scores.most_common()
    top = ranked[0][1]
    partners = [code for code, score in ranked if score >= SECOND_PARTNER_SHARE * top]
    note = None
    if len(ranked) > 1 and ranked[1][1] == top:
        note = (
            f"partner countries {', '.join(partners)} are named equally often: check which the text is about"
        )
    return CountryReading(publisher, partners, scores, note)
