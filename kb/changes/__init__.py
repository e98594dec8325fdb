"""What a change does to the public site: ``kb changes BASE [HEAD]``.

- :mod:`~kb.changes.revisions`: a git revision's tree read into a temporary folder (``git
  archive``), never touching the user's working tree or index.
- :mod:`~kb.changes.snapshot`: the public outputs of one tree (the open-data tables of the
  redacted reports: report, entity, opportunity and target pages) and every text the public
  sees, beside every text staff see.
- :mod:`~kb.changes.compare`: two snapshots compared: pages added, changed and removed, and
  every text that becomes public that was not public before, down to the paragraph.
- :mod:`~kb.changes.render`: the comparison as text for a terminal or Markdown for a pull
  request comment.

It sits high, above the export and the site, since it compares their public outputs.
May import: :mod:`kb.export` and everything below it (:mod:`kb.checks`, :mod:`kb.report`,
:mod:`kb.util`, ...).
"""
