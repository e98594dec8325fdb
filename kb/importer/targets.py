"""Quantified targets: 'open 60% of government data sets by 2016'.

A quantity is a number with a unit: a percentage, an amount of money, an
energy or area unit, or a count of something ('6,000 schools'). It is a target
when its sentence gives a deadline ('by 2016', 'by March 2019') or a
commitment ('aims', 'plans', 'will', 'wants'); money also counts with 'invest',
'spend', 'allocated'. Conventions, so that values compare across reports:

- counts are whole numbers: '10 million people' is value 10000000, unit 'people';
  people of any kind (teachers, data scientists, citizens) have unit 'people';
  other counts take the counted noun ('schools', 'vehicles');
- money keeps the scale in the unit: '$2bn' is value 2, unit 'USD bn';
  'Rs 4,050 crore' is value 4050, unit 'INR crore';
- a range ('30 to 45 GW') takes its upper bound and is marked for review.

The owner is the body named before the quantity in the same sentence; else
'the ministry' or a pronoun refers back to the previous target's owner or the
nearest partner ministry or agency named before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kb.importer.datefind import MONTH_RE, month_number
from kb.importer.document import split_sentences
from kb.importer.extract import WORD_NUMBERS
from kb.report.fields import number_in_range

CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "¥": "JPY",
    "yen": "JPY",
    "jpy": "JPY",
    "₩": "KRW",
    "krw": "KRW",
    "won": "KRW",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "rupees": "INR",
    "r$": "BRL",
    "brl": "BRL",
    "reais": "BRL",
    "mxn": "MXN",
    "peso": "MXN",
    "pesos": "MXN",
    "try": "TRY",
    "lira": "TRY",
    "vnd": "VND",
    "dong": "VND",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "ksh": "KES",
    "kes": "KES",
    "shillings": "KES",
    "rp": "IDR",
    "idr": "IDR",
    "rupiah": "IDR",
    "zar": "ZAR",
    "rand": "ZAR",
    "ngn": "NGN",
    "₦": "NGN",
    "naira": "NGN",
    "₱": "PHP",
    "php": "PHP",
    "thb": "THB",
    "baht": "THB",
    "฿": "THB",
    "egp": "EGP",
    "sar": "SAR",
    "riyals": "SAR",
    "aed": "AED",
    "dirhams": "AED",
    "myr": "MYR",
    "rm": "MYR",
    "ringgit": "MYR",
    "sgd": "SGD",
    "s$": "SGD",
    "a$": "AUD",
    "aud": "AUD",
    "cad": "CAD",
    "c$": "CAD",
    "chf": "CHF",
}
SCALES = {
    "bn": ("bn", 10**9),
    "billion": ("bn", 10**9),
    "m": ("m", 10**6),
    "mn": ("m", 10**6),
    "million": ("m", 10**6),
    "trillion": ("trillion", 10**12),
    "tn": ("trillion", 10**12),
    "crore": ("crore", 10**7),
    "lakh": ("lakh", 10**5),
    "thousand": ("k", 10**3),
    "k": ("k", 10**3),
}
MEASURES = {
    "square kilometres": "km²",
    "square kilometers": "km²",
    "square km": "km²",
    "sq km": "km²",
    "km2": "km²",
    "gw": "GW",
    "mw": "MW",
    "kw": "kW",
    "gwh": "GWh",
    "twh": "TWh",
    "mwh": "MWh",
    "km": "km",
    "hectares": "hectares",
    "ha": "hectares",
    "tonnes": "tonnes",
    "tons": "tonnes",
    "mt": "Mt",
    "mtoe": "Mtoe",
    "%": "%",
    "per cent": "%",
    "percent": "%",
    "percentage points": "%",
}
PERSON_NOUNS = frozenset(
    {
        "people",
        "persons",
        "citizens",
        "scientists",
        "researchers",
        "professionals",
        "specialists",
        "experts",
        "engineers",
        "teachers",
        "students",
        "graduates",
        "workers",
        "staff",
        "doctors",
        "nurses",
        "children",
        "women",
        "men",
        "farmers",
        "entrepreneurs",
        "officials",
        "hackers",
        "technicians",
        "apprentices",
        "trainees",
        "residents",
        "users",
        "learners",
        "pupils",
        "adults",
        "girls",
        "boys",
        "midwives",
        "developers",
        "programmers",
        "analysts",
        "managers",
        "leaders",
        "patients",
        "individuals",
        "volunteers",
        "inspectors",
        "officers",
    }
)
DURATIONS = frozenset(
    {
        "years",
        "year",
        "months",
        "month",
        "weeks",
        "week",
        "days",
        "day",
        "hours",
        "hour",
        "minutes",
        "decades",
        "decade",
        "times",
        "sessions",
        "o'clock",
    }
)
_STOP = frozenset(
    {
        "of",
        "for",
        "in",
        "on",
        "by",
        "to",
        "from",
        "with",
        "at",
        "a",
        "an",
        "the",
        "and",
        "or",
        "that",
        "which",
        "who",
        "across",
        "per",
        "each",
        "is",
        "are",
        "was",
        "were",
        "will",
        "have",
        "has",
        "had",
        "be",
        "been",
        "under",
        "over",
        "into",
        "than",
        "while",
        "as",
        "so",
        "this",
        "these",
        "their",
        "its",
        "it",
        "they",
        "every",
        "within",
        "through",
        "until",
        "before",
        "after",
        "between",
        "more",
        "less",
        "up",
        "out",
        "around",
        "about",
        "some",
        "most",
        "all",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "must",
        "also",
        "already",
        "still",
        "not",
        "aims",
        "seeks",
        "plans",
        "wants",
        "hopes",
        "expects",
        "intends",
        "needs",
        "means",
        "makes",
        "gives",
        "takes",
    }
)
COMMITMENT = re.compile(
    r"\b(aims?|aiming|target(?:s|ed|ing)?|goals?|plans?|planned|planning|wants?|intends?|intention|"
    r"will|pledged?|pledging|commit(?:s|ted|ting)?|commitment|seeks?|expects?|expected|hopes?|"
    r"ambitions?|promised?|promises|is to|are to|working towards|set to|due to|objective|envisages?)\b",
    re.IGNORECASE,
)
MONEY_CUES = re.compile(
    r"\b(invest(?:s|ed|ing|ment)?|spend(?:s|ing)?|spent|fund(?:s|ed|ing)?|budget(?:s|ed)?|allocat\w*|"
    r"secured?|earmark\w*|committ\w*|financ\w*|grants?|credit|announced|worth|pledged|raised?|contracts?|"
    r"deals?|orders?|contribut\w*)\b",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"\bfrom\s+(?:(?:about|around|roughly|some|nearly|almost|just over|just under|over|under)\s*)?$",
    re.IGNORECASE,
)
_PROGRESS = re.compile(r"\b(so far|to date|already|until now|as of now)\b", re.IGNORECASE)
_DEADLINE = re.compile(
    rf"\b(?:(?:by|before|until|no later than)\s+(?:the\s+end\s+of\s+)?(?:(?P<month>{MONTH_RE})\s+)?|in\s+)"
    rf"(?P<year>(?:19|20)\d\d)\b"
    r"(?!\s*(?:%|per cent))",
    re.IGNORECASE,
)
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


@dataclass
class TargetReading:
    what: str
    value: int | float
    unit: str
    deadline: str | None
    owner: str | None
    progress: int | float | None = None
    sentence: str = ""
    range_text: str | None = None
    owner_guessed: bool = False
    baseline: int | float | None = None
    quote: str = ""  # the quantity as the text writes it ('£60 million')


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
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(sentence):
        pre, post, scale, word = (
            match.group("pre"),
            match.group("post"),
            match.group("scale"),
            match.group("word"),
        )
        raw = match.group("num")
        if word and word.lower() == "one" and not scale:
            continue
        value = _number(raw) if raw else WORD_NUMBERS[word.lower()]
        rest = sentence[match.end() :]
        before = sentence[: match.start()]
        # Dates: '23 June', 'June 23', years.
        if re.match(rf"\s*(?:-|–|to|and)?\s*\d{{0,2}}\s*{MONTH_RE}\b", rest, re.IGNORECASE) or re.search(
            rf"{MONTH_RE}\s*$", before, re.IGNORECASE
        ):
            continue
        if raw and not pre and not post and not scale and re.fullmatch(r"(?:19|20)\d\d", raw):
            continue
        name_before = re.search(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w-]*)[\s‘’'\"]*$", before)
        if name_before and not pre and not re.fullmatch(MONTH_RE, name_before.group(1), re.IGNORECASE):
            continue  # part of a name: 'Government 3.0', 'Industry 4.0'

        if scale and scale.lower() in ("m", "k") and not pre and not post and raw is None:
            continue
        currency = CURRENCIES.get((pre or post or "").lower().rstrip(".")) if (pre or post) else None
        if pre and pre.lower() in ("us$",):
            currency = "USD"
        scale_name, factor = SCALES.get(scale.lower(), (None, 1)) if scale else (None, 1)
        if scale and scale.lower() in ("m", "k") and not currency:
            # '5m' or '3k' without money is too easily a measure; keep it only as money.
            unit_match = _UNIT_AFTER.match(rest)
            if not unit_match:
                continue
        low = match.group("low")
        range_text = f"{low} to {raw}" if low else None
        if currency:
            if not post:
                trailing = re.match(r"\s?(USD|GBP|EUR|JPY|KRW|INR|BRL|MXN)\b", rest)
                if trailing:
                    rest = rest[trailing.end() :]
            unit = f"{currency} {scale_name}" if scale_name else currency
            found.append(
                Quantity(match.start(), match.end(), value, unit, True, bool(word), range_text, match.end())
            )
            continue
        unit_match = _UNIT_AFTER.match(rest)
        if unit_match:
            unit = MEASURES[unit_match.group(1).lower()]
            total = value * factor if unit not in ("%",) else value
            found.append(
                Quantity(
                    match.start(),
                    match.end() + unit_match.end(),
                    _tidy(total),
                    unit,
                    False,
                    bool(word),
                    range_text,
                    match.end() + unit_match.end(),
                )
            )
            continue
        noun, noun_end = _counted_noun(rest)
        if noun in DURATIONS:
            continue
        if not noun:
            # A bare number: only ever used as progress ('300 have been trained so far').
            found.append(
                Quantity(
                    match.start(),
                    match.end(),
                    _tidy(value * factor),
                    "",
                    False,
                    bool(word),
                    None,
                    match.end(),
                )
            )
            continue
        unit = "people" if noun in PERSON_NOUNS else noun
        found.append(
            Quantity(
                match.start(),
                match.end(),
                _tidy(value * factor),
                unit,
                False,
                bool(word),
                range_text,
                match.end() + noun_end,
            )
        )
    # A number no report may hold (400 digits became infinity) is no target either.
    return [q for q in found if number_in_range(q.value)]


def _counted_noun(rest: str) -> tuple[str | None, int]:
    """The head noun of the phrase after a number: '6,000 schools by' -> 'schools'."""
    words = list(re.finditer(r"[\w’'-]+|[^\w\s]", rest[:80]))
    phrase: list[re.Match] = []
    for word in words:
        text = word.group(0)
        stop = text.lower() in _STOP and not (text.lower() == "and" and phrase)
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


def _deadline(sentence: str, position: int) -> str | None:
    """The nearest deadline after ``position`` in the sentence, else the nearest before it."""
    after = [m for m in _DEADLINE.finditer(sentence) if m.start() >= position]
    before = [m for m in _DEADLINE.finditer(sentence) if m.start() < position]
    match = after[0] if after else (before[-1] if before else None)
    if not match:
        return None
    year = match.group("year")
    month = match.group("month")
    return f"{year}-{month_number(month):02d}" if month else year


#: Where a sentence breaks into clauses: '; ', ' (' when a ')' follows somewhere, ') '.
_CLAUSE_BREAK = re.compile(r";\s+|(?<!\s)\s+\(|\)\s*")


def _clauses(sentence: str) -> list[str]:
    # "A ')' follows" is checked against the last ')', not by a look-ahead from every '(' (which
    # scanned to the end of the sentence from each: quadratic in '(((...').
    last_close = sentence.rfind(")")
    pieces, start = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.group().endswith("(") and last_close < match.end():
            continue
        pieces.append(sentence[start : match.start()])
        start = match.end()
    pieces.append(sentence[start:])
    return [c for c in pieces if c.strip()]


def _what(sentence: str, quantity: Quantity) -> str:
    opening = sentence.rfind("(", 0, quantity.start)
    if opening != -1 and not sentence[opening + 1 : quantity.start].strip():
        # '... the quality of government data ($2bn USD over 5 years)': say what the money is for.
        closing = sentence.find(")", quantity.start)
        lead = re.split(r"[,;:]", sentence[:opening])[-1].split()[-8:]
        inside = sentence[opening + 1 : closing if closing != -1 else len(sentence)].strip()
        text = f"{' '.join(lead)} ({inside})"
        return text[:1].upper() + text[1:]
    before = sentence[: quantity.start].split()
    lead = before[-3:] if before else []
    cuts = [i for i, word in enumerate(lead) if word.lower() in ("to", "for", "of", "by", "that", "and")]
    if cuts:
        lead = lead[cuts[-1] + 1 :]
    tail = sentence[quantity.noun_end :]
    extra = re.match(
        r"\s(?:of|in|for|on)\s[^,;.()]*?(?=\s(?:by|before|until|while|and|which|so)\b|[,;.()]|$)", tail
    )
    text = " ".join(lead + [sentence[quantity.start : quantity.noun_end].strip()])
    if extra:
        text += extra.group(0)
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    return text[:1].upper() + text[1:] if text else sentence[:80]


#: Around a quantity, words that make it a statistic or a past result, not a goal.
STATISTIC = re.compile(
    r"\b(?:in (?:first|second|third|fourth|fifth|sixth|seventh|\w+th) place|annually|each year|of (?:its |their )?GDP|"
    r"already|so far|to date|last year|over the past|in the past|existing|having (?:secured|invested|spent)|"
    r"was adopted|were adopted|build(?:s|ing)? on|stock of|accounted for|totall?ed|reached|were worth|was worth|"
    r"in total|spent|trade (?:between|with|worth)|exports|imports)\b",
    re.IGNORECASE,
)
#: Nouns a count of which describes the text's own structure ('4 specific areas', '5 pillars').
STRUCTURE_NOUNS = frozenset(
    {
        "areas",
        "pillars",
        "events",
        "priorities",
        "themes",
        "topics",
        "principles",
        "model",
        "models",
        "track",
        "sessions",
        "meetings",
        "countries",
        "sections",
        "ways",
        "things",
        "times",
        "items",
        "outcomes",
    }
)
_INTENT = re.compile(
    r"\b(?:will|aims?|plans?|planned|pledg\w*|commit\w*|target\w*|goal|ambition|set to|announc\w*|"
    r"worth|launch\w*|to (?:invest|provide|"
    r"spend|fund|deliver|build|train|send|open|reach))\b",
    re.IGNORECASE,
)


def _is_statistic(sentence: str, quantity: Quantity, this_year: int | None) -> bool:
    """A past figure or statistic ('In 2011 Korea spent $59.89 billion', 'second place (US$ 179
    billion)'), or a count of the text's own parts ('4 specific areas'): not a target."""
    if quantity.unit in STRUCTURE_NOUNS:
        return True
    # The quantity's own clause: 'has already put boards in; a further 80,000 are planned' is two.
    clause_start = max(sentence.rfind(";", 0, quantity.start), sentence.rfind(":", 0, quantity.start)) + 1
    clause_end = min(i for i in (sentence.find(";", quantity.end), len(sentence)) if i != -1)
    before = sentence[max(clause_start, quantity.start - 80) : quantity.start]
    window = sentence[max(clause_start, quantity.start - 60) : min(clause_end, quantity.end + 40)]
    past_year = re.search(r"\b(?:in|during|since) ((?:19|20)\d\d)\b", before)
    if past_year and this_year and int(past_year.group(1)) < this_year and not _INTENT.search(before):
        return True
    return bool(STATISTIC.search(window)) and not _INTENT.search(before)


def find_targets(
    paragraphs: list[tuple[str, int]], owner_at, published: date, *, year_known: bool = True
) -> list[TargetReading]:
    """Targets in ``paragraphs`` (text and its offset in the analysed text).

    ``owner_at(offset, sentence_start, previous_owner, kind_hint)`` gives ``(owner, guessed)`` for a
    quantity at ``offset`` (``kind_hint`` is 'ministry' when the sentence starts 'The ministry');
    ``guessed`` is true when no body was named in the sentence itself.
    """
    targets: list[TargetReading] = []
    this_year = published.year if year_known else None  # a guessed date says nothing of what is past
    for text, offset in paragraphs:
        previous_owner: str | None = None
        cursor = 0
        for sentence in split_sentences(text):
            start_in_text = text.find(sentence, cursor)
            cursor = start_in_text + len(sentence)
            found = quantities(sentence)
            if not found:
                continue
            progress_clauses = [c for c in _clauses(sentence) if _PROGRESS.search(c)]
            commitment = bool(COMMITMENT.search(sentence))
            money_cue = bool(MONEY_CUES.search(sentence))
            baselines = [q for q in found if _BASELINE.search(sentence[: q.start])]
            first_target = len(targets)
            for quantity in found:
                if quantity in baselines:
                    continue
                clause = next(
                    (
                        c
                        for c in progress_clauses
                        if sentence.find(c) <= quantity.start < sentence.find(c) + len(c)
                    ),
                    None,
                )
                deadline = _deadline(sentence, quantity.end)
                if clause is not None and targets and targets[-1].sentence == sentence:
                    if targets[-1].progress is None and quantity.unit in ("", targets[-1].unit):
                        targets[-1].progress = quantity.value
                    continue
                if not quantity.unit:
                    continue
                if deadline and this_year and int(deadline[:4]) < this_year:
                    continue
                if quantity.money:
                    if not (money_cue or commitment or deadline):
                        continue
                elif quantity.word_number:
                    if not deadline and quantity.value < 1000:
                        continue
                elif not (deadline or commitment):
                    continue
                if clause is not None and not deadline:
                    continue
                if _is_statistic(sentence, quantity, this_year):
                    continue
                hint = re.match(
                    r"\s*(?:the|its)\s+(ministry|department|secretariat|government|agency|institute)\b",
                    sentence,
                    re.IGNORECASE,
                )
                kind_hint = None
                if hint:
                    kind_hint = "agency" if hint.group(1).lower() in ("agency", "institute") else "ministry"
                owner, guessed = owner_at(
                    offset + start_in_text + quantity.start, offset + start_in_text, previous_owner, kind_hint
                )
                previous_owner = owner or previous_owner
                targets.append(
                    TargetReading(
                        _what(sentence, quantity),
                        quantity.value,
                        quantity.unit,
                        deadline,
                        owner,
                        sentence=sentence,
                        range_text=quantity.range_text,
                        owner_guessed=guessed,
                        quote=sentence[quantity.start : quantity.noun_end],
                    )
                )
            for base in baselines:
                # 'from 41% to 30% by 2025', 'to 80% by 2020, from about 60% today': a starting point.
                same = [t for t in targets[first_target:] if t.unit == base.unit and t.baseline is None]
                if same:
                    same[0].baseline = base.value
    return targets
