"""Full-text search (``kb search``, ``kb index``): the only package that imports Whoosh.

- :mod:`~kb.search.api`: ``search()`` and the warm ``Searcher``: what the CLI calls.
- :mod:`~kb.search.documents`: a report as the documents the index holds.
- :mod:`~kb.search.engine`: the one door to Whoosh: the schema, writing the index, and every use
  of Whoosh's internals (the other modules use its public API only).
- :mod:`~kb.search.store`: index generations on disk, swapped whole; the manifest.
- :mod:`~kb.search.build`: a full build, shared among worker processes.
- :mod:`~kb.search.update`: keeping the index fresh (incremental update, freshness check).
- :mod:`~kb.search.rewrite`: what the user typed, checked and rewritten; :mod:`~kb.search.parse`:
  the query parser.
- :mod:`~kb.search.matching`: running a query on an open index; :mod:`~kb.search.scoring`: the
  documents and scores a query matches, as Whoosh scores them; :mod:`~kb.search.snippets`,
  :mod:`~kb.search.spelling`, :mod:`~kb.search.facets`: snippets, "did you mean", facet counts.

May import: :mod:`kb.checks`, :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`. Module
imports stay lazy where a cold ``kb search`` would pay for them.
"""
