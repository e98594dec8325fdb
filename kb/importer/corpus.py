"""Scoring the importer on the shared corpus of real published texts (``shared/import-corpus``).

The corpus is read-only material beside the checkout, not part of it: a newcomer's clone
does not have it. :func:`find_shared` looks for it in ``$KB_SHARED``, then in each folder
above the repository (CI has it at ``<repo>/../shared``). Each text file is
``SOURCE:``/``LICENCE:`` lines, a blank line, then the text; ``labels.yaml`` holds the truth
(see the corpus README). Fields are scored as follows:

- title and date: exact; a title labelled null is right when the draft says its title is a
  guess; a date labelled null is not scored (the excerpt shows none);
- countries (partners) and publisher: set comparison per text, micro precision and recall;
- bodies: a labelled body is found when a body read from the text (registry match or
  proposal) has its name or acronym, compared without case, a leading "the" or a country word;
- new-entity proposals: right when the proposal is a labelled body *and* its country is the
  labelled one (INT and EU bodies have no country in the registry); "proposal country" looks
  at labelled bodies only: precision is how often a country given is right (a wrong one
  would file a body under the wrong government), recall how often the right one is given
  (the rest are left unknown, for review);
- targets: a read target matches a labelled one when its quantity lies inside the labelled
  phrase; "exact" when value, unit and deadline also agree with the phrase;
- event dates: ISO dates or ranges, micro precision and recall.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kb.importer.analyse import Analyser, Draft
from kb.importer.quality import Tally, tally_table
from kb.importer.sources import read_source
from kb.registry.model import Registry

CORPUS_FIELDS = (
    "title",
    "date",
    "countries",
    "publisher",
    "bodies",
    "proposals",
    "proposal country",
    "targets",
    "targets exact",
    "event dates",
)
_COUNTRY_WORDS = re.compile(
    r"^(?:the|u\.s\.|us|uk|british|chinese|japanese|korean|indian|german|eu|european|"
    r"white house|federal)\s+",
    re.IGNORECASE,
)


def find_shared(start: Path) -> Path | None:
    """The shared folder: ``$KB_SHARED``, else ``shared/`` in ``start`` or a folder above it."""
    given = os.environ.get("KB_SHARED")
    if given:
        return Path(given) if Path(given).is_dir() else None
    for folder in (start, *start.parents):
        if (folder / "shared" / "import-corpus").is_dir() or (folder / "shared" / "seeds").is_dir():
            return folder / "shared"
    return None


def corpus_text(path: Path) -> str:
    """The text of a corpus file: everything after its first blank line."""
    raw = path.read_text(encoding="utf-8")
    return raw.split("\n\n", 1)[1] if "\n\n" in raw else raw


def _norm(name: str) -> str:
    name = re.sub(r"\s+", " ", name.replace("’", "'")).strip(" .,").casefold()
    previous = None
    while previous != name:
        previous, name = name, _COUNTRY_WORDS.sub("", name)
    return re.sub(r" of (?:japan|india|china|korea|the united states|brazil|germany|south africa)$", "", name)


@dataclass
class TextScore:
    name: str
    notes: list[str] = field(default_factory=list)


@dataclass
class CorpusQuality:
    tallies: dict[str, Tally]
    texts: list[TextScore]

    def table(self) -> str:
        return tally_table(self.tallies, CORPUS_FIELDS, f"({len(self.texts)} texts)")

    def misses(self) -> str:
        return "\n".join(f"{t.name[:40]}: {note}" for t in self.texts for note in t.notes)


def _bodies(draft: Draft, registry: Registry, text: str) -> list[tuple[set[str], str | None, bool]]:
    """Each body read: (its names, its country, whether it is a proposal)."""
    out: dict[str, tuple[set[str], str | None, bool]] = {}
    proposals = {p.id: p for p in draft.entities.new}
    for hit in draft.entities.hits:
        entity = registry.get(hit.entity_id)
        proposal = proposals.get(hit.entity_id)
        if entity is not None and entity.kind in ("sector", "person", "event"):
            continue
        names, country, new = out.get(hit.entity_id, (set(), None, proposal is not None))
        names.add(_norm(text[hit.start : hit.end]))
        if entity is not None:
            names.update(_norm(n) for n in (*entity.names(), *entity.acronyms))
            country = entity.country
        if proposal is not None:
            names.add(_norm(proposal.name))
            if proposal.acronym:
                names.add(_norm(proposal.acronym))
            country = proposal.country
        out[hit.entity_id] = (names, country, new)
    return list(out.values())


def _tally(tally: Tally, wanted: Counter, got: Counter) -> tuple[list, list]:
    common = wanted & got
    tally.true_positive += sum(common.values())
    tally.false_positive += sum((got - common).values())
    tally.false_negative += sum((wanted - common).values())
    return sorted((wanted - common).elements()), sorted((got - common).elements())


def _deadline_year(phrase: str) -> str | None:
    match = re.search(
        r"\b(?:by|in|until|to|before)\s+(?:the end of\s+)?(?:[A-Z][a-z]+\s+)?((?:19|20)\d\d)\b", phrase
    )
    return match.group(1) if match else None


def _exact(target: dict, phrase: str) -> bool:
    value = target.get("value")
    number = f"{value:,}" if isinstance(value, int) else str(value)
    digits = re.sub(r"[^\d.]", "", phrase.replace(",", ""))
    value_ok = str(value) in phrase.replace(",", "") or number in phrase or (str(value) in digits)
    unit = str(target.get("unit") or "")
    symbol = {"GBP": "£", "USD": "$", "EUR": "EUR", "ZAR": "R", "INR": "₹"}.get(
        unit.split()[0] if unit else "", ""
    )
    unit_ok = bool(unit) and (not symbol or symbol in phrase or unit.split()[0] in phrase)
    deadline = target.get("deadline")
    deadline_ok = (str(deadline)[:4] if deadline else None) == _deadline_year(phrase)
    return value_ok and unit_ok and deadline_ok


def evaluate_corpus(folder: Path, registry: Registry, *, names: set[str] | None = None) -> CorpusQuality:
    """Import every text of the corpus (as a user would, without options) and score it."""
    import yaml

    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    analyser = Analyser(registry)
    tallies = {name: Tally() for name in CORPUS_FIELDS}
    scores: list[TextScore] = []
    for path in sorted((folder / "texts").glob("*.txt")):
        if names is not None and path.name not in names:
            continue
        label = labels[path.name]
        draft = analyser.analyse(read_source(path, path.name, corpus_text(path)))
        score = TextScore(path.name)
        _score_header(draft, label, tallies, score)
        _score_bodies(draft, label, analyser.registry, tallies, score)
        _score_targets(draft, label, tallies, score)
        events = Counter(label.get("event_dates") or [])
        found = Counter(m.iso() for m in draft.event_dates if m.start is not None)
        missing, extra = _tally(tallies["event dates"], events, found)
        if missing or extra:
            score.notes.append(f"event dates missing {missing} extra {extra}")
        scores.append(score)
    return CorpusQuality(tallies, scores)


def _score_header(draft: Draft, label: dict, tallies: dict[str, Tally], score: TextScore) -> None:
    """The title, the date, the partner countries and the publisher against the labels."""
    guessed = any(n.startswith("the text has no title line") for n in draft.review)
    title_ok = (
        guessed if label["title"] is None else not guessed and _norm(draft.title) == _norm(label["title"])
    )
    tallies["title"].count(title_ok, not title_ok, not title_ok)
    if not title_ok:
        score.notes.append(f"title {draft.title!r}, labelled {label['title']!r}")
    if label["date"] is not None:
        date_ok = str(draft.date) == str(label["date"])
        tallies["date"].count(date_ok, not date_ok, not date_ok)
        if not date_ok:
            score.notes.append(f"date {draft.date}, labelled {label['date']}")
    missing, extra = _tally(tallies["countries"], Counter(label["countries"]), Counter(draft.countries))
    if missing or extra:
        score.notes.append(f"countries missing {missing} extra {extra}")
    missing, extra = _tally(
        tallies["publisher"], Counter([label["publisher_country"]]), Counter([draft.publisher_country])
    )
    if missing or extra:
        score.notes.append(f"publisher {draft.publisher_country}, labelled {label['publisher_country']}")


def _score_bodies(
    draft: Draft, label: dict, registry: Registry, tallies: dict[str, Tally], score: TextScore
) -> None:
    """The bodies read against the labelled ones, and the country of each proposal."""
    analysed = "\n\n".join(
        [
            draft.title,
            *draft.extracted.paragraphs(),
            *([draft.extracted.publisher] if draft.extracted.publisher else []),
        ]
    )
    wanted = [
        ({_norm(b["name"])} | ({_norm(b["acronym"])} if b.get("acronym") else set()), b)
        for b in label["bodies"]
    ]
    read = _bodies(draft, registry, analysed)
    used: set[int] = set()
    for names_, body in wanted:
        index = next((i for i, (got, _c, _n) in enumerate(read) if i not in used and got & names_), None)
        if index is None:
            tallies["bodies"].false_negative += 1
            score.notes.append(f"body missed: {body['name']}")
            continue
        used.add(index)
        tallies["bodies"].true_positive += 1
        _got, country, new = read[index]
        if new:
            _score_proposal(country, body, tallies, score)
    for i, (got, _country, new) in enumerate(read):
        if i not in used:
            tallies["bodies"].false_positive += 1
            tallies["proposals"].false_positive += new
            score.notes.append(f"body not labelled: {sorted(got)[0]}{' (proposal)' if new else ''}")


def _score_proposal(country: str | None, body: dict, tallies: dict[str, Tally], score: TextScore) -> None:
    # EU and international bodies have no country in the registry: none is right for them.
    right = country == body.get("country") or (country is None and body.get("country") in ("EU", "INT"))
    tallies["proposals"].count(right, not right)
    # Filed right, filed wrong (the harm), or left unknown for review (the safe miss).
    tallies["proposal country"].count(right, not right and country is not None, not right and country is None)
    if not right:
        score.notes.append(f"proposal {body['name']}: country {country}, labelled {body.get('country')}")


def _score_targets(draft: Draft, label: dict, tallies: dict[str, Tally], score: TextScore) -> None:
    """Each target read against the labelled phrases, by the quantity as the text writes it."""
    phrases = [re.sub(r"\s+", " ", t) for t in label["targets"]]
    left = list(range(len(phrases)))
    for target, quote in zip(draft.targets, draft.target_quotes, strict=True):
        quote = re.sub(r"\s+", " ", quote)
        hit = next((i for i in left if quote and quote in phrases[i]), None)
        if hit is None:
            tallies["targets"].false_positive += 1
            score.notes.append(f"target not labelled: {target['what']!r}")
            continue
        left.remove(hit)
        tallies["targets"].true_positive += 1
        exact = _exact(target, phrases[hit])
        tallies["targets exact"].count(exact, not exact)
        if not exact:
            score.notes.append(
                f"target {phrases[hit]!r} read as {target.get('value')} {target.get('unit')} "
                f"by {target.get('deadline')}"
            )
    tallies["targets"].false_negative += len(left)
    tallies["targets exact"].false_negative += len(left)
    score.notes += [f"target missed: {phrases[i]!r}" for i in left]
