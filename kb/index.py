"""The Whoosh search index: what goes in it, and writing it.

Every Whoosh import of the project lives in this module, in
:mod:`kb.querying`, which runs queries, and in :mod:`kb.snippets` (its
highlighter, for an unusual analyser only). The documents are made by
:mod:`kb.indexdocs`; keeping the index up to date is :mod:`kb.indexing`;
folders, the lock and freshness are :mod:`kb.indexstore`; checking what the
user typed and the result they see are :mod:`kb.search`.

One document per report. Its ordinary fields hold what the public may see: for
a public report, the view :func:`kb.report.redact` leaves (no internal sections,
items, people or notes); for an internal report, everything (an internal report
is only ever searched by staff). The internal parts of a *public* report go
into separate ``private*`` fields. A public search is filtered to
``visibility:public`` and never reads a ``private*`` field, for matching,
counting, snippets or spelling; a staff search reads them all.

Entity names are expanded when searching, not when indexing: ``entities`` holds
every entity a report tags plus their predecessors and successors (the
registry's lineage), and :mod:`kb.search` turns a name, acronym or alias in the
query into ``entities:<id>``. So a ministry's new name finds reports written
under its old one, and an acronym finds reports that only use the full name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from whoosh import fields as wf
from whoosh import index as wi
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer

from .indexdocs import TAG_FIELDS

#: Bump when the schema or the documents change: the next run rebuilds the index.
SCHEMA_VERSION = 3
#: Free text is searched in these fields; the boosts rank a title match first.
TEXT_FIELDS = ("title", "summary", "body", "opportunities", "targets", "authors")
FIELD_BOOSTS = {"title": 3.0, "summary": 1.5, "opportunities": 1.2, "targets": 1.2}
#: Staff searches also read these twins of public fields (internal parts of public reports).
PRIVATE_TWINS = {"body": "private", "entities": "private_entities",
                 "opportunity_ids": "private_opportunity_ids"}
#: Field names a query may use (``sector:energy``), singular and plural, to the schema field.
QUERY_FIELDS = {
    **{name: name for name in (*TEXT_FIELDS, "countries", *TAG_FIELDS, "type", "year", "date",
                               "entities", "visibility")},
    "country": "countries", "ministry": "ministries", "organisation": "organisations",
    "organization": "organisations", "organizations": "organisations", "sector": "sectors",
    "project": "projects", "event": "events", "person": "people", "opportunity": "opportunity_ids",
    "target": "targets", "entity": "entities", "id": "key", "report": "key", "author": "authors",
    "visitor": "authors", "visitors": "authors", "text": "body",
}
FACETS = ("sectors", "countries", "ministries", "year")
#: From this many reports a full build uses two processes and keeps their segments apart.
PARALLEL_FROM = 2000


def make_schema() -> wf.Schema:
    text = StemmingAnalyzer()
    ids = dict(stored=True, lowercase=True, scorable=False, commas=False)
    return wf.Schema(
        key=wf.ID(unique=True, stored=True, sortable=True),
        path=wf.ID(stored=True),
        visibility=wf.ID(stored=True),
        title=wf.TEXT(analyzer=text, stored=True),
        summary=wf.TEXT(analyzer=text, stored=True),
        body=wf.TEXT(analyzer=text, stored=True),
        opportunities=wf.TEXT(analyzer=text),
        targets=wf.TEXT(analyzer=text),
        authors=wf.TEXT(analyzer=StandardAnalyzer()),
        private=wf.TEXT(analyzer=text, stored=True),
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
def create_index(folder: Path, documents: Iterable[dict], size: int) -> int:
    """Write a new index into the empty ``folder`` from ``size`` documents.

    Large builds use two processes and keep their segments unmerged (about
    twice as fast). Returns the number of documents written.
    """
    ix = wi.create_in(str(folder), make_schema())
    if size >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2:
        writer = ix.writer(procs=2, multisegment=True, limitmb=256)
    else:
        writer = ix.writer(limitmb=256)
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


def change_index(folder: Path, delete_paths: Iterable[str], documents: Iterable[dict]) -> int:
    """Delete the documents of ``delete_paths`` and add new ones, in the index in ``folder``
    (a private copy: see :mod:`kb.indexstore`). Returns the number of documents afterwards."""
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
