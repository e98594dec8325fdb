"""Running queries on one index generation, kept open for many searches.

:class:`OpenIndex` opens a generation once and answers :class:`QuerySpec`
queries from it, keeping what does not change while the generation lives:
the query parsers, the documents and scores of each query leaf (a term, a
phrase...) once matched, the documents of each facet value (as bitmasks, so a
facet count is one ``&`` and ``int.bit_count``), the order by date, and the
words already seen in snippets (:mod:`kb.search.snippets`). :mod:`kb.search.api` turns what the user
typed into a :class:`QuerySpec` and keeps an :class:`OpenIndex` per live
generation (:class:`kb.search.api.Searcher`).

Public and staff searches differ only here: a public search is restricted to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling (see :mod:`kb.search.engine`).
"""

from __future__ import annotations

import heapq
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path

from whoosh import index as wi
from whoosh import qparser, sorting
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound

from kb.search.engine import FACETS
from kb.search.facets import load_masks, save_masks
from kb.search.parse import make_parser, parse_with
from kb.search.snippets import Snippets
from kb.search.spelling import spelling_suggestions
from kb.search.store import GenerationGone

#: Up to this many matches, the first search of an open index counts facets from the stored
#: fields (about 80 microseconds a match) rather than build the facet bitmasks (about 150 ms at
#: 10,000 reports): a one-off search, such as ``kb search``, should not pay for them.
FEW_MATCHES = 1500
#: Documents (with their scores) of query parts kept per open index, at most.
LEAF_CACHE = 1_000_000
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
        self._context = self.searcher.context()
        # Segments with the number of their first document (one segment: the searcher itself).
        self._segments = self.searcher.subsearchers or [(self.searcher, 0)]
        self._leaves: OrderedDict = OrderedDict()  # query -> {docnum: score}, least recently used first
        self._cached = 0
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
        conditions = [] if staff else [wq.Term("visibility", "public")]
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
        matched, matched_mask = self._matches(q, scored=not by_date)
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
        facets = self._facets(matched, matched_mask)
        suggestions = spelling_suggestions(self, spec.spell_words, staff) if spec.spell_words else {}
        return RawResults(len(matched), hits, facets, suggestions)

    # -- matching ---------------------------------------------------------------------------
    def _matches(self, q, scored: bool = True) -> tuple[dict[int, float], int]:
        """Every document ``q`` matches, with the score Whoosh gives it, and as a bitmask.

        Whoosh scores each match through a tree of Python matcher objects, which
        is most of a search's time. Here each leaf of the query (a term, a phrase,
        a wildcard, a date range...) is matched by Whoosh once per open index and
        its documents and scores kept; ``And``, ``Or``, ``Not`` and constant-score
        filters are then combined as Whoosh combines them (sum of the parts' scores;
        ``Not`` and a filter add a constant), as dictionary operations. The sums may
        be added in another order than Whoosh's, so a score can differ from Whoosh's
        in its last bits, never in the four decimals shown. The bitmask (bit n:
        document n) is what facets are counted from.
        """
        if (
            isinstance(q, (wq.And, wq.Or))
            and len(q.subqueries) == 1
            and not isinstance(q.subqueries[0], wq.Not)
        ):
            return self._matches(q.subqueries[0], scored)  # as Whoosh: the part alone, boost and all
        if isinstance(q, wq.And) and q.subqueries:
            positive = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
            negative = [sub for sub in q.subqueries if isinstance(sub, wq.Not)]
            if not positive:
                return self._leaf(q)
            found = [self._matches(sub, scored) for sub in positive]
            parts = [part for part, _mask in found]
            mask = found[0][1]
            for _part, part_mask in found[1:]:
                mask &= part_mask
            excluded: list = []
            for sub in negative:
                left_out, left_out_mask = self._matches(sub.query, False)
                excluded.append(left_out)
                mask &= ~left_out_mask
            if len(parts) == 2 and not negative:
                # One pass over the smaller part (a + b == b + a, so the sums are the same).
                small, large = sorted(parts, key=len)
                if not scored:
                    return dict.fromkeys([d for d in small if d in large], 0.0), mask
                return _boosted(
                    {d: score + large[d] for d, score in small.items() if d in large}, q.boost
                ), mask
            if len(parts) == 1:
                docs = parts[0].keys() - set().union(*excluded)
            else:
                docs = set(min(parts, key=len)).intersection(*parts)
                for left_out in excluded:
                    docs.difference_update(left_out)
            if not scored:
                return dict.fromkeys(docs, 0.0), mask
            if len(parts) == 1:
                only = parts[0]
                extra = sum(self._constant(sub) for sub in negative)
                return _boosted({d: only[d] + extra for d in docs}, q.boost), mask
            if len(parts) == 2:
                first, second = parts
                out = {d: first[d] + second[d] for d in docs}
            else:
                out = {}
                for d in docs:
                    total = parts[0][d]
                    for part in parts[1:]:
                        total += part[d]
                    out[d] = total
            if negative:
                extra = sum(self._constant(sub) for sub in negative)
                out = {d: score + extra for d, score in out.items()}
            return _boosted(out, q.boost), mask
        if (
            isinstance(q, wq.Or)
            and q.subqueries
            and not q.scale
            and not q.minmatch
            and not any(isinstance(sub, wq.Not) for sub in q.subqueries)
        ):
            if not any(isinstance(sub, wq.CompoundQuery) for sub in q.subqueries):
                return self._leaf(q)  # a word in every text field: kept as a whole, like a term
            out, mask = self._union([self._matches(sub, scored) for sub in q.subqueries])
            return _boosted(out, q.boost), mask
        return self._leaf(q)

    @staticmethod
    def _union(found: list[tuple[dict[int, float], int]]) -> tuple[dict[int, float], int]:
        """Documents of any part, with the sum of the scores of the parts that match each."""
        mask = 0
        for _part, part_mask in found:
            mask |= part_mask
        parts = sorted((part for part, _mask in found), key=len, reverse=True)
        out = dict(parts[0])
        for part in parts[1:]:
            both = part.keys() & out.keys()
            for d in both:
                out[d] += part[d]
            if len(both) < len(part):
                fresh = part.keys() - both
                out.update(zip(fresh, map(part.__getitem__, fresh)))
        return out, mask

    def _leaf(self, q) -> tuple[dict[int, float], int]:
        """The documents and scores of a query Whoosh matches itself, kept while the index is open."""
        found = self._leaves.get(q)
        if found is not None:
            self._leaves.move_to_end(q)
            return found
        if isinstance(q, wq.ConstantScoreQuery):
            docs, mask = self._matches(q.child, False)
            scores = dict.fromkeys(docs, self._constant(q))
        elif isinstance(q, wq.Or) and not any(isinstance(sub, wq.CompoundQuery) for sub in q.subqueries):
            scores, mask = self._union([self._leaf(sub) for sub in q.subqueries])
            scores = _boosted(scores, q.boost)
        else:
            scores = {}
            for sub, base in self._segments:
                matcher = q.matcher(sub, self._context)
                while matcher.is_active():
                    scores[matcher.id() + base] = matcher.score()
                    matcher.next()
            mask = _mask(scores, self.reader.doc_count_all())
        found = self._leaves[q] = (scores, mask)
        self._cached += len(scores)
        while self._cached > LEAF_CACHE and len(self._leaves) > 1:
            _query, (dropped, _mask_) = self._leaves.popitem(last=False)
            self._cached -= len(dropped)
        return found

    def _constant(self, q) -> float:
        """The score a ``Not`` or constant-score part adds to each match (the same for all)."""
        for sub, _base in self._segments:
            matcher = q.matcher(sub, self._context)
            if matcher.is_active():
                return matcher.score()
        return 0.0

    def _date_rank(self) -> dict[int, int]:
        """Each document's place when sorted newest first (then by id), as Whoosh sorts them."""
        if self._rank is None:
            if self.reader.has_column("date") and self.reader.has_column("key"):
                # The columns Whoosh sorts by (as stored: sortable numbers and bytes), read in one go.
                dates = list(self.reader.column_reader("date", translate=False))
                keys = list(self.reader.column_reader("key", translate=False))
                order = sorted(range(len(dates)), key=keys.__getitem__)
                order.sort(key=dates.__getitem__, reverse=True)  # stable: same date, by id
            else:
                everything = self.searcher.search(
                    wq.Every(),
                    limit=None,
                    sortedby=[sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("key")],
                )
                order = [docnum for _key, docnum in everything.top_n]
            self._rank = {docnum: place for place, docnum in enumerate(order)}
        return self._rank

    # -- facets ------------------------------------------------------------------------------
    def _facets(self, matched, wanted: int) -> dict[str, dict[str, int]]:
        """Matching documents per value of each facet field, over every match (not only those shown)."""
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self._searches += 1
        if self._facet_masks is None and self._searches == 1 and len(matched) <= FEW_MATCHES:
            for docnum in matched:
                stored = self.searcher.stored_fields(docnum)
                for name in FACETS:
                    counts = facets[name]
                    for value in (stored.get(name) or "").split():
                        value = value.lower()
                        counts[value] = counts.get(value, 0) + 1
            return facets
        masks = self.facet_masks()
        for name in FACETS:
            counts = facets[name]
            for value, mask in masks[name].items():
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
                        term.decode("utf-8"): _mask(self.term_docs(name, term), size)
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
        """Documents (not deleted) holding ``term``, read a block of postings at a time."""
        found: list[int] = []
        for segment, base in self.reader.leaf_readers():
            try:
                matcher = segment.postings(fieldname, term)  # one look-up in the terms file, not two
            except TermNotFound:
                continue
            deleted = getattr(segment, "deleted_docs_set", None) or ()
            leaf = getattr(matcher, "child", matcher) if deleted else matcher
            ids = _block_ids(leaf)
            if deleted:
                ids = [i for i in ids if i not in deleted]
            found.extend([i + base for i in ids] if base else ids)
        return found

    def docs_with(self, fieldname: str, term: str):
        """The documents holding ``term`` in ``fieldname`` (a set-like view), kept while open."""
        return self._leaf(wq.Term(fieldname, term))[0].keys()

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


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    return scores if boost == 1.0 else {d: score * boost for d, score in scores.items()}


def _block_ids(matcher) -> list:
    """Every id of a leaf matcher; Whoosh's own ``all_ids`` yields them one by one (slow)."""
    if not hasattr(matcher, "_read_ids") or not hasattr(matcher, "_next_block"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids


def _mask(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _shorten(text: str, limit: int = 220) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _datetime(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None


def run_query(generation: Path, spec: QuerySpec) -> RawResults:
    """Run ``spec`` on one generation, opening and closing it (one-off searches and tests)."""
    with OpenIndex(generation) as index:
        return index.run(spec)
