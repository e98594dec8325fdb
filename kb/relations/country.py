"""``kb show KR`` (or ``Korea``, ``South Korea``, ``ROK``): what the knowledge base knows about a
country: its reports, the bodies of that country and those its reports tag, its opportunities and
targets, and the years the reports cover. The country is named as :func:`kb.report.countries.
country_code` reads it; reports are those whose ``countries`` hold its code, public only unless
``include_internal``, as everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from kb.registry.model import Registry
from kb.report.model import Report

#: Kinds of entity that are bodies (not sectors, programmes, events or people).
BODY_KINDS = ("ministry", "agency", "department", "organisation")


@dataclass
class CountryInfo:
    code: str
    name: str
    reports: list[dict]  # oldest first
    bodies: list[dict]  # the country's own bodies, most often tagged first
    also_tagged: list[dict]  # bodies of elsewhere that its reports tag
    opportunities: list[dict]
    targets: list[dict]
    years: list[int]
    include_internal: bool = False

    def as_json(self) -> dict:
        return {
            "country": {"code": self.code, "name": self.name},
            "years": self.years,
            "reports": self.reports,
            "bodies": self.bodies,
            "also_tagged": self.also_tagged,
            "opportunities": self.opportunities,
            "targets": self.targets,
            "include_internal": self.include_internal,
        }

    def render_text(self) -> str:
        lines = [f"{self.name} ({self.code})", "kind: country", f"years covered: {years_text(self.years)}"]
        sections = (
            (
                f"reports ({len(self.reports)}):",
                [f"  {r['date']}  {r['title']}  {r['path']}" for r in self.reports],
            ),
            (f"bodies of {self.name} ({len(self.bodies)}):", [_body_line(b) for b in self.bodies]),
            (
                f"other bodies its reports tag ({len(self.also_tagged)}):",
                [_body_line(b) for b in self.also_tagged],
            ),
            (
                f"opportunities ({len(self.opportunities)}):",
                [f"  {o['id']}  {o['status']}  {o['title']}" for o in self.opportunities],
            ),
            (
                f"targets ({len(self.targets)}):",
                [
                    f"  {t['id']}  {t['what']}  deadline {t['deadline'] or '-'}  state {t['state']}"
                    for t in self.targets
                ],
            ),
        )
        for title, rows in sections:
            lines.append("")
            lines.append(title)
            lines.extend(rows or ["  (none)"])
        return "\n".join(lines)


def _body_line(body: dict) -> str:
    return f"  {body['reports']:>3}  {body['label']} ({body['id']})"


def years_text(years: list[int]) -> str:
    """``2014 to 2024 (2014, 2016, 2024)``; ``none`` with no report."""
    if not years:
        return "none"
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]} to {years[-1]} ({', '.join(map(str, years))})"


def country_info(
    code: str,
    name: str,
    reports: list[Report],
    registry: Registry,
    *,
    include_internal: bool = False,
    today: date | None = None,
) -> CountryInfo:
    """What ``reports`` (already the reader's view: public only unless staff) say about ``code``."""
    from kb.tracking.model import track_opportunities, track_targets

    about = sorted((r for r in reports if code in r.countries), key=lambda r: (r.date, r.id))
    tagged = Counter(e for r in about for e in dict.fromkeys(r.entity_ids()))
    own = [e for e in registry.entities.values() if e.kind in BODY_KINDS and e.country == code]
    others = [
        e
        for e in (registry.get(i) for i in tagged)
        if e is not None and e.kind in BODY_KINDS and e.country != code
    ]

    def rows(entities) -> list[dict]:
        return [
            {"id": e.id, "label": e.label, "kind": e.kind, "country": e.country, "reports": tagged[e.id]}
            for e in sorted(entities, key=lambda e: (-tagged[e.id], e.name.casefold()))
        ]

    return CountryInfo(
        code=code,
        name=name,
        reports=[
            {
                "id": r.id,
                "date": r.date.isoformat(),
                "title": r.title,
                "type": r.type,
                "path": r.shown.replace("\\", "/"),
            }
            for r in about
        ],
        bodies=rows(own),
        also_tagged=rows(others),
        opportunities=[o.as_json() for o in track_opportunities(about)],
        targets=[t.as_json() for t in track_targets(about, today or date.today())],
        years=sorted({r.date.year for r in about}),
        include_internal=include_internal,
    )
