"""Cooperation opportunities and announced targets tracked across reports (``kb opportunities``,
``kb targets``, the site's board and tracker, the open data): the latest report that mentions an
id gives its state, every mention is kept.

- :mod:`~kb.tracking.model`: the one model: ``Opportunity``, ``Target``, their rows (the columns
  of every CSV), and the one rule for a target's state (``target_state``).
- :mod:`~kb.tracking.history`: an opportunity's history (every report's status and next step), its
  stage in the pipeline, the one rule for staleness, and related opportunities.
- :mod:`~kb.tracking.listing`: the CLI listings with their filters; `kb show <opportunity-id>`.

May import: :mod:`kb.checks`, :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`.
"""
