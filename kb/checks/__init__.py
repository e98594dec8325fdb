"""Checking: every rule a report must follow, and the knowledge base loaded as one checked whole.

- :mod:`~kb.checks.rules`: the rules that need the registry or other reports (tags, lineage,
  duplicate ids, supersedes), each problem with its path, line, code and hint.
- :mod:`~kb.checks.knowledgebase`: ``load`` (registry + every report + every problem, in parallel
  past a size) and ``check`` (``kb check``). Every later step works from a ``KnowledgeBase``.

May import: :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`.
"""
