"""Quantities: a number with a unit, as a text writes it ('6,000 schools', '$2bn', '30 to 45 GW').

A quantity is a number with a unit: a percentage, an amount of money, an energy or area unit,
or a count of something ('6,000 schools'). Conventions, so that values compare across reports:

- counts are whole numbers: '10 million people' is value 10000000, unit 'people';
  people of any kind (teachers, data scientists, citizens) have unit 'people';
  other counts take the counted noun ('schools', 'vehicles');
- money keeps the scale in the unit: '$2bn' is value 2, unit 'USD bn';
  'Rs 4,050 crore' is value 4050, unit 'INR crore';
- a range ('30 to 45 GW') takes its upper bound and keeps the range's text for review.

Years, dates and durations are not quantities. :mod:`kb.importer.targets` decides which
quantities are targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.importer.datefind import MONTH_RE
from kb.importer.extract import WORD_NUMBERS
from kb.importer.units import CURRENCIES, DURATIONS, MEASURES, PERSON_NOUNS, SCALES, STOP_WORDS
from kb.report.fields import number_in_range

_CODES = (
    r"USD|GBP|EUR|JPY|KRW|INR|BRL|MXN|TRY|VND|CNY|RMB|KES|IDR|ZAR|NGN|PHP|THB|EGP|SAR|AED|MYR|SGD|AUD|CAD|CHF"
)
_CUR_PRE = (
    rf"(?P<pre>US\$|R\$|S\$|A\$|C\$|\$|£|€|¥|₩|₹|₦|₱|฿|(?-i:Rs|KSh|Rp|RM)\.?(?=\s?\d)|"
    rf"(?-i:{_CODES}))"
)
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_WORD = r"(?P<word>" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
_RANGE = r"(?:(?P<low>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s*(?:-|–|to)\s*)?"
_SCALE = r"(?:\s?(?P<scale>bn|billion|mn|million|trillion|tn|crore|lakh|thousand|m|k)(?![\w]))?"
_CUR_POST = (
    rf"(?:\s?(?P<post>(?-i:{_CODES})|yen|won|rupees|reais|pesos?|lira|dong|dollars|euros|yuan|"
    r"shillings|rupiah|rand|naira|baht|riyals|dirhams|ringgit)\b)?"
)
_QUANTITY = re.compile(
    rf"(?<![\w.,/-]){_CUR_PRE}?\s?{_RANGE}(?:{_NUM}|\b{_WORD}\b)"
    rf"(?!\.\d|,\d)(?=(?:bn|billion|mn|million|trillion|tn|m|k)(?!\w)|[^\w/]|$){_SCALE}{_CUR_POST}",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"^\s?(%|per cent|percent|percentage points|square kilometres|square kilometers|square km|"
    r"sq km|km2|GWh|TWh|MWh|GW|MW|kW|km|hectares|ha|"
    r"tonnes|tons|Mtoe|Mt)(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: int | float
    unit: str
    money: bool
    word_number: bool
    range_text: str | None
    noun_end: int


def _number(text: str) -> int | float:
    text = text.replace(",", "")
    value = float(text)
    return int(value) if value.is_integer() else value


def _tidy(value: float) -> int | float:
    value = round(value, 6)
    return int(value) if float(value).is_integer() else value


def quantities(sentence: str) -> list[Quantity]:
    """Every number with a unit in a sentence (years, dates and durations left out)."""
    found = [_quantity(sentence, match) for match in _QUANTITY.finditer(sentence)]
    # A number no report may hold (400 digits became infinity) is no target either.
    return [q for q in found if q is not None and number_in_range(q.value)]


def _quantity(sentence: str, match: re.Match) -> Quantity | None:
    """The quantity a number found in ``sentence`` gives, or None when it is none."""
    pre, post, scale, word = (
        match.group("pre"),
        match.group("post"),
        match.group("scale"),
        match.group("word"),
    )
    raw = match.group("num")
    if word and word.lower() == "one" and not scale:
        return None
    rest = sentence[match.end() :]
    if _date_or_name(match, sentence[: match.start()], rest):
        return None
    if scale and scale.lower() in ("m", "k") and not pre and not post and raw is None:
        return None
    currency = CURRENCIES.get((pre or post or "").lower().rstrip(".")) if (pre or post) else None
    if pre and pre.lower() in ("us$",):
        currency = "USD"
    scale_name, factor = SCALES.get(scale.lower(), (None, 1)) if scale else (None, 1)
    unit_match = _UNIT_AFTER.match(rest)
    if scale and scale.lower() in ("m", "k") and not currency and not unit_match:
        return None  # '5m' or '3k' without money is too easily a measure; keep it only as money
    value = _number(raw) if raw else WORD_NUMBERS[word.lower()]
    low = match.group("low")
    range_text = f"{low} to {raw}" if low else None
    start, end = match.start(), match.end()
    if currency:
        unit = f"{currency} {scale_name}" if scale_name else currency
        return Quantity(start, end, value, unit, True, bool(word), range_text, end)
    if unit_match:
        unit = MEASURES[unit_match.group(1).lower()]
        total = value * factor if unit not in ("%",) else value
        end += unit_match.end()
        return Quantity(start, end, _tidy(total), unit, False, bool(word), range_text, end)
    noun, noun_end = _counted_noun(rest)
    if noun in DURATIONS:
        return None
    if not noun:
        # A bare number: only ever used as progress ('300 have been trained so far').
        return Quantity(start, end, _tidy(value * factor), "", False, bool(word), None, end)
    unit = "people" if noun in PERSON_NOUNS else noun
    return Quantity(start, end, _tidy(value * factor), unit, False, bool(word), range_text, end + noun_end)


def _date_or_name(match: re.Match, before: str, rest: str) -> bool:
    """A number that is part of a date ('23 June', 'June 23'), a year, or a name ('Government
    3.0', 'Industry 4.0')."""
    pre, raw = match.group("pre"), match.group("num")
    if re.match(rf"\s*(?:-|–|to|and)?\s*\d{{0,2}}\s*{MONTH_RE}\b", rest, re.IGNORECASE) or re.search(
        rf"{MONTH_RE}\s*$", before, re.IGNORECASE
    ):
        return True
    unmarked = not pre and not match.group("post") and not match.group("scale")
    if raw and unmarked and re.fullmatch(r"(?:19|20)\d\d", raw):
        return True
    name_before = re.search(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w-]*)[\s‘’'\"]*$", before)
    return bool(name_before and not pre and not re.fullmatch(MONTH_RE, name_before.group(1), re.IGNORECASE))


def _counted_noun(rest: str) -> tuple[str | None, int]:
    """The head noun of the phrase after a number: '6,000 schools by' -> 'schools'."""
    words = list(re.finditer(r"[\w’'-]+|[^\w\s]", rest[:80]))
    phrase: list[re.Match] = []
    for word in words:
        text = word.group(0)
        stop = text.lower() in STOP_WORDS and not (text.lower() == "and" and phrase)
        if not re.match(r"[\w’'-]+$", text) or stop or text[:1].isdigit():
            break
        phrase.append(word)
        if len(phrase) == 7:
            break
    while phrase and phrase[-1].group(0).lower() == "and":
        phrase.pop()
    if not phrase:
        return None, 0
    heads = [
        w
        for w in phrase
        if w.group(0).lower() in PERSON_NOUNS
        or (
            w.group(0).lower().endswith("s")
            and len(w.group(0)) > 3
            and not w.group(0).lower().endswith(("ss", "is", "us"))
        )
    ]
    head = heads[0] if heads else phrase[-1]
    noun = head.group(0).lower()
    if noun[:1].isupper() or not noun.isalpha() or len(noun) < 3:
        return None, 0
    return noun, head.end()
