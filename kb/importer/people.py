"""People a text introduces with their role ('Jane Doe, Director of X at the Y'), and whether
they are among the visitors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.importer.document import split_sentences
from kb.importer.visit import VISIT_CUES


@dataclass
class PersonReading:
    name: str
    role: str | None = None
    organisation: str | None = None
    visitor: bool = False


_HONORIFIC = r"(?:(?:Dr|Professor|Prof|Sir|Dame|Lord|Lady|Baroness|Mr|Mrs|Ms|Dr\.|Prof\.)\s+)?"
_NAME = rf"{_HONORIFIC}[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){{1,2}}"
_ROLE_WORD = r"(?:[A-Z][\w’'&-]*|of|for|and|on|the)"
#: Role and organisation are at most 12 words, and the end is a look-ahead only: unbounded, both
#: were tried against each other over a whole sentence (quadratic in ' of The' repeated, or in a
#: run of spaces; issue 12).
_PERSON = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:the\s+)?(?P<role>[A-Z][\w’'&-]*(?:\s+{_ROLE_WORD}){{0,12}}?)"
    rf"(?:\s+(?:at|of|in|from|for)\s+(?:the\s+)?(?P<org>[A-Z][\w’'&-]*(?:\s+(?:[A-Z][\w’'&-]*|of|for|and|&)){{0,12}}))?"
    rf"(?=\s*[,.;()]|\s+(?:visited|led|was|travelled|spent|met|and)\b)"
)
_LED_BY = re.compile(rf"\bled by\s+(?P<name>{_NAME})")
_ROLE_TITLES = (
    "Director",
    "Head",
    "Minister",
    "Secretary",
    "Adviser",
    "Advisor",
    "Officer",
    "Attaché",
    "Ambassador",
    "Consul",
    "Counsellor",
    "Chief",
    "President",
    "Chair",
    "Chairman",
    "Commissioner",
    "Manager",
    "Lead",
    "Deputy",
    "Professor",
    "Envoy",
    "Champion",
    "Governor",
)


def find_people(paragraphs: list[str]) -> list[PersonReading]:
    """People introduced with their role: 'Jane Doe, Director of X at the Y'."""
    people: list[PersonReading] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            visit_sentence = bool(VISIT_CUES.search(sentence))
            for match in _PERSON.finditer(sentence):
                role = match.group("role").strip()
                if not any(word in role for word in _ROLE_TITLES):
                    continue
                name = match.group("name").strip()
                org = match.group("org")
                org = re.sub(r"(?<!\s)\s+(?:and|of|for|&)$", "", org.strip()) if org else None
                before = sentence[: match.start()]
                visitor = visit_sentence and not re.search(r"\b(met|with|by)\s*$", before.strip()[-12:])
                if not any(p.name == name for p in people):
                    people.append(PersonReading(name, role, org, visitor))
    return people
