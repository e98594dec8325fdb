"""The registry: every entity reports tag (ministries, agencies, departments, organisations,
programmes, projects, events, people, sectors), with acronyms, aliases and names over time.

- :mod:`~kb.registry.model`: ``Entity``, ``Registry``, successions with their kinds (rename,
  split, merger, transfer) and the lineage of names (renames only).
- :mod:`~kb.registry.lineage`: a body's history (splits, mergers, transfers) and the
  ``ambiguous-lineage`` check.
- :mod:`~kb.registry.loading`: ``reports/registry/*.yml`` read strictly, every problem found.
- :mod:`~kb.registry.listing`: ``kb entities``.
- :mod:`~kb.registry.mentions`: finding entities named in free text.
- :mod:`~kb.registry.filters`: a user's ``--sector``/``--ministry``/... values resolved to entities.

May import: :mod:`kb.report` (its YAML reader, field reader, dates, countries), :mod:`kb.util`.
"""
