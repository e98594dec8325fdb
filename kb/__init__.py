"""bilateral-kb: a knowledge base of bilateral cooperation and visit reports.

The packages, from the bottom up (each may import only those above it in this list; a test walks
the imports and fails on a cycle or an upward arrow). See docs/architecture.md.

- :mod:`kb.errors`: the one exception family.
- :mod:`kb.util`: atomic writes, output folders, safe file reading, the character rule, the CSV
  and JSON writer, terminal tables, suggestions, worker processes. No domain knowledge.
- :mod:`kb.problems`: a check's problem (path, line, column, level, code, message, hint).
- :mod:`kb.project`: where things live in a knowledge-base tree, and where outputs may go.
- :mod:`kb.report`: the report format (model, strict YAML, fields, dates, countries, internal
  markers, redaction, ``kb new``).
- :mod:`kb.registry`: entities, names over time, mentions in text, filter values.
- :mod:`kb.checks`: the rules, and the knowledge base loaded and checked as one whole.
- :mod:`kb.tracking`: opportunities and targets across reports.
- :mod:`kb.search`: the Whoosh index and ``kb search``.
- :mod:`kb.relations`: related reports, ``kb show``.
- :mod:`kb.export`: open data (JSON and CSV).
- :mod:`kb.importer`: ``kb import``.
- :mod:`kb.site`: the static site (MkDocs, Pagefind, feeds).
- :mod:`kb.changes`: what a change (two git revisions) does to the public site, ``kb changes``.
- :mod:`kb.cli`: the command line, a thin layer over the packages (one module per group of commands).
"""

__version__ = "0.1.0"
