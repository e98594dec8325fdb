"""The corpus of bad inputs: each case is the file's bytes and the exact first message expected.

Kept as code, not files, so that the 20 MB case and the binary and non-UTF-8
cases are built at test time instead of living in git. Every command that reads
reports is run over this corpus (see test_bad_inputs.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NAME = "reports/kr/2014-07-03-bad.md"
P = NAME

HEAD = ("---\ntitle: Korea\ndate: 2014-07-03\ncountries: [KR]\ntype: country-update\n"
        "visibility: public\n")


def report(extra: str = "", body: str = "Text.\n", head: str = HEAD) -> bytes:
    return (head + extra + "---\n\n" + body).encode("utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expected: str | None   # exact first problem line of `kb check`; None when the file is fine
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


BILLION_LAUGHS = ('lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f"l{i}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
                            for i in range(9)))

CASES = [
    Case("not-utf8", report(body="Caf\xe9 in Seoul\n").replace(b"Caf\xc3\xa9", b"Caf\xe9"),
         f"{P}:9:1: error [bad-file] file is not valid UTF-8 (byte 0xE9 on line 9) "
         "(save it as UTF-8; it may be Windows-1252 or Latin-1)", 1),
    Case("utf16", "\ufeff---\ntitle: x\n".encode("utf-16"),
         f"{P}:1:1: error [bad-file] file is encoded as UTF-16 or UTF-32 (save it as UTF-8)", 1),
    Case("byte-order-mark", b"\xef\xbb\xbf" + report(), None, 0),
    Case("crlf", report().replace(b"\n", b"\r\n"), None, 0),
    Case("crlf-error-line", report("colour: red\n").replace(b"\n", b"\r\n"),
         f"{P}:7:1: error [unknown-field] unknown field 'colour' in a report (did you mean 'countries'?)", 1),
    Case("tab-indent", report("visit:\n\tstart: 2014-06-23\n"),
         f"{P}:8:1: error [yaml-tab] tab character used for indentation (indent YAML with spaces only)", 1),
    Case("no-closing", HEAD.encode() + b"\nBody without a closing line\n",
         f"{P}:1:1: error [bad-file] front matter has no closing '---' line "
         "(add a line '---' after the last front matter field)", 1),
    Case("no-front-matter", b"# Just a heading\n\nText.\n",
         f"{P}:1:1: error [bad-file] no front matter at the top of the file "
         "(a report starts with a line '---', the front matter, and another '---')", 1),
    Case("empty", b"",
         f"{P}:1:1: error [bad-file] file is empty "
         "(start it with front matter between '---' lines, or run 'kb new')", 1),
    Case("whitespace-only", b"  \n\n",
         f"{P}:1:1: error [bad-file] file is empty "
         "(start it with front matter between '---' lines, or run 'kb new')", 1),
    Case("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
         f"{P}:1:1: error [bad-file] file looks binary (it contains NUL bytes) "
         "(reports are plain-text Markdown files)", 1),
    Case("twenty-megabytes", report(body="word " * 4_200_000),
         f"{P}:1:1: error [bad-file] file is 20.0 MB, over the 2 MB limit "
         "(is this really a report? split it or move data elsewhere)", 1),
    Case("billion-laughs", report(BILLION_LAUGHS),
         f"{P}:7:6: error [yaml-alias] YAML anchors (&name) are not allowed (write the value out in full)", 1),
    Case("merge-key", report("visit:\n  <<: {start: 2014-06-23}\n"),
         f"{P}:8:3: error [yaml-merge] YAML merge keys (<<) are not allowed (write the keys out in full)", 1),
    Case("python-tag", report("summary: !!python/object/apply:os.system ['echo pwned']\n"),
         f"{P}:7:10: error [yaml-tag] YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
         "(remove the tag; values are plain text, lists and mappings)", 1),
    Case("duplicate-key", report("title: Japan\n"),
         f"{P}:7:1: error [duplicate-key] duplicate key 'title' (first given on line 2) "
         "(only the first is used: merge the two into one)", 1),
    Case("impossible-date", report(head=HEAD.replace("2014-07-03", "2014-02-30")),
         f"{P}:3:7: error [bad-date] date: '2014-02-30' is not a real date (February 2014 has 28 days) "
         "(use YYYY-MM-DD)", 1),
    Case("datetime-with-zone", report(head=HEAD.replace("2014-07-03", "2014-07-03T09:30:00+09:00")),
         f"{P}:3:7: error [bad-date] date: '2014-07-03T09:30:00+09:00' is a date and time; give the date only, "
         "like 2014-07-03 (use YYYY-MM-DD)", 1),
    Case("datetime-without-zone", report(head=HEAD.replace("2014-07-03", "2014-07-03 09:30")),
         f"{P}:3:7: error [bad-date] date: '2014-07-03 09:30' is a date and time; give the date only, "
         "like 2014-07-03 (use YYYY-MM-DD)", 1),
    Case("norway-stays-norway", report(head=HEAD.replace("[KR]", "[NO, KR]"),
                                       extra="summary: YES\nvisit: {places: [ON]}\n"), None, 0),
    Case("time-is-not-a-date", report(head=HEAD.replace("2014-07-03", "10:00")),
         f"{P}:3:7: error [bad-date] date: '10:00' is not a date like 2014-07-03 (use YYYY-MM-DD)", 1),
    Case("octal-looking-date", report(head=HEAD.replace("2014-07-03", "0123")),
         f"{P}:3:7: error [bad-date] date: '0123' is not a date like 2014-07-03 (use YYYY-MM-DD)", 1),
    Case("version-looking-type", report(head=HEAD.replace("country-update", "1.10")),
         f"{P}:5:7: error [bad-value] type '1.10' is not one of country-update, visit-report, ministerial-visit, "
         "joint-statement, trade-mission, meeting-note, briefing", 1),
    Case("boolean-looking-visibility", report(head=HEAD.replace("visibility: public", "visibility: yes")),
         f"{P}:6:13: error [bad-value] visibility 'yes' is not one of public, internal", 1),
    Case("unknown-field", report("colour: red\n"),
         f"{P}:7:1: error [unknown-field] unknown field 'colour' in a report (did you mean 'countries'?)", 1),
    Case("look-alike-unicode-tag", report("ministries: [ms\u0456t]\n"),
         f"{P}:7:14: error [unknown-entity] unknown ministry or agency id: 'ms\u0456t' contains the non-ASCII "
         "character '\u0456' (CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I) (retype it: did you mean msit?)", 1),
    Case("look-alike-unicode-id", report("id: k\u043er-report\n"),
         f"{P}:7:5: error [bad-id] id 'k\u043er-report' contains the non-ASCII character '\u043e' "
         "(CYRILLIC SMALL LETTER O) (ids use only a-z, 0-9 and hyphens; retype it)", 1),
    Case("path-traversal-id", report("id: ../../etc/passwd\n"),
         f"{P}:7:5: error [bad-id] '../../etc/passwd' is not a valid id "
         "(use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x')", 1),
    Case("path-traversal-opportunity", report("opportunities:\n  - {id: ../x, title: t, status: agreed}\n"),
         f"{P}:8:10: error [bad-id] '../x' is not a valid id "
         "(use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x')", 1),
    Case("reserved-id", report("id: con\n"),
         f"{P}:7:5: error [bad-id] 'con' is a reserved name (choose another id)", 1),
    Case("reserved-file-name", report(), f"reports/kr/index.md:1:1: error [bad-id] file name gives the report id "
         "'index', which is not valid (rename the file like 2014-07-03-korea-open-data.md, or set 'id:')", 1,
         file_name="reports/kr/index.md"),
    Case("script-in-body", report(body="Hello <script>alert(1)</script>\n"),
         f"{P}:9:7: warning [unsafe-html] '<script' is removed when the report is published "
         "(write plain Markdown; scripts, event handlers and script URLs are never published)", 0),
    Case("event-handler-in-body", report(body='<img src=x onerror="alert(1)">\n'),
         f"{P}:9:11: warning [unsafe-html] 'onerror=' is removed when the report is published "
         "(write plain Markdown; scripts, event handlers and script URLs are never published)", 0),
    Case("javascript-url-in-body", report(body="[click](javascript:alert(1))\n"),
         f"{P}:9:8: warning [unsafe-html] '(javascript:' is removed when the report is published "
         "(write plain Markdown; scripts, event handlers and script URLs are never published)", 0),
    Case("data-url-in-body", report(body='<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>\n'),
         f"{P}:9:8: warning [unsafe-html] '=\"data:' is removed when the report is published "
         "(write plain Markdown; scripts, event handlers and script URLs are never published)", 0),
    Case("script-in-title", report(head=HEAD.replace("title: Korea", "title: <img src=x onerror=alert(1)>")),
         None, 0),
    Case("script-in-opportunity-title",
         report("opportunities:\n  - {id: x, title: '<script>alert(1)</script>', status: agreed}\n"), None, 0),
    Case("javascript-source-url", report("source: {url: 'javascript:alert(1)'}\n"),
         f"{P}:7:15: error [bad-url] source.url 'javascript:alert(1)' is not an http(s) address "
         "(give a full address starting with https://)", 1),
    Case("deeply-nested", report("summary: " + "[" * 40 + "]" * 40 + "\n"),
         f"{P}:7:30: error [too-deep] YAML nested deeper than 20 levels", 1),
    Case("nul-in-yaml-string", report('summary: "a\\0b"\n'),
         f"{P}:7:10: error [bad-text] summary contains a NUL control character "
         "(retype the text; it was probably pasted from another program)", 1),
    Case("terminal-escape-in-title", report(head=HEAD.replace("title: Korea", 'title: "\\e[31mKorea\\e[0m"')),
         f"{P}:2:8: error [bad-text] title contains a U+001B control character "
         "(retype the text; it was probably pasted from another program)", 1),
]

# -- files that are not what they seem, and names that break lines (issue 12) ------------------------
#: Text of files outside the project that links in reports/ point to: it must reach no output.
OUTSIDE_CANARY = "zqxoutside-canary"
PASSWD = f"root:x:0:0:{OUTSIDE_CANARY}:/root:/bin/bash\n".encode()
REGISTRY_LINK = "reports/registry/passwd.yml"

CASES += [
    Case("symlink-out-of-project", report(body=f"{OUTSIDE_CANARY} body text\n",
                                          head=HEAD.replace("title: Korea", f"title: {OUTSIDE_CANARY}")),
         f"{P}:1:1: error [outside-project] is a link to a file outside the project; it was not read "
         "(copy the file into the project instead of linking to it)", 1, kind="link-outside"),
    Case("registry-symlink-to-passwd", PASSWD,
         f"{REGISTRY_LINK}:1:1: error [outside-project] is a link to a file outside the project; it was not read "
         "(copy the file into the project instead of linking to it)", 1, file_name=REGISTRY_LINK,
         kind="link-outside"),
    Case("fifo", b"",
         f"{P}:1:1: error [not-a-file] is a named pipe (FIFO), not a regular file; it was not opened "
         "(reports and registry files are plain text files; remove it or move it elsewhere)", 1, kind="fifo"),
    Case("symlink-loop", b"",
         f"{P}:1:1: error [link-loop] is a symbolic link that loops back on itself "
         "(point the link at a file, or delete it)", 1, kind="link-loop"),
    Case("newline-in-file-name", report(),
         "'reports/kr/2014-07-03-a\\nb.md':1:1: error [bad-id] file name gives the report id '2014-07-03-a\\nb', "
         "which is not valid (rename the file like 2014-07-03-korea-open-data.md, or set 'id:')", 1,
         file_name="reports/kr/2014-07-03-a\nb.md"),
    Case("escape-in-file-name", report(),
         "'reports/kr/2014-07-03-\\x1b[31mred.md':1:1: error [bad-id] file name gives the report id "
         "'2014-07-03-\\x1b[31mred', which is not valid "
         "(rename the file like 2014-07-03-korea-open-data.md, or set 'id:')", 1,
         file_name="reports/kr/2014-07-03-\x1b[31mred.md"),
]

# -- nesting and numbers (issue 12) ----------------------------------------------------------------
TARGET = "targets:\n  - what: solar panels\n    value: "

CASES += [
    Case("nested-2000-lists", report("summary: " + "[" * 2000 + "]" * 2000 + "\n"),
         f"{P}:7:30: error [too-deep] YAML nested deeper than 20 levels", 1),
    Case("nested-1000-mappings", report("summary: " + "{a: " * 1000 + "}" * 1000 + "\n"),
         f"{P}:7:87: error [too-deep] YAML nested deeper than 20 levels", 1),
    Case("nested-3000-block-lists", report("summary:\n" + "- " * 3000 + "x\n"),
         f"{P}:8:41: error [too-deep] YAML nested deeper than 20 levels", 1),
    Case("5000-digit-value", report(TARGET + "9" * 5000 + "\n"),
         f"{P}:9:12: error [bad-number] targets[0].value has 5000 digits; at most 15 are allowed "
         "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')", 1),
    Case("400-digit-decimal", report(TARGET + "9" * 400 + ".5\n"),
         f"{P}:9:12: error [bad-number] targets[0].value has 401 digits; at most 15 are allowed "
         "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')", 1),
    Case("16-digit-progress", report(TARGET + "1\n    progress: {value: '1234567890123456'}\n"),
         f"{P}:10:23: error [bad-number] targets[0].progress.value has 16 digits; at most 15 are allowed "
         "(give it in a larger unit, e.g. 'value: 2.5' with 'unit: billion USD')", 1),
    Case("15-digit-value", report(TARGET + "999,999,999,999,999\n"), None, 0),
]

# -- bodies that made a regular expression super-linear (issue 12): minutes in check, index, build --
CASES += [
    Case("unclosed-comments", report(body="<!--" * 100_000 + "\n"), None, 0),
    Case("unclosed-angle-brackets", report(body="<" * 200_000 + "\n"), None, 0),
]
