"""MkDocs hook loaded by ``kb build`` and ``kb serve``: generated pages written as HTML skip Markdown.

A report page (:mod:`kb.site.report_pages`) is front matter and one raw HTML block, made
safe when it was generated. Python-Markdown would give that block back unchanged, after
parsing all of it with ``html.parser`` (about half of MkDocs' time per report page): this
hook hands the block over as the page's content directly, with the table of contents and
anchors MkDocs would have found. Only pages whose front matter says ``kb_html: true`` are
passed; every other page is rendered as usual. A build without this hook (``zensical build``,
a plain ``mkdocs build``) renders the same block through Markdown, to the same HTML, minus
the table of contents of report pages.

Titles: MkDocs hands the theme page and table of contents titles as HTML, and the theme
prints them as they are (its templates do not escape). A title is text: :func:`on_page_content`
gives the theme every page's title and table of contents as escaped text, whatever made them
(a generated page, a heading written in a report, a hand-written page), so no title can be read
as markup: ``## &lt;img src=x onerror=...&gt;`` in a report shows as that text in the table of
contents, as it does in the heading.
"""

from __future__ import annotations

import html
import re
from functools import partial
from typing import Any, cast

#: Same key as kb.site.report_pages.HTML_PAGE (not imported: a hook loads nothing it needs not).
HTML_PAGE = "kb_html"
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"', re.DOTALL)
_ID = re.compile(r'\sid="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")


def on_page_markdown(markdown: str, *, page, config, files, **_kwargs) -> str:
    if page.meta.get(HTML_PAGE) is True:
        page.render = partial(_as_is, page)  # this page only; the class's method stays
    return markdown


def on_page_content(html_content: str, *, page, config, files, **_kwargs) -> str:
    """Every title the theme prints for this page (its own, in the header, the tab and the
    navigation of every page; its table of contents) as escaped text."""
    title = page.meta.get("title")
    if isinstance(title, str):
        page.meta["title"] = as_text(title)
    _text_titles(page.toc)
    return html_content


def _text_titles(items) -> None:
    for item in items:
        item.title = as_text(item.title)
        _text_titles(item.children)


def as_text(title_html: str) -> str:
    """A title given as HTML, as escaped text: tags dropped, then every character that HTML
    reads as markup escaped. Escaped text stays as it was (``A &amp; B``)."""
    return html.escape(html.unescape(_TAGS.sub("", title_html)).strip(), quote=True)


def _as_is(page, config, files) -> None:
    """:meth:`mkdocs.structure.pages.Page.render` for a page that is already HTML."""
    from mkdocs.structure.toc import get_toc

    content = page.markdown
    page.content = content
    # The tokens have the shape of MkDocs' private _TocToken TypedDict, which cannot be imported.
    page.toc = get_toc(cast(Any, _toc_tokens(content)))
    page.present_anchor_ids = set(_ID.findall(content))


def _toc_tokens(content: str) -> list[dict]:
    """The headings, nested by level, as Python-Markdown's toc extension lists them."""
    tokens: list[dict] = []
    stack: list[dict] = []
    for level, anchor, inner in _HEADING.findall(content):
        level = int(level)
        name = as_text(inner)  # HTML, as Python-Markdown's toc extension gives it
        token = {
            "level": level,
            "id": anchor,
            "name": name,
            "html": inner,
            "data-toc-label": "",
            "children": [],
        }
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return tokens
