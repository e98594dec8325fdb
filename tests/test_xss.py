"""Stored XSS: a site built from reports and registry entries whose every text field carries a
script payload runs none of them, on any page, in a real browser (the system's Chromium).

Each payload calls ``alert`` and sets a global (``window.kbxss``). Every page of the public and
the staff site is opened with ``alert``, ``confirm`` and ``prompt`` hooked; after it loaded (and
after the Find page and the theme's search ran a search that finds the hostile reports), no hook
was called, no dialog opened and the global is unset. The same site is also read as files: no
payload is in any page as markup.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from click.testing import CliRunner
from conftest import write
from findkit import new_page, open_find, search_words
from sitekit import make_tree

from kb.cli import main

pytestmark = pytest.mark.browser

#: The payloads of issue 12 and the usual variants; each would set window.kbxss and call alert.
PAYLOADS = {
    "script": "<script>window.kbxss=1;alert(1)</script>",
    "img": '<img src=x onerror="window.kbxss=2;alert(2)">',
    "img-domain": "<img src=x onerror=alert(document.domain)>",
    "svg": "<svg onload=window.kbxss=3;alert(3)>",
    "escaped-img": "&lt;img src=x onerror=window.kbxss=4;alert(4)&gt;",
    "escaped-svg": "&lt;svg onload=window.kbxss=5;alert(5)&gt;",
    "numeric-refs": "&#60;img src=x onerror=window.kbxss=6;alert(6)&#62;",
    "javascript-link": "[click](javascript:window.kbxss=7;alert(7))",
    "javascript-a": '<a href="javascript:window.kbxss=8;alert(8)">x</a>',
    "attribute-breakout": '" onmouseover="window.kbxss=9;alert(9)" autofocus onfocus="alert(9)',
    "tag-breakout": '"><img src=x onerror=window.kbxss=10;alert(10)>',
    "closing-tags": "</title></textarea></script><img src=x onerror=window.kbxss=11;alert(11)>",
    "code-span": "`<img src=x onerror=window.kbxss=12;alert(12)>`",
}
HOOK = """
window.kbxssCalls = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.kbxssCalls.push(name + ":" + args.join(",")); };
}
"""
#: Words every hostile report holds, to make the Find page and the theme's search show them.
WORD = "xsswidget"
REPORT = "2023-01-05-xss"


#: Every payload at once: each text field of the hostile report and entities holds them all.
ALL = " ".join(PAYLOADS.values())
KINDS = ("sector", "organisation", "ministry", "project", "person")


def quoted(value: str) -> str:
    return json.dumps(value)  # JSON is YAML: any text as one double-quoted scalar


def hostile_registry() -> str:
    lines = ["entities:"]
    for kind in KINDS:
        lines += [
            f"  - id: xss-{kind}",
            f"    name: {quoted(ALL + ' ' + WORD)}",
            f"    kind: {kind}",
            f"    acronyms: {quoted(list(PAYLOADS.values()))}",
            f"    aliases: [{quoted('alias ' + ALL)}]",
            f"    description: {quoted(ALL)}",
            f"    website: {quoted('https://example.org/?q=' + ALL)}",
            "    country: KR",
        ]
    lines += ["disclaimers:", f"  - {{id: xss, title: {quoted(ALL)}, text: {quoted(ALL)}}}"]
    return "\n".join(lines) + "\n"


def hostile_report() -> str:
    q = quoted(ALL)
    front = f"""\
title: {q}
date: 2023-01-05
countries: [KR]
type: briefing
visibility: public
summary: {quoted(ALL + " " + WORD)}
visit: {{start: 2023-01-01, places: [{q}, {q}]}}
authors:
  - {{name: {q}, role: {q}, organisation: {q}}}
visitors:
  - {{name: {q}, role: {q}, organisation: xss-organisation}}
ministries: [xss-ministry]
organisations: [xss-organisation]
sectors: [xss-sector]
projects: [xss-project]
people: [xss-person]
opportunities:
  - {{id: xss-opportunity, title: {q}, sectors: [xss-sector], partners: [xss-organisation], status: identified,
     next_step: {q}, description: {q}}}
targets:
  - {{id: xss-target, what: {q}, value: 5, unit: {q}, deadline: 2030, owner: xss-ministry, status: announced}}
source: {{url: {quoted("https://example.org/?q=" + ALL)}, publisher: {q}, licence: {q}}}
internal_notes: {q}
disclaimer: xss
"""
    body = [f"{WORD}.\n"]
    for payload in PAYLOADS.values():  # each payload in every context a body has
        body.append(f"""\
# {payload}

## Notes on the `{payload}` tag

### {payload}

#### {html.escape(payload)}

{payload} and `{payload}`

    {payload}

- {payload}

> {payload}

| a | b |
|---|---|
| {payload} | x |

[{payload}](https://example.org/) ![{payload}](https://example.org/x.png "{payload}")
""")
    return f"---\n{front}---\n\n" + "\n".join(body)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """sitekit's knowledge base (one more hostile report in it already) and a report whose every
    text field carries every payload, tagging entities (one of each kind) and a disclaimer named
    with them all; the public and the staff site built once, for every test here."""
    root = make_tree(tmp_path_factory.mktemp("xss"))
    write(root / "reports" / "registry" / "xss.yml", hostile_registry())
    write(root / "reports" / "kr" / f"{REPORT}.md", hostile_report())
    runner = CliRunner()
    check = runner.invoke(main, ["--root", str(root), "check"], catch_exceptions=False)
    assert " error" not in check.stdout, check.stdout  # the hostile report is published
    for args, count in ((("build",), 5), (("build", "--internal"), 6), (("build", "--offline"), 5)):
        result = runner.invoke(main, ["--root", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert f" {count} reports" in result.stdout
    return root


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths."""
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html"))


def ran(page) -> list[str]:
    """What the payloads did on this page: hooked calls, dialogs, script errors, the global."""
    done = page.evaluate(
        "() => [...(window.kbxssCalls || []), ...(window.kbxss !== undefined ? "
        "['window.kbxss=' + window.kbxss] : [])]"
    )
    return done + page.errors


def test_every_page_kind_is_among_those_visited(hostile):
    visited = set(pages_of(hostile / "site"))
    kinds = [
        "",
        "kb/reports/",
        "kb/years/",
        "kb/years/2023/",
        "kb/countries/",
        "kb/countries/kr/",
        "kb/sectors/",
        "kb/entities/",
        "kb/opportunities/",
        "kb/targets/",
        "kb/find/",
        f"kb/reports/{REPORT}/",
        "kb/about/",
        "accessibility/",
        "404.html",
        *(f"kb/entities/{kind}/xss-{kind}/" for kind in KINDS),
    ]
    assert set(kinds) <= visited
    staff = set(pages_of(hostile / "site-internal"))
    assert f"kb/reports/{REPORT}/" in staff and f"kb/reports/{REPORT}/" in staff_pages(hostile)


def staff_pages(root: Path) -> list[str]:
    """The staff site's pages that differ from the public site's in what they show (the reports,
    with their internal fields, and the home page): the rest are the same pages."""
    return [
        "",
        *(p for p in pages_of(root / "site-internal") if p.startswith("kb/reports/") and p != "kb/reports/"),
    ]


def visit_all(browser, site: Path, urls: list[str]) -> dict[str, list[str]]:
    """URL -> what ran there, for each page opened in turn."""
    out = {}
    with StaticServer(site) as server:
        page = new_page(browser, server.url)
        page.add_init_script(HOOK)
        try:
            for url in urls:
                page.goto(server.url + url)
                # Hovering and focusing every element runs the handlers a breakout would have added.
                page.evaluate(
                    "() => document.querySelectorAll('body *').forEach(e => {"
                    " e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
                    " e.dispatchEvent(new FocusEvent('focus')); })"
                )
                out[url] = ran(page)
        finally:
            page.context.close()
    return out


def test_no_payload_runs_on_any_page_of_the_public_site(hostile, browser):
    ran_on = visit_all(browser, hostile / "site", pages_of(hostile / "site"))
    assert len(ran_on) > 30 and {url: done for url, done in ran_on.items() if done} == {}


def test_no_payload_runs_on_the_staff_sites_report_pages(hostile, browser):
    ran_on = visit_all(browser, hostile / "site-internal", staff_pages(hostile))
    assert len(ran_on) > 5 and {url: done for url, done in ran_on.items() if done} == {}


def test_find_page_results_and_theme_search_run_no_payload(hostile, browser):
    with StaticServer(hostile / "site") as server:
        page = new_page(browser, server.url)
        page.add_init_script(HOOK)
        try:
            open_find(page, server.url)
            search_words(page, WORD)  # results drawn by find.js from Pagefind's titles and excerpts
            assert page.locator("#kb-find-results h3 a").all_inner_texts() == [ALL], "shown as text"
            assert ran(page) == []
            page.goto(server.url)
            page.fill("#kb-header-words", WORD)  # the header's search: to the Find page
            page.press("#kb-header-words", "Enter")
            page.wait_for_url("**/kb/find/?words=*")
            page.wait_for_selector("#kb-find-results h3 a")
            assert ALL in page.locator("#kb-find-results h3 a").all_inner_texts()
            assert ran(page) == []
        finally:
            page.context.close()


def test_offline_copy_and_its_search_run_no_payload(hostile, browser):
    """The copy read from disk: every page opened from file://, and the theme's own search (which
    holds the reports there) showing the hostile report and entities."""
    folder = hostile / "site-offline"
    context = browser.new_context()
    context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.add_init_script(HOOK)
    try:
        ran_on = {}
        for path in sorted(folder.rglob("*.html")):
            page.goto(path.as_uri())
            ran_on[path.relative_to(folder).as_posix()] = ran(page)
        assert len(ran_on) > 30 and {url: done for url, done in ran_on.items() if done} == {}
        page.goto((folder / "index.html").as_uri())
        page.click(".md-search__input")
        page.keyboard.type(WORD)  # typed: the theme searches on key presses
        page.wait_for_selector(f".md-search-result__link[href*='{REPORT}']")
        assert "onerror" in page.inner_text(".md-search-result__list"), "the payloads show as text"
        assert page.locator(".md-search-result__list img, .md-search-result__list svg[onload]").count() == 0
        assert ran(page) == []
    finally:
        context.close()


def test_table_of_contents_shows_headings_as_text(hostile):
    """The issue's reproduction: a heading with markup in inline code, or escaped, is text in the
    page's table of contents as in the heading itself; so is a sector's name on the board."""
    page = (hostile / "site" / "kb" / "reports" / REPORT / "index.html").read_text(encoding="utf-8")
    toc = page.split('data-md-component="toc"')[1].split('<div class="md-content"')[0]
    assert "Notes on the &lt;img src=x onerror=alert(document.domain)&gt; tag" in toc
    assert "&lt;svg onload=window.kbxss=3;alert(3)&gt;" in toc
    assert "&amp;lt;img src=x onerror=window.kbxss=4;alert(4)&amp;gt;" in toc  # escaped text stays escaped
    assert "<img" not in toc and "<svg" not in toc and "<script" not in toc
    board = (hostile / "site" / "kb" / "opportunities" / "index.html").read_text(encoding="utf-8")
    assert html.escape(ALL, quote=False) in board.replace("&#x27;", "'").replace("&quot;", '"')


class _Markup(HTMLParser):
    """What in a page could run: event handler attributes, script URLs, and scripts' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self._script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(
                ("javascript:", "data:text")
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data):
        if self._script and "kbxss" in data:
            self.found.append(f"<script>{data}")

    def handle_endtag(self, tag):
        self._script = False


def test_no_payload_is_markup_in_any_page_or_feed(hostile):
    for folder in ("site", "site-internal", "site-offline"):
        for path in (hostile / folder).rglob("*"):
            if path.suffix in (".html", ".xml"):
                parser = _Markup()
                parser.feed(path.read_text(encoding="utf-8"))
                assert parser.found == [], path
