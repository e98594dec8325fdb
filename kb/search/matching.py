"""Running queries on one index generation, kept open for many searches.

:class:`OpenIndex` opens a generation once and answers :class:`QuerySpec`
queries from it, keeping what does not change while the generation lives:
the query parsers, the documents and scores of each query leaf (a term, a
phrase...) once matched (:mod:`kb.search.scoring`), the documents of each facet value (as
bitmasks, so a facet count is one ``&`` and ``int.bit_count``), the order by date, and the
words already seen in snippets (:mod:`kb.search.snippets`). :mod:`kb.search.api` turns what the user
typed into a :class:`QuerySpec` and keeps an :class:`OpenIndex` per live
generation (:class:`kb.search.api.Searcher`).

Public and staff searches differ only here: a public search is restricted to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling (see :mod:`kb.search.documents`).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path

from whoosh import index as wi
from whoosh import qparser
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from kb.search.engine import FACETS, posting_ids
from kb.search.facets import load_masks, load_order, save_masks, save_order
from kb.search.parse import make_parser, parse_with
from kb.search.scoring import MatchCache, bitmask
from kb.search.snippets import Snippets
from kb.search.spelling import spelling_suggestions
from kb.search.store import GenerationGone

#: Up to this many matches, the first search of an open index counts facets from the stored
#: fields (about 80 microseconds a match) rather than build the facet bitmasks (about 150 ms at
#: 10,000 reports): a one-off search, such as ``kb search``, should not pay for them.
FEW_MATCHES = 1500
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QuerySpec:
    """A query in index terms; :mod:`kb.search.api` makes it from what the user typed."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> values, OR'ed
    start: date | None = None
    end: date | None = None
    view: str = "public"
    sort: str = "relevance"
    limit: int | None = 20
    spell_words: tuple[str, ...] = ()
    #: Facet field -> value -> every name of its body (renames): a value is counted over them
    #: all, so that MSIP and MSIT count the reports of one ministry (only values that have some).
    families: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass
class RawHit:
    fields: dict
    score: float | None
    snippet: str


@dataclass
class RawResults:
    total: int
    hits: list[RawHit]
    facets: dict[str, dict[str, int]]
    suggestions: dict[str, str]


class OpenIndex:
    """One index generation, open for as many queries as needed; ``close()`` when done.

    Not for use by several threads at once (Whoosh's readers are not).
    """

    def __init__(self, generation: Path):
        try:
            # Without mmap: Whoosh would copy every file of every segment out of the map into
            # memory when opening (tens of milliseconds and of megabytes); plain reads cost less.
            self._ix = FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()
            self.searcher = self._ix.searcher()
        except (OSError, wi.EmptyIndexError) as exc:
            raise GenerationGone(f"the index changed while opening it ({exc})") from None
        self.generation = generation
        self.schema = self._ix.schema
        self.reader = self.searcher.reader()
        self._parsers: dict[bool, qparser.QueryParser] = {}
        self._facet_masks: dict[str, dict[str, int]] | None = None
        self._public: set[int] | None = None
        self._snippets = Snippets(self.schema["body"].analyzer)
        self.match_cache = MatchCache(self.searcher)
        self._rank: dict[int, int] | None = None
        self._searches = 0

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> OpenIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def parse(self, text: str, staff: bool = False):
        qp = self._parsers.get(staff)
        if qp is None:
            qp = self._parsers[staff] = make_parser(self.schema, staff)
        return parse_with(qp, text, staff)

    def run(self, spec: QuerySpec) -> RawResults:
        """Hits, total, facet counts over all hits, spelling suggestions."""
        searcher = self.searcher
        staff = spec.view == "staff"
        conditions: list[wq.Query] = [] if staff else [wq.Term("visibility", "public")]
        for name, values in spec.filters.items():
            conditions.append(wq.Or([wq.Term(name, v.lower()) for v in values]))
        if spec.start or spec.end:
            conditions.append(wq.DateRange("date", _datetime(spec.start), _datetime(spec.end)))
        text = spec.text.strip()
        q = self.parse(text, staff) if text else wq.Every()
        if conditions:
            # Part of the query rather than a filter: matching skips through the postings instead
            # of listing every public document first; its constant score leaves the ranking alone.
            restrict = wq.ConstantScoreQuery(wq.And(conditions), 0.0)
            q = restrict if isinstance(q, wq.Every) else wq.And([q, restrict])
        by_date = spec.sort == "date" or not text
        matched, matched_mask = self.match_cache.matches(q, scored=not by_date)
        top: Sequence[tuple[int, float | None]]
        if by_date:
            rank = self._date_rank()
            order = sorted(matched, key=rank.__getitem__)
            top = [(docnum, None) for docnum in (order[: spec.limit] if spec.limit else order)]
        else:
            top = _best(matched, spec.limit)
        snippet_fields = ("body", "private", "summary") if staff else ("body", "summary")
        words = (
            {
                name: frozenset(
                    self.schema[name].from_bytes(term)
                    for _name, term in q.existing_terms(self.reader, fieldname=name, expand=True)
                )
                for name in snippet_fields
            }
            if text
            else {}
        )
        hits = []
        for docnum, score in top:
            stored = searcher.stored_fields(docnum)
            snippet = ""
            for name in snippet_fields if text else ():
                snippet = self._snippets.make(stored.get(name) or "", words[name], (docnum, name))
                if snippet:
                    break
            if not snippet:
                snippet = _shorten(stored.get("summary") or stored.get("body", ""))
            snippet = _SPACE.sub(" ", snippet).strip().replace("** **", " ")
            hits.append(RawHit(stored, None if score is None else round(score, 4), snippet))
        facets = self._facets(matched, matched_mask, spec.families)
        suggestions = spelling_suggestions(self, spec.spell_words, staff) if spec.spell_words else {}
        return RawResults(len(matched), hits, facets, suggestions)

    def _date_rank(self) -> dict[int, int]:
        """Each document's place when sorted newest first (then by id), as Whoosh sorts them."""
        if self._rank is None:
            size = self.reader.doc_count_all()
            order = load_order(self.generation, self._cache_key(), size)
            if order is None:
                # The columns Whoosh sorts by (as stored: sortable numbers and bytes; both fields
                # are sortable in the schema), read in one go; saved for the next process.
                dates = list(self.reader.column_reader("date", translate=False))
                keys = list(self.reader.column_reader("key", translate=False))
                order = sorted(range(len(dates)), key=keys.__getitem__)
                order.sort(key=dates.__getitem__, reverse=True)  # stable: same date, by id
                save_order(self.generation, self._cache_key(), order)
            self._rank = {docnum: place for place, docnum in enumerate(order)}
        return self._rank

    # -- facets ------------------------------------------------------------------------------
    def _facets(
        self, matched, wanted: int, families: dict[str, dict[str, tuple[str, ...]]] | None = None
    ) -> dict[str, dict[str, int]]:
        """Matching documents per value of each facet field, over every match (not only those
        shown); a value with a family (``families``) counts the documents holding any of its names."""
        families = families or {}
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self._searches += 1
        if self._facet_masks is None and self._searches == 1 and len(matched) <= FEW_MATCHES:
            for docnum in matched:
                stored = self.searcher.stored_fields(docnum)
                for name in FACETS:
                    counts = facets[name]
                    family = families.get(name, {})
                    values = {v.lower() for v in (stored.get(name) or "").split()}
                    for value in values | {o for v in values for o in family.get(v, ())}:
                        counts[value] = counts.get(value, 0) + 1
            return facets
        masks = self.facet_masks()
        for name in FACETS:
            counts = facets[name]
            family = families.get(name, {})
            by_value = masks[name]
            for value in {*by_value, *(o for v in by_value if v in family for o in family[v])}:
                mask = by_value.get(value, 0)
                for other in family.get(value, ()):
                    mask |= by_value.get(other, 0)
                number = (mask & wanted).bit_count()
                if number:
                    counts[value] = number
        return facets

    def facet_masks(self) -> dict[str, dict[str, int]]:
        """For each facet field, each value's documents as a bitmask (bit n: document n).

        Built once per generation and kept beside it (:data:`FACET_CACHE`): reading
        every facet value's postings is the largest part of a one-off search with
        many matches, and a generation never changes once it is live.
        """
        if self._facet_masks is None:
            self._facet_masks = load_masks(self.generation, self._cache_key(), FACETS)
            if self._facet_masks is None:
                size = self.reader.doc_count_all()
                self._facet_masks = {
                    name: {
                        term.decode("utf-8"): bitmask(self.term_docs(name, term), size)
                        for term in self.reader.lexicon(name)
                    }
                    for name in FACETS
                }
                save_masks(self.generation, self._cache_key(), self._facet_masks)
        return self._facet_masks

    def _cache_key(self) -> list:
        # The folder's name and the documents: a copy made for an update has another name.
        return [self.generation.name, self.reader.doc_count_all(), self.reader.doc_count()]

    def term_docs(self, fieldname: str, term: bytes) -> list[int]:
        """Documents (not deleted) holding ``term``."""
        return posting_ids(self.reader, fieldname, term)

    def docs_with(self, fieldname: str, term: str):
        """The documents holding ``term`` in ``fieldname`` (a set-like view), kept while open."""
        return self.match_cache.leaf(wq.Term(fieldname, term))[0].keys()

    def public_docs(self) -> set[int]:
        if self._public is None:
            self._public = set(self.term_docs("visibility", b"public"))
        return self._public


def _ranked(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _best(scores: dict[int, float], limit: int | None) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), highest score first and then lowest docnum, as Whoosh ranks."""
    if not limit or limit >= len(scores):
        return sorted(scores.items(), key=_ranked)
    top = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
    lowest = top[-1][1]
    tied = [item for item in scores.items() if item[1] == lowest]  # which of them come first: lowest docnum
    return sorted({*top, *tied}, key=_ranked)[:limit]


def _shorten(text: str, limit: int = 220) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _datetime(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None
