"""Quantified targets: 'open 60% of government data sets by 2016'.

A quantity (:mod:`kb.importer.quantities`) is a target when its sentence gives a deadline ('by
2016', 'by March 2019') or a commitment ('aims', 'plans', 'will', 'wants'); money also counts
with 'invest', 'spend', 'allocated'. A past figure, a statistic or a count of the text's own
parts is not one. A range takes its upper bound and is marked for review.

The owner is the body named before the quantity in the same sentence; else
'the ministry' or a pronoun refers back to the previous target's owner or the
nearest partner ministry or agency named before (:class:`Owners`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kb.importer.datefind import MONTH_RE, month_number
from kb.importer.document import split_sentences
from kb.importer.entities import EntityReading, NewEntity
from kb.importer.places import HOME_COUNTRY
from kb.importer.quantities import Quantity, quantities

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


#: ``owner_at(offset, sentence_start, previous_owner, kind_hint) -> (owner, guessed)``
OwnerAt = Callable[[int, int, str | None, str | None], tuple[str | None, bool]]


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
    paragraphs: list[tuple[str, int]], owner_at: OwnerAt, published: date, *, year_known: bool = True
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
            previous_owner = _sentence_targets(
                sentence, offset + start_in_text, found, targets, owner_at, previous_owner, this_year
            )
    return targets


def _sentence_targets(
    sentence: str,
    at: int,
    found: list[Quantity],
    targets: list[TargetReading],
    owner_at: OwnerAt,
    previous_owner: str | None,
    this_year: int | None,
) -> str | None:
    """Add the targets among the quantities of one sentence (at offset ``at`` in the analysed
    text) to ``targets``, and progress figures and baselines to the targets they belong to;
    return the owner the next sentence may refer back to."""
    progress_clauses = [c for c in _clauses(sentence) if _PROGRESS.search(c)]
    cues = (bool(COMMITMENT.search(sentence)), bool(MONEY_CUES.search(sentence)))
    baselines = [q for q in found if _BASELINE.search(sentence[: q.start])]
    first_target = len(targets)
    kind_hint = _kind_hint(sentence)
    for quantity in found:
        if quantity in baselines:
            continue
        clause = next(
            (c for c in progress_clauses if sentence.find(c) <= quantity.start < sentence.find(c) + len(c)),
            None,
        )
        deadline = _deadline(sentence, quantity.end)
        if clause is not None and targets and targets[-1].sentence == sentence:
            if targets[-1].progress is None and quantity.unit in ("", targets[-1].unit):
                targets[-1].progress = quantity.value
            continue
        if not _is_target(sentence, quantity, deadline, cues, clause is not None, this_year):
            continue
        owner, guessed = owner_at(at + quantity.start, at, previous_owner, kind_hint)
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
    return previous_owner


def _is_target(
    sentence: str,
    quantity: Quantity,
    deadline: str | None,
    cues: tuple[bool, bool],
    in_progress_clause: bool,
    this_year: int | None,
) -> bool:
    """Whether a quantity that is no progress figure is a target: it has a unit, a deadline not
    yet past, and a cue fit for its kind (``cues``: a commitment, a money word), and it is no
    statistic."""
    commitment, money_cue = cues
    if not quantity.unit or (deadline and this_year and int(deadline[:4]) < this_year):
        return False
    if quantity.money:
        cued = money_cue or commitment or bool(deadline)
    elif quantity.word_number:
        cued = bool(deadline) or quantity.value >= 1000
    else:
        cued = bool(deadline or commitment)
    if not cued or (in_progress_clause and not deadline):
        return False
    return not _is_statistic(sentence, quantity, this_year)


def _kind_hint(sentence: str) -> str | None:
    """'ministry' or 'agency' for a sentence starting 'The ministry', 'Its agency'... (the owner
    is then the last such body named), else None."""
    hint = re.match(
        r"\s*(?:the|its)\s+(ministry|department|secretariat|government|agency|institute)\b",
        sentence,
        re.IGNORECASE,
    )
    if not hint:
        return None
    return "agency" if hint.group(1).lower() in ("agency", "institute") else "ministry"


_OWNER_KINDS = ("ministry", "agency", "organisation")


class Owners:
    """Who owns a quantity: the body named in its sentence before it, else the nearest one before.

    Owners are looked up for every quantity: per hit, the last owner-like hit of each sort up to
    it is computed once, so that a long text stays linear (bisect, not a scan of every hit).
    """

    def __init__(self, reading: EntityReading, kinds: list[tuple[str | None, str | None]]) -> None:
        self.hits = reading.hits
        self.starts = [h.start for h in self.hits]
        self.kinds = kinds
        self.last: dict[str, list[int]] = {"partner": [], "ministry": [], "agency": []}
        current = {"partner": -1, "ministry": -1, "agency": -1}
        for index, (kind, country) in enumerate(kinds):
            if kind in _OWNER_KINDS and country != HOME_COUNTRY:
                current["partner"] = index
                if kind in ("ministry", "agency"):
                    current[kind] = index
            for key, found in self.last.items():
                found.append(current[key])

    def _before(self, key: str, count: int) -> str | None:
        index = self.last[key][count - 1] if count else -1
        return self.hits[index].entity_id if index >= 0 else None

    def owner_at(
        self, position: int, sentence_start: int, previous: str | None, kind_hint: str | None
    ) -> tuple[str | None, bool]:
        """``(owner, guessed)`` of a quantity at ``position`` in a sentence starting at
        ``sentence_start``; ``previous``: the owner of the quantity before it in the sentence."""
        count = bisect_left(self.starts, position)  # hits that start before the quantity
        for index in range(count - 1, -1, -1):
            if self.starts[index] < sentence_start:
                break
            if self.kinds[index][0] in _OWNER_KINDS:
                return self.hits[index].entity_id, False
        if kind_hint and self._before(kind_hint, count):
            return self._before(kind_hint, count), False
        if previous:
            return previous, False
        if self._before("ministry", count):
            return self._before("ministry", count), True
        partner = self._before("partner", count)
        return (partner, True) if partner else (None, False)


def target_entry(
    target: TargetReading,
    new_by_id: dict[str, NewEntity],
    accept_new: bool,
    published: date,
    review: list[str],
) -> dict:
    """A found target as a front-matter entry; notes on its owner in ``review``."""
    item: dict = {"what": target.what, "value": target.value, "unit": target.unit}
    if target.deadline:
        item["deadline"] = target.deadline
    owner = target.owner
    if owner and owner in new_by_id and not accept_new:
        review.append(
            f"target '{target.what}': its owner is the proposed new entity "
            f"{new_by_id[owner].label}; set 'owner' once it is in the registry"
        )
        owner = None
    elif owner is None:
        review.append(f"target '{target.what}': no owner found in the text; add 'owner'")
    if owner:
        item["owner"] = owner
        if target.owner_guessed:
            review.append(
                f"target '{target.what}': owner {owner} is a guess (the sentence names no "
                f"body; it is the nearest one named before): check it"
            )
    if target.baseline is not None:
        item["baseline"] = {"value": target.baseline, "as_of": f"{published:%Y-%m}"}
    if target.progress is not None:
        item["progress"] = {"value": target.progress, "as_of": f"{published:%Y-%m}"}
    item["status"] = "announced"
    return item
