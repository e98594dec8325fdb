"""The one door to Whoosh: the index's schema, writing it, and every use of Whoosh's internals.

The rest of :mod:`kb.search` uses Whoosh's public API (queries, the parser, searchers, readers,
the highlighter) or the names here. Whoosh's private attributes and the subclasses that replace
parts of its writer live in this module only (``tests/test_architecture.py`` checks it): each
such use has a comment naming the Whoosh it was checked against (:data:`CHECKED_AGAINST`) and
the test that fails if a new Whoosh changes what it relies on. Folders, the lock and freshness
are :mod:`kb.search.store`; what each document holds (the public fields and their
``private*`` twins, entities with their lineage) is :mod:`kb.search.documents`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import fields as wf
from whoosh import index as wi
from whoosh.analysis import STOP_WORDS, StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter import stem as porter_stem
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length as _BYTE_TO_LENGTH
from whoosh.writing import PostingPool, SegmentWriter

from kb.search.documents import TAG_FIELDS

#: Bump when the schema, the documents or the engine change: the next run rebuilds the index.
SCHEMA_VERSION = 6
#: The Whoosh every use of its internals below was read against (the ``whoosh3`` distribution).
CHECKED_AGAINST = "whoosh3 3.54.0"
#: Free text is searched in these fields; the boosts rank a title match first.
TEXT_FIELDS = ("title", "summary", "body", "opportunities", "targets", "authors")
FIELD_BOOSTS = {"title": 3.0, "summary": 1.5, "opportunities": 1.2, "targets": 1.2}
#: Staff searches also read these twins of public fields (internal parts of public reports).
PRIVATE_TWINS = {
    "body": "private",
    "entities": "private_entities",
    "opportunity_ids": "private_opportunity_ids",
}
#: Field names a query may use (``sector:energy``), singular and plural, to the schema field.
QUERY_FIELDS = {
    **{
        name: name
        for name in (*TEXT_FIELDS, "countries", *TAG_FIELDS, "type", "year", "date", "entities", "visibility")
    },
    "country": "countries",
    "ministry": "ministries",
    "organisation": "organisations",
    "organization": "organisations",
    "organizations": "organisations",
    "sector": "sectors",
    "project": "projects",
    "event": "events",
    "person": "people",
    "opportunity": "opportunity_ids",
    "target": "targets",
    "entity": "entities",
    "id": "key",
    "report": "key",
    "author": "authors",
    "visitor": "authors",
    "visitors": "authors",
    "text": "body",
}
FACETS = ("sectors", "countries", "ministries", "year")
#: Megabytes of postings a writer keeps in memory before it spills them to disk.
POOL_MB = 768
#: Whoosh's name for the one index in a folder.
INDEX_NAME = "MAIN"


#: Whoosh's default tokenizer pattern (``whoosh.analysis.tokenizers.default_pattern``), without
#: its capturing group so that ``findall`` gives whole words.
_WORD = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")


class StemmedText(wf.TEXT):
    """A TEXT field whose indexing skips Whoosh's token objects.

    Whoosh's analyzer chain makes, filters and stems one Token object per word
    through four generators; at ~900 words a report that was a third of the time
    of a full build. This field gives exactly the same terms, frequencies and
    position bytes as ``StemmingAnalyzer()`` with Whoosh's ``Positions`` format
    (``tests/test_index_analysis.py`` compares the two), computed with one regular
    expression pass and a dictionary of stems. Queries, highlighting and anything
    else still go through the analyzer itself.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): ``FieldType.index`` yields
    Whoosh's posting tuples, written with the field format's ``field_boost`` and ``encode``;
    a change fails tests/test_index_analysis.py::test_any_text_indexes_as_whoosh_would.
    """

    def __init__(self, **kwargs):
        super().__init__(analyzer=StemmingAnalyzer(), **kwargs)

    def index(self, value, **kwargs):
        if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
            yield from super().index(value, **kwargs)
            return
        posting_format: Any = self.format  # TEXT always has one (Positions)
        boost = posting_format.field_boost
        encode = posting_format.encode
        stems, encoded = self._caches()
        for word, positions in term_positions(value, stems).items():
            if len(positions) == 1:  # most words of a report: their bytes depend on the position only
                places = encoded.get(positions[0])
                if places is None:
                    places = encoded[positions[0]] = encode(positions)
            else:
                places = encode(positions)
            yield word.encode("utf-8"), len(positions), len(positions) * boost, places

    def _caches(self) -> tuple[dict[str, str], dict[int, bytes]]:
        # Stems of words, and encoded single positions; left out when the schema is pickled
        # into the index.
        caches = self.__dict__.get("_kb_caches")
        if caches is None:
            caches = self.__dict__["_kb_caches"] = ({}, {})
        return caches

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_kb_caches"}


class _Writer(SegmentWriter):
    """Whoosh's segment writer, with two costs per posting taken out (same segment written).

    When a segment is written, Whoosh looks up the field length of the document of
    every posting in the column file just written (a sixth of a full build): here the
    lengths are read once per field into a list. And its posting pool checks types and
    adds up an estimated size for every posting: here it counts them.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): the writer's private
    ``_tempstorage``, its ``newsegment`` and ``pool`` attributes, and the
    ``per_document_reader`` that ``_flush_segment`` asks for the lengths; a change fails
    tests/test_engine.py::test_our_writer_writes_the_index_whooshs_writer_writes.
    """

    def __init__(self, ix, limitmb: int) -> None:
        super().__init__(ix, limitmb=limitmb)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def per_document_reader(self):
        return _LengthsOnce(super().per_document_reader())


class _Pool(PostingPool):
    """Whoosh's posting pool, sized by counting postings.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): ``add`` replaces the pool's
    own, keeping its ``fieldnames``, ``current`` run and ``limit`` and spilling with ``save``;
    a change fails tests/test_engine.py::test_our_writer_writes_the_index_whooshs_writer_writes
    and tests/test_index_parallel.py::test_a_pool_that_spills_to_disk_writes_the_same_index.
    """

    #: What Whoosh's estimate comes to for a posting of a report body, rounded up.
    POSTING_BYTES = 200

    def add(self, item) -> None:
        self.fieldnames.add(item[0])
        current = self.current
        current.append(item)
        if len(current) * self.POSTING_BYTES > self.limit:
            self.save()


class _LengthsOnce:
    """The per-document reader of a segment just written, each field's lengths read once."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._lengths: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._lengths[fieldname] = [
                read(number, fieldname, default) for number in range(self._reader.doc_count_all())
            ]
        return lengths[docnum]

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


def term_positions(text: str, stems: dict[str, str]) -> dict[str, list[int]]:
    """Stemmed terms of ``text`` and their positions, as ``StemmingAnalyzer()`` numbers them:
    lower-cased, words shorter than two characters and stop words dropped, and positions
    renumbered over the words kept, counting on from the first kept word's place."""
    found: dict[str, list[int]] = {}
    position = -1
    for index, word in enumerate(_WORD.findall(text)):
        word = word.lower()
        if len(word) < 2 or word in STOP_WORDS:
            continue
        position = index if position < 0 else position + 1
        term = stems.get(word)
        if term is None:
            term = stems[word] = porter_stem(word)
        places = found.get(term)
        if places is None:
            found[term] = [position]
        else:
            places.append(position)
    return found


def plain_terms(text: str) -> set[str]:
    """The terms ``StandardAnalyzer()`` makes of ``text`` (the ``authors`` field): as
    :func:`term_positions`, without stemming."""
    return {w for w in (word.lower() for word in _WORD.findall(text)) if len(w) >= 2 and w not in STOP_WORDS}


def make_schema() -> wf.Schema:
    ids: dict[str, Any] = dict(stored=True, lowercase=True, scorable=False, commas=False)
    return wf.Schema(
        key=wf.ID(unique=True, stored=True, sortable=True),
        path=wf.ID(stored=True),
        visibility=wf.ID(stored=True),
        title=StemmedText(stored=True),
        summary=StemmedText(stored=True),
        body=StemmedText(stored=True),
        opportunities=StemmedText(),
        targets=StemmedText(),
        authors=wf.TEXT(analyzer=StandardAnalyzer()),
        private=StemmedText(stored=True),
        date=wf.DATETIME(stored=True, sortable=True),
        year=wf.ID(stored=True),
        countries=wf.KEYWORD(**ids),
        **{name: wf.KEYWORD(**ids) for name in TAG_FIELDS},
        opportunity_ids=wf.KEYWORD(**ids),
        private_opportunity_ids=wf.KEYWORD(lowercase=True, commas=False),
        entities=wf.KEYWORD(lowercase=True, commas=False),
        private_entities=wf.KEYWORD(lowercase=True, commas=False),
        type=wf.ID(stored=True),
        content_hash=wf.STORED(),
    )


# -- writing -------------------------------------------------------------------------------------
def create_index(folder: Path, documents: Iterable[dict]) -> int:
    """Write a new index into the empty ``folder`` from ``documents``; returns how many.

    The posting pool is large enough to hold a few thousand reports: a smaller one
    spills sorted runs to disk and merges them back, postings one by one in Python.
    """
    ix = wi.create_in(str(folder), make_schema())
    writer = _Writer(ix, limitmb=POOL_MB)
    count = 0
    try:
        for document in documents:
            writer.add_document(**document)
            count += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return count


def join_parts(folder: Path, parts: list[Path], delete_paths: Iterable[str] = ()) -> int:
    """Make one index in the empty ``folder`` of the segments of the indexes in ``parts``
    (written by :func:`create_index` in parallel), then delete the documents of
    ``delete_paths``. Returns the number of documents.

    The segments' files are moved and listed in a new table of contents, as Whoosh's
    own multi-process writer does with ``multisegment=True``: no posting is written
    again. The parts' folders are removed.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): the table of contents
    (``TOC.read``, ``TOC(...).write``) and segment files named after ``segment_id()``; a change
    fails tests/test_index_parallel.py::test_workers_build_the_same_index_as_one_process.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    segments = []
    schema = None
    for part in parts:
        toc = TOC.read(FileStorage(str(part)), INDEX_NAME)
        schema = schema or toc.schema
        for segment in toc.segments:
            prefix = segment.segment_id() + "."
            for name in os.listdir(part):
                if name.startswith(prefix):
                    os.rename(part / name, folder / name)
            segments.append(segment)
        shutil.rmtree(part)
    TOC(schema or make_schema(), segments, 1).write(FileStorage(str(folder)), INDEX_NAME)
    delete_paths = list(delete_paths)
    if delete_paths:
        return change_index(folder, delete_paths, [])
    with wi.open_dir(str(folder)).searcher() as searcher:
        return searcher.doc_count()


def change_index(folder: Path, delete_paths: Iterable[str], documents: Iterable[dict]) -> int:
    """Delete the documents of ``delete_paths`` and add new ones, in the index in ``folder``
    (a private copy: see :mod:`kb.search.store`). Returns the number of documents afterwards."""
    ix = wi.open_dir(str(folder))
    writer = ix.writer(limitmb=128)
    try:
        for key in delete_paths:
            writer.delete_by_term("path", key)
        for document in documents:
            writer.add_document(**document)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    with ix.searcher() as searcher:
        return searcher.doc_count()


# -- reading -------------------------------------------------------------------------------------
def posting_ids(reader, fieldname: str, term: bytes) -> list[int]:
    """Documents (not deleted) holding ``term``, read a block of postings at a time.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): a segment reader's
    ``deleted_docs_set`` and the ``child`` of the matcher that leaves deleted documents out;
    a change fails tests/test_engine.py::test_posting_ids_are_the_matchers_ids.
    """
    found: list[int] = []
    for segment, base in reader.leaf_readers():
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


def _block_ids(matcher) -> list[int]:
    """Every id of a leaf matcher; Whoosh's own ``all_ids`` yields them one by one (slow).

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): a leaf matcher's private block
    reading (``_read_ids``, ``_ids``, ``_i``, ``_next_block``); any other matcher goes the slow
    way. A change fails tests/test_engine.py::test_posting_ids_are_the_matchers_ids and
    tests/test_search.py::test_facets_counted_from_postings_equal_the_reports.
    """
    if not hasattr(matcher, "_read_ids") or not hasattr(matcher, "_next_block"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids


def term_scores(searcher, term, context, lengths: dict) -> dict[int, float] | None:
    """The documents of one segment's searcher holding ``term`` (a ``whoosh.query.Term``), each
    with the score Whoosh's matcher gives it, read a block of postings at a time and with the
    field's lengths read in one piece (``lengths`` keeps them per segment and field while the
    index is open). None when the case is not the plain one (another scorer, a minimum quality,
    deleted documents, another codec): the caller then lets Whoosh's matcher score each document.

    Whoosh's ``Term.matcher`` scores a document as ``BM25FScorer._score(weight, length)`` (in a
    field without lengths, ``WeightScorer``: the weight), times the query's boost when it is not 1;
    the same function is called here with the same values.
    Whoosh internals (checked against :data:`CHECKED_AGAINST`): the leaf matcher's blocks
    (``_read_ids``, ``_read_weights``, ``_ids``, ``_weights``, ``_i``, ``_next_block``), the
    scorer's ``_score``, and the lengths column of a segment (``W3PerDocReader._cached_reader``,
    ``_lenfield``, ``LENGTHS_COLUMN``, ``NumericColumn.Reader``'s ``_dbfile``, ``_basepos``,
    ``_count``, ``_default``, ``_typecode``); a change fails
    tests/test_engine.py::test_term_scores_are_whooshs.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.scoring import BM25FScorer, WeightScorer

    if term.minquality or term.fieldname not in searcher.schema:
        return None
    try:
        text = searcher.schema[term.fieldname].to_bytes(term.text)
    except ValueError:
        return None
    reader = searcher.reader()
    if (term.fieldname, text) not in reader:
        return {}
    if reader.has_deletions():
        return None
    weighting = context.weighting if context is not None else searcher.weighting
    scorer = weighting.scorer(searcher, term.fieldname, text)
    if type(scorer) not in (BM25FScorer, WeightScorer):
        return None
    column = _lengths_of(reader, term.fieldname, lengths) if type(scorer) is BM25FScorer else b""
    matcher = reader.postings(term.fieldname, text)
    if column is None or type(matcher) is not W3LeafMatcher:
        return None
    lengths_read: bytes = column
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        block_ids, block_weights = matcher._ids, matcher._weights
        if block_ids is None or block_weights is None:
            return None
        ids.extend(block_ids[matcher._i :])
        weights.extend(block_weights[matcher._i :])
        matcher._next_block()
    boost = term.boost
    if len(ids) != len(weights):
        return None
    if type(scorer) is WeightScorer:  # a field without lengths (an id, a tag): the weight is the score
        return dict(zip(ids, weights if boost == 1.0 else [w * boost for w in weights], strict=True))
    if not all(lengths_read[d] for d in ids):  # a length Whoosh reads as None
        return None
    score, to_length = scorer._score, _BYTE_TO_LENGTH
    if boost == 1.0:
        return {d: score(w, to_length(lengths_read[d])) for d, w in zip(ids, weights, strict=True)}
    return {d: score(w, to_length(lengths_read[d])) * boost for d, w in zip(ids, weights, strict=True)}


def _lengths_of(reader, fieldname: str, lengths: dict) -> bytes | None:
    """The length bytes of every document of a segment in ``fieldname`` (see :func:`term_scores`),
    as Whoosh's ``doc_field_length`` reads them one by one (a document past the column's end has
    its default); None for a segment of another kind.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): the segment's ``_perdoc``, its
    ``_cached_reader``, ``_lenfield``, and the numeric column reader's ``_dbfile``, ``_basepos``,
    ``_count``, ``_default`` and ``_typecode``; a change fails
    tests/test_engine.py::test_term_scores_are_whooshs."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
    from whoosh.columns import NumericColumn

    key = (id(reader), fieldname)
    if key in lengths:
        return lengths[key]
    found = None
    perdoc = getattr(reader, "_perdoc", None)
    if type(perdoc) is W3PerDocReader:
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if type(column) is NumericColumn.Reader and column._typecode == "B":
            doccount = reader.doc_count_all()
            count = min(column._count, doccount)
            found = column._dbfile.get(column._basepos, count) + bytes([column._default]) * (doccount - count)
    lengths[key] = found
    return found


# -- analysing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StemmingChain:
    """What a ``StemmingAnalyzer()`` does to text, read from its parts, for code that finds
    the same words without Whoosh's token objects (:class:`kb.search.snippets.Snippets`)."""

    tokens: re.Pattern  # the tokenizer's pattern: one match, one token
    stoplist: frozenset[str]
    minsize: int
    maxsize: int | None
    stem: Callable[[str], str]  # not applied to stop words, short words or ``ignore``
    ignore: frozenset[str]


def stemming_chain(analyzer: Any) -> StemmingChain | None:
    """The parts of ``analyzer`` when it is Whoosh's tokenizer, lower-case, stop-word and stem
    chain with the default tokenizer pattern; None for an analyser of another shape.

    Whoosh internals (checked against :data:`CHECKED_AGAINST`): the chain's ``items`` and
    their settings (``expression``, ``gaps``, ``stops``, ``min``, ``max``, ``stemfn``, ``lang``,
    ``ignore``); a change fails tests/test_search_api.py::test_snippets_are_whooshs.
    """
    from whoosh.lang import stemmer_for_language

    items = list(getattr(analyzer, "items", None) or ())
    kinds = [type(i).__name__ for i in items]
    if kinds != ["RegexTokenizer", "LowercaseFilter", "StopFilter", "StemFilter"]:
        return None
    tokenizer, _lower, stops, stem = items
    if tokenizer.gaps or tokenizer.expression.pattern != r"[\w\*]+(\.?[\w\*]+)*":
        return None
    return StemmingChain(
        tokens=tokenizer.expression,
        stoplist=frozenset(stops.stops),
        minsize=stops.min,
        maxsize=stops.max,
        stem=stemmer_for_language(stem.lang) if stem.lang else stem.stemfn,
        ignore=frozenset(stem.ignore),
    )
