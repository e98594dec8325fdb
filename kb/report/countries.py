"""Partner countries: ISO 3166-1 alpha-2 codes, checked against pycountry's table."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from kb.util.suggest import closest


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
