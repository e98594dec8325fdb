"""Saved web pages: the article (GOV.UK govspeak, <article> or <main>) as blocks.

Uses the standard library's tolerant :mod:`html.parser`; scripts, navigation,
headers, footers and hidden elements are never read; tables stay Markdown tables.
A page without any of the article elements goes through trafilatura's
main-content extraction (Markdown with tables and lists, title and date metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlparse

from kb.errors import InputError
from kb.importer.document import Block, Document, _strip_number

# -- HTML --------------------------------------------------------------------------------------
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "section",
        "article",
        "main",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "td",
        "th",
        "blockquote",
        "header",
        "footer",
        "figure",
        "figcaption",
        "pre",
        "address",
        "br",
        "hr",
        "details",
        "summary",
    }
)
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "form",
        "button",
        "select",
        "textarea",
        "nav",
        "footer",
        "aside",
        "head",
        "canvas",
        "math",
    }
)
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_GOVSPEAK = re.compile(r"\b(?:gem-c-govspeak|govuk-govspeak|govspeak)\b")


@dataclass
class _Open:
    tag: str
    skip: bool
    main: bool
    article: bool
    govspeak: bool


@dataclass(frozen=True)
class _HtmlBlock:
    tag: str
    text: str
    main: bool
    article: bool
    govspeak: bool


class _Collector(HTMLParser):
    """Collects text blocks with the regions (main, article, govspeak) they sit in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.blocks: list[_HtmlBlock] = []
        self.buffer: list[str] = []
        self.canonical: str | None = None
        self.og_url: str | None = None
        self.og_title: str | None = None
        self.title_parts: list[str] = []
        self.in_title = False

    def _state(self) -> _Open:
        return self.stack[-1] if self.stack else _Open("", False, False, False, False)

    def _block_tag(self) -> str:
        for item in reversed(self.stack):
            if item.tag in _BLOCK_TAGS and item.tag not in ("br", "hr"):
                return item.tag
        return "p"

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer.clear()
        state = self._state()
        if text and not state.skip:
            self.blocks.append(_HtmlBlock(self._block_tag(), text, state.main, state.article, state.govspeak))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        if tag == "title" and not self.stack_skip_body():
            self.in_title = True
        if tag == "link" and "canonical" in values.get("rel", "").split():
            self.canonical = values.get("href") or self.canonical
        if tag == "meta":
            prop = values.get("property") or values.get("name") or ""
            if prop == "og:url":
                self.og_url = values.get("content")
            elif prop == "og:title":
                self.og_title = values.get("content")
        if tag in _VOID_TAGS:
            if tag in ("br", "hr"):
                self.buffer.append(" ")
            return
        if tag in _BLOCK_TAGS:
            self.flush()
        parent = self._state()
        if tag == "tr" and not parent.skip:  # rows are kept apart so that a table stays a table
            self.blocks.append(_HtmlBlock("tr", "", parent.main, parent.article, parent.govspeak))
        classes = values.get("class", "")
        header_outside = tag == "header" and not (parent.main or parent.article)
        skip = (
            parent.skip
            or tag in _SKIP_TAGS
            or header_outside
            or "hidden" in values
            or values.get("aria-hidden") == "true"
            or "govuk-visually-hidden" in classes
        )
        self.stack.append(
            _Open(
                tag,
                skip,
                parent.main or tag == "main" or values.get("role") == "main",
                parent.article or tag == "article",
                parent.govspeak or bool(_GOVSPEAK.search(classes)),
            )
        )

    def stack_skip_body(self) -> bool:
        return any(item.tag == "body" for item in self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID_TAGS:
            return
        if not any(item.tag == tag for item in self.stack):
            return  # a stray end tag: ignore it, as browsers do
        if tag in _BLOCK_TAGS:
            self.flush()
        while self.stack:
            item = self.stack.pop()
            if item.tag == tag:
                break
        if tag in _BLOCK_TAGS:
            self.buffer.clear()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if not self._state().skip:
            self.buffer.append(data)


_HEADING_LEVEL = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _web_address(value: str | None) -> str | None:
    if not value:
        return None
    parsed = urlparse(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def table_block(rows: list[list[str]]) -> Block:
    """Table rows as one Markdown table block (the first row is its header)."""
    rows = [row for row in rows if row]
    width = max((len(row) for row in rows), default=1)
    cells = [
        [cell.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;") for cell in row]
        + [""] * (width - len(row))
        for row in rows
    ]
    lines = [f"| {' | '.join(cells[0])} |", "|" + "---|" * width] + [
        f"| {' | '.join(r)} |" for r in cells[1:]
    ]
    return Block("table", " ".join(cell for row in rows for cell in row), markdown="\n".join(lines))


def parse_html(text: str, shown: str) -> Document:
    """A saved web page: its GOV.UK body, <article> or <main> read from the markup (exact metadata:
    content type, From, Published); a page without them through trafilatura's main-content
    extraction; a page with no text at all is refused."""
    try:
        return _parse_with_collector(text, shown)
    except InputError as refused:
        if "no article found" not in refused.message:
            raise
        document = _main_content(text, shown)
        if document is None:
            raise
        return document


#: Fewer characters of main text than this from trafilatura: read the page's markup ourselves.
MIN_EXTRACTED = 40


def _main_content(text: str, shown: str) -> Document | None:
    """trafilatura's main text of a page as Markdown (tables and lists kept), with its metadata."""
    import trafilatura

    from kb.importer.document import parse_markdown

    markdown = trafilatura.extract(
        text,
        output_format="markdown",
        include_tables=True,
        include_formatting=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,
    )
    if not markdown or len(markdown.strip()) < MIN_EXTRACTED:
        return None
    metadata = trafilatura.extract_metadata(text)
    document = parse_markdown(markdown.replace("<", "&lt;"), shown)
    document.format = "html"
    if metadata is not None:
        document.page_title = metadata.title or None
        document.url = _web_address(metadata.url)
        if metadata.date:
            document.meta["date"] = metadata.date
    return document


def _article(found: list[_HtmlBlock], shown: str) -> tuple[str, list[_HtmlBlock]]:
    """Where the article is (``govspeak``, ``article`` or ``main``) and the collected items in it."""
    if any(b.govspeak for b in found):
        return "govspeak", [b for b in found if b.main or b.article or b.govspeak] or found
    if any(b.article for b in found):
        return "article", [b for b in found if b.article]
    if any(b.main for b in found):
        return "main", [b for b in found if b.main]
    raise InputError(
        "no article found in this HTML page",
        path=shown,
        line=1,
        hint="save the complete page (it needs a <main> or <article> element), "
        "or paste the report's text into a .txt file",
    )


class _ArticleBlocks:
    """The collected items of an article as blocks: table rows joined into one table block, a
    definition term with its description; on a GOV.UK page, outside the body, only the title
    and the metadata above it."""

    def __init__(self, *, govspeak: bool) -> None:
        self.govspeak = govspeak
        self.blocks: list[Block] = []
        self.rows: list[list[str]] = []
        self.pending_term: str | None = None

    def read(self, scope: list[_HtmlBlock]) -> list[Block]:
        body_started = False
        for item in scope:
            if item.tag == "tr":
                self.rows.append([])
                continue
            if item.tag in ("td", "th") and self.rows:
                self.rows[-1].append(item.text)
                continue
            self._end_table()
            body_started = body_started or item.govspeak
            if self.govspeak and not item.govspeak:
                if not body_started:
                    self._header_item(item)
                continue
            self._body_item(item)
        self._end_table()
        return self.blocks

    def _end_table(self) -> None:
        if self.rows:
            self.blocks.append(table_block(self.rows))
            self.rows = []

    def _definition(self, item: _HtmlBlock) -> bool:
        """A term, or the description after one; True when ``item`` was either."""
        if item.tag == "dt":
            self.pending_term = item.text.rstrip(":")
            return True
        if item.tag == "dd" and self.pending_term:
            self.blocks.append(Block("paragraph", f"{self.pending_term}: {item.text}"))
            self.pending_term = None
            return True
        return False

    def _header_item(self, item: _HtmlBlock) -> None:
        if item.tag == "h1":
            self.blocks.append(Block("heading", item.text, 1))
        elif not self._definition(item) and len(item.text) < 120:
            self.blocks.append(Block("paragraph", item.text))

    def _body_item(self, item: _HtmlBlock) -> None:
        if item.tag in _HEADING_LEVEL:
            self.blocks.append(Block("heading", _strip_number(item.text), _HEADING_LEVEL[item.tag]))
        elif item.tag == "li":
            self.blocks.append(Block("item", item.text))
        elif not self._definition(item):
            self.blocks.append(Block("paragraph", item.text))


def _parse_with_collector(text: str, shown: str) -> Document:
    """The article (GOV.UK govspeak, <article> or <main>) and its metadata, read from the markup."""
    collector = _Collector()
    try:
        collector.feed(text)
        collector.close()
    except (AssertionError, ValueError, RecursionError) as exc:  # html.parser on hostile input
        raise InputError(
            f"cannot read this HTML page ({exc.__class__.__name__})",
            path=shown,
            line=1,
            hint="save the page again from the browser, or paste its text into a .txt file",
        ) from None
    collector.flush()
    region, scope = _article(collector.blocks, shown)
    blocks = _ArticleBlocks(govspeak=region == "govspeak").read(scope)
    if not any(b.kind != "heading" for b in blocks):
        raise InputError(
            f"the page's {region} holds no text",
            path=shown,
            line=1,
            hint="save the complete page after it has loaded, or paste its text into a .txt file",
        )
    page_title = collector.og_title or re.sub(
        r"(?<!\s)\s+[-|–]\s+[^-|–]+$", "", "".join(collector.title_parts).strip()
    )
    return Document(
        shown,
        "html",
        blocks,
        url=_web_address(collector.canonical) or _web_address(collector.og_url),
        page_title=page_title.strip() or None,
    )
