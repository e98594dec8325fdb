"""Building blocks of the generated HTML pages (headings with anchors, paragraphs, tables),
shared by the report, entity and browse pages."""

from __future__ import annotations

import re

from kb.report.model import Report
from kb.site.context import Site
from kb.site.html import attribute

#: Front matter key of a generated page that is one raw HTML block (see kb.site.passthrough).
HTML_PAGE = "kb_html"


class HtmlPage:
    """Links and heading ids of one generated HTML page (ids unique within the page, as the toc
    extension makes them, so the theme's table of contents and permalinks work as on Markdown pages)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.ids: set[str] = set()

    def heading(self, level: int, inner_html: str) -> str:
        anchor = self._unique(_slug(inner_html))
        return (
            f'<h{level} id="{anchor}">{inner_html}<a class="headerlink" href="#{anchor}" '
            f'title="Permanent link">&para;</a></h{level}>'
        )

    def with_heading_ids(self, fragment: str) -> str:
        return _HEADING.sub(lambda m: self.heading(int(m.group(1)), m.group(2)), fragment)

    def _unique(self, anchor: str) -> str:
        anchor = anchor or "section"
        candidate, n = anchor, 0
        while candidate in self.ids:
            n += 1
            candidate = f"{anchor}_{n}"
        self.ids.add(candidate)
        return candidate

    def href(self, target: str) -> str:
        return self.site.href(target)

    def entity(self, entity_id: str, *, chip: bool = False) -> str:
        return self.site.entity_a(entity_id, chip=chip)

    def entities(self, entity_ids) -> str:
        return self.site.entities_a(entity_ids)

    def report(self, report: Report) -> str:
        return self.site.report_a(report)

    def country(self, code: str) -> str:
        return self.site.country_a(code)


def paragraphs(value: object) -> str:
    """Escaped text as paragraphs (blank lines in the text separate them)."""
    return "\n".join(f"<p>{attribute(p)}</p>" for p in _BLANK_LINE.split(str(value)) if p.strip())


def html_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A table as one raw HTML block (cells already HTML): see Site.report_list for why."""
    head = "<tr>\n" + "".join(f"<th>{h}</th>\n" for h in headers) + "</tr>"
    body = "\n".join("<tr>\n" + "".join(f"<td>{c}</td>\n" for c in row) + "</tr>" for row in rows)
    return f"<table>\n<thead>\n{head}\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)


_BLANK_LINE = re.compile(r"\n\s*\n")


def _slug(inner_html: str) -> str:
    import html

    from markdown.extensions.toc import slugify

    return slugify(html.unescape(_TAGS.sub("", inner_html)), "-")


_TAGS = re.compile(r"<[^>]+>")
