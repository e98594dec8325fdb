"""Safe text and HTML for generated pages.

Everything that comes from YAML (titles, names, descriptions) is escaped twice
over: HTML-escaped, so a title ``<img onerror=...>`` shows as text (Material
writes page titles into the header unescaped), and Markdown-escaped, so a name
with ``*`` or ``[`` cannot change the page's structure.

Report bodies are Markdown written by people: they are rendered here with
Python-Markdown, with the first mention of each registry entity linked to its
page, then cleaned with nh3 (no script, style, event handlers or non-web URLs)
and embedded in the generated page as a raw HTML block.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from kb.registry.mentions import MentionFinder
from kb.report.sanitise import sanitise

#: Every character that is Markdown (or HTML) anywhere in a line, as a numeric character
#: reference: Python-Markdown passes references through untouched, so unlike backslash
#: escapes they cannot combine with what follows (``[\\]:`` would start a link definition).
_AS_TEXT = str.maketrans({char: f"&#{ord(char)};" for char in "&<>\"'\\`*_{}[]|#"})
#: What makes a line start a list or a rule: the first character becomes a reference too.
_LINE_START = re.compile(r"^(?:-+(?=\s|$)|\+(?=\s|$)|\d+[.)](?=\s|$))")
_SPACE = re.compile(r"\s+")

#: Inside these, a name is not turned into a link.
NO_LINK_TAGS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


def text(value: object) -> str:
    """Plain text for Markdown inline content, on one line: every character that Markdown or
    HTML would read as syntax becomes a character reference, so the text shows as written."""
    one_line = _SPACE.sub(" ", str(value)).strip().translate(_AS_TEXT)
    match = _LINE_START.match(one_line)
    if match:
        marker = match.group(0)
        position = len(marker) - 1 if marker[0].isdigit() else 0
        one_line = one_line[:position] + f"&#{ord(one_line[position])};" + one_line[position + 1 :]
    return one_line


def paragraph(value: object) -> str:
    """Like :func:`text`, but keeps paragraph breaks (blank lines)."""
    parts = [p for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return "\n\n".join(text(p) for p in parts)


def attribute(value: object) -> str:
    """Text for an HTML attribute or an HTML text node."""
    return html.escape(_SPACE.sub(" ", str(value)).strip(), quote=True)


def yaml_string(value: object) -> str:
    """A YAML scalar (JSON is YAML) holding HTML-escaped text: for front matter ``title:``."""
    return json.dumps(attribute(value), ensure_ascii=True)


class _MentionLinker(Treeprocessor):
    """Links the first mention of each entity in running text; demotes h1 to h2."""

    def __init__(
        self, md: markdown.Markdown, finder: MentionFinder | None, href: Callable[[str], str | None]
    ):
        super().__init__(md)
        self.finder = finder
        self.href = href

    def run(self, root: etree.Element) -> None:
        linked: set[str] = set()
        for element in root.iter("h1"):
            element.tag = "h2"
        if self.finder is not None:
            self._walk(root, linked)

    def _walk(self, element: etree.Element, linked: set[str]) -> None:
        if element.tag in NO_LINK_TAGS:
            return
        if element.text:
            new_text, nodes = self._split(element.text, linked)
            if nodes:
                element.text = new_text
                for index, node in enumerate(nodes):
                    element.insert(index, node)
        for child in list(element):
            self._walk(child, linked)
            if child.tail:
                new_tail, nodes = self._split(child.tail, linked)
                if nodes:
                    child.tail = new_tail
                    position = list(element).index(child) + 1
                    for offset, node in enumerate(nodes):
                        element.insert(position + offset, node)

    def _split(self, value: str, linked: set[str]) -> tuple[str, list[etree.Element]]:
        """``value`` cut at the first mention of each not yet linked entity."""
        nodes: list[etree.Element] = []
        head: str | None = None
        cursor = 0
        assert self.finder is not None  # _walk runs only with a finder (see run)
        for mention in self.finder.find(value):
            if mention.entity_id in linked:
                continue
            target = self.href(mention.entity_id)
            if target is None:
                continue
            linked.add(mention.entity_id)
            link = etree.Element("a", {"href": target, "class": "kb-mention"})
            link.text = value[mention.start : mention.end]
            before = value[cursor : mention.start]
            if head is None:
                head = before
            else:
                nodes[-1].tail = before
            nodes.append(link)
            cursor = mention.end
        if not nodes:
            return value, []
        nodes[-1].tail = value[cursor:]
        return head or "", nodes


class _MentionExtension(Extension):
    def __init__(self, finder: MentionFinder | None):
        super().__init__()
        self.linker: _MentionLinker | None = None
        self.finder = finder

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline processing (priority 20), before prettify (10).
        self.linker = _MentionLinker(md, self.finder, lambda _entity_id: None)
        md.treeprocessors.register(self.linker, "kb-mentions", 15)


class BodyRenderer:
    """Turns report bodies into sanitised HTML; one instance per build, reusing one Markdown
    converter (making one costs about a fifth of converting a report).

    With a ``cache`` (``kb serve``, see :mod:`kb.site.bodycache`), a body already rendered
    with the same registry and links is not rendered again: ``cache`` maps a hash of the body
    to its HTML, and :attr:`added` holds what this instance added to it.
    """

    def __init__(self, finder: MentionFinder | None, cache: dict[str, str] | None = None) -> None:
        self.finder = finder
        self.cache = cache
        self.added: dict[str, str] = {}
        self._mentions = _MentionExtension(finder)
        self._markdown = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", self._mentions], output_format="html"
        )

    def render(self, body: str, href: Callable[[str], str | None] | None = None) -> str:
        key = None
        cache = self.cache
        if cache is not None and href is not None:
            from kb.site.bodycache import body_key

            key = body_key(body)
            found = cache.get(key)
            if found is not None:
                return found
        linker = self._mentions.linker
        assert linker is not None  # made when the Markdown converter was made, in __init__
        linker.href = href or (lambda _entity_id: None)
        rendered = sanitise(self._markdown.reset().convert(body))
        if cache is not None and key is not None:
            cache[key] = self.added[key] = rendered
        return rendered


def one_block(fragment: str) -> str:
    """Sanitised HTML without blank lines outside ``<pre>``, so that a Markdown parser (MkDocs
    without kb's hook, Zensical) sees one HTML block and never reads the HTML as Markdown."""
    kept: list[str] = []
    inside_pre = 0
    for line in fragment.split("\n"):
        inside_pre += line.count("<pre") - line.count("</pre>")
        if line.strip() or inside_pre > 0:
            kept.append(line)
    return "\n".join(kept)
