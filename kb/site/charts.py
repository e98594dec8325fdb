"""Pictures drawn at build time: inline SVG, no script, no chart library, nothing downloaded.

Each chart is a ``<figure>``: the SVG (``role="img"``, its ``aria-label`` the text alternative
saying what it shows), a visible caption, and the numbers in a table that only screen readers
read (in a visually hidden block: a table itself cannot be made narrower than its text) (the picture repeats them for the eye). Labels are text at the page's own size: bars are
sized in percent of the figure's width, so a chart reads the same on a phone and on a desktop,
and it needs neither JavaScript nor a fixed width.

- :func:`bar_chart`: counts by label (reports per year, opportunities by stage);
- :func:`timeline`: spans of time (an entity's names over time).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.site.html import attribute

ROW = 26  # px per bar
BAR = 18
#: Bars take at most this share of the width: the rest is the label column and the value after it.
BAR_SHARE = 70
CHAR = 8.5  # px per character of a label (about, at the page's font size), for the label column


@dataclass(frozen=True)
class Span:
    """One bar of a timeline: ``start``/``end`` in years (fractions allowed); ``end`` None: today."""

    label: str
    start: float
    end: float
    shown: str  # the years as read: "2013 to 2017", "since 2017"


def bar_chart(
    title: str, rows: list[tuple[str, int]], *, headers: tuple[str, str], summary: str, css: str = ""
) -> str:
    """Horizontal bars, one per ``(label, count)``, in the order given."""
    if not rows:
        return ""
    top = max(count for _label, count in rows) or 1
    label_width = int(max(len(label) for label, _count in rows) * CHAR) + 12
    lines = []
    for index, (label, count) in enumerate(rows):
        y = index * ROW
        share = count / top * BAR_SHARE
        lines.append(
            f'<text class="kb-chart__label" x="0" y="{y + 15}">{attribute(label)}</text>'
            f'<g transform="translate({label_width} 0)">'
            f'<rect class="kb-chart__bar" x="0" y="{y + 3}" width="{share:.2f}%" height="{BAR}" rx="2"></rect>'
            f'<text class="kb-chart__value" x="{share:.2f}%" dx="6" y="{y + 16}">{count:,}</text></g>'
        )
    return _figure(title, summary, "".join(lines), len(rows) * ROW, headers, rows, css)


def timeline(title: str, spans: list[Span], *, first: float, last: float, summary: str, css: str = "") -> str:
    """One bar per span on a shared axis of years from ``first`` to ``last``, each labelled above."""
    if not spans:
        return ""
    width = max(last - first, 1)
    row = 2 * ROW
    lines = []
    for index, span in enumerate(spans):
        y = index * row
        start = (span.start - first) / width * 100
        length = max((span.end - span.start) / width * 100, 1)
        anchor = ' text-anchor="end"' if start > 50 else ""
        x = start + length if start > 50 else start
        lines.append(
            f'<text class="kb-chart__label" x="{x:.2f}%" y="{y + 16}"{anchor}>'
            f"{attribute(span.label)}, {attribute(span.shown)}</text>"
            f'<rect class="kb-chart__bar" x="{start:.2f}%" y="{y + 24}" width="{length:.2f}%" '
            f'height="{BAR - 4}" rx="2"></rect>'
        )
    axis_y = len(spans) * row + 14
    lines.append(
        f'<text class="kb-chart__axis" x="0" y="{axis_y}">{_year(first)}</text>'
        f'<text class="kb-chart__axis" x="100%" y="{axis_y}" text-anchor="end">{_year(last)}</text>'
    )
    rows = [(span.label, span.shown) for span in spans]
    return _figure(title, summary, "".join(lines), axis_y + 6, ("Name", "Years"), rows, css)


def _year(value: float) -> str:
    return str(int(value))


def _figure(
    title: str,
    summary: str,
    drawing: str,
    height: int,
    headers: tuple[str, str],
    rows: list[tuple[str, int]] | list[tuple[str, str]],
    css: str,
) -> str:
    """The figure: picture (its label the text alternative), caption, and the numbers for screen
    readers. One HTML block without blank lines (see kb.site.html.one_block)."""
    head = (
        f'<tr><th scope="col">{attribute(headers[0])}</th><th scope="col">{attribute(headers[1])}</th></tr>'
    )
    body = "".join(
        f'<tr><th scope="row">{attribute(label)}</th><td>{value:,}</td></tr>'
        if isinstance(value, int)
        else f'<tr><th scope="row">{attribute(label)}</th><td>{attribute(value)}</td></tr>'
        for label, value in rows
    )
    classes = f"kb-chart {css}".strip()
    return (
        f'<figure class="{classes}">\n'
        f'<svg class="kb-chart__svg" width="100%" height="{height}" role="img" '
        f'aria-label="{attribute(title + ": " + summary)}" xmlns="http://www.w3.org/2000/svg">'
        f"{drawing}</svg>\n"
        f"<figcaption><strong>{attribute(title)}</strong>: {attribute(summary)}</figcaption>\n"
        f'<div class="kb-visually-hidden"><table class="kb-chart__numbers"><caption>{attribute(title)}</caption>'
        f"<thead>{head}</thead><tbody>{body}</tbody></table></div>\n"
        "</figure>\n"
    )
