"""One page per target (``kb/targets/<id>/``): value, unit, deadline, owner, its state by the one
rule (:func:`kb.tracking.model.target_state`), and every report's word on it with its progress
figure drawn as a bar at build time (SVG: no script, no chart library).

Made from the site's reports (redacted for a public build), like every page; written as one HTML
block with every value escaped here. A page's size depends only on the reports that mention the
target.
"""

from __future__ import annotations

from kb.report.dates import human_date
from kb.report.model import Measure
from kb.site import paths
from kb.site.context import STATE_LABELS, Site, fuzzy, number
from kb.site.html import attribute
from kb.site.page import HTML_PAGE, TARGETS_TAB, HtmlPage, breadcrumbs, front, html_table
from kb.tracking.model import Target


def target_a(site: Site, target: Target) -> str:
    """A link to a target's page, by what it is (for raw HTML)."""
    return (
        f'<a class="kb-target-link" href="{site.href(paths.target(target.id))}">{attribute(target.what)}</a>'
    )


def progress_bar(value: float | int | None, goal: float | int | None, unit: str | None) -> str:
    """``value`` of ``goal`` as a small SVG bar (its share of the goal, at most full), with the
    figures in words for a screen reader; empty when either is missing or the goal is not above 0."""
    if value is None or goal is None or goal <= 0:
        return ""
    share = max(0.0, min(float(value) / float(goal), 1.0)) * 100
    unit_text = f" {unit}" if unit else ""
    label = f"{number(value)} of {number(goal)}{unit_text} ({round(float(value) / float(goal) * 100)}%)"
    return (
        f'<svg class="kb-progress-bar" role="img" aria-label="{attribute(label)}" width="100%" height="14" '
        f'preserveAspectRatio="none"><title>{attribute(label)}</title>'
        f'<rect class="kb-progress-bar__track" x="0" y="2" width="100%" height="10" rx="2"></rect>'
        f'<rect class="kb-progress-bar__done" x="0" y="2" width="{share:.1f}%" height="10" rx="2"></rect>'
        "</svg>"
    )


def _measure(measure: Measure | None) -> str:
    if measure is None or measure.value is None:
        return ""
    return number(measure.value) + (f" ({fuzzy(measure.as_of)})" if measure.as_of else "")


def target_files(site: Site) -> dict[str, str]:
    return {paths.target(t.id): target_page(site, t) for t in site.targets}


def target_page(site: Site, target: Target) -> str:
    page = HtmlPage(site)
    out = [breadcrumbs(site, TARGETS_TAB, (target.what, None)).rstrip("\n")]
    out.append(page.heading(1, attribute(target.what)))
    goal = " ".join(x for x in (number(target.value), attribute(target.unit or "")) if x)
    latest = target.latest.report
    facts = [
        (
            "State",
            f"{STATE_LABELS[target.state]}"
            + (f" (reported {attribute(target.status)})" if target.status else ""),
        ),
        ("Target", goal),
        ("Deadline", fuzzy(target.deadline)),
        ("Set by", site.entity_a(target.owner) if target.owner else ""),
        ("Baseline", _measure(target.baseline)),
        ("Latest progress", _measure(target.progress)),
        ("Countries", ", ".join(site.country_a(c) for c in target.countries)),
        ("Last report", f"{human_date(latest.date)}, {site.report_a(latest)}"),
    ]
    items = "\n".join(f"<li><strong>{label}:</strong> {value}</li>" for label, value in facts if value)
    out.append(f'<div class="kb-facts">\n<ul>\n{items}\n</ul>\n</div>')
    bar = progress_bar(target.progress.value if target.progress else None, target.value, target.unit)
    if bar:
        out.append(f'<div class="kb-progress">{bar}</div>')
    out.append(page.heading(2, "Progress, report by report"))
    rows = []
    for mention in target.mentions:
        entry = mention.entry
        progress = entry.progress.value if entry.progress else None
        rows.append(
            (
                human_date(mention.report.date),
                site.report_a(mention.report),
                attribute(entry.status or ""),
                _measure(entry.progress),
                progress_bar(progress, target.value, target.unit),
            )
        )
    out.append(
        html_table(("Date", "Report", "Status", "Progress", "Towards the target"), rows, "Progress").rstrip(
            "\n"
        )
    )
    return (
        front(target.what, TARGETS_TAB, f"{HTML_PAGE}: true")
        + '<div class="kb-page kb-target-page">\n'
        + "\n".join(p for p in out if p)
        + "\n</div>\n"
    )
