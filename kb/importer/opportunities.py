"""Cooperation opportunities: sentences that propose, discuss or agree joint work.

Each clause with a cue ('agreed to explore cooperation on', 'scope for',
'potential for ... collaboration', 'proposed a joint', 'could work together')
becomes one opportunity. Its status follows the verb: 'agreed' or 'signed' is
``agreed``; 'proposed', 'suggested' or 'discussed' is ``discussed``; 'scope',
'potential' or 'could' is ``identified``. Its topic is the phrase after the cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.importer.document import split_sentences
from kb.util.text import slugify

AGREED = re.compile(
    r"\b(?:(?:it was |both sides |they |we )?agreed to|signed (?:a|an) (?:letter of intent|memorandum|"
    r"mou|agreement|joint)|signed up to|committed to (?:work|cooperat|collaborat|develop))",
    re.IGNORECASE,
)
DISCUSSED = re.compile(
    r"\b(?:proposed|suggested|discussed|raised the (?:idea|possibility)|invited|offered to|"
    r"put forward|floated|requested|asked for|sought)\b",
    re.IGNORECASE,
)
IDENTIFIED = re.compile(
    r"\b(?:scope for|potential for|opportunit(?:y|ies) (?:for|to|in)|room for|could (?:also |jointly |usefully )?(?:work together|"
    r"partner|collaborate|cooperate|support|help|join|benefit|share|host|offer|provide|supply|fund|train)|would welcome|looking for (?:UK|British)|"
    r"keen to (?:work|collaborate|partner)|(?:is|are) interested in|expressed interest in|area suggested for cooperation|areas? for (?:future )?"
    r"(?:cooperation|collaboration)|scope to)\b",
    re.IGNORECASE,
)
#: Words that say the clause is about joint work at all, for the weaker cues.
JOINT = re.compile(
    r"\b(cooperat\w*|collaborat\w*|joint|together|partner\w*|exchange|share|sharing|"
    r"UK|British|both sides|work with)\b",
    re.IGNORECASE,
)
_TOPIC_LEADS = re.compile(
    r"\b(?:on|in|for|into|around|about|explore|a joint|an? |share|sharing|to)\s+(.*)$", re.IGNORECASE
)
_VAGUE = re.compile(r"^(?:cooperation|collaboration|work|working together)(?:\s+with\s+.*)?$", re.IGNORECASE)
_FILLER = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "on",
        "in",
        "for",
        "and",
        "to",
        "with",
        "its",
        "their",
        "our",
        "both",
        "sides",
        "uk",
        "british",
        "explore",
        "cooperation",
        "collaboration",
        "joint",
        "work",
        "together",
        "area",
        "areas",
        "development",
        "is",
        "are",
        "be",
        "which",
        "we",
        "will",
        "follow",
        "up",
        "also",
        "very",
        "large",
        "new",
        "possible",
        "potential",
        "partners",
        "partner",
        "firms",
        "companies",
    }
)


@dataclass
class OpportunityReading:
    title: str
    status: str
    clause: str
    start: int  # offset of the clause in the analysed text
    end: int
    topic_words: list[str] = field(default_factory=list)


def _clauses(sentence: str) -> list[str]:
    """A sentence split where a second cue starts: '..., and UKEF could support ...'."""
    parts = re.split(r",\s+and\s+|;\s+|,\s+while\s+|,\s+but\s+", sentence)
    return [p for p in parts if p.strip()]


def _status(clause: str) -> str | None:
    if AGREED.search(clause):
        return "agreed"
    if DISCUSSED.search(clause) and (
        JOINT.search(clause)
        or re.search(
            r"\b(workshop|study|programme|"
            r"exercise|call|visit|project|"
            r"exchange|degrees?)\b",
            clause,
            re.I,
        )
    ):
        return "discussed"
    if IDENTIFIED.search(clause):
        return "identified"
    return None


def _topic(clause: str, cue_end: int) -> str:
    after = clause[cue_end:].strip()
    lead = _TOPIC_LEADS.search(after)
    topic = lead.group(1) if lead and lead.start() < 40 else after
    topic = re.split(
        r"(?<=\w)[.;]|,\s+(?:which|where|as|so|because)\b|(?<!\s)\s+(?:which|where|because)\s",
        topic,
        maxsplit=1,
    )[0]
    return topic.strip(" ,.")


def _cue_end(clause: str) -> int:
    ends = [m.end() for pattern in (AGREED, DISCUSSED, IDENTIFIED) for m in pattern.finditer(clause)]
    return min(ends) if ends else 0


_LEADING = re.compile(
    r"^(?:(?:explore|the|a|an|for|on|in|into|to|with|about|around|development of|is|are|would be|"
    r"cooperation|collaboration|joint work|work)\s+)+",
    re.IGNORECASE,
)
#: Filler words at the end of a topic, read backwards from its end: a search for them at the end,
#: '(?:\s+(?:on|in|...))+$', was tried from every word and was quadratic in a run of them.
_TRAILING_REVERSED = re.compile(r"(?:(?:no|ni|fo|rof|dna|eht|a|na|ot|htiw|ta|yb)\s+)+", re.IGNORECASE)


def _without_trailing_fillers(text: str) -> str:
    """``text`` without the filler words that end it ('the', 'of', 'on'...), each after a space."""
    line_end = "\n" if text.endswith("\n") else ""  # as '$' did, allow one final line end
    text = text[: len(text) - len(line_end)]
    match = _TRAILING_REVERSED.match(text[::-1])
    return (text[: len(text) - match.end()] if match else text) + line_end


def _title(topic: str) -> str:
    stripped = _LEADING.sub("", topic + " ").strip()
    topic = stripped or topic
    topic = re.split(r"(?<!\s)\s+as\s+(?=the\b|[A-Z])", topic, maxsplit=1)[0]
    words = topic.split()
    if len(words) > 10:
        topic = " ".join(words[:10])
    topic = _without_trailing_fillers(topic.strip(" ,.")).strip(" ,.")
    if not topic:
        return ""
    return topic[:1].upper() + topic[1:]


def find_opportunities(
    paragraphs: list[tuple[str, int]], country_words: list[str]
) -> list[OpportunityReading]:
    """Opportunities in ``paragraphs`` (each text with its offset in the analysed text)."""
    found: list[OpportunityReading] = []
    vague_topic = (
        re.compile(
            r"^(?:with\s+)?(?:" + "|".join(re.escape(w) for w in country_words + ["the UK"]) + r")?\W*$",
            re.IGNORECASE,
        )
        if country_words
        else None
    )
    for text, offset in paragraphs:
        cursor = 0
        for sentence in split_sentences(text):
            s_start = text.find(sentence, cursor)
            cursor = s_start + len(sentence)
            c_cursor = 0
            for clause in _clauses(sentence):
                c_start = sentence.find(clause, c_cursor)
                c_cursor = c_start + len(clause)
                status = _status(clause)
                if status is None:
                    continue
                topic = _topic(clause, _cue_end(clause))
                title = _title(topic)
                words = [w for w in re.findall(r"[\w-]+", title.lower()) if w not in _FILLER]
                if (
                    not title
                    or not words
                    or _VAGUE.match(title)
                    or (vague_topic and vague_topic.match(title))
                ):
                    continue
                if all(w in [c.lower() for c in country_words] for w in words):
                    continue
                start = offset + s_start + c_start
                found.append(
                    OpportunityReading(title, status, clause.strip(), start, start + len(clause), words[:4])
                )
    return found


def opportunity_id(country: str, reading: OpportunityReading, taken: set[str]) -> str:
    base = slugify(f"{country} {' '.join(reading.topic_words)}", max_length=50)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
