"""How reports and entities relate: related reports and co-occurring entities
(:mod:`~kb.relations.related`), and what the base knows about one thing, ``kb show`` and
``kb related`` (:mod:`~kb.relations.show`), and a country's reports, bodies and years
(:mod:`~kb.relations.country`). Shared by the CLI and the site, so both agree.

May import: :mod:`kb.tracking`, :mod:`kb.checks`, :mod:`kb.report`, :mod:`kb.registry`, :mod:`kb.util`.
"""
