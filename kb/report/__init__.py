"""The report format: one Markdown file with strict YAML front matter.

- :mod:`~kb.report.model`: the field table (``FIELDS``), allowed values, the dataclasses (``Report``, ...).
- :mod:`~kb.report.parse`: a file into a ``Report`` plus every problem, with lines.
- :mod:`~kb.report.front_matter`: the front matter read down the field table, one reader per kind.
- :mod:`~kb.report.yamlstrict`: the strict YAML reader; :mod:`~kb.report.yamlevents` its
  proven-equal fast path, :mod:`~kb.report.yamllocated` the located values both produce.
- :mod:`~kb.report.fields`: typed reading of YAML values, shared with the registry.
- :mod:`~kb.report.dates`, :mod:`~kb.report.countries`: dates (full and partial), ISO countries.
- :mod:`~kb.report.markers`, :mod:`~kb.report.nearmiss`, :mod:`~kb.report.comments`: internal
  sections, the near misses that would publish what they mean to hide, HTML comments.
- :mod:`~kb.report.public`: ``redact``, the one door to every public output.
- :mod:`~kb.report.scaffold`: ``kb new``.

May import: :mod:`kb.util`, :mod:`kb.errors`, :mod:`kb.problems`, :mod:`kb.project`. Knows nothing
of the registry: tags are checked against it in :mod:`kb.checks`.
"""
