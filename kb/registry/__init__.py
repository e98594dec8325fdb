"""The registry: every entity reports tag (ministries, agencies, departments, organisations,
programmes, projects, events, people, sectors), with acronyms, aliases and names over time.

- :mod:`~kb.registry.model`: ``Entity``, ``Registry`` and the lineage between names.
- :mod:`~kb.registry.loading`: ``reports/registry/*.yml`` read strictly, every problem found.
- :mod:`~kb.registry.listing`: ``kb entities``.
- :mod:`~kb.registry.mentions`: finding entities named in free text.
- :mod:`~kb.registry.filters`: a user's ``--sector``/``--ministry``/... values resolved to entities.

May import: :mod:`kb.report` (its YAML reader, field reader, dates, countries), :mod:`kb.util`.
"""
