"""What of a report the public may see: :func:`redact` is the one door to every public output."""

from __future__ import annotations

import dataclasses

from kb.report.markers import public_body
from kb.report.model import Report


def redact(report: Report) -> Report:
    """The public view of a public report: internal sections, items and notes removed.

    Every public output (site, feeds, open data, public search) is made from
    this view, never from the full report, so a new output cannot forget a rule.
    """
    if not report.is_public:
        raise ValueError(f"internal report {report.id} has no public view")
    return dataclasses.replace(
        report,
        body=public_body(report.body),
        opportunities=tuple(o for o in report.opportunities if not o.internal),
        targets=tuple(t for t in report.targets if not t.internal),
        authors=tuple(p for p in report.authors if not p.internal),
        visitors=tuple(p for p in report.visitors if not p.internal),
        internal_notes=None,
        review=(),
        located=None,
    )
