"""Which countries a text is about: country names, demonyms and well-known cities.

pycountry gives the official and common names; the small tables here add what
it lacks (demonyms, short forms such as 'Korea', capitals and big cities).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pycountry

HOME_COUNTRY = "GB"

DEMONYMS = {
    "Korean": "KR",
    "South Korean": "KR",
    "Japanese": "JP",
    "Indian": "IN",
    "Vietnamese": "VN",
    "Mexican": "MX",
    "Brazilian": "BR",
    "Turkish": "TR",
    "Chinese": "CN",
    "Indonesian": "ID",
    "Malaysian": "MY",
    "Thai": "TH",
    "Filipino": "PH",
    "Singaporean": "SG",
    "Kenyan": "KE",
    "Nigerian": "NG",
    "South African": "ZA",
    "Egyptian": "EG",
    "Saudi": "SA",
    "Emirati": "AE",
    "Qatari": "QA",
    "Chilean": "CL",
    "Colombian": "CO",
    "Peruvian": "PE",
    "Argentine": "AR",
    "Argentinian": "AR",
    "Canadian": "CA",
    "Australian": "AU",
    "German": "DE",
    "French": "FR",
    "Italian": "IT",
    "Spanish": "ES",
    "Polish": "PL",
    "Dutch": "NL",
    "Israeli": "IL",
    "Ukrainian": "UA",
    "Pakistani": "PK",
    "Bangladeshi": "BD",
    "Sri Lankan": "LK",
    "Taiwanese": "TW",
    "Ghanaian": "GH",
    "Ethiopian": "ET",
    "Moroccan": "MA",
    "Kazakh": "KZ",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Finnish": "FI",
    "Irish": "IE",
    "Portuguese": "PT",
    "Greek": "GR",
    "Swiss": "CH",
    "Austrian": "AT",
    "Belgian": "BE",
    "Czech": "CZ",
    "Romanian": "RO",
    "Hungarian": "HU",
    "New Zealand": "NZ",
    "British": "GB",
    "American": "US",
}
EXTRA_NAMES = {
    "Korea": "KR",
    "South Korea": "KR",
    "Republic of Korea": "KR",
    "ROK": "KR",
    "Vietnam": "VN",
    "Viet Nam": "VN",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Turkiye": "TR",
    "Russia": "RU",
    "Iran": "IR",
    "Taiwan": "TW",
    "UAE": "AE",
    "United Arab Emirates": "AE",
    "USA": "US",
    "United States": "US",
    "America": "US",
    "UK": "GB",
    "United Kingdom": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Czech Republic": "CZ",
    "Laos": "LA",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Syria": "SY",
    "Moldova": "MD",
    "Brasil": "BR",
    "U.S.": "US",
    "the US": "US",
    "the ROK": "KR",
    "United States of America": "US",
    "People's Republic of China": "CN",
    "PRC": "CN",
    "Aotearoa": "NZ",
    "EU": "EU",
    "European Union": "EU",
}
#: Capitals and large cities that reports name as places visited.
CITIES = {
    "Seoul": "KR",
    "Busan": "KR",
    "Ulsan": "KR",
    "Daejeon": "KR",
    "Incheon": "KR",
    "Pangyo": "KR",
    "Daegu": "KR",
    "Gwangju": "KR",
    "Sejong": "KR",
    "Songdo": "KR",
    "Changwon": "KR",
    "Jeju": "KR",
    "Tokyo": "JP",
    "Osaka": "JP",
    "Kyoto": "JP",
    "Yokohama": "JP",
    "Tsukuba": "JP",
    "Nagoya": "JP",
    "Fukuoka": "JP",
    "Sapporo": "JP",
    "Sendai": "JP",
    "Kobe": "JP",
    "Hiroshima": "JP",
    "Fukushima": "JP",
    "Delhi": "IN",
    "New Delhi": "IN",
    "Mumbai": "IN",
    "Bengaluru": "IN",
    "Bangalore": "IN",
    "Chennai": "IN",
    "Hyderabad": "IN",
    "Kolkata": "IN",
    "Jaipur": "IN",
    "Pune": "IN",
    "Ahmedabad": "IN",
    "Gandhinagar": "IN",
    "Hanoi": "VN",
    "Ho Chi Minh City": "VN",
    "Can Tho": "VN",
    "Da Nang": "VN",
    "Haiphong": "VN",
    "Hai Phong": "VN",
    "Mexico City": "MX",
    "Guadalajara": "MX",
    "Monterrey": "MX",
    "Puebla": "MX",
    "Brasília": "BR",
    "Brasilia": "BR",
    "São Paulo": "BR",
    "Sao Paulo": "BR",
    "Rio de Janeiro": "BR",
    "Campinas": "BR",
    "São José dos Campos": "BR",
    "Belo Horizonte": "BR",
    "Recife": "BR",
    "Ankara": "TR",
    "Istanbul": "TR",
    "İstanbul": "TR",
    "Izmir": "TR",
    "İzmir": "TR",
    "Bursa": "TR",
    "Beijing": "CN",
    "Shanghai": "CN",
    "Shenzhen": "CN",
    "Guangzhou": "CN",
    "Hong Kong": "HK",
    "Jakarta": "ID",
    "Singapore": "SG",
    "Kuala Lumpur": "MY",
    "Bangkok": "TH",
    "Manila": "PH",
    "Nairobi": "KE",
    "Lagos": "NG",
    "Abuja": "NG",
    "Johannesburg": "ZA",
    "Cape Town": "ZA",
    "Pretoria": "ZA",
    "Cairo": "EG",
    "Riyadh": "SA",
    "Dubai": "AE",
    "Abu Dhabi": "AE",
    "Doha": "QA",
    "Santiago": "CL",
    "Bogotá": "CO",
    "Bogota": "CO",
    "Lima": "PE",
    "Buenos Aires": "AR",
    "Washington": "US",
    "New York": "US",
    "Ottawa": "CA",
    "Toronto": "CA",
    "Canberra": "AU",
    "Sydney": "AU",
    "Wellington": "NZ",
    "Taipei": "TW",
    "Astana": "KZ",
    "Almaty": "KZ",
    "Dhaka": "BD",
    "Karachi": "PK",
    "Islamabad": "PK",
    "Colombo": "LK",
    "London": "GB",
    "Edinburgh": "GB",
    "Cardiff": "GB",
    "Belfast": "GB",
    "Berlin": "DE",
    "Bonn": "DE",
    "Munich": "DE",
    "Paris": "FR",
    "Rome": "IT",
    "Madrid": "ES",
    "Warsaw": "PL",
    "Tel Aviv": "IL",
    "Jerusalem": "IL",
    "Valparaíso": "CL",
    "Medellín": "CO",
}


def city_country(name: str) -> str | None:
    return CITIES.get(name.strip())


@lru_cache(maxsize=1)
def _name_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                table[value] = country.alpha_2
    table.update(EXTRA_NAMES)
    table.update(DEMONYMS)
    table.update(CITIES)
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    names = sorted(_name_table(), key=len, reverse=True)
    # Hyphens may join names ('UK-Korea', 'U.S.-Japan'); a name inside a longer word may not.
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w]|-based)")


def country_mentions(text: str) -> Counter:
    """How often each country is named, by name, demonym or city (the UK included)."""
    table = _name_table()
    return Counter(table[m.group(0)] for m in _pattern().finditer(text))


def countries_in(text: str) -> list[str]:
    """Countries named in a short text such as a title, in order, without the UK."""
    table = _name_table()
    found: list[str] = []
    for match in _pattern().finditer(text):
        code = table[match.group(0)]
        if code != HOME_COUNTRY and code not in found:
            found.append(code)
    return found


def country_words(code: str) -> list[str]:
    """Every name, demonym and short form of a country, to strip from entity names."""
    return [name for name, value in _name_table().items() if value == code and name not in CITIES]
