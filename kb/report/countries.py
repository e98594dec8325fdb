"""Partner countries: ISO 3166-1 alpha-2 codes, checked against pycountry's table."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from kb.util.suggest import closest

#: Names people write for a country that are not its ISO code nor found by pycountry's own
#: search (``UK`` is reserved, not assigned; ``Korea`` matches both Koreas), lower case.
COMMON_NAMES = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "england": "GB",
    "korea": "KR",
    "south korea": "KR",
    "rok": "KR",
    "republic of korea": "KR",
    "s. korea": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "usa": "US",
    "u.s.": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "vietnam": "VN",
    "viet nam": "VN",
    "russia": "RU",
    "taiwan": "TW",
    "uae": "AE",
}


def country_code(text: str) -> str | None:
    """The alpha-2 code ``text`` names: a code in any case, a common name (``UK``, ``Korea``,
    ``ROK``), or a country's name or official name in pycountry's table; None if none."""
    key = " ".join(text.split()).casefold()
    if not key:
        return None
    if len(key) == 2 and country_name(key.upper()):
        return key.upper()
    if key in COMMON_NAMES:
        return COMMON_NAMES[key] if country_name(COMMON_NAMES[key]) else None
    if len(key) == 3:
        found = pycountry.countries.get(alpha_3=key.upper())
        if found:
            return found.alpha_2
    for country in pycountry.countries:
        names = (country.name, getattr(country, "common_name", ""), getattr(country, "official_name", ""))
        if key in {n.casefold() for n in names if n}:
            return country.alpha_2
    return None


@lru_cache(maxsize=512)
def country_name(code: str) -> str | None:
    """Common English name of an alpha-2 code (``KR`` -> ``South Korea``), or None."""
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 and code.isupper() else None
    if not found:
        return None
    return getattr(found, "common_name", None) or found.name


def country_problem(code: str) -> tuple[str, str] | None:
    """Why ``code`` is not a valid alpha-2 code, with a hint; None when it is valid."""
    if country_name(code):
        return None
    if len(code) == 2 and country_name(code.upper()):
        return f"country code '{code}' must be upper case", f"write {code.upper()}"
    common = COMMON_NAMES.get(" ".join(code.split()).casefold())
    if common and country_name(common):
        return (
            f"'{code}' is not an ISO 3166-1 alpha-2 code",
            f"did you mean {common} ({country_name(common)})?",
        )
    if len(code) == 3 and code.isalpha():
        alpha_3 = pycountry.countries.get(alpha_3=code.upper())
        if alpha_3:
            return (
                f"'{code}' is an alpha-3 code",
                f"use the two-letter code {alpha_3.alpha_2} ({alpha_3.name})",
            )
    try:
        found = pycountry.countries.search_fuzzy(code)[:2] if len(code) > 2 else []
    except LookupError:
        found = []
    if found:
        options = " or ".join(f"{c.alpha_2} ({c.name})" for c in found)
        return f"'{code}' is not an ISO 3166-1 alpha-2 code", f"did you mean {options}?"
    near = closest(code, [c.alpha_2 for c in pycountry.countries], limit=3, cutoff=50)
    hint = f"did you mean {' or '.join(near)}?" if near else "use ISO 3166-1 alpha-2 codes such as KR, JP, IN"
    return f"unknown country code '{code}'", hint
