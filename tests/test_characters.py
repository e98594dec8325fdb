"""One rule for control characters and noncharacters (kb.util.characters), wherever text comes in.

Every class of code point goes through the whole pipeline in one knowledge base: as written in
a title, as a YAML escape in a title, in a body and in a registry name; then ``kb check``,
``kb build`` (pages and Atom feeds), ``kb export``, ``kb index`` and ``kb search``; and through
``kb new`` and ``kb import``. Refused characters give their exact error (front matter, registry,
``kb new``) or warning (body: removed), and appear in no output; the others are kept as written.
No command shows a traceback.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REGISTRY, write
from hypothesis import given
from hypothesis import strategies as st
from sitekit import copy_site_files, every_file_text

from kb.cli import main
from kb.util import characters

#: (name, text, refused): one or more code points of each class.
CLASSES = [
    ("cc-esc", "\x1b", True),
    ("cc-backspace", "\x08", True),
    ("cc-form-feed", "\x0c", True),
    ("cc-vertical-tab", "\x0b", True),
    ("cc-del", "\x7f", True),
    ("cc-nel", "\x85", True),
    ("cc-csi", "\x9b", True),
    ("cs-lone-surrogate", "\ud800", True),  # only as a YAML escape: a UTF-8 file cannot hold one
    ("cn-fffe", "\ufffe", True),
    ("cn-ffff", "\uffff", True),
    ("cn-fdd0", "\ufdd0", True),
    ("cn-fdef", "\ufdef", True),
    ("cn-1fffe", "\U0001fffe", True),
    ("cn-10ffff", "\U0010ffff", True),
    ("cf-soft-hyphen", "\u00ad", False),
    ("cf-zero-width-joiner", "\u200d", False),
    ("cf-right-to-left-override", "\u202e", False),
    ("co-private-use", "\ue000", False),
    ("co-plane-15", "\U000f0000", False),
    ("cn-unassigned", "\u0378", False),
    ("zl-line-separator", "\u2028", False),
    ("zp-paragraph-separator", "\u2029", False),
    ("mn-combining-acute", "e\u0301", False),
    ("astral-emoji", "\U0001f600", False),
    ("astral-cjk", "\U00020000", False),
]
IDS = [name for name, _text, _refused in CLASSES]
HEAD = "countries: [KR]\ntype: briefing\nvisibility: public\n"


def escaped(text: str) -> str:
    """The text as YAML double-quoted escapes."""
    return "".join(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in text)


def writable(text: str) -> bool:
    """A UTF-8 file can hold it as written (a lone surrogate only comes as a YAML escape)."""
    return not 0xD800 <= ord(text[0]) <= 0xDFFF


def report_files(name: str, text: str, number: int) -> dict[str, str]:
    """Report path -> file text: the code points in a title as written, as a YAML escape, and in a body."""
    day = f"2024-01-{number % 28 + 1:02d}"
    files = {
        f"reports/kr/{day}-{name}-title-escaped.md": f'---\ntitle: "Esc{escaped(text)}aped {name}"\ndate: {day}\n{HEAD}---\n\nBody.\n'
    }
    if writable(text):
        files[f"reports/kr/{day}-{name}-title-raw.md"] = (
            f'---\ntitle: "Ra{text}w {name}"\ndate: {day}\n{HEAD}---\n\nBody.\n'
        )
        files[f"reports/kr/{day}-{name}-body.md"] = (
            f"---\ntitle: Body {name}\ndate: {day}\n{HEAD}---\n\nBe{text}fore {name} body.\n"
        )
    return files


def expected_problems(name: str, text: str, number: int) -> list[str]:
    if not characters.FORBIDDEN.search(text):
        return []
    day = f"2024-01-{number % 28 + 1:02d}"
    described = characters.describe(text)
    out = [
        f"reports/kr/{day}-{name}-title-escaped.md:2:8: error [bad-text] title contains {described} "
        f"({characters.HINT})",
        f"reports/registry/{name}.yml:2:{len(name) + 18}: error [bad-text] entities[0].name contains {described} "
        f"({characters.HINT})",
    ]
    if writable(text):
        out.append(
            f"reports/kr/{day}-{name}-title-raw.md:2:11: error [bad-text] the YAML text contains "
            f"{described} ({characters.HINT})"
        )
        out.append(
            f"reports/kr/{day}-{name}-body.md:9:3: warning [bad-text] the body contains {described}, "
            f"removed when the report is published ({characters.BODY_HINT})"
        )
    return out


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Every class in every place, checked, built (public), exported and indexed once."""
    root = tmp_path_factory.mktemp("characters")
    write(root / "reports" / "registry" / "entities.yml", REGISTRY)
    for number, (name, text, _refused) in enumerate(CLASSES):
        for relative, content in report_files(name, text, number).items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(content, encoding="utf-8")
        write(
            root / "reports" / "registry" / f"{name}.yml",
            f'entities:\n  - {{id: {name}, name: "Na{escaped(text)}me {name}", kind: sector}}\n',
        )
    copy_site_files(root)
    results = {
        args[0]: kb(root, *args)
        for args in (
            ("check",),
            ("build",),
            ("export", "--out", str(root / "export")),
            ("index",),
            ("search", "body"),
        )
    }
    return Pipeline(root, results)


@dataclass
class Pipeline:
    root: Path
    results: dict


def test_no_command_shows_a_traceback(tree):
    for command, result in tree.results.items():
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.exception,
        )
        assert "Traceback" not in result.output, command
    assert [tree.results[c].exit_code for c in ("check", "build", "export", "index", "search")] == [
        1,
        0,
        0,
        0,
        0,
    ]


def test_check_refuses_in_front_matter_and_registry_and_removes_from_bodies_with_exact_messages(tree):
    lines = tree.results["check"].stdout.splitlines()
    expected = sorted(
        line
        for number, (name, text, _r) in enumerate(CLASSES)
        for line in expected_problems(name, text, number)
    )
    assert sorted(line for line in lines if "[bad-text]" in line) == expected
    assert len(lines) == len(expected), "no other problem"
    for line in lines:  # a message quotes no refused character itself: the terminal stays clean
        assert not characters.FORBIDDEN.search(line)


def test_build_feeds_export_and_index_hold_no_refused_character_and_keep_every_other(tree):
    site, export = every_file_text(tree.root / "site"), every_file_text(tree.root / "export")
    texts = {
        path: content
        for path, content in {**site, **export}.items()
        if path.endswith((".html", ".xml", ".json", ".csv")) and not path.startswith("assets/")
    }
    spelling = [path for path in texts if path.startswith("kb/spelling/")]
    assert len(texts) > 100 and "kb/feeds/all.xml" in texts and spelling
    for path, content in texts.items():  # pages, feeds, open data, the Find page's word lists
        if path.endswith(".csv"):  # CSV rows end in CRLF on purpose (kb.util.formats): a line end, not text
            content = content.replace("\r\n", "\n")
        assert not characters.FORBIDDEN.search(content), path
    for feed in (tree.root / "site" / "kb" / "feeds").rglob("*.xml"):
        ET.parse(feed)  # well-formed XML: no character XML refuses
    reports = {r["id"]: r for r in json.loads(export["reports.json"])}
    entities = {e["id"]: e for e in json.loads(export["entities.json"])}
    for number, (name, text, refused) in enumerate(CLASSES):
        day = f"2024-01-{number % 28 + 1:02d}"
        if writable(text):  # removed from a body, and the report published
            body = reports[f"{day}-{name}-body"]
            assert body["body"].strip() == f"Be{'' if refused else text}fore {name} body.", name
            assert (tree.root / "site" / "kb" / "reports" / f"{day}-{name}-body" / "index.html").is_file()
        if refused:  # left out, as any report with an error
            assert f"{day}-{name}-title-escaped" not in reports and name not in entities, name
            continue
        assert reports[f"{day}-{name}-title-escaped"]["title"] == f"Esc{text}aped {name}", name
        assert entities[name]["name"] == f"Na{text}me {name}", name
        if name not in ("zl-line-separator", "zp-paragraph-separator"):  # YAML reads those as line breaks
            assert reports[f"{day}-{name}-title-raw"]["title"] == f"Ra{text}w {name}", name
        page = site[f"kb/reports/{day}-{name}-title-escaped/index.html"]
        shown = text if not text.isspace() else " "  # a one-line field shows separators as spaces
        assert f"Esc{shown}aped {name}" in page, name


def test_search_finds_the_cleaned_bodies(tree):
    assert tree.results["search"].exit_code == 0
    assert "Body cc-esc" in tree.results["search"].stdout


@pytest.mark.parametrize("name, text, refused", CLASSES, ids=IDS)
def test_kb_new_refuses_what_check_refuses_and_writes_what_check_accepts(kb_tree, name, text, refused):
    result = kb(
        kb_tree,
        "new",
        "--title",
        f"Korea {text} {name}",
        "--date",
        "2024-02-03",
        "--country",
        "KR",
        "--place",
        f"Se{text}oul",
    )
    assert "Traceback" not in result.output
    if refused:
        assert result.exit_code == 2
        assert result.stderr == f"error: --title contains {characters.describe(text)} ({characters.HINT})\n"
        assert sorted(p.name for p in (kb_tree / "reports" / "kr").iterdir()) == [
            "2014-07-03-korea-open-data.md"
        ]
        return
    assert result.exit_code == 0, result.output
    check = kb(kb_tree, "check", str(kb_tree / result.stdout.strip()))
    assert check.exit_code == 0 and check.stdout == "", check.output


def test_import_removes_refused_characters_and_keeps_the_others(kb_tree, tmp_path):
    source = tmp_path / "update.txt"
    kept = "".join(text for _n, text, refused in CLASSES if not refused and not text.isspace())
    removed = "".join(text for _n, text, refused in CLASSES if refused and writable(text))
    source.write_text(
        f"Korea: an update\n\nPublished 3 July 2014\n\nThe ministry said {removed}{kept} "
        "that the plan goes ahead next year with more funding.\n",
        encoding="utf-8",
    )
    html = tmp_path / "update.html"
    html.write_text(
        "<html><head><title>Korea &#x1b;x</title></head><body><main><h1>Korea: the &#xfffe;plan</h1>"
        "<p>Published 3 July 2014</p><p>The ministry &#27;said &#xfdd0;that the plan goes ahead next "
        "year.</p></main></body></html>",
        encoding="utf-8",
    )
    for path in (source, html):
        result = kb(kb_tree, "import", str(path))
        assert result.exit_code == 0, result.output
    reports = sorted((kb_tree / "reports" / "kr").glob("2014-07-03-korea-*.md"))
    texts = [p.read_text(encoding="utf-8") for p in reports if "open-data" not in p.name]
    assert len(texts) == 2
    for text in texts:
        assert not characters.FORBIDDEN.search(text)
    assert any(f"The ministry said {kept}" in t for t in texts)
    assert any("The ministry said that the plan" in t for t in texts)
    assert (
        "title: 'Korea: the plan'"
        in (kb_tree / "reports" / "kr" / "2014-07-03-korea-the-plan.md").read_text()
    )
    assert kb(kb_tree, "check").exit_code == 0


def test_the_rule_names_each_refused_class():
    assert [c for c in map(chr, range(0x20)) if characters.FORBIDDEN.match(c)] == [
        chr(c) for c in range(0x20) if c not in (0x09, 0x0A)
    ]
    assert all(characters.FORBIDDEN.match(chr(c)) for c in range(0x7F, 0xA0))
    nonchars = [c for c in range(0x110000) if characters.FORBIDDEN.match(chr(c)) and c > 0xDFFF]
    assert nonchars == [
        *range(0xFDD0, 0xFDF0),
        *(p * 0x10000 + e for p in range(17) for e in (0xFFFE, 0xFFFF)),
    ]
    assert len(nonchars) == 66
    assert characters.shown("a\x1bb\ufffe") == "a\\x1bb\\ufffe"


# -- the fast search (characters.find) against the rule's one pattern ----------------------------

#: Around every boundary of the rule: the last allowed and first refused code points, both planes.
_EDGES = [
    *(chr(c) for c in (0x00, 0x08, 0x09, 0x0A, 0x0B, 0x1F, 0x20, 0x7E, 0x7F, 0x9F, 0xA0)),
    *(chr(c) for c in (0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD)),
    *(chr(c) for c in (0xFFFE, 0xFFFF, 0x10000, 0x1F600, 0x1FFFD, 0x1FFFE, 0x1FFFF, 0x20000)),
    *(chr(c) for c in (0x10FFFD, 0x10FFFE, 0x10FFFF)),
    "a",
    "é",
    "\u2019",
    "\n",
]


@given(st.lists(st.one_of(st.sampled_from(_EDGES), st.characters()), max_size=40).map("".join))
def test_find_gives_the_first_refused_character_as_the_rule_s_pattern_does(text):
    fast, rule = characters.find(text), characters.FORBIDDEN.search(text)
    assert (fast and (fast.start(), fast.group(0))) == (rule and (rule.start(), rule.group(0)))
    assert characters.remove(text) == characters.FORBIDDEN.sub("", text)


def test_find_over_every_code_point_agrees_with_the_rule():
    """Each code point alone, and after a character beyond the first plane (the other path)."""
    for code in range(0x110000):
        char = chr(code)
        assert bool(characters.find(char)) == bool(characters.FORBIDDEN.search(char)), hex(code)
    for code in (*range(0x110000)[::97], 0x1FFFE, 0x10FFFF, 0xFFFE):
        text = "\U0001f600x" + chr(code)
        fast, rule = characters.find(text), characters.FORBIDDEN.search(text)
        assert (fast and fast.start()) == (rule and rule.start()), hex(code)
