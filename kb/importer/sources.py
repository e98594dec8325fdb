"""Reading an import source (plain text, saved HTML page, Markdown) into blocks.

Every source becomes a :class:`Document`: a list of :class:`Block` (headings,
paragraphs, list items) in reading order, plus what only the file format knows
(an HTML page's canonical address and title). Title, dates and sections are
read from the blocks by :mod:`kb.importer.extract`, the same way for every format.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from kb.errors import InputError
from kb.importer.document import Document, parse_markdown, parse_text
from kb.util import characters
from kb.util.files import read_text

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_source(path: Path, shown: str | None = None, text: str | None = None) -> Document:
    """Read one source file (or ``text`` given for it); raises :class:`InputError` if unusable."""
    shown = shown or str(path)
    try:
        text = read_text(path, shown) if text is None else text
    except InputError as exc:
        if exc.message.startswith("file is empty"):
            exc.hint = "a source holds the text of a published report"
        elif "limit" in exc.message:
            exc.hint = "a report file holds at most 2 MB: split the text into parts and import each"
        elif "binary" in exc.message:
            exc.hint = (
                "import plain text, a saved HTML page or Markdown; "
                "for a PDF or Word file, copy its text into a .txt file"
            )
        raise
    # Imported text is text from outside: the characters kb refuses in reports (kb.util.characters)
    # are removed, as written and as an HTML page's character references decode them.
    text = characters.remove(text)
    suffix = path.suffix.lower()
    head = text.lstrip()[:500].lower()
    if suffix in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")) or "<body" in head:
        from kb.importer.html import parse_html

        document = parse_html(text, shown)
        document.blocks = [replace(b, text=characters.remove(b.text)) for b in document.blocks]
        document.page_title = characters.remove(document.page_title) if document.page_title else None
        document.meta = {key: characters.remove(value) for key, value in document.meta.items()}
    elif suffix in MARKDOWN_SUFFIXES or _looks_like_markdown(text):
        import frontmatter

        if frontmatter.checks(text.lstrip("\ufeff")):  # YAML, TOML or JSON front matter
            raise InputError(
                "this Markdown file already has front matter",
                path=shown,
                line=1,
                hint="it is already a report: check it with 'kb check' instead",
            )
        document = parse_markdown(text, shown)
    else:
        document = parse_text(text, shown)
    if not any(b.text.strip() for b in document.blocks if b.kind != "heading"):
        raise InputError(
            "no text found to import",
            path=shown,
            line=1,
            hint="the file holds no paragraphs; is it the right file?",
        )
    return document


def _looks_like_markdown(text: str) -> bool:
    return bool(
        re.search(r"^#{1,6} \S", text, re.MULTILINE) or re.search(r"^\S.*\n={3,}\s*$", text, re.MULTILINE)
    )
