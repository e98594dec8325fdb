"""Every document a query matches, with the score Whoosh gives it, without Whoosh's matcher tree.

Whoosh scores each match through a tree of Python matcher objects, which is most of a
search's time. Here each leaf of the query (a term, a phrase, a wildcard, a date range...)
is matched by Whoosh once per open index and its documents and scores kept; ``And``, ``Or``,
``Not`` and constant-score filters are then combined as Whoosh combines them (sum of the
parts' scores; ``Not`` and a filter add a constant), as dictionary operations. The sums
may be added in another order than Whoosh's, so a score can differ from Whoosh's in its
last bits, never in the four decimals shown. ``tests/test_search_api.py`` compares the
documents, scores and ranking with Whoosh's own search.
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import query as wq
from whoosh.matching import ListMatcher

from kb.search.engine import term_scores

#: Documents (with their scores) of query parts kept per open index, at most.
LEAF_CACHE = 1_000_000

#: Documents with their scores, and the same documents as a bitmask (bit n: document n).
Found = tuple[dict[int, float], int]


class MatchCache:
    """The matches of the queries run on one open index, each leaf's kept while it is open."""

    def __init__(self, searcher) -> None:
        self._context = searcher.context()
        # Segments with the number of their first document (one segment: the searcher itself).
        self.segments = searcher.subsearchers or [(searcher, 0)]
        self._size = searcher.reader().doc_count_all()
        self._leaves: OrderedDict = OrderedDict()  # query -> Found, least recently used first
        self._cached = 0
        self._lengths: dict = {}  # (segment reader, field) -> its length bytes, read once

    def matches(self, q, scored: bool = True) -> Found:
        """Every document ``q`` matches, with the score Whoosh gives it (0.0 for each when not
        ``scored``), and as a bitmask, which is what facets are counted from."""
        if (
            isinstance(q, (wq.And, wq.Or))
            and len(q.subqueries) == 1
            and not isinstance(q.subqueries[0], wq.Not)
        ):
            return self.matches(q.subqueries[0], scored)  # as Whoosh: the part alone, boost and all
        if isinstance(q, wq.And) and q.subqueries:
            return self._all_of(q, scored)
        if (
            isinstance(q, wq.Or)
            and q.subqueries
            and not q.scale
            and not q.minmatch
            and not any(isinstance(sub, wq.Not) for sub in q.subqueries)
        ):
            if not any(isinstance(sub, wq.CompoundQuery) for sub in q.subqueries):
                return self.leaf(q)  # a word in every text field: kept as a whole, like a term
            out, mask = _union([self.matches(sub, scored) for sub in q.subqueries])
            return _boosted(out, q.boost), mask
        return self.leaf(q)

    def _all_of(self, q: wq.And, scored: bool) -> Found:
        """An ``And``: documents every positive part matches and no ``Not`` part does."""
        positive = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
        negative = [sub for sub in q.subqueries if isinstance(sub, wq.Not)]
        if not positive:
            return self.leaf(q)
        found = [self.matches(sub, scored) for sub in positive]
        parts = [part for part, _mask in found]
        mask = found[0][1]
        for _part, part_mask in found[1:]:
            mask &= part_mask
        excluded: list[dict[int, float]] = []
        for sub in negative:
            left_out, left_out_mask = self.matches(sub.query, False)
            excluded.append(left_out)
            mask &= ~left_out_mask
        if len(parts) == 2 and not negative:
            # One pass over the smaller part (a + b == b + a, so the sums are the same).
            small, large = sorted(parts, key=len)
            if not scored:
                return dict.fromkeys([d for d in small if d in large], 0.0), mask
            return _boosted({d: score + large[d] for d, score in small.items() if d in large}, q.boost), mask
        docs = _in_all(parts, excluded)
        if not scored:
            return dict.fromkeys(docs, 0.0), mask
        out = _summed(parts, docs)
        if negative:
            extra = sum(self.constant(sub) for sub in negative)
            out = {d: score + extra for d, score in out.items()}
        return _boosted(out, q.boost), mask

    def leaf(self, q) -> Found:
        """The documents and scores of a query Whoosh matches itself, kept while the index is open."""
        found = self._leaves.get(q)
        if found is not None:
            self._leaves.move_to_end(q)
            return found
        if isinstance(q, wq.ConstantScoreQuery):
            docs, mask = self.matches(q.child, False)
            if docs and not self._context.needs_current:
                # What Whoosh's matcher for it gives each match (a list of the child's documents
                # with this weight), without listing the child's documents again to learn it.
                constant = ListMatcher([0], all_weights=q.score).score()
            else:
                constant = self.constant(q)
            scores = dict.fromkeys(docs, constant)
        elif isinstance(q, wq.Or) and not any(isinstance(sub, wq.CompoundQuery) for sub in q.subqueries):
            scores, mask = _union([self.leaf(sub) for sub in q.subqueries])
            scores = _boosted(scores, q.boost)
        else:
            scores = {}
            for sub, base in self.segments:
                # A word in one field: scored in bulk, as Whoosh scores it (most queries are words).
                fast = term_scores(sub, q, self._context, self._lengths) if type(q) is wq.Term else None
                if fast is not None:
                    scores.update({d + base: s for d, s in fast.items()} if base else fast)
                    continue
                matcher = q.matcher(sub, self._context)
                while matcher.is_active():
                    scores[matcher.id() + base] = matcher.score()
                    matcher.next()
            mask = bitmask(scores, self._size)
        found = self._leaves[q] = (scores, mask)
        self._cached += len(scores)
        while self._cached > LEAF_CACHE and len(self._leaves) > 1:
            _query, (dropped, _dropped_mask) = self._leaves.popitem(last=False)
            self._cached -= len(dropped)
        return found

    def constant(self, q) -> float:
        """The score a ``Not`` or constant-score part adds to each match (the same for all)."""
        for sub, _base in self.segments:
            matcher = q.matcher(sub, self._context)
            if matcher.is_active():
                return matcher.score()
        return 0.0


def _union(found: list[Found]) -> Found:
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
            out.update(zip(fresh, map(part.__getitem__, fresh), strict=True))
    return out, mask


def _in_all(parts: list[dict[int, float]], excluded: list[dict[int, float]]) -> set[int]:
    """Documents in every one of ``parts`` and in none of ``excluded``."""
    if len(parts) == 1:
        return parts[0].keys() - set().union(*excluded)
    smallest: dict[int, float] = min(parts, key=len)
    docs = set(smallest).intersection(*parts)
    for left_out in excluded:
        docs.difference_update(left_out)
    return docs


def _summed(parts: list[dict[int, float]], docs: set[int]) -> dict[int, float]:
    """Each document's scores in ``parts`` added up, first part first (as Whoosh adds them)."""
    if len(parts) == 1:
        only = parts[0]
        return {d: only[d] for d in docs}
    if len(parts) == 2:
        first, second = parts
        return {d: first[d] + second[d] for d in docs}
    out = {}
    for d in docs:
        total = parts[0][d]
        for part in parts[1:]:
            total += part[d]
        out[d] = total
    return out


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    return scores if boost == 1.0 else {d: score * boost for d, score in scores.items()}


def bitmask(docnums, size: int) -> int:
    """``docnums`` as an integer whose bit n is set for document n."""
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")
