"""What of a report body may reach a page: the HTML allow-list, and what sanitising removes.

The site renders bodies with these rules (:mod:`kb.site.html`), and ``kb check`` warns with
:func:`removed_on_publishing`, so what check says is removed is exactly what the site removes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map", "center", "nav", "header", "footer"}


ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "time": {"datetime"},
}


ALLOWED_CLASSES = {"a": {"kb-mention"}}


URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise(fragment: str) -> str:
    """HTML with only harmless tags and attributes left, and only web and mail links."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


#: Elements the sanitiser removes that an author may have meant to work.
REMOVED_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "style", "form"})


URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background"})


_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)\s*:", re.IGNORECASE)


MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "sane_lists")


def removed_on_publishing(body: str) -> list[tuple[int, str]]:
    """What :func:`sanitise` takes out of this Markdown body that an author may have meant to
    work, as ``(offset in body, fragment)`` in body order: script-like elements, event handlers,
    and links or sources to a non-web scheme (``javascript:``, ``data:``), written as HTML or as
    Markdown links. Only markup counts: the same text in code, or escaped (``&lt;script&gt;``),
    is published as text and is not listed. ``kb check`` warns with these, so what it says is
    removed is what the site removes."""
    converter = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    rendered = converter.convert(body)
    found: set[tuple[int, str]] = set()
    for raw in converter.htmlStash.rawHtmlBlocks:
        at = body.find(raw) if isinstance(raw, str) and "<" in raw else -1
        if at < 0:  # not written by the author: a code block, stashed as escaped HTML
            continue
        for offset, tag, source, attributes in _start_tags(raw):
            if tag in REMOVED_ELEMENTS:
                found.add((at + offset, source[: 1 + len(tag)]))
            for name, value in attributes:
                if name.startswith("on") or _unsafe_url(name, value):
                    # The scheme as written; or, written with character references, the attribute.
                    where = (
                        None
                        if name.startswith("on")
                        else re.search(
                            rf"(?<=\b{re.escape(name)})\s*=\s*[\"']?\s*[a-z][a-z0-9+.-]*\s*:",
                            source,
                            re.IGNORECASE,
                        )
                    ) or re.search(rf"[\s/\"']{re.escape(name)}\s*=", source, re.IGNORECASE)
                    found.add(
                        (at + offset + where.start(), where.group(0).lstrip("/\"' \t\n"))
                        if where
                        else (at + offset, f"{name}=")
                    )
    # Markdown links and images: their destination is in the rendered HTML, as written.
    for _offset, _tag, _source, attributes in _start_tags(rendered):
        for name, value in attributes:
            scheme = _unsafe_scheme(name, value)
            at = body.find(f"({value}") if scheme else -1
            if scheme and at >= 0:
                found.add((at, "(" + scheme.group(0).strip()))
    return sorted(found)


def _unsafe_url(attribute_name: str, value: str | None) -> bool:
    return _unsafe_scheme(attribute_name, value) is not None


def _unsafe_scheme(attribute_name: str, value: str | None) -> re.Match[str] | None:
    """The scheme of a URL attribute the sanitiser refuses ('javascript:'), or None."""
    scheme = _SCHEME.match(value or "") if attribute_name in URL_ATTRIBUTES else None
    return scheme if scheme is not None and scheme.group(1).lower() not in URL_SCHEMES else None


def _start_tags(fragment: str) -> list[tuple[int, str, str, list[tuple[str, str | None]]]]:
    """``(offset, tag, tag as written, attributes with references decoded)`` of each start tag."""
    tags: list[tuple[int, str, str, list[tuple[str, str | None]]]] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", fragment)]

    class StartTags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            line, column = self.getpos()
            tags.append((line_starts[line - 1] + column, tag, self.get_starttag_text() or "", attrs))

    parser = StartTags(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return tags
