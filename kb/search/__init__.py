"""Full-text search (``kb search``, ``kb index``): the only package that imports Whoosh.

- :mod:`~kb.search.api`: ``search()`` and the warm ``Searcher``: what the CLI calls.
- :mod:`~kb.search.documents`: a report as the documents the index holds.
- :mod:`~kb.search.engine`: the Whoosh schema, writers and readers.
- :mod:`~kb.search.store`: index generations on disk, swapped whole; the manifest.
- :mod:`~kb.search.build`: a full build, shared among worker processes.
- :mod:`~kb.search.update`: keeping the index fresh (incremental update, freshness check).
- :mod:`~kb.search.rewrite`: what the user typed, checked and rewritten; :mod:`~kb.search.parse`:
  the query parser.
- :mod:`~kb.search.matching`: running a query; :mod:`~kb.search.snippets`,
  :mod:`~kb.search.spelling`, :mod:`~kb.search.facets`: snippets, "did you mean", facet counts.

May import: :mod:`kb.checks`, :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`. Module
imports stay lazy where a cold ``kb search`` would pay for them.
"""
