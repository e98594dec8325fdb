"""Whose a body is: the country its name gives ('U.S. Department of Energy', 'Chilean Senate'),
else the one country its sentence names, else none (a review point)."""

from __future__ import annotations

import re

from kb.importer.places import country_mentions

NAME_COUNTRIES = {
    "White House": "US",
    "Smithsonian": "US",
    "Whitehall": "GB",
    "Downing Street": "GB",
    "Her Majesty": "GB",
    "HM ": "GB",
    "Bundes": "DE",
    "Fraunhofer": "DE",
    "Helmholtz": "DE",
}
INTERNATIONAL = re.compile(
    r"\b(?:European|EU|United Nations|UN|International|World|Commonwealth|"
    r"Horizon|ASEAN|OECD|G7|G20|Organi[sz]ation for the)\b"
)

#: 'The U.S. delegation was comprised of ...', 'The participating Japanese institutions included ...'.
_GROUP = re.compile(
    r"\b((?:U\.S\.|UK|[A-Z][a-z]+(?:an|ese|ish|ian|i|ch))) (?:[a-z]+ ){0,2}?"
    r"(?:delegation|institutions|agencies|bodies|side|team|officials|ministries|participants)\b"
)


def body_country(
    name: str,
    sentence: str,
    paragraph: str,
    *,
    partner: str | None = None,
    publisher: str | None = None,
    text_countries: frozenset[str] = frozenset(),
    known_nearby: frozenset[str] = frozenset(),
    country_word: str | None = None,
) -> str | None:
    """The country a body's name gives, else the only country its sentence names, or that the
    registry bodies beside it (``known_nearby``) share, or its paragraph names, else the partner when the whole text names no other country but the publisher's and the
    paragraph not the publisher's; else None (for review)."""
    if country_word:
        return next(iter(country_mentions(country_word)))
    if INTERNATIONAL.search(name):
        return None  # an EU or international body has no country in the registry
    named = list(dict.fromkeys(code for code in country_mentions(name) if code != "EU"))
    if len(named) > 1:
        return None  # 'British Chilean Chamber of Commerce': whose it is needs a person
    if named:
        return named[0]
    for cue, code in NAME_COUNTRIES.items():
        if cue in name:
            return code
    group = _GROUP.search(sentence)
    if group:
        return next(iter(country_mentions(group.group(1))))
    # Never a guess between the publisher and the partner: a UK body named in a sentence about
    # Korea is not Korean. Two countries around a name leave it to a person.
    for context, nearby in ((sentence, known_nearby), (paragraph, frozenset())):
        around = {code for code in country_mentions(context.replace(name, " ")) if code != "EU"}
        if len(around) > 1:
            return None
        if around:
            return around.pop()
        if len(nearby) == 1:
            return next(iter(nearby))  # '... the Alan Turing Institute, the new Data Science Institute'
    if partner and text_countries <= {partner}:
        return partner  # the whole text names no other country, not even the publisher's
    return None
