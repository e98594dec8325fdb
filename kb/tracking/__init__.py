"""Cooperation opportunities and announced targets tracked across reports (``kb opportunities``,
``kb targets``): the latest report that mentions an id gives its state, every mention is kept.

- :mod:`~kb.tracking.listing`: the CLI listings with their filters.

May import: :mod:`kb.checks`, :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`.
"""
