"""The Whoosh search index: what goes in it, and writing it.

Every Whoosh import of the project lives in this module, in
:mod:`kb.search.matching`, which runs queries, and in :mod:`kb.search.snippets` (its
highlighter, for an unusual analyser only). The documents are made by
:mod:`kb.search.documents`; keeping the index up to date is :mod:`kb.search.update`;
folders, the lock and freshness are :mod:`kb.search.store`; checking what the
user typed and the result they see are :mod:`kb.search.api`.

One document per report. Its ordinary fields hold what the public may see: for
a public report, the view :func:`kb.report.public.redact` leaves (no internal sections,
items, people or notes); for an internal report, everything (an internal report
is only ever searched by staff). The internal parts of a *public* report go
into separate ``private*`` fields. A public search is filtered to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling; a staff search reads them all.

Entity names are expanded when searching, not when indexing: ``entities`` holds
every entity a report tags plus their predecessors and successors (the
registry's lineage), and :mod:`kb.search.api` turns a name, acronym or alias in the
query into ``entities:<id>``. So a ministry's new name finds reports written
under its old one, and an acronym finds reports that only use the full name.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from whoosh import fields as wf
from whoosh import index as wi
from whoosh.analysis import STOP_WORDS, StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter import stem as porter_stem
from whoosh.writing import PostingPool, SegmentWriter

from kb.search.documents import TAG_FIELDS

#: Bump when the schema or the documents change: the next run rebuilds the index.
SCHEMA_VERSION = 4
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
    """

    def __init__(self, **kwargs):
        super().__init__(analyzer=StemmingAnalyzer(), **kwargs)

    def index(self, value, **kwargs):
        if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = self.format.encode
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
    """

    def __init__(self, ix, limitmb: int) -> None:
        super().__init__(ix, limitmb=limitmb)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def per_document_reader(self):
        return _LengthsOnce(super().per_document_reader())


class _Pool(PostingPool):
    #: What Whoosh's estimate comes to for a posting of a report body, rounded up.
    POSTING_BYTES = 200

    def add(self, item) -> None:
        self.fieldnames.add(item[0])
        current = self.current
        current.append(item)
        if len(current) * self.POSTING_BYTES > self.limit:
            self.save()


class _LengthsOnce:
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


def make_schema() -> wf.Schema:
    ids = dict(stored=True, lowercase=True, scorable=False, commas=False)
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
def documents_in(generation: Path) -> list[dict]:
    """Stored fields of every document (for tests and ``kb index --check``)."""
    ix = wi.open_dir(str(generation))
    with ix.searcher() as searcher:
        return [dict(fields) for fields in searcher.all_stored_fields()]
