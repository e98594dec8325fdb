"""Named bodies a text introduces: capitalised phrases headed by an organisation noun
('Ministry of ...', 'Department for ...', '... Agency', '... Institute', '... University',
'... Fund', '... Embassy'), and companies introduced by what they are. Linear in the text.

A phrase holding two bodies joined by 'and' is split, never merged. Meetings, events,
agreements and job titles ('Joint Committee', 'Summit', 'Minister of ...') are not bodies.
'Full Name (ACRONYM)' definitions are read in :mod:`kb.importer.acronyms`, the country of each
body in :mod:`kb.importer.bodycountry`.
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
CONNECT = frozenset(
    {"of", "for", "and", "the", "on", "de", "do", "da", "del", "&", ",", "von", "van", "der", "in"}
)
#: Names that say their country without a country word.
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){1,4}$")
WORD = re.compile(r"[\w][\w’'.&-]*|,|\(|\)")


@dataclass(frozen=True)
class BodyName:
    name: str
    start: int
    end: int  # end of the name, or of its bracketed acronym
    acronym: str | None = None
    country_word: str | None = None  # a leading nationality word, not part of the name ('Brazilian')


def capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and len(word) > 1 and word[1:2].isalpha())


def _spans(text: str) -> list[list[re.Match]]:
    """Runs of capitalised words (with 'of', 'for', 'and', 'the' inside), in one pass."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for match in WORD.finditer(text):
        word = match.group(0)
        gap = text[current[-1].end() : match.start()] if current else " "
        previous = current[-1].group(0) if current else ""
        ends_sentence = previous.endswith((".", "’s", "'s")) and not _ABBREVIATION.match(previous)
        if current and ("\n" in gap or gap.strip() or ends_sentence):
            runs.append(current)
            current = []
        if capitalised(word) or (current and word in CONNECT):
            current.append(match)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def trim_name(words: list[re.Match]) -> list[re.Match]:
    while words and (words[0].group(0) in CONNECT or words[0].group(0) == "The"):
        words = words[1:]
    while words and words[-1].group(0) in CONNECT:
        words = words[:-1]
    return words


def clean_word(word: str) -> str:
    return re.sub(r"[’']s$", "", word).rstrip(".,")


def _namelike(word: str) -> bool:
    """A word that can stand in a body's name before its head: not a title, not a possessive."""
    if "-" in word and all(country_mentions(part) for part in word.split("-") if part):
        return False  # 'UK-India Newton Fund': the countries say whose, they are not the name
    return (
        capitalised(word)
        and clean_word(word) not in _TITLES
        and not word.endswith(("’s", "'s"))
        and word not in ("The", "A", "An")
        and clean_word(word) not in _MONTHS
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
        elif clean_word(word) in HEADS or word in ("the",) or not (capitalised(word) or word == ","):
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
        # 'A Ministry and the B Commission', 'Ministry X, Ministry Y', 'X and the U.S. Department':
        # two bodies, never one.
        if word in ("and", ",") and (
            following == "the"
            or clean_word(following) in HEADS
            or clean_word(following) in _TITLES
            or country_mentions(following)
        ):
            pieces.append([])
            continue
        if word == "," and (
            following == "and"
            or (pieces[-1] and clean_word(pieces[-1][-1].group(0)) in HEADS)
            or not lists_inside_name[index]
        ):
            pieces.append([])
            continue
        pieces[-1].append(match)
    out = []
    for piece in pieces:
        heads = [i for i, m in enumerate(piece) if clean_word(m.group(0)) in HEADS]
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
            if word in CONNECT or not _namelike(word):
                break
            start -= 1
        end = len(piece)
        last_head = heads[-1]
        after_in = [i for i in range(last_head + 1, len(piece)) if piece[i].group(0) == "in"]
        if after_in:
            end = after_in[0]  # 'Museum of Natural History in Washington': where it is, not its name
        if last_head + 1 < end and piece[last_head + 1].group(0) not in ("of", "for", "on", "de"):
            # 'Newton Fund research': the name ends at its head unless 'of ...' follows.
            tail = [i for i in range(last_head + 1, end) if piece[i].group(0) in CONNECT]
            end = last_head + 1 if not tail else end
        name = trim_name(piece[start:end])
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


def not_a_body(name: str) -> bool:
    """A meeting, document, title or polity: 'Joint Committee', 'Minister of ...'. A name led by
    its head keeps the titles inside it ('Office of the Press Secretary')."""
    hit = NOT_BODIES.search(name)
    if hit is None:
        return False
    led_by_head = clean_word(name.split()[0]) in HEADS
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
            if len(name.split()) < 2 or name.split()[0] in _TITLES or not_a_body(name):
                continue
            start, first, rest = words[0].start(), name.split()[0], name.split(" ", 1)[1]
            if (
                country_mentions(first)
                and len(rest.split()) >= 2
                and (len(rest.split()) >= 3 or clean_word(rest.split()[0]) in HEADS)
            ):
                # 'Brazilian Ministry for Science, ...': the adjective says whose, the name starts after it
                found.append(BodyName(rest, start + len(first) + 1, start + len(name), country_word=first))
                continue
            found.append(BodyName(name, start, start + len(name)))
    return found
