"""Generated Markdown pages turned into HTML pages at generation time.

The browse and entity pages are short Markdown (headings, a few lines of facts, small
tables) around long lists and tables of reports, which the generators already write as
raw HTML blocks (:meth:`Site.report_list`, :func:`kb.site.entity_pages.html_table`). MkDocs
would parse every one of those blocks twice with ``html.parser`` (Python-Markdown's raw HTML
handling, then MkDocs' anchor check), the longest part of building the site. Here the raw
blocks are set aside, the short Markdown around them is converted with the extensions of
``mkdocs.yml`` that these pages use (same heading ids and permalinks as MkDocs gives), its
links to other docs files made root-relative (as MkDocs would resolve them, for directory
URLs), and the blocks put back. The page is then one HTML block that ``kb build`` passes
through MkDocs untouched (:mod:`kb.site.passthrough`); Zensical reads it as Markdown and
gets the same HTML.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from kb.site import paths

#: A raw HTML block the generators wrote (a list, a table in its wrapper, breadcrumbs, a chart, a
#: form): always at a line start, closed on its own line, with no line inside starting so.
_RAW_BLOCK = re.compile(
    r"^<(ul|table|div|nav|figure|form)(?: [^>\n]*)?>\n.*?^</\1>\n", re.DOTALL | re.MULTILINE
)
_PLACEHOLDER = re.compile(r"<!--kb-block-(\d+)-->")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)
HTML_PAGE = "kb_html"


class _Links(Treeprocessor):
    """Relative links to docs files (``../reports/x.md#a``) as root-relative site URLs."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.page = ""
        self.base_path = "/"

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value and not _EXTERNAL.match(value):
                    element.set(attribute, self.rooted(value))

    def rooted(self, link: str) -> str:
        from urllib.parse import unquote

        target, _, anchor = link.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(target)))
        return paths.rooted(self.base_path, resolved) + (f"#{anchor}" if anchor else "")


class _LinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.links = _Links(md)
        md.treeprocessors.register(self.links, "kb-links", 5)


class PageRenderer:
    """One Markdown converter per build (making one costs more than converting a short page)."""

    def __init__(self, base_path: str) -> None:
        self._links = _LinksExtension()
        self._markdown = markdown.Markdown(
            extensions=["admonition", "attr_list", "tables", "toc", self._links],
            extension_configs={"toc": {"permalink": True}},
            output_format="html",
        )
        self.base_path = base_path

    def render(self, page: str, text: str) -> str:
        """The generated Markdown page ``text`` (docs path ``page``) as front matter and one HTML block."""
        if not text.startswith("---\n"):
            return text
        end = text.index("\n---\n", 4)
        front, body = text[4 : end + 1], text[end + 5 :]
        if f"\n{HTML_PAGE}: true\n" in f"\n{front}":
            return text  # written as HTML already
        blocks: list[str] = []

        def set_aside(match: re.Match) -> str:
            blocks.append(match.group(0).rstrip("\n"))
            return f"<!--kb-block-{len(blocks) - 1}-->\n"

        short = _RAW_BLOCK.sub(set_aside, body)
        self._links.links.page = page
        self._links.links.base_path = self.base_path
        converted = self._markdown.reset().convert(short)
        html = _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], converted)
        html = "\n".join(line for line in html.split("\n") if line.strip())  # one HTML block, no blank line
        return f'---\n{front}{HTML_PAGE}: true\n---\n<div class="kb-page">\n{html}\n</div>\n'
