"""Named bodies a text introduces: 'Full Name (ACRONYM)' definitions and head-noun phrases.

Two readings, both linear in the text:

- acronym definitions the Schwartz-Hearst way: for '(NIST)' the shortest run of words
  before the bracket whose letters spell the acronym in order, the first at a word start
  ('National Institute of Standards and Technology'); also 'ACRONYM (Full Name)';
- capitalised phrases headed by an organisation noun: 'Ministry of ...', 'Department for
  ...', '... Agency', '... Institute', '... University', '... Fund', '... Embassy'.

A phrase holding two bodies joined by 'and' is split, never merged. Meetings, events,
agreements and job titles ('Joint Committee', 'Summit', 'Minister of ...') are not bodies.
Each body gets the country its name gives ('U.S. Department of Energy', 'Chilean Senate'),
else the one country its sentence names, else none (a review point).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.importer.places import country_mentions

#: Nouns that head a body's name, at its end ('Science Agency') or before 'of'/'for' ('Ministry of').
HEADS = frozenset(
    {
        "Ministry",
        "Department",
        "Office",
        "Agency",
        "Institute",
        "Institution",
        "University",
        "College",
        "Fund",
        "Foundation",
        "Academy",
        "Academies",
        "Society",
        "Laboratory",
        "Observatory",
        "Survey",
        "Programme",
        "Program",
        "Prize",
        "Scheme",
        "Awards",
        "Fellowships",
        "Embassy",
        "Consulate",
        "Chamber",
        "Association",
        "Corporation",
        "Centre",
        "Center",
        "School",
        "Museum",
        "Authority",
        "Service",
        "Bank",
        "Network",
        "Organisation",
        "Organization",
        "Senate",
        "Parliament",
        "Initiative",
        "Administration",
        "Commission",
        "Council",
        "Directorate",
        "Directorate-General",
        "Bureau",
        "Secretariat",
        "Board",
        "Trust",
        "Company",
        "Group",
        "Hospital",
        "Force",
        "Forces",
        "Agency’s",
        "Cabinet",
        "Federation",
        "Union",
    }
)
#: Words that make a phrase a meeting, event, document or title, not a body.
NOT_BODIES = re.compile(
    r"\b(?:Meeting|Meetings|Summit|Conference|Dialogue|Forum|Congress|Committee|Committees|Week|Festival|"
    r"Games|Agreement|Accord|Strategy|Plan|Partnership|Memorandum|Declaration|Statement|Treaty|Talks|"
    r"Minister|Ministers|Secretary|Director|Adviser|Advisor|Ambassador|Commissioner|President|Governor|"
    r"Spokesperson|"
    r"Government|Strategic|Joint Commission|Programme Committees|Heads|Area|Areas|"
    r"European Union|European Council|Revolutionary|Liberation|Guerrilla|Militia|Rebels?)\b"
)
#: 'pharmaceutical company Cipla', 'automotive giant Mahindra': a company named after what it is.
_COMPANY = re.compile(
    r"\b(?:company|firm|giant|manufacturer|maker|developer|operator|utility|start-?up|conglomerate|producer|"
    r"supplier|provider|insurer|retailer|investor|fund manager|airline|carmaker|group)\s+"
    r"(?P<name>[A-Z][\w&.’'-]*(?:\s(?:[A-Z][\w&.’'-]*|UK|SA)){0,3})"
)
_TITLES = frozenset(
    {
        "Minister",
        "Secretary",
        "Director",
        "Adviser",
        "Advisor",
        "Ambassador",
        "Commissioner",
        "President",
        "Governor",
        "Chair",
        "Chief",
        "Head",
        "Deputy",
        "Assistant",
        "General",
        "Scientific",
        "Counsellor",
        "Consul",
        "Envoy",
        "Prime",
        "Vice",
        "Chancellor",
        "Rector",
        "Vice-Chancellor",
        "Provost",
        "Dean",
        "Principal",
        "Spokesperson",
        "Mayor",
    }
)
_MONTHS = frozenset(
    {
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
)
_CONNECT = frozenset(
    {"of", "for", "and", "the", "on", "de", "do", "da", "del", "&", ",", "von", "van", "der", "in"}
)
#: Names that say their country without a country word.
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
_STOP = re.compile(r"(?<=[a-z0-9)\]”’\"])[.!?]\s")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){1,4}$")
_WORD = re.compile(r"[\w][\w’'.&-]*|,|\(|\)")
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


@dataclass(frozen=True)
class BodyName:
    name: str
    start: int
    end: int  # end of the name, or of its bracketed acronym
    acronym: str | None = None
    country_word: str | None = None  # a leading nationality word, not part of the name ('Brazilian')


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and len(word) > 1 and word[1:2].isalpha())


def _spans(text: str) -> list[list[re.Match]]:
    """Runs of capitalised words (with 'of', 'for', 'and', 'the' inside), in one pass."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        gap = text[current[-1].end() : match.start()] if current else " "
        previous = current[-1].group(0) if current else ""
        ends_sentence = previous.endswith((".", "’s", "'s")) and not _ABBREVIATION.match(previous)
        if current and ("\n" in gap or gap.strip() or ends_sentence):
            runs.append(current)
            current = []
        if _capitalised(word) or (current and word in _CONNECT):
            current.append(match)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _trim(words: list[re.Match]) -> list[re.Match]:
    while words and (words[0].group(0) in _CONNECT or words[0].group(0) == "The"):
        words = words[1:]
    while words and words[-1].group(0) in _CONNECT:
        words = words[:-1]
    return words


def _clean(word: str) -> str:
    return re.sub(r"[’']s$", "", word).rstrip(".,")


def _namelike(word: str) -> bool:
    """A word that can stand in a body's name before its head: not a title, not a possessive."""
    if "-" in word and all(country_mentions(part) for part in word.split("-") if part):
        return False  # 'UK-India Newton Fund': the countries say whose, they are not the name
    return (
        _capitalised(word)
        and _clean(word) not in _TITLES
        and not word.endswith(("’s", "'s"))
        and word not in ("The", "A", "An")
        and _clean(word) not in _MONTHS
    )


def _lists_inside_name(run: list[re.Match]) -> list[bool]:
    """For each position of ``run``, whether a comma there lists the name's own words, as in
    'Ministry of Education, Culture, Sports, Science and Technology': an 'and' follows before the
    run ends, and no new head comes first. One pass from the end (a scan forward from each comma
    was quadratic in a run of thousands of commas)."""
    verdicts = [False] * (len(run) + 1)
    for index in range(len(run) - 1, -1, -1):
        word = run[index].group(0)
        if word == "and":
            verdicts[index] = True
        elif _clean(word) in HEADS or word in ("the",) or not (_capitalised(word) or word == ","):
            verdicts[index] = False
        else:
            verdicts[index] = verdicts[index + 1]
    # The answer for a comma at ``i`` is what the words after it decide.
    return verdicts[1:]


def _bodies_in_run(run: list[re.Match]) -> list[list[re.Match]]:
    """The bodies in one capitalised run: split at 'and' where a new head-led name starts."""
    pieces: list[list[re.Match]] = [[]]
    lists_inside_name = _lists_inside_name(run)
    for index, match in enumerate(run):
        word = match.group(0)
        following = run[index + 1].group(0) if index + 1 < len(run) else ""
        after = run[index + 2].group(0) if index + 2 < len(run) else ""
        # 'A Ministry and the B Commission', 'Ministry X, Ministry Y', 'X and the U.S. Department':
        # two bodies, never one.
        if word in ("and", ",") and (
            following == "the"
            or _clean(following) in HEADS
            or _clean(following) in _TITLES
            or country_mentions(following)
        ):
            pieces.append([])
            continue
        if word == "," and (
            following == "and"
            or (pieces[-1] and _clean(pieces[-1][-1].group(0)) in HEADS)
            or not lists_inside_name[index]
        ):
            pieces.append([])
            continue
        pieces[-1].append(match)
    out = []
    for piece in pieces:
        heads = [i for i, m in enumerate(piece) if _clean(m.group(0)) in HEADS]
        if not heads:
            continue
        first = heads[0]
        start = first
        # Capitalised words just before the head belong to the name, titles do not: 'the White
        # House Office of ...' after 'Director of'.
        while start > 0:
            word = piece[start - 1].group(0)
            if (
                word in ("and", "&", "of", "for", "in")
                and start > 1
                and _namelike(piece[start - 2].group(0))
                and not piece[start - 2].group(0).isupper()
            ):  # 'NIA and Open Data Institute': two
                start -= 1  # 'Foreign and Commonwealth Office', 'Science and Innovation Network'
                continue
            if word in _CONNECT or not _namelike(word):
                break
            start -= 1
        end = len(piece)
        last_head = heads[-1]
        after_in = [i for i in range(last_head + 1, len(piece)) if piece[i].group(0) == "in"]
        if after_in:
            end = after_in[0]  # 'Museum of Natural History in Washington': where it is, not its name
        if last_head + 1 < end and piece[last_head + 1].group(0) not in ("of", "for", "on", "de"):
            # 'Newton Fund research': the name ends at its head unless 'of ...' follows.
            tail = [i for i in range(last_head + 1, end) if piece[i].group(0) in _CONNECT]
            end = last_head + 1 if not tail else end
        name = _trim(piece[start:end])
        if name:
            out.append(name)
    return out


def company_bodies(text: str) -> list[BodyName]:
    """Companies introduced by what they are ('Indian pharmaceutical company Cipla')."""
    found = []
    for match in _COMPANY.finditer(text):
        name = re.sub(r"[’']s$", "", match.group("name")).rstrip(".,")
        if not NOT_BODIES.search(name) and not country_mentions(name.split()[0]) and name not in _TITLES:
            found.append(BodyName(name, match.start("name"), match.start("name") + len(name)))
    return found


def _not_a_body(name: str) -> bool:
    """A meeting, document, title or polity: 'Joint Committee', 'Minister of ...'. A name led by
    its head keeps the titles inside it ('Office of the Press Secretary')."""
    hit = NOT_BODIES.search(name)
    if hit is None:
        return False
    led_by_head = _clean(name.split()[0]) in HEADS
    return not (led_by_head and hit.group(0) in _TITLE_WORDS)


_TITLE_WORDS = frozenset(
    {
        "Minister",
        "Ministers",
        "Secretary",
        "Director",
        "Adviser",
        "Advisor",
        "Ambassador",
        "Commissioner",
        "President",
        "Governor",
        "Spokesperson",
    }
)


def head_noun_bodies(text: str) -> list[BodyName]:
    found: list[BodyName] = []
    for run in _spans(text):
        for words in _bodies_in_run(run):
            name = text[words[0].start() : words[-1].end()]
            name = re.sub(r"[’']s$", "", name).rstrip(".,")
            if len(name.split()) < 2 or name.split()[0] in _TITLES or _not_a_body(name):
                continue
            start, first, rest = words[0].start(), name.split()[0], name.split(" ", 1)[1]
            if (
                country_mentions(first)
                and len(rest.split()) >= 2
                and (len(rest.split()) >= 3 or _clean(rest.split()[0]) in HEADS)
            ):
                # 'Brazilian Ministry for Science, ...': the adjective says whose, the name starts after it
                found.append(BodyName(rest, start + len(first) + 1, start + len(name), country_word=first))
                continue
            found.append(BodyName(name, start, start + len(name)))
    return found


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
        if (i == 0 or candidate[i - 1] == " ") and candidate[i:].split(" ", 1)[0] in _CONNECT
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
            m for m in _WORD.finditer(text[before_start : match.start()]) if m.group(0) not in (",", "(", ")")
        ]
        if is_acronym(inside) and not inside.endswith("s") and words:
            limit = min(len(inside) + 5, len(inside) * 2)
            tail = words[-limit:]
            texts = [_clean(w.group(0)) for w in tail]
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
            chosen = _trim(tail[first:])
            if (
                not chosen
                or not all(_capitalised(w.group(0)) or w.group(0) in _CONNECT for w in chosen)
                or not any(_clean(w.group(0)) in HEADS for w in chosen)
            ):
                continue  # 'Internet of Things (IoT)' defines a term, not a body
            start = before_start + chosen[0].start()
            name = re.sub(r"[’']s$", "", text[start : before_start + chosen[-1].end()]).rstrip(".,")
            if _not_a_body(name) or len(name.split()) < 2:
                continue
            index = tail.index(chosen[0])
            previous = tail[index - 1].group(0) if index > 0 else ""
            # 'the U.S. National Renewable Energy Laboratory (NREL)': whose it is, said just before.
            country_word = previous if previous and country_mentions(previous) else None
            found.append(BodyName(name, start, match.end(), inside, country_word))
        elif (
            words
            and is_acronym(_clean(words[-1].group(0)))
            and " " in inside
            and _capitalised(inside)
            and not NOT_BODIES.search(inside)
        ):
            acronym = _clean(words[-1].group(0))
            if _long_form(acronym, inside.split()) == 0:
                found.append(BodyName(inside, match.start() + 1, match.end() - 1, acronym))
    return found


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
