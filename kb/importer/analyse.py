"""From a read source to a draft report: every reading put together, with review notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

from kb.importer.datefind import DateMention, DateReader, event_dates
from kb.importer.document import Document
from kb.importer.entities import EntityMatcher, EntityReading, NewEntity
from kb.importer.extract import Extracted, extract, list_count_problems
from kb.importer.opportunities import find_opportunities, opportunity_id
from kb.importer.partners import read_countries
from kb.importer.people import PersonReading, find_people
from kb.importer.places import HOME_COUNTRY, country_words
from kb.importer.sectors import SectorMatcher
from kb.importer.targets import Owners, find_targets, target_entry
from kb.importer.visit import VisitReading, find_visit
from kb.registry.model import KINDS, Registry
from kb.report.countries import country_name

#: A recognised disclaimer must be at least this similar (0-100) to a registry text.
DISCLAIMER_MIN_SCORE = 55


@dataclass
class Draft:
    """Everything read from one source, before it is written as a report."""

    shown: str
    title: str
    date: date
    countries: list[str]
    type: str
    extracted: Extracted
    visit: VisitReading
    people: list[PersonReading]
    entities: EntityReading
    sectors: list[str]
    targets: list[dict]
    opportunities: list[dict]
    disclaimer: str | None
    source: dict
    review: list[str] = field(default_factory=list)
    accepted: bool = False
    publisher_country: str = HOME_COUNTRY
    event_dates: list[DateMention] = field(default_factory=list)
    target_quotes: list[str] = field(default_factory=list)  # each target's quantity as written
    markdown_body: bool = (
        False  # the blocks keep their source's Markdown (Markdown, or a page via trafilatura)
    )

    def tag_ids(self, registry: Registry) -> dict[str, list[str]]:
        """Tag lists: registry entities, and proposed ones when accepted."""
        tags: dict[str, list[str]] = {}
        for entity_id in self.entities.ids():
            entity = registry.get(entity_id)
            kind = entity.kind if entity else None  # a proposal is tagged once the registry has it
            if kind is None or kind == "sector":
                continue
            tags.setdefault(KINDS[kind], [])
            if entity_id not in tags[KINDS[kind]]:
                tags[KINDS[kind]].append(entity_id)
        if self.sectors:
            tags["sectors"] = list(self.sectors)
        return tags


class Analyser:
    """Holds the registry matchers; :meth:`analyse` reads one document."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.entities = EntityMatcher(registry)
        self.sector_matcher = SectorMatcher(registry)

    def analyse(
        self,
        document: Document,
        *,
        default_date: date | None = None,
        countries: list[str] | None = None,
        accept_new: bool = False,
        title: str | None = None,
        publisher: str | None = None,
    ) -> Draft:
        """A draft for any readable document: what is unsure is a best guess and a review note.

        ``title``, ``default_date`` (the publication date), ``countries`` and ``publisher`` (a
        country code) override what the text says.
        """
        reader = DateReader()
        extracted = extract(document, reader)
        shown = document.shown
        review = list(extracted.review)
        title = extracted.title = _choose_title(extracted, title, shown, review)
        published, year_known = _publication_date(extracted, default_date, review)

        # One analysed text: the title, then each paragraph; offsets let readings meet.
        text, paragraphs = _analysed_text(title, extracted)
        body_paragraphs = paragraphs[1:]
        body_texts = [p for p, _o in body_paragraphs]
        events = event_dates(reader, body_texts, published.year if year_known else None)

        visit, _visit_sentence = find_visit(body_texts, published if year_known else None, review)
        country_reading = read_countries(title, body_texts, publisher=publisher)
        chosen = list(countries or country_reading.partners)
        if not countries and country_reading.note:
            review.append(country_reading.note)
        reading = self.entities.read(text, chosen, published, publisher=country_reading.publisher)
        if not chosen:
            chosen = [country_reading.publisher if country_name(country_reading.publisher) else HOME_COUNTRY]
            review.append(
                f"no partner country found in the text: set to {chosen[0]}; give the right one (or --country)"
            )
        review.extend(reading.review)

        new_by_id = {n.id: n for n in reading.new}
        blanked = _blank(text, [(h.start, h.end) for h in reading.hits])
        sectors = self.sector_matcher.sectors(
            blanked[len(title) :], title, _item_spans(title, extracted, body_paragraphs)
        )
        people = find_people(body_texts)
        quotes: list[str] = []
        targets = self._targets(
            body_paragraphs, reading, new_by_id, published, accept_new, review, quotes, year_known
        )
        opportunities = self._opportunities(body_paragraphs, reading, blanked, chosen, new_by_id, accept_new)
        review.extend(list_count_problems(body_texts))
        disclaimer = self._disclaimer(extracted.disclaimer_text, review)
        review.extend(_unaccepted_and_untagged(reading.new, people, accept_new))
        return Draft(
            shown,
            title,
            published,
            chosen,
            _guess_type(title, extracted),
            extracted,
            visit,
            people,
            reading,
            sectors,
            targets,
            opportunities,
            disclaimer,
            self._source(document, extracted.publisher, chosen),
            review,
            accept_new,
            country_reading.publisher,
            events,
            quotes,
            any(b.markdown for b in document.blocks if b.kind != "table"),
        )

    def _source(self, document: Document, publisher: str | None, countries: list[str]) -> dict:
        """The ``source:`` mapping: the page's address and its publisher (a registry name if known)."""
        source: dict = {}
        if document.url:
            source["url"] = document.url
        if publisher:
            resolved = self.entities.resolve(publisher, countries)
            source["publisher"] = resolved.name if resolved else publisher
        return source

    def _kind(self, entity_id: str, new_by_id: dict[str, NewEntity]) -> tuple[str | None, str | None]:
        entity = self.registry.get(entity_id)
        if entity:
            return entity.kind, entity.country
        proposal = new_by_id.get(entity_id)
        return (proposal.kind, proposal.country) if proposal else (None, None)

    def _targets(
        self,
        paragraphs,
        reading: EntityReading,
        new_by_id,
        published: date,
        accept_new: bool,
        review: list[str],
        quotes: list[str],
        year_known: bool = True,
    ) -> list[dict]:
        """The targets of the text as front-matter entries (each once), each quantity as
        written in ``quotes``; what is unsure about them in ``review``."""
        owners = Owners(reading, [self._kind(h.entity_id, new_by_id) for h in reading.hits])
        out = []
        seen: set[tuple] = set()
        for target in find_targets(paragraphs, owners.owner_at, published, year_known=year_known):
            item = target_entry(target, new_by_id, accept_new, published, review)
            key = (item["value"], item["unit"], item.get("deadline"), item.get("owner"))
            if key in seen:
                continue  # the same commitment said again (a summary bullet, then the body)
            seen.add(key)
            if target.range_text:
                review.append(
                    f"target '{target.what}' is given as a range ({target.range_text}); "
                    f"value set to the upper bound {target.value}"
                )
            out.append(item)
            quotes.append(target.quote)
        return out

    def _opportunities(
        self,
        paragraphs,
        reading: EntityReading,
        blanked: str,
        countries: list[str],
        new_by_id,
        accept_new: bool,
    ) -> list[dict]:
        words = [w for code in countries for w in country_words(code)]
        taken: set[str] = set()
        out = []
        for found in find_opportunities(paragraphs, words):
            partners = []
            for hit in reading.hits:
                if found.start <= hit.start < found.end and hit.entity_id not in partners:
                    kind, _country = self._kind(hit.entity_id, new_by_id)
                    if kind in ("sector", "person", None) or (hit.entity_id in new_by_id and not accept_new):
                        continue
                    partners.append(hit.entity_id)
            sectors = list(
                dict.fromkeys(h.sector_id for h in self.sector_matcher.hits(blanked[found.start : found.end]))
            )
            item: dict = {
                "id": opportunity_id(countries[0].lower(), found, taken),
                "title": found.title,
                "status": found.status,
            }
            if sectors:
                item["sectors"] = sectors
            if partners:
                item["partners"] = partners
            item["description"] = found.clause
            out.append(item)
        return out

    def _disclaimer(self, text: str | None, review: list[str]) -> str | None:
        if not text:
            return None
        best_id, best, second = None, 0.0, 0.0
        probe = _normal(text)
        for disclaimer in self.registry.disclaimers.values():
            reference = _normal(f"{disclaimer.title}. {disclaimer.text}")
            score = max(
                fuzz.token_set_ratio(probe, reference),
                fuzz.partial_ratio(probe, reference),
                fuzz.token_sort_ratio(probe, reference),
            )
            if _normal(disclaimer.title) and _normal(disclaimer.title) in probe:
                score += 10
            if score > best:
                best_id, best, second = disclaimer.id, score, best
            elif score > second:
                second = score
        if best_id is None or best < DISCLAIMER_MIN_SCORE:
            review.append(
                "the source's disclaimer matched no registry disclaimer: it was left out; "
                "set 'disclaimer' to the right one"
            )
            return None
        if best - second < 3:
            review.append(
                f"disclaimer '{best_id}' chosen, but another registry disclaimer is almost as close: check it"
            )
        return best_id


def _choose_title(extracted: Extracted, given: str | None, shown: str, review: list[str]) -> str:
    """The title given, else the text's (with its note when it is a guess), else the file's name."""
    if given:
        return given
    if extracted.title_note:
        review.append(extracted.title_note)
    if extracted.title:
        return extracted.title
    review.append("no title found: the title is the file's name; write the real title")
    return Path(shown).stem.replace("-", " ").replace("_", " ").strip() or "Untitled"


def _publication_date(extracted: Extracted, given: date | None, review: list[str]) -> tuple[date, bool]:
    """The publication date, and whether its year is known (else dates without a year are not
    placed): the one given, else the text's (a review note when unsure), else today's."""
    finding = extracted.date_finding
    if given:
        return given, True
    if finding:
        if not finding.sure:
            review.append(f"date {finding.day} taken from {finding.source}: check it is the publication date")
        return finding.day, finding.sure
    review.append(
        "no date found in the text: the date is the day of the import; set the publication date (or give --date)"
    )
    return date.today(), False


def _analysed_text(title: str, extracted: Extracted) -> tuple[str, list[tuple[str, int]]]:
    """The title, each paragraph and the publisher as one text, and each of the title and the
    paragraphs with its offset in it."""
    pieces, paragraphs, offset = [], [], 0
    for text in [title, *extracted.paragraphs()]:
        paragraphs.append((text, offset))
        pieces.append(text)
        offset += len(text) + 2
    if extracted.publisher:
        pieces.append(extracted.publisher)
    return "\n\n".join(pieces), paragraphs


def _item_spans(
    title: str, extracted: Extracted, body_paragraphs: list[tuple[str, int]]
) -> list[tuple[int, int]]:
    """Where each list item is in the body (offsets after the title)."""
    blocks = [b for section in extracted.sections for b in section.blocks]
    return [
        (o - len(title), o - len(title) + len(t))
        for (t, o), block in zip(body_paragraphs, blocks, strict=True)
        if block.kind == "item"
    ]


def _unaccepted_and_untagged(
    new: list[NewEntity], people: list[PersonReading], accept_new: bool
) -> list[str]:
    """Review notes: each proposed entity not accepted, and the people named but not tagged."""
    notes = []
    if not accept_new:
        notes += [
            f"new entity proposed: {proposal.label}, id {proposal.id} — run kb import "
            f"--accept-new-entities or add it to the registry"
            for proposal in new
        ]
    others = [p for p in people if not p.visitor]
    if others:
        notes.append(
            "people named, not tagged: "
            + "; ".join(
                f"{p.name} ({p.role}{', ' + p.organisation if p.organisation else ''})" for p in others
            )
        )
    return notes


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", " ", re.sub(r"\(s\)", "", text.casefold())).strip()


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _guess_type(title: str, extracted: Extracted) -> str:
    title = title.casefold()
    if "joint statement" in title:
        return "joint-statement"
    if "trade mission" in title:
        return "trade-mission"
    if (extracted.genre or "").casefold() == "speech":
        return "briefing"
    return "country-update"
