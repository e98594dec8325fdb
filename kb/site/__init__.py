"""The static site: pages generated from the knowledge base, built with MkDocs.

- :mod:`kb.site.build`: ``kb build`` (generate, then MkDocs beside Pagefind).
- :mod:`kb.site.serve`: ``kb serve``; :mod:`kb.site.incremental`: regenerating only the pages an
  edit can change, kept in the serving process.
- :mod:`kb.site.find`: the Find reports page, and what report pages tell the search index.
- :mod:`kb.site.generate`: every generated file, and syncing them into a docs tree.
- :mod:`kb.site.context`: what the page generators share, computed once.
- :mod:`kb.site.report_pages`, :mod:`kb.site.entity_pages`, :mod:`kb.site.opportunity_pages`,
  :mod:`kb.site.target_pages`, :mod:`kb.site.board` (the board; its filters: :mod:`kb.site.filters`),
  :mod:`kb.site.browse_pages`: the pages.
- :mod:`kb.site.prerender`: generated Markdown pages made HTML; :mod:`kb.site.passthrough`: the
  MkDocs hook that passes HTML pages through.
- :mod:`kb.site.pagefind`: Pagefind. :mod:`kb.site.hooks`, :mod:`kb.site.bodycache`: ``kb serve``.
- :mod:`kb.site.feeds`: Atom feeds. :mod:`kb.site.html`: escaping and sanitising.
- :mod:`kb.site.paths`: where each page lives and links between pages.
- :mod:`kb.site.children`: MkDocs and Pagefind started so that they die with ``kb``.

May import every package below it (:mod:`kb.export`, :mod:`kb.relations`, :mod:`kb.tracking`,
:mod:`kb.checks`, :mod:`kb.registry`, :mod:`kb.report`, :mod:`kb.util`); nothing imports it but
the CLI.
"""
