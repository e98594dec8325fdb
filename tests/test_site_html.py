"""Escaping front matter text and sanitising report bodies for the site."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.registry.mentions import MentionFinder
from kb.registry.model import Entity, Registry
from kb.report.sanitise import sanitise
from kb.site.html import BodyRenderer, text, yaml_string
from kb.site.paths import link, rooted, url


def registry() -> Registry:
    return Registry(
        entities={
            "msit": Entity("msit", "Ministry of Science and ICT", "ministry", acronyms=("MSIT",)),
            "nia": Entity("nia", "National Information Society Agency", "agency", acronyms=("NIA",)),
        }
    )


def render(body: str) -> str:
    return BodyRenderer(MentionFinder(registry())).render(body, lambda e: f"/kb/entities/x/{e}/")


HOSTILE = """\
# Title

<script>alert('s')</script><img src=x onerror="alert('e')"> <svg onload=alert(1)></svg>
[a](javascript:alert('a')) [b](JaVaScRiPt:alert('b')) [c]( javascript:alert('c'))
![d](data:image/svg+xml;base64,PHN2Zz4=) <a href="data:text/html,<script>alert(1)</script>">e</a>
<a href="vbscript:msgbox(1)">f</a> <iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name=x></form> <object data="x"></object>
<div style="background:url(javascript:alert(1))" onclick="alert(1)">g</div>
<a href="https://ok.example/" target="_blank">fine</a> <a href="/kb/reports/x/">local</a>
<style>body { display: none }</style> <meta http-equiv="refresh" content="0;url=https://evil.example/">
"""


def test_body_sanitiser_removes_scripts_handlers_and_bad_urls():
    out = render(HOSTILE)
    lowered = out.lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:",
        "vbscript:",
        "<iframe",
        "<form",
        "<input",
        "<object",
        "<style",
        "<meta",
        "style=",
        "<svg",
        "alert('s')",
        "display: none",
    ):
        assert bad not in lowered, bad
    assert '<a href="https://ok.example/" rel="noopener noreferrer">fine</a>' in out
    assert '<a href="/kb/reports/x/" rel="noopener noreferrer">local</a>' in out
    assert "<h2>Title</h2>" in out  # a body's h1 becomes h2 under the page title


def test_sanitise_keeps_ordinary_markdown():
    out = render(
        "Some **bold**, _it_, `code` and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```\nx < y\n```\n\n- one\n- two\n\n> quote\n"
    )
    for good in (
        "<strong>bold</strong>",
        "<em>it</em>",
        "<code>code</code>",
        "<table>",
        "<td>1</td>",
        "<pre><code>x &lt; y",
        "<li>one</li>",
        "<blockquote>",
    ):
        assert good in out, good


def test_first_mention_of_each_entity_is_linked_never_inside_code_links_or_headings():
    out = render(
        "## About MSIT\n\n`MSIT` and [MSIT](https://x.example/) then MSIT, NIA, MSIT and "
        "the National Information Society Agency.\n"
    )
    links = re.findall(r'<a class="kb-mention" href="([^"]+)"[^>]*>([^<]+)</a>', out)
    assert links == [("/kb/entities/x/msit/", "MSIT"), ("/kb/entities/x/nia/", "NIA")]
    assert "<h2>About MSIT</h2>" in out and "<code>MSIT</code>" in out


def test_mention_links_inside_nested_inline_markup():
    out = render("*The MSIT view* and **NIA**.\n")
    assert '<em>The <a class="kb-mention" href="/kb/entities/x/msit/"' in out
    assert '<strong><a class="kb-mention" href="/kb/entities/x/nia/"' in out


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_escaped_text_renders_as_exactly_that_text(value):
    expected = " ".join(value.split())
    if not expected:
        return
    rendered = markdown.markdown(text(value), extensions=["tables", "attr_list", "md_in_html", "admonition"])
    inner = re.sub(r"^<p>|</p>$", "", rendered)
    assert "<" not in inner  # no markup at all: every character stayed text
    assert html.unescape(inner) == expected


MARKDOWN_HEAVY = st.text(
    alphabet=st.sampled_from(list("ab 1.-+#*_[]()!<>&|{}`\\=~:\"'\t")), min_size=1, max_size=30
)


@settings(max_examples=1000, deadline=None)
@given(MARKDOWN_HEAVY)
def test_escaped_text_stays_text_in_every_context_pages_use(value):
    expected = " ".join(value.split())
    if not expected:
        return
    escaped = text(value)
    contexts = {
        "paragraph": (escaped, r"<p>(.*)</p>"),
        "heading": (f"## {escaped}", r"<h2>(.*)</h2>"),
        "list item": (f"- {escaped}", r"<ul>\n<li>(.*)</li>\n</ul>"),
        "link": (f"[{escaped}](x.md)", r'<p><a href="x.md">(.*)</a></p>'),
        "table cell": (f"| a |\n|---|\n| {escaped} |", r"<table>.*<td>(.*)</td>.*</table>"),
        "strong": (f"**Label:** {escaped}", r"<p><strong>Label:</strong> (.*)</p>"),
    }
    for name, (source, pattern) in contexts.items():
        rendered = markdown.markdown(source, extensions=["tables", "attr_list", "md_in_html", "admonition"])
        match = re.fullmatch(pattern, rendered, re.DOTALL)
        assert match, (name, source, rendered)
        assert "<" not in match.group(1), (name, rendered)
        assert html.unescape(match.group(1)) == expected, (name, source, rendered)


@pytest.mark.parametrize("value", ["<img src=x onerror=alert(1)>", "a\"b'c", "x: y # z", "\u2028line"])
def test_yaml_string_is_escaped_html_in_a_json_string(value):
    import yaml

    assert yaml.safe_load(f"title: {yaml_string(value)}")["title"] == html.escape(" ".join(value.split()))


def test_paths_and_links():
    assert url("index.md") == "" and url("kb/reports/index.md") == "kb/reports/"
    assert url("kb/reports/x.md") == "kb/reports/x/" and url("kb/feeds/all.xml") == "kb/feeds/all.xml"
    assert link("kb/reports/x.md", "kb/entities/ministry/msit.md") == "../entities/ministry/msit.md"
    assert link("index.md", "kb/reports/index.md") == "kb/reports/index.md"
    assert rooted("/", "kb/entities/agency/nia.md") == "/kb/entities/agency/nia/"
    assert rooted("/base/path/", "kb/reports/x.md") == "/base/path/kb/reports/x/"


def test_sanitise_is_idempotent_on_its_output():
    once = sanitise(render(HOSTILE))
    assert sanitise(once) == once


REMOVED_OR_TEXT = [
    ("Hello <script>alert(1)</script>", [(6, "<script")]),
    ('<img src=x onerror="alert(1)">', [(10, "onerror=")]),
    ("<svg onload=alert(1)>", [(4, "onload=")]),
    ("[click](javascript:alert(1))", [(7, "(javascript:")]),
    ("![p](data:image/png;base64,AA)", [(4, "(data:")]),
    ('<a href="&#106;avascript:alert(1)">x</a>', [(2, "href=")]),
    ("## Notes on the `<img src=x onerror=alert(document.domain)>` tag", []),
    ("## &lt;img src=x onerror=alert(1)&gt;", []),
    ("### &lt;svg onload=alert(1)&gt;", []),
    ("```\n<script>alert(1)</script>\n```", []),
    ("    <img src=x onerror=alert(1)>", []),
    ("(javascript: is a language) and x = 'data:'", []),
]


@pytest.mark.parametrize("body, removed", REMOVED_OR_TEXT, ids=[b[:30] for b, _ in REMOVED_OR_TEXT])
def test_what_check_says_is_removed_is_removed_and_the_rest_is_published_as_text(body, removed):
    """``kb check``'s unsafe-html warning lists exactly what publishing removes; what it does not
    list is shown as text, and nothing in the published body could run."""
    from html.parser import HTMLParser

    from kb.report.sanitise import removed_on_publishing

    assert removed_on_publishing(body + "\n") == removed
    out = render(body + "\n")
    live: list[str] = []

    class Live(HTMLParser):
        def handle_starttag(self, tag, attrs):
            live.extend(
                f"{tag} {name}"
                for name, value in attrs
                if name.startswith("on") or (value or "").lower().startswith(("javascript:", "data:"))
            )
            if tag in ("script", "svg", "iframe"):
                live.append(tag)

    Live().feed(out)
    assert live == []
    if not removed:  # shown as the author wrote it: the payload's text is on the page
        shown = html.unescape(re.sub(r"<[^>]+>", "", out))
        assert html.unescape(re.sub(r"^#+ |`+\n?|^ {4}", "", body, flags=re.MULTILINE)).strip() in shown
