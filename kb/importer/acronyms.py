"""Bodies defined with an acronym, the Schwartz-Hearst way: for '(NIST)' the shortest run of
words before the bracket whose letters spell the acronym in order, the first at a word start
('National Institute of Standards and Technology'); also 'ACRONYM (Full Name)'. Linear in the text.
"""

from __future__ import annotations

import re

from kb.importer.bodies import (
    CONNECT,
    HEADS,
    NOT_BODIES,
    WORD,
    BodyName,
    capitalised,
    clean_word,
    head_noun_bodies,
    not_a_body,
    trim_name,
)
from kb.importer.places import country_mentions

_STOP = re.compile(r"(?<=[a-z0-9)\]”’\"])[.!?]\s")
_ACRONYM_CHARS = re.compile(r"^[^\W\d_][\w&\- ]{1,11}$")


def is_acronym(text: str) -> bool:
    """'NIST', 'MoP', 'YÖK', 'DG R&I', 'H2020': short, a capital first, two capitals at least."""
    return (
        bool(_ACRONYM_CHARS.match(text))
        and text[0].isupper()
        and sum(c.isupper() for c in text) >= 2
        and text.count(" ") <= 1
    )


_DEFINITION = re.compile(r"\(([^()\n]{2,80})\)")


def _letters(acronym: str) -> str:
    return re.sub(r"[^a-z0-9]", "", acronym.casefold())


def _long_form(acronym: str, words: list[str]) -> int | None:
    """Schwartz-Hearst: the index of the first word of the shortest long form, or None."""
    letters = _letters(acronym)
    if not letters:
        return None
    candidate = " ".join(words)
    # The first letter must start a word, and not a small word ('Office of Fusion Energy Sciences
    # (OFES)' starts at 'Office', not at 'of').
    small = {
        i
        for i, ch in enumerate(candidate)
        if (i == 0 or candidate[i - 1] == " ") and candidate[i:].split(" ", 1)[0] in CONNECT
    }
    s_index, l_index = len(letters) - 1, len(candidate) - 1
    while s_index >= 0:
        char = letters[s_index]
        while l_index >= 0 and (
            candidate[l_index].casefold() != char
            or (s_index == 0 and ((l_index > 0 and candidate[l_index - 1].isalnum()) or l_index in small))
        ):
            l_index -= 1
        if l_index < 0:
            return None
        s_index -= 1
        l_index -= 1
    start_char = candidate.rfind(" ", 0, l_index + 1) + 1
    return candidate[:start_char].count(" ")


def acronym_bodies(text: str) -> list[BodyName]:
    """'Full Name (ACR)' and 'ACR (Full Name)' definitions."""
    found: list[BodyName] = []
    for match in _DEFINITION.finditer(text):
        inside = match.group(1).strip()
        before = text[max(0, match.start() - 200) : match.start()]
        # Where the sentence starts: not at the stop of an abbreviation ('the U.S. National ...').
        stops = [m.end() - 1 for m in _STOP.finditer(before)]
        sentence_start = max(
            stops[-1] if stops else -1, before.rfind("\n"), before.rfind("; "), before.rfind(": ")
        )
        before_start = match.start() - len(before) + sentence_start + 1
        words = [
            m for m in WORD.finditer(text[before_start : match.start()]) if m.group(0) not in (",", "(", ")")
        ]
        if is_acronym(inside) and not inside.endswith("s") and words:
            limit = min(len(inside) + 5, len(inside) * 2)
            tail = words[-limit:]
            texts = [clean_word(w.group(0)) for w in tail]
            first = _long_form(inside, texts)
            if first is None:
                # Letters of another language ('Peatland Restoration Agency (BRG)'): the body's name
                # must then end right at the bracket.
                ending = [
                    b
                    for b in head_noun_bodies(text[before_start : match.start()])
                    if not text[before_start + b.end : match.start()].strip(" ’'s")
                ]
                if ending:
                    body = ending[-1]
                    found.append(BodyName(body.name, before_start + body.start, match.end(), inside))
                continue
            chosen = trim_name(tail[first:])
            if (
                not chosen
                or not all(capitalised(w.group(0)) or w.group(0) in CONNECT for w in chosen)
                or not any(clean_word(w.group(0)) in HEADS for w in chosen)
            ):
                continue  # 'Internet of Things (IoT)' defines a term, not a body
            start = before_start + chosen[0].start()
            name = re.sub(r"[’']s$", "", text[start : before_start + chosen[-1].end()]).rstrip(".,")
            if not_a_body(name) or len(name.split()) < 2:
                continue
            index = tail.index(chosen[0])
            previous = tail[index - 1].group(0) if index > 0 else ""
            # 'the U.S. National Renewable Energy Laboratory (NREL)': whose it is, said just before.
            country_word = previous if previous and country_mentions(previous) else None
            found.append(BodyName(name, start, match.end(), inside, country_word))
        elif (
            words
            and is_acronym(clean_word(words[-1].group(0)))
            and " " in inside
            and capitalised(inside)
            and not NOT_BODIES.search(inside)
        ):
            acronym = clean_word(words[-1].group(0))
            if _long_form(acronym, inside.split()) == 0:
                found.append(BodyName(inside, match.start() + 1, match.end() - 1, acronym))
    return found
