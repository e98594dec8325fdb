"""The corpus of bad inputs: each case is the file's bytes and the exact first message expected.

Kept as code, not files, so that the 20 MB case and the binary and non-UTF-8
cases are built at test time instead of living in git. Every command that reads
reports is run over this corpus (see test_bad_inputs.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.util.characters import BODY_HINT
from kb.util.characters import HINT as TEXT_HINT

NAME = "reports/kr/2014-07-03-bad.md"
P = NAME

HEAD = "---\ntitle: Korea\ndate: 2014-07-03\ncountries: [KR]\ntype: country-update\nvisibility: public\n"


def report(extra: str = "", body: str = "Text.\n", head: str = HEAD) -> bytes:
    return (head + extra + "---\n\n" + body).encode("utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expected: str | None  # exact first problem line of `kb check`; None when the file is fine
    exit_code: int
    file_name: str = NAME
    #: How the case is put in place (see :func:`place`): "file" (``data`` written there),
    #: "link-outside" (``data`` written outside the project and linked to), "fifo", "link-loop".
    kind: str = "file"


def place(case: Case, root: Path, file_name: str | None = None) -> Path:
    """Put ``case`` into the project at ``root``; returns its path there."""
    path = root / (file_name or case.file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.kind == "file":
        path.write_bytes(case.data)
    elif case.kind == "link-outside":
        target = root.parent / f"{root.name}-elsewhere" / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(case.data)
        path.symlink_to(target)
    elif case.kind == "fifo":
        os.mkfifo(path)
    elif case.kind == "link-loop":
        path.symlink_to(path.name)
    else:
        raise ValueError(case.kind)
    return path


BILLION_LAUGHS = 'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"l{i}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9)
)

CASES = [
    Case(
        "not-utf8",
        report(body="Caf\xe9 in Seoul\n").replace(b"Caf\xc3\xa9", b"Caf\xe9"),
        f"{P}:9:1: error [bad-file] file is not valid UTF-8 (byte 0xE9 on line 9) "
        "(save it as UTF-8; it may be Windows-1252 or Latin-1)",
        1,
    ),
    Case(
        "utf16",
        "\ufeff---\ntitle: x\n".encode("utf-16"),
        f"{P}:1:1: error [bad-file] file is encoded as UTF-16 or UTF-32 (save it as UTF-8)",
        1,
    ),
    Case("byte-order-mark", b"\xef\xbb\xbf" + report(), None, 0),
    Case("crlf", report().replace(b"\n", b"\r\n"), None, 0),
    Case(
        "crlf-error-line",
        report("colour: red\n").replace(b"\n", b"\r\n"),
        f"{P}:7:1: error [unknown-field] unknown field 'colour' in a report (did you mean 'countries'?)",
        1,
    ),
    Case(
        "tab-indent",
        report("visit:\n\tstart: 2014-06-23\n"),
        f"{P}:8:1: error [yaml-tab] tab character used for indentation (indent YAML with spaces only)",
        1,
    ),
    Case(
        "no-closing",
        HEAD.encode() + b"\nBody without a closing line\n",
        f"{P}:1:1: error [bad-file] front matter has no closing '---' line "
        "(add a line '---' after the last front matter field)",
        1,
    ),
    Case(
        "no-front-matter",
        b"# Just a heading\n\nText.\n",
        f"{P}:1:1: error [bad-file] no front matter at the top of the file "
        "(a report starts with a line '---', the front matter, and another '---')",
        1,
    ),
    Case(
        "empty",
        b"",
        f"{P}:1:1: error [bad-file] file is empty "
        "(start it with front matter between '---' lines, or run 'kb new')",
        1,
    ),
    Case(
        "whitespace-only",
        b"  \n\n",
        f"{P}:1:1: error [bad-file] file is empty "
        "(start it with front matter between '---' lines, or run 'kb new')",
        1,
    ),
    Case(
        "binary",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        f"{P}:1:1: error [bad-file] file looks binary (it contains NUL bytes) "
        "(reports are plain-text Markdown files)",
        1,
    ),
    Case(
        "twenty-megabytes",
        report(body="word " * 4_200_000),
        f"{P}:1:1: error [bad-file] file is 20.0 MB, over the 2 MB limit "
        "(is this really a report? split it or move data elsewhere)",
        1,
    ),
    Case(
        "billion-laughs",
        report(BILLION_LAUGHS),
        f"{P}:7:6: error [yaml-alias] YAML anchors (&name) are not allowed (write the value out in full)",
        1,
    ),
    Case(
        "merge-key",
        report("visit:\n  <<: {start: 2014-06-23}\n"),
        f"{P}:8:3: error [yaml-merge] YAML merge keys (<<) are not allowed (write the keys out in full)",
        1,
    ),
    Case(
        "python-tag",
        report("summary: !!python/object/apply:os.system ['echo pwned']\n"),
        f"{P}:7:10: error [yaml-tag] YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
        "(remove the tag; values are plain text, lists and mappings)",
        1,
    ),
    Case(
        "duplicate-key",
        report("title: Japan\n"),
        f"{P}:7:1: error [duplicate-key] duplicate key 'title' (first given on line 2) "
        "(only the first is used: merge the two into one)",
        1,
    ),
    Case(
        "impossible-date",
        report(head=HEAD.replace("2014-07-03", "2014-02-30")),
        f"{P}:3:7: error [bad-date] date: '2014-02-30' is not a real date (February 2014 has 28 days) "
        "(use YYYY-MM-DD)",
        1,
    ),
    Case(
        "datetime-with-zone",
        report(head=HEAD.replace("2014-07-03", "2014-07-03T09:30:00+09:00")),
        f"{P}:3:7: error [bad-date] date: '2014-07-03T09:30:00+09:00' is a date and time; give the date only, "
        "like 2014-07-03 (use YYYY-MM-DD)",
        1,
    ),
    Case(
        "datetime-without-zone",
        report(head=HEAD.replace("2014-07-03", "2014-07-03 09:30")),
        f"{P}:3:7: error [bad-date] date: '2014-07-03 09:30' is a date and time; give the date only, "
        "like 2014-07-03 (use YYYY-MM-DD)",
        1,
    ),
    Case(
        "norway-stays-norway",
        report(head=HEAD.replace("[KR]", "[NO, KR]"), extra="summary: YES\nvisit: {places: [ON]}\n"),
        None,
        0,
    ),
    Case(
        "time-is-not-a-date",
        report(head=HEAD.replace("2014-07-03", "10:00")),
        f"{P}:3:7: error [bad-date] date: '10:00' is not a date like 2014-07-03 (use YYYY-MM-DD)",
        1,
    ),
    Case(
        "octal-looking-date",
        report(head=HEAD.replace("2014-07-03", "0123")),
        f"{P}:3:7: error [bad-date] date: '0123' is not a date like 2014-07-03 (use YYYY-MM-DD)",
        1,
    ),
    Case(
        "version-looking-type",
        report(head=HEAD.replace("country-update", "1.10")),
        f"{P}:5:7: error [bad-value] type '1.10' is not one of country-update, visit-report, ministerial-visit, "
        "joint-statement, trade-mission, meeting-note, briefing",
        1,
    ),
    Case(
        "boolean-looking-visibility",
        report(head=HEAD.replace("visibility: public", "visibility: yes")),
        f"{P}:6:13: error [bad-value] visibility 'yes' is not one of public, internal",
        1,
    ),
    Case(
        "unknown-field",
        report("colour: red\n"),
        f"{P}:7:1: error [unknown-field] unknown field 'colour' in a report (did you mean 'countries'?)",
        1,
    ),
    Case(
        "look-alike-unicode-tag",
        report("ministries: [ms\u0456t]\n"),
        f"{P}:7:14: error [unknown-entity] unknown ministry or agency id: 'ms\u0456t' contains the non-ASCII "
        "character '\u0456' (CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I) (retype it: did you mean msit?)",
        1,
    ),
    Case(
        "look-alike-unicode-id",
        report("id: k\u043er-report\n"),
        f"{P}:7:5: error [bad-id] id 'k\u043er-report' contains the non-ASCII character '\u043e' "
        "(CYRILLIC SMALL LETTER O) (ids use only a-z, 0-9 and hyphens; retype it)",
        1,
    ),
    Case(
        "path-traversal-id",
        report("id: ../../etc/passwd\n"),
        f"{P}:7:5: error [bad-id] '../../etc/passwd' is not a valid id "
        "(use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x')",
        1,
    ),
    Case(
        "path-traversal-opportunity",
        report("opportunities:\n  - {id: ../x, title: t, status: agreed}\n"),
        f"{P}:8:10: error [bad-id] '../x' is not a valid id "
        "(use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x')",
        1,
    ),
    Case(
        "reserved-id",
        report("id: con\n"),
        f"{P}:7:5: error [bad-id] 'con' is a reserved name (choose another id)",
        1,
    ),
    Case(
        "reserved-file-name",
        report(),
        "reports/kr/index.md:1:1: error [bad-id] file name gives the report id "
        "'index', which is not valid (rename the file like 2014-07-03-korea-open-data.md, or set 'id:')",
        1,
        file_name="reports/kr/index.md",
    ),
    Case(
        "script-in-body",
        report(body="Hello <script>alert(1)</script>\n"),
        f"{P}:9:7: warning [unsafe-html] '<script' is removed when the report is published "
        "(write plain Markdown; scripts, event handlers and script URLs are never published)",
        0,
    ),
    Case(
        "event-handler-in-body",
        report(body='<img src=x onerror="alert(1)">\n'),
        f"{P}:9:11: warning [unsafe-html] 'onerror=' is removed when the report is published "
        "(write plain Markdown; scripts, event handlers and script URLs are never published)",
        0,
    ),
    Case(
        "javascript-url-in-body",
        report(body="[click](javascript:alert(1))\n"),
        f"{P}:9:8: warning [unsafe-html] '(javascript:' is removed when the report is published "
        "(write plain Markdown; scripts, event handlers and script URLs are never published)",
        0,
    ),
    Case(
        "data-url-in-body",
        report(body='<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>\n'),
        f"{P}:9:8: warning [unsafe-html] '=\"data:' is removed when the report is published "
        "(write plain Markdown; scripts, event handlers and script URLs are never published)",
        0,
    ),
    Case(
        "script-in-title",
        report(head=HEAD.replace("title: Korea", "title: <img src=x onerror=alert(1)>")),
        None,
        0,
    ),
    Case(
        "script-in-opportunity-title",
        report("opportunities:\n  - {id: x, title: '<script>alert(1)</script>', status: agreed}\n"),
        None,
        0,
    ),
    Case(
        "javascript-source-url",
        report("source: {url: 'javascript:alert(1)'}\n"),
        f"{P}:7:15: error [bad-url] source.url 'javascript:alert(1)' is not an http(s) address "
        "(give a full address starting with https://)",
        1,
    ),
    Case(
        "deeply-nested",
        report("summary: " + "[" * 40 + "]" * 40 + "\n"),
        f"{P}:7:30: error [too-deep] YAML nested deeper than 20 levels",
        1,
    ),
    Case(
        "nul-in-yaml-string",
        report('summary: "a\\0b"\n'),
        f"{P}:7:10: error [bad-text] summary contains a NUL control character "
        "(retype the text; it was probably pasted from another program)",
        1,
    ),
    Case(
        "terminal-escape-in-title",
        report(head=HEAD.replace("title: Korea", 'title: "\\e[31mKorea\\e[0m"')),
        f"{P}:2:8: error [bad-text] title contains a U+001B control character "
        "(retype the text; it was probably pasted from another program)",
        1,
    ),
    # Issue 12, item 1: markup shown as text (in code, or escaped) is published as text, and
    # check does not claim it is removed; a registry name with markup is text on every page.
    Case(
        "xss-heading-in-code",
        report(body="## Notes on the `<img src=x onerror=alert(document.domain)>` tag\n"),
        None,
        0,
    ),
    Case(
        "xss-escaped-headings",
        report(
            body="## &lt;img src=x onerror=alert(document.domain)&gt;\n\n### &lt;svg onload=alert(1)&gt;\n"
        ),
        None,
        0,
    ),
    Case("xss-in-code-block", report(body="```\n<script>alert(1)</script>\n```\n"), None, 0),
    Case(
        "xss-handler-after-slash",
        report(body="<img/onerror=alert(1)>\n"),
        f"{P}:9:5: warning [unsafe-html] 'onerror=' is removed when the report is published "
        "(write plain Markdown; scripts, event handlers and script URLs are never published)",
        0,
    ),
    Case(
        "xss-sector-name",
        b"entities:\n  - {id: xss-sector, name: '<img src=x onerror=alert(1)>', kind: sector}\n",
        None,
        0,
        file_name="reports/registry/xss.yml",
    ),
    # Issue 12, item 6: one pasted character. Front matter and registry refuse it (check fails, so
    # build is never reached with it); a body has it removed, with a warning, and builds.
    Case(
        "escape-in-body",
        report(body="Seoul \x1b[31mred\x1b[0m\n"),
        f"{P}:9:7: warning [bad-text] the body contains a U+001B control character, removed when the report is "
        f"published ({BODY_HINT})",
        0,
    ),
    Case(
        "backspace-in-body",
        report(body="Seoul\x08 red\n"),
        f"{P}:9:6: warning [bad-text] the body contains a U+0008 control character, removed when the report is "
        f"published ({BODY_HINT})",
        0,
    ),
    Case(
        "noncharacter-in-body",
        report(body="Seoul \ufffe red\n"),
        f"{P}:9:7: warning [bad-text] the body contains the noncharacter U+FFFE, removed when the report is "
        f"published ({BODY_HINT})",
        0,
    ),
    Case(
        "noncharacter-in-title",
        report(head=HEAD.replace("title: Korea", "title: Korea\ufffe")),
        f"{P}:2:13: error [bad-text] the YAML text contains the noncharacter U+FFFE ({TEXT_HINT})",
        1,
    ),
    Case(
        "noncharacter-escape-in-summary",
        report('summary: "Seoul\\uFFFE"\n'),
        f"{P}:7:10: error [bad-text] summary contains the noncharacter U+FFFE ({TEXT_HINT})",
        1,
    ),
    Case(
        "surrogate-escape-in-summary",
        report('summary: "Seoul\\ud800"\n'),
        f"{P}:7:10: error [bad-text] summary contains a lone surrogate U+D800 (half of a UTF-16 pair, not a "
        f"character) ({TEXT_HINT})",
        1,
    ),
    Case(
        "control-character-in-list",
        report('visit: {places: ["Seoul\\e"]}\n'),
        f"{P}:7:18: error [bad-text] visit.places[0] contains a U+001B control character ({TEXT_HINT})",
        1,
    ),
    Case(
        "noncharacter-in-registry-name",
        b'entities:\n  - {id: odd-sector, name: "Odd \\uFFFE", kind: sector}\n',
        f"reports/registry/odd.yml:2:28: error [bad-text] entities[0].name contains the noncharacter U+FFFE "
        f"({TEXT_HINT})",
        1,
        file_name="reports/registry/odd.yml",
    ),
    # -- author mistakes that get a message a first-time author can act on (issue 15, item 4) --
    Case(
        "unquoted-comma-in-flow-mapping",
        report("authors:\n  - {name: Energy and climate team, British Embassy Tokyo}\n"),
        f"{P}:8:37: error [unknown-field] unknown field 'British Embassy Tokyo' in an entry of authors "
        "(a comma inside { } ends a value: put the whole value in quotes, "
        'name: "Energy and climate team, British Embassy Tokyo")',
        1,
    ),
    *(
        Case(
            f"{name.lower().replace(' ', '-')}-as-country",
            report(head=HEAD.replace("countries: [KR]", f"countries: [KR, {name}]")),
            f"{P}:4:17: error [unknown-country] '{name}' is not an ISO 3166-1 alpha-2 code "
            "(did you mean GB (United Kingdom)?)",
            1,
        )
        for name in ("UK", "Britain", "Great Britain", "United Kingdom")
    ),
    Case(
        "unknown-id-like-no-known-one",
        report("ministries: [mohw]\n"),
        f"{P}:7:14: error [unknown-entity] unknown ministry or agency id: 'mohw' (not in the registry: "
        "add it to reports/registry/entities.yml as '- {id: mohw, name: <its full English name>, "
        "kind: ministry, acronyms: [MOHW], country: KR}', then check again)",
        1,
    ),
    Case(
        "unknown-id-a-slip-from-a-known-one",
        report("ministries: [msti]\n"),
        f"{P}:7:14: error [unknown-entity] unknown ministry or agency id: 'msti' (did you mean msit?)",
        1,
    ),
]

# -- publishing: near misses of the internal markers (each an error; the report is left out) --
#: Lines 9 and 10 of each body are "Near-miss public part." and a blank line; the marking starts on line 11.
#: name -> (body with {s} where the staff-only text goes, line, column, what, snippet shown).
NEAR_MISSES = {
    # The nine ways of the issue...
    "start-end-words": (
        "<!-- internal start -->\n{s}\n<!-- internal end -->",
        11,
        1,
        "an HTML comment",
        "<!-- internal start -->",
    ),
    "begin-end-internal": (
        "<!-- begin internal -->\n{s}\n<!-- end internal -->",
        11,
        1,
        "an HTML comment",
        "<!-- begin internal -->",
    ),
    "internal-only-caps": ("<!-- INTERNAL ONLY -->\n{s}", 11, 1, "an HTML comment", "<!-- INTERNAL ONLY -->"),
    "three-dashes": (
        "<!--- internal --->\n{s}\n<!--- /internal --->",
        11,
        1,
        "an HTML comment",
        "<!--- internal --->",
    ),
    "hyphenated": (
        "<!-- internal-start -->\n{s}\n<!-- internal-end -->",
        11,
        1,
        "an HTML comment",
        "<!-- internal-start -->",
    ),
    "in-a-quote": (
        "> <!-- internal -->\n> {s}\n> <!-- /internal -->",
        11,
        3,
        "an HTML comment",
        "<!-- internal -->",
    ),
    "inline-with-text": (
        "Before <!-- internal --> {s} <!-- /internal --> after.",
        11,
        8,
        "an HTML comment",
        "<!-- internal -->",
    ),
    "div-class": ('<div class="internal">\n{s}\n</div>', 11, 1, "an HTML element", '<div class="internal">'),
    # ...then what editors do to markup: Word's dashes and quotes, escaping, invisible characters...
    "word-en-dashes": (
        "<!\u2013 internal \u2013>\n{s}\n<!\u2013 /internal \u2013>",
        11,
        1,
        "an HTML comment",
        "<!\u2013 internal \u2013>",
    ),
    "word-em-dash": ("<!\u2014internal\u2014>\n{s}", 11, 1, "an HTML comment", "<!\u2014internal\u2014>"),
    "smart-quotes-class": (
        "<div class=\u201cinternal\u201d>\n{s}\n</div>",
        11,
        1,
        "an HTML element",
        "<div class=\u201cinternal\u201d>",
    ),
    "markdown-escaped": (
        "\\<!-- internal --\\>\n{s}\n\\<!-- /internal --\\>",
        11,
        2,
        "an HTML comment",
        "<!-- internal --\\>",
    ),
    "html-entities": (
        "&lt;!-- internal --&gt;\n{s}\n&lt;!-- /internal --&gt;",
        11,
        1,
        "an HTML comment",
        "&lt;!-- internal --&gt;",
    ),
    "full-width": (
        "\uff1c!-- \uff49\uff4e\uff54\uff45\uff52\uff4e\uff41\uff4c --\uff1e\n{s}",
        11,
        1,
        "an HTML comment",
        "\uff1c!-- \uff49\uff4e\uff54\uff45\uff52\uff4e\uff41\uff4c --\uff1e",
    ),
    "zero-width-space": (
        "<!-- inter\u200bnal -->\n{s}\n<!-- /internal -->",
        11,
        1,
        "an HTML comment",
        "<!-- inter?nal -->",
    ),
    "multi-line-comment": ("<!--\n  INTERNAL\n-->\n{s}", 11, 1, "an HTML comment", "<!--"),
    "in-a-list-item": (
        "- <!-- internal -->\n- {s}\n- <!-- /internal -->",
        11,
        3,
        "an HTML comment",
        "<!-- internal -->",
    ),
    # ...other words for it...
    "staff-only-comment": ("<!-- staff only -->\n{s}", 11, 1, "an HTML comment", "<!-- staff only -->"),
    "confidential-comment": (
        "<!-- Confidential: do not publish -->\n{s}",
        11,
        1,
        "an HTML comment",
        "<!-- Confidential: do not publish -->",
    ),
    "official-sensitive-comment": (
        "<!-- OFFICIAL-SENSITIVE -->\n{s}",
        11,
        1,
        "an HTML comment",
        "<!-- OFFICIAL-SENSITIVE -->",
    ),
    "not-for-publication-comment": (
        "<!-- not for publication -->\n{s}",
        11,
        1,
        "an HTML comment",
        "<!-- not for publication -->",
    ),
    # ...other HTML...
    "span-class": (
        '<span class="staff-only">{s}</span>',
        11,
        1,
        "an HTML element",
        '<span class="staff-only">',
    ),
    "custom-element": ("<internal>\n{s}\n</internal>", 11, 1, "an HTML element", "<internal>"),
    "details-summary": (
        "<details>\n<summary>Internal notes</summary>\n{s}\n</details>",
        12,
        1,
        "a <details> summary",
        "<summary>Internal notes</summary>",
    ),
    "hidden-attribute": ("<div hidden>\n{s}\n</div>", 11, 1, "HTML that hides text", "<div hidden>"),
    "display-none": (
        '<p style="display:none">{s}</p>',
        11,
        1,
        "HTML that hides text",
        '<p style="display:none">',
    ),
    # ...other Markdown dialects' comments and blocks...
    "obsidian-comment": (
        "%% internal %%\n{s}\n%% /internal %%",
        11,
        1,
        "an Obsidian comment",
        "%% internal %%",
    ),
    "link-reference-comment": (
        "[//]: # (internal)\n{s}",
        11,
        1,
        "a link-reference comment",
        "[//]: # (internal)",
    ),
    "fenced-div": ("::: internal\n{s}\n:::", 11, 1, "a fenced div or admonition", "::: internal"),
    "admonition": (
        '!!! note "Staff only"\n    {s}',
        11,
        1,
        "a fenced div or admonition",
        '!!! note "Staff only"',
    ),
    "shortcode": (
        "{{{{< internal >}}}}\n{s}\n{{{{< /internal >}}}}",
        11,
        1,
        "a template or attribute tag",
        "{{< internal >}}",
    ),
    "bracket-tag": ("[INTERNAL]\n{s}\n[/INTERNAL]", 11, 1, "a bracketed tag", "[INTERNAL]"),
    # ...and plain-text labels, which hide nothing.
    "bold-label": ("**Internal:** {s}", 11, 3, "a label or heading", "Internal"),
    "heading": ("## Staff only\n\n{s}", 11, 4, "a label or heading", "Staff only"),
    "not-for-publication-line": (
        "NOT FOR PUBLICATION\n\n{s}",
        11,
        1,
        "a label or heading",
        "NOT FOR PUBLICATION",
    ),
    # A code fence that is never closed is not code: what is in it is read as text.
    "unclosed-code-fence": (
        "```\n<!-- internal start -->\n{s}",
        12,
        1,
        "an HTML comment",
        "<!-- internal start -->",
    ),
}
MARKER_HINT = (
    "mark staff-only text with a line <!-- internal --> before it and a line <!-- /internal --> "
    "after it, each alone at the start of its line; if this is not meant as a marker, reword it"
)
#: Variants of the marker itself: they still hide the text, but only the exact form is accepted.
INEXACT_MARKERS = {
    "upper-case-marker": ("<!-- INTERNAL -->\n{s}\n<!-- /INTERNAL -->", "<!-- INTERNAL -->"),
    "no-spaces": ("<!--internal-->\n{s}\n<!--/internal-->", "<!--internal-->"),
    "indented": ("    <!-- internal -->\n{s}\n<!-- /internal -->", "<!-- internal -->"),
}


def staff_text(name: str) -> str:
    """The staff-only text of a marker case: never in any public output."""
    return f"zqxleak-near-miss-{name}"


def marked_body(template: str, name: str) -> str:
    return "Near-miss public part.\n\n" + template.format(s=staff_text(name)) + "\n"


CASES += (
    [
        Case(
            f"near-miss-{name}",
            report(body=marked_body(body, name)),
            f"{P}:{line}:{column}: error [near-miss-marker] {what} '{snippet}' looks like an internal marker "
            f"but is not one: the text it marks would be published ({MARKER_HINT})",
            1,
        )
        for name, (body, line, column, what, snippet) in NEAR_MISSES.items()
    ]
    + [
        Case(
            f"inexact-marker-{name}",
            report(body=marked_body(body, name)),
            f"{P}:11:1: error [near-miss-marker] '{snippet}' is not written exactly as the marker <!-- internal --> "
            "(write it exactly '<!-- internal -->': lower case, one space each side, at the start of its own line)",
            1,
        )
        for name, (body, snippet) in INEXACT_MARKERS.items()
    ]
    + [
        # Accepted: the exact markers (trailing spaces allowed), and a near miss shown as a code sample.
        Case(
            "exact-markers",
            report(body="Public.\n\n<!-- internal -->  \nStaff.\n<!-- /internal -->\n"),
            None,
            0,
        ),
        Case(
            "near-miss-in-a-code-sample",
            report(body="Do not write:\n\n```markdown\n<!-- internal start -->\n```\n"),
            None,
            0,
        ),
        Case(
            "ordinary-words",
            report(
                body="## Internal reforms\n\nThe internal market and staff exchanges. "
                "[Audit](https://example.org/internal) <staff@example.org> (internal) "
                "<!-- figures from MOTIE -->\n\n| Staff | 12 |\n|---|---|\n"
            ),
            None,
            0,
        ),
    ]
)

# -- silent wrong results (issue 12, item 11): each is now an error with its place ------------
CASES += [
    Case(
        "report-supersedes-itself",
        report("supersedes: 2014-07-03-bad\n"),
        f"{P}:7:13: error [supersede-cycle] the report supersedes itself "
        "(name the earlier report it replaces)",
        1,
    ),
    Case(
        "two-targets-one-id",
        report(
            "targets:\n  - {id: kr-sets, what: Open data sets, value: 60}\n"
            "  - {id: kr-sets, what: Open data sets again, value: 80}\n"
        ),
        f"{P}:9:10: error [duplicate-id] target id 'kr-sets' is used twice in this report (first on line 8)",
        1,
    ),
    Case(
        "two-opportunities-one-id",
        report(
            "opportunities:\n  - {id: kr-x, title: One, status: agreed}\n"
            "  - {id: kr-x, title: Two, status: active}\n"
        ),
        f"{P}:9:10: error [duplicate-id] opportunity id 'kr-x' is used twice in this report (first on line 8)",
        1,
    ),
    Case(
        "arabic-indic-date",
        report(head=HEAD.replace("2014-07-03", "\u0662\u0660\u0661\u0664-07-03")),
        f"{P}:3:7: error [bad-date] date: '\u0662\u0660\u0661\u0664-07-03' is written with the digit "
        "'\u0662' (ARABIC-INDIC DIGIT TWO), not 0-9 (use YYYY-MM-DD)",
        1,
    ),
    Case(
        "full-width-deadline",
        report("targets:\n  - {what: Sets, deadline: \uff12\uff10\uff11\uff16}\n"),
        f"{P}:8:28: error [bad-date] targets[0].deadline: '\uff12\uff10\uff11\uff16' is written with the digit "
        "'\uff12' (FULLWIDTH DIGIT TWO), not 0-9 (use YYYY, YYYY-MM or YYYY-MM-DD)",
        1,
    ),
]

#: Rules across reports: name -> (files under reports/ with their text, exact first line of
#: `kb check`, the report ids `kb build` and `kb export` must leave out).
PUBLIC = HEAD.replace("title: Korea", "title: Public")
INTERNAL = HEAD.replace("visibility: public", "visibility: internal").replace(
    "title: Korea", "title: zqxleak-internal-title"
)
CROSS_REPORT_CASES = {
    "public-supersedes-internal": (
        {
            "kr/2014-01-01-zqxleak-internal-title.md": INTERNAL + "---\n\nMeeting text.\n",
            "kr/2014-07-03-public.md": PUBLIC
            + "supersedes: 2014-01-01-zqxleak-internal-title\n---\n\nText.\n",
        },
        "reports/kr/2014-07-03-public.md:7:13: error [internal-reference] a public report cannot supersede the "
        "internal report '2014-01-01-zqxleak-internal-title': its id would be published (remove 'supersedes', "
        "make this report internal, or publish the older one)",
        {"2014-07-03-public"},
    ),
    "two-supersede-each-other": (
        {
            "kr/2014-07-03-a.md": PUBLIC + "supersedes: 2014-07-04-b\n---\n\nA.\n",
            "kr/2014-07-04-b.md": PUBLIC + "supersedes: 2014-07-03-a\n---\n\nB.\n",
        },
        "reports/kr/2014-07-03-a.md:7:13: error [supersede-cycle] supersede cycle: 2014-07-03-a -> 2014-07-04-b "
        "-> 2014-07-03-a (a report can only supersede an older one: remove 'supersedes' from one of them)",
        {"2014-07-03-a", "2014-07-04-b"},
    ),
}

#: Registry files: name -> (text of reports/registry/extra.yml, exact first line of `kb check`).
SECTOR_CHAIN = 1200
RENAME_CHAIN = 1500
REGISTRY_CASES = {
    "sector-parent-cycle": (
        "entities:\n  - {id: s-a, name: Sector A, kind: sector, parent: s-b}\n"
        "  - {id: s-b, name: Sector B, kind: sector, parent: s-a}\n",
        "reports/registry/extra.yml:2:1: error [parent-cycle] parent cycle: s-a -> s-b -> s-a "
        "(an entity cannot be part of itself: remove 'parent' from one of them)",
    ),
    "sector-own-parent": (
        "entities:\n  - {id: s-a, name: Sector A, kind: sector, parent: s-a}\n",
        "reports/registry/extra.yml:2:1: error [parent-cycle] s-a: parent names itself "
        "(remove 'parent' or name another entity)",
    ),
    "second-disclaimer-same-id": (
        "entities: []\ndisclaimers:\n  - {id: standard, title: Again, text: Replaces the first.}\n",
        "reports/registry/extra.yml:3:10: error [duplicate-id] disclaimer id 'standard' is already used at "
        "reports/registry/entities.yml:24 (give each disclaimer its own id; reports would show only one of them)",
    ),
    # -- lineage with kinds (issue 15, item 1): contradictions are errors, with the way out --
    "rename-into-two": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: {kind: rename, by: [b, c]}}\n"
        "  - {id: b, name: B}\n  - {id: c, name: C}\n",
        "reports/registry/extra.yml:3:1: error [ambiguous-lineage] a: a rename gives one new name, but "
        "superseded_by names 2: b, c (if it was divided between them, write kind: split)",
    ),
    "split-into-one": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: {kind: split, by: b}}\n  - {id: b, name: B}\n",
        "reports/registry/extra.yml:3:1: error [ambiguous-lineage] a: a split has two or more successors, "
        "but superseded_by names b (write kind: rename (one body, new name) or merger)",
    ),
    "rename-and-merger-into-one": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: {kind: rename, by: c}}\n"
        "  - {id: b, name: B, superseded_by: {kind: merger, by: c}}\n  - {id: c, name: C}\n",
        "reports/registry/extra.yml:3:1: error [ambiguous-lineage] a: 'c' is given as its new name "
        "(a rename), but c also replaces b (a rename has one predecessor; if they merged, write "
        "superseded_by: {kind: merger, by: c, date: ...} on each)",
    ),
    "merger-parts-disagree-on-date": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: {kind: merger, by: c, date: 2020-09-02}}\n"
        "  - {id: b, name: B, superseded_by: {kind: merger, by: c, date: 2020-10}}\n  - {id: c, name: C}\n",
        "reports/registry/extra.yml:4:1: error [ambiguous-lineage] the parts of the merger into c disagree "
        "on its date: a 2020-09-02, b 2020-10 (a merger happens on one day: give each part the same date)",
    ),
    "succession-dated-apart-from-valid-to": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, valid_to: 2016, superseded_by: {kind: rename, by: b, date: 2017-07-26}}\n"
        "  - {id: b, name: B}\n",
        "reports/registry/extra.yml:3:1: error [ambiguous-lineage] a: superseded_by is dated 2017-07-26, "
        "but valid_to is 2016 (the succession ends the body: give both the same date)",
    ),
    "renamed-two-ways": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: b}\n  - {id: b, name: B}\n  - {id: c, name: C, renamed_from: a}\n",
        "reports/registry/extra.yml:3:1: error [ambiguous-lineage] a: renamed into 2 bodies: b, c (superseded_by "
        "here and renamed_from there) (one body takes one new name: if it was divided, write superseded_by: "
        "{kind: split, by: [b, c]} and drop renamed_from)",
    ),
    "succession-of-an-unknown-kind": (
        "defaults: {kind: ministry, country: KR}\nentities:\n"
        "  - {id: a, name: A, superseded_by: {kind: renamed, by: b}}\n  - {id: b, name: B}\n",
        "reports/registry/extra.yml:3:44: error [bad-value] entities[0].superseded_by.kind 'renamed' is not "
        "one of rename, split, merger, transfer (did you mean 'rename'?)",
    ),
    f"{SECTOR_CHAIN}-deep-sectors": (
        "entities:\n"
        + "".join(
            f"  - {{id: s{i}, name: Sector {i}, kind: sector" + (f", parent: s{i - 1}}}\n" if i else "}\n")
            for i in range(SECTOR_CHAIN)
        ),
        None,
    ),
    f"{RENAME_CHAIN}-long-rename-chain": (
        "entities:\n"
        + "".join(
            f"  - {{id: m{i}, name: Ministry {i}, kind: ministry, country: KR"
            + (f", superseded_by: m{i + 1}}}\n" if i + 1 < RENAME_CHAIN else "}\n")
            for i in range(RENAME_CHAIN)
        ),
        None,
    ),
}

# -- files that are not what they seem, and names that break lines (issue 12) ------------------------
#: Text of files outside the project that links in reports/ point to: it must reach no output.
OUTSIDE_CANARY = "zqxoutside-canary"
PASSWD = f"root:x:0:0:{OUTSIDE_CANARY}:/root:/bin/bash\n".encode()
REGISTRY_LINK = "reports/registry/passwd.yml"

CASES += [
    Case(
        "symlink-out-of-project",
        report(
            body=f"{OUTSIDE_CANARY} body text\n",
            head=HEAD.replace("title: Korea", f"title: {OUTSIDE_CANARY}"),
        ),
        f"{P}:1:1: error [outside-project] is a link to a file outside the project; it was not read "
        "(copy the file into the project instead of linking to it)",
        1,
        kind="link-outside",
    ),
    Case(
        "registry-symlink-to-passwd",
        PASSWD,
        f"{REGISTRY_LINK}:1:1: error [outside-project] is a link to a file outside the project; it was not read "
        "(copy the file into the project instead of linking to it)",
        1,
        file_name=REGISTRY_LINK,
        kind="link-outside",
    ),
    Case(
        "fifo",
        b"",
        f"{P}:1:1: error [not-a-file] is a named pipe (FIFO), not a regular file; it was not opened "
        "(reports and registry files are plain text files; remove it or move it elsewhere)",
        1,
        kind="fifo",
    ),
    Case(
        "symlink-loop",
        b"",
        f"{P}:1:1: error [link-loop] is a symbolic link that loops back on itself "
        "(point the link at a file, or delete it)",
        1,
        kind="link-loop",
    ),
    Case(
        "newline-in-file-name",
        report(),
        "'reports/kr/2014-07-03-a\\nb.md':1:1: error [bad-id] file name gives the report id '2014-07-03-a\\nb', "
        "which is not valid (rename the file like 2014-07-03-korea-open-data.md, or set 'id:')",
        1,
        file_name="reports/kr/2014-07-03-a\nb.md",
    ),
    Case(
        "escape-in-file-name",
        report(),
        "'reports/kr/2014-07-03-\\x1b[31mred.md':1:1: error [bad-id] file name gives the report id "
        "'2014-07-03-\\x1b[31mred', which is not valid "
        "(rename the file like 2014-07-03-korea-open-data.md, or set 'id:')",
        1,
        file_name="reports/kr/2014-07-03-\x1b[31mred.md",
    ),
]

# -- nesting and numbers (issue 12) ----------------------------------------------------------------
TARGET = "targets:\n  - what: solar panels\n    value: "

CASES += [
    Case(
        "nested-2000-lists",
        report("summary: " + "[" * 2000 + "]" * 2000 + "\n"),
        f"{P}:7:30: error [too-deep] YAML nested deeper than 20 levels",
        1,
    ),
    Case(
        "nested-1000-mappings",
        report("summary: " + "{a: " * 1000 + "}" * 1000 + "\n"),
        f"{P}:7:87: error [too-deep] YAML nested deeper than 20 levels",
        1,
    ),
    Case(
        "nested-3000-block-lists",
        report("summary:\n" + "- " * 3000 + "x\n"),
        f"{P}:8:41: error [too-deep] YAML nested deeper than 20 levels",
        1,
    ),
    Case(
        "5000-digit-value",
        report(TARGET + "9" * 5000 + "\n"),
        f"{P}:9:12: error [bad-number] targets[0].value has 5000 digits; at most 15 are allowed "
        "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')",
        1,
    ),
    Case(
        "400-digit-decimal",
        report(TARGET + "9" * 400 + ".5\n"),
        f"{P}:9:12: error [bad-number] targets[0].value has 401 digits; at most 15 are allowed "
        "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')",
        1,
    ),
    Case(
        "16-digit-progress",
        report(TARGET + "1\n    progress: {value: '1234567890123456'}\n"),
        f"{P}:10:23: error [bad-number] targets[0].progress.value has 16 digits; at most 15 are allowed "
        "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')",
        1,
    ),
    Case("15-digit-value", report(TARGET + "999,999,999,999,999\n"), None, 0),
]

# -- bodies that made a regular expression super-linear (issue 12): minutes in check, index, build --
CASES += [
    Case("unclosed-comments", report(body="<!--" * 100_000 + "\n"), None, 0),
    Case("unclosed-angle-brackets", report(body="<" * 200_000 + "\n"), None, 0),
    # The near-miss marker check on one long line (over two minutes each before).
    Case(
        "long-dashed-comment",
        report(body="<!-- internal " + "-" * 200_000 + "x\n"),
        f"{P}:9:1: error [near-miss-marker] an HTML comment '<!-- internal " + "-" * 35 + "…' looks like an "
        f"internal marker but is not one: the text it marks would be published ({MARKER_HINT})",
        1,
    ),
]
#: Checked by kb check alone (see test_bad_inputs.py): the build renders a body's raw HTML with
#: Python's html.parser, itself quadratic in '<a<a<a...' before Python 3.11.13.
CHECK_ONLY = [
    Case("many-unclosed-tags", report(body="<a" * 100_000 + " internal\n"), None, 0),
]
