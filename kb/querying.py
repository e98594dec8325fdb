"""Running queries on one index generation, kept open for many searches.

:class:`OpenIndex` opens a generation once and answers :class:`QuerySpec`
queries from it, keeping what does not change while the generation lives:
the query parsers, the documents of each facet value (as bitmasks, so a facet
count is one ``&`` and ``int.bit_count``), the public documents, and the
stems of words already seen in snippets. :mod:`kb.search` turns what the user
typed into a :class:`QuerySpec` and keeps an :class:`OpenIndex` per live
generation (:class:`kb.search.Searcher`).

Public and staff searches differ only here: a public search is restricted to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling (see :mod:`kb.index`).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from whoosh import index as wi, qparser, query as wq, sorting
from whoosh.qparser import syntax

from .errors import UsageError
from .index import FACETS, FIELD_BOOSTS, PRIVATE_TWINS, QUERY_FIELDS, TEXT_FIELDS
from .indexstore import GenerationGone

#: Snippets: Whoosh's ContextFragmenter settings (characters of a fragment, context around matches).
SNIPPET_CHARS = 200
SNIPPET_SURROUND = 60
#: Whoosh's highlighter looks no further than this into a field.
SNIPPET_CHARLIMIT = 2 ** 15
#: Up to this many matches, facets are counted from stored fields while the facet bitmasks
#: are not built yet (a one-off search should not pay for building them).
FEW_MATCHES = 500
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QuerySpec:
    """A query in index terms; :mod:`kb.search` makes it from what the user typed."""

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


def make_parser(schema, staff: bool = False) -> qparser.QueryParser:
    fields = [*TEXT_FIELDS, "private"] if staff else list(TEXT_FIELDS)
    found = qparser.MultifieldParser(fields, schema, fieldboosts=FIELD_BOOSTS)
    aliases: dict[str, list[str]] = {}
    for alias, name in QUERY_FIELDS.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    found.add_plugin(qparser.FieldAliasPlugin(aliases))
    return found


def parse_with(qp: qparser.QueryParser, text: str, staff: bool = False):
    """Whoosh's reading of ``text``; UsageError for what it cannot read."""
    hint = "check quotes, brackets and field:value pairs; see kb search --help"
    try:
        problem = _first_error(qp.process(text))
        if problem:
            raise UsageError(f"cannot read the query near {problem!r}", hint=hint)
        q = qp.parse(text)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - Whoosh raises bare ValueErrors on odd input
        raise UsageError(f"cannot read the query: {exc}", hint=hint) from None
    return _with_private(q) if staff else q


def parse_query(schema, text: str, staff: bool = False):
    return parse_with(make_parser(schema, staff), text, staff)


def _with_private(q):
    """Staff queries on a field also search its private twin (internal parts of public reports)."""
    if isinstance(q, wq.Term) and q.fieldname in PRIVATE_TWINS:
        return wq.Or([q, wq.Term(PRIVATE_TWINS[q.fieldname], q.text, boost=q.boost)])
    return q.apply(_with_private)


def _first_error(node) -> str | None:
    if isinstance(node, syntax.ErrorNode):
        return getattr(node.node, "original", None) or node.message
    if isinstance(node, syntax.GroupNode):
        for child in node:
            found = _first_error(child)
            if found:
                return found
    return None


class OpenIndex:
    """One index generation, open for as many queries as needed; ``close()`` when done.

    Not for use by several threads at once (Whoosh's readers are not).
    """

    def __init__(self, generation: Path):
        try:
            self._ix = wi.open_dir(str(generation))
            self.searcher = self._ix.searcher()
        except (OSError, wi.EmptyIndexError) as exc:
            raise GenerationGone(f"the index changed while opening it ({exc})") from None
        self.generation = generation
        self.schema = self._ix.schema
        self.reader = self.searcher.reader()
        self._parsers: dict[bool, qparser.QueryParser] = {}
        self._facet_masks: dict[str, dict[str, int]] | None = None
        self._public: set[int] | None = None
        self._snippets = _Snippets(self.schema["body"].analyzer)

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> "OpenIndex":
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
            # of listing every public document first; a zero score leaves the ranking alone.
            restrict = wq.ConstantScoreQuery(wq.And(conditions), 0.0)
            q = restrict if isinstance(q, wq.Every) else wq.And([q, restrict])
        by_date = spec.sort == "date" or not text
        sortedby = [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("key")] if by_date else None
        # Every match is collected once: the total and the facets need them all anyway.
        results = searcher.search(q, limit=None, sortedby=sortedby)
        snippet_fields = ("body", "private", "summary") if staff else ("body", "summary")
        words = {name: frozenset(self.schema[name].from_bytes(term)
                                 for _name, term in q.existing_terms(self.reader, fieldname=name, expand=True))
                 for name in snippet_fields} if text else {}
        hits = []
        for docnum, score in _top(results, spec.limit):
            stored = searcher.stored_fields(docnum)
            snippet = ""
            for name in snippet_fields if text else ():
                snippet = self._snippets.make(stored.get(name) or "", words[name])
                if snippet:
                    break
            if not snippet:
                snippet = _shorten(stored.get("summary") or stored.get("body", ""))
            snippet = _SPACE.sub(" ", snippet).strip().replace("** **", " ")
            hits.append(RawHit(stored, None if by_date else round(score, 4), snippet))
        matched = results.docs()
        facets = self._facets(matched)
        suggestions = _spelling(self, spec.spell_words, staff) if spec.spell_words else {}
        return RawResults(len(matched), hits, facets, suggestions)

    # -- facets ------------------------------------------------------------------------------
    def _facets(self, matched: set[int]) -> dict[str, dict[str, int]]:
        """Matching documents per value of each facet field, over every match (not only those shown)."""
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        if self._facet_masks is None and len(matched) <= FEW_MATCHES:
            for docnum in matched:
                stored = self.searcher.stored_fields(docnum)
                for name in FACETS:
                    counts = facets[name]
                    for value in (stored.get(name) or "").split():
                        value = value.lower()
                        counts[value] = counts.get(value, 0) + 1
            return facets
        masks = self.facet_masks()
        wanted = _mask(matched, self.reader.doc_count_all())
        for name in FACETS:
            counts = facets[name]
            for value, mask in masks[name].items():
                number = (mask & wanted).bit_count()
                if number:
                    counts[value] = number
        return facets

    def facet_masks(self) -> dict[str, dict[str, int]]:
        """For each facet field, each value's documents as a bitmask (bit n: document n), built once."""
        if self._facet_masks is None:
            size = self.reader.doc_count_all()
            self._facet_masks = {
                name: {term.decode("utf-8"): _mask(self.term_docs(name, term), size)
                       for term in self.reader.lexicon(name)}
                for name in FACETS}
        return self._facet_masks

    def term_docs(self, fieldname: str, term: bytes) -> list[int]:
        """Documents (not deleted) holding ``term``, read a block of postings at a time."""
        found: list[int] = []
        for segment, base in self.reader.leaf_readers():
            if (fieldname, term) not in segment:
                continue
            matcher = segment.postings(fieldname, term)
            deleted = getattr(segment, "deleted_docs_set", None) or ()
            leaf = getattr(matcher, "child", matcher) if deleted else matcher
            ids = _block_ids(leaf)
            if deleted:
                ids = [i for i in ids if i not in deleted]
            found.extend([i + base for i in ids] if base else ids)
        return found

    def public_docs(self) -> set[int]:
        if self._public is None:
            self._public = set(self.term_docs("visibility", b"public"))
        return self._public


def _block_ids(matcher) -> list:
    """Every id of a leaf matcher; Whoosh's own ``all_ids`` yields them one by one (slow)."""
    if not hasattr(matcher, "_read_ids") or not hasattr(matcher, "_next_block"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i:])
        matcher._next_block()
    return ids


def _mask(docnums, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _top(results, limit: int | None) -> list[tuple[int, float]]:
    """(docnum, score) of the hits to show, in the order of the results (every match was
    collected, so ``top_n`` holds them all; sorted by date, the "score" is the sort key)."""
    return [(docnum, score) for score, docnum in (results.top_n[:limit] if limit else results.top_n)]


# -- snippets ------------------------------------------------------------------------------------
class _Snippets:
    """Whoosh's highlighter as ``run`` used it, without its cost.

    Whoosh re-analyses the whole stored text of every hit shown, through a
    chain of generators (tokenise, lower-case, stop words, stem), and builds
    every fragment to keep one. This does the same steps with the analyser's
    own pattern, stop list and stemmer, stems each distinct word once per
    open index, and keeps only the best fragment: the same snippet, text for
    text (``tests/test_search_api.py`` compares them). An analyser of another
    shape falls back to Whoosh's highlighter.
    """

    def __init__(self, analyzer):
        self._analyzer = analyzer
        self._stems: dict[str, str] = {}
        self._plan = None
        items = getattr(analyzer, "items", None)
        kinds = [type(i).__name__ for i in items or ()]
        if kinds == ["RegexTokenizer", "LowercaseFilter", "StopFilter", "StemFilter"] and not items[0].gaps:
            tokenizer, _lower, stops, stem = items
            self._plan = (tokenizer.expression, stops.stops, stops.min, stops.max, stem._stem, stem.ignore)

    def make(self, text: str, words: frozenset) -> str:
        if not text or not words:
            return ""
        if self._plan is None:
            return _whoosh_snippet(self._analyzer, text, words)
        pattern, stoplist, minsize, maxsize, stem, ignore = self._plan
        stems = self._stems
        tokens = []
        for match in pattern.finditer(text):
            start, end = match.span()
            if end > SNIPPET_CHARLIMIT:
                break
            word = match.group().lower()
            if len(word) >= minsize and (maxsize is None or len(word) <= maxsize) and word not in stoplist \
                    and word not in ignore:
                found = stems.get(word)
                if found is None:
                    found = stems[word] = stem(word)
                word = found
            tokens.append((start, end, word if word in words else None))
        return _format(text, _best_fragment(tokens))


def _best_fragment(tokens: list) -> tuple[int, int, list] | None:
    """Whoosh's ContextFragmenter, scored by its BasicFragmentScorer, keeping the top one
    (on a tie, the later fragment, as Whoosh's ``nlargest`` does)."""
    best = None
    best_score = 0.0
    first = None
    firsts: deque = deque()
    countdown = -1
    matches: list = []
    currentlen = 0
    endchar = 0
    for startchar, endchar, matched in tokens:
        length = endchar - startchar
        if countdown < 0 and matched is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > SNIPPET_SURROUND:
                firsts.popleft()
        elif currentlen + length > SNIPPET_CHARS:
            countdown = 0
        elif matched is not None:
            countdown = SNIPPET_SURROUND
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += SNIPPET_SURROUND
            matches.append((startchar, endchar, matched))
        if countdown >= 0:
            currentlen += length
            countdown -= length
            if countdown <= 0:
                score = _fragment_score(matches)
                if best is None or score >= best_score:
                    best, best_score = (first, endchar, matches), score
                matches = []
                firsts = deque()
                first = None
                currentlen = 0
    if matches:
        score = _fragment_score(matches)
        if best is None or score >= best_score:
            best = (first, endchar, matches)
    return best


def _fragment_score(matches: list) -> float:
    return float(len(matches)) * ((len({m[2] for m in matches}) * 100) or 1)


def _format(text: str, fragment) -> str:
    """The fragment with matched words as ``**word**`` (readable in a terminal, a spreadsheet
    and Markdown)."""
    if fragment is None:
        return ""
    startchar, endchar, matches = fragment
    startchar = max(0, startchar)
    endchar = min(len(text), endchar)
    out = []
    index = startchar
    for start, end, _word in matches:
        if start < index:
            continue
        if start > index:
            out.append(text[index:start])
        out.append(f"**{text[start:end]}**")
        index = end
    out.append(text[index:endchar])
    return "".join(out)


def _whoosh_snippet(analyzer, text: str, words: frozenset) -> str:
    from whoosh import highlight

    class Marks(highlight.Formatter):
        between = " … "

        def format_token(self, text, token, replace=False):
            return f"**{highlight.get_text(text, token, replace)}**"

    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.Highlighter._merge_matched_tokens(highlight.set_matched_filter(tokens, words))
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND)
    fragments = highlight.top_fragments(fragmenter.fragment_tokens(text, tokens), 1,
                                        highlight.BasicFragmentScorer(), highlight.FIRST)
    return Marks().format(fragments)


def _shorten(text: str, limit: int = 220) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _datetime(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None


# -- spelling ------------------------------------------------------------------------------------
def _spelling(index: OpenIndex, words: tuple[str, ...], staff: bool) -> dict[str, str]:
    """For each query word that no visible document contains, the nearest word that one does.

    Works on the stemmed terms of the stored text fields (no extra field to
    index), then shows the suggestion as it is written in a visible document:
    "hospitls" -> stem "hospitl" -> nearest stem "hospit" -> "hospitals".
    """
    reader = index.reader
    searcher = index.searcher
    analyzer = index.schema["body"].analyzer
    fields = ("title", "summary", "body", "private") if staff else ("title", "summary", "body")

    def docs(fieldname: str, term: str) -> set[int]:
        if (fieldname, term) not in reader:
            return set()
        found = set(index.term_docs(fieldname, term.encode("utf-8")))
        return found if staff else found & index.public_docs()

    def surface(stem: str, typed: str) -> str:
        from rapidfuzz.distance import Levenshtein

        for fieldname in fields:
            for docnum in sorted(docs(fieldname, stem))[:3]:
                stored = searcher.stored_fields(docnum).get(fieldname) or ""
                forms = [stored[t.startchar:t.endchar].lower() for t in analyzer(stored, chars=True)
                         if t.text == stem]
                if forms:
                    return min(forms, key=lambda form: (Levenshtein.distance(form, typed), form))
        return stem

    found: dict[str, str] = {}
    for word in dict.fromkeys(w.lower() for w in words):
        stems = [t.text for t in analyzer(word)]
        if len(word) < 3 or len(stems) != 1 or any(docs(f, stems[0]) for f in fields):
            continue
        for distance in (1, 2):
            counts: dict[str, int] = {}
            for fieldname in fields:
                for candidate in reader.terms_within(fieldname, stems[0], distance, prefix=1):
                    number = len(docs(fieldname, candidate))
                    if number and candidate != stems[0]:
                        counts[candidate] = counts.get(candidate, 0) + number
            if counts:
                best = min(counts, key=lambda c: (-counts[c], c))
                found[word] = surface(best, word)
                break
    return found


def run_query(generation: Path, spec: QuerySpec) -> RawResults:
    """Run ``spec`` on one generation, opening and closing it (one-off searches and tests)."""
    with OpenIndex(generation) as index:
        return index.run(spec)
