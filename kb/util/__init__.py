"""Helpers with no domain knowledge, used by every package: atomic file writes
(:mod:`~kb.util.atomic`), output folders swapped whole under a lock (:mod:`~kb.util.folders`), safe
reading of user files (:mod:`~kb.util.files`), the one rule for odd characters
(:mod:`~kb.util.characters`), the one CSV and JSON writer (:mod:`~kb.util.formats`), terminal
tables (:mod:`~kb.util.tables`), "did you mean" (:mod:`~kb.util.suggest`), slugs
(:mod:`~kb.util.text`), cycle-safe link walks (:mod:`~kb.util.graphs`) and worker processes
(:mod:`~kb.util.workers`).

May import: the standard library, third-party packages and :mod:`kb.errors`.
Nothing here knows what a report is.
"""
