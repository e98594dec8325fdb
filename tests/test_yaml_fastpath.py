"""kb.report.yamlstrict reads YAML through libyaml's events when it can (about ten times faster than
PyYAML's pure-Python scanner) and through PyYAML otherwise. The two must agree exactly: same
values, positions, quoted paths and problems, or the fast path declines. These tests compare
them on tricky documents and on random edits of real front matter."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kb.report import yamlstrict
from kb.report.parse import split_front_matter

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(yamlstrict._CParser is None, reason="PyYAML built without libyaml")

TRICKY = [
    "a: NO\nb: 10:00\nc: 0123\nd: 1.10\ne: on\ng:\nh: ~\n",
    "# c\na: |+\n  x\n\n  y\n\nb: >2\n   z\n  w\nc: plain\n  continued line\nd: 'q''s' # c\n",
    '? a\n: b\n"k": v\n\'k2\': {a: [1, {b: c}], d: "e\\u00e9\\n"}\n',
    "--- \na: b\n...\n",
    "%YAML 1.1\n---\na: b\n",
    "- a\n- - b\n  - c\n- {x: y}\n- ''\n- \"\"\n-\n",
    "a: \"multi\n  line\n\n  quoted\"\nb: 'multi\n\n  single'\n",
    "emoji: \U0001f600 x\nk\U0001f600: [\U0001f600, a]\n\u4e2d: {\u6587: b}\n",
    "a: -1\nb: - x\nc: :x\nd: x:y\ne: http://a.b/c?d=e\n",
    "a: [b?]\n",
    "a: {b?}\n",
    "a: [e: ]\n",
    "a: b\rc: d\r",
    "a:\n\t- b\n",
    "\ufeffa: b\n",
    "b: >2#\n   z\n",
    "---",
    "--- # c",
    "? \n: x\n",
    "a: &x 1\n",
    "a: *x\n",
    "a: !!str 1\n",
    "a: 1\na: 2\n<<: {b: 3}\n",
    "a: [1,\n",
    "- a\nb: c\n",
    "a: b\n---\nc: d\n",
    "x" * 300 + ": 1\n",
    "a: " + "[" * 30 + "]" * 30 + "\n",
]
#: Nesting far past the cap (kb.report.yamlstrict.MAX_DEPTH), in every form, and the problem reported: the
#: first in document order, before PyYAML's recursive composer runs out of stack (issue 12).
DEEP = {
    "summary: " + "[" * 2000 + "]" * 2000 + "\n": "too-deep",
    "summary: " + "{a: " * 1000 + "}" * 1000 + "\n": "too-deep",
    "summary:\n" + "- " * 3000 + "x\n": "too-deep",
    "summary: " + "[{a: " * 1000 + "}]" * 1000 + "\n": "too-deep",
    "? " * 3000 + "x\n": "too-deep",
    "summary: " + "[" * 2000 + "\n": "too-deep",  # unclosed, but too deep first
    "a: " + "[" * 21 + "]" * 21 + "\nb: [\n": "too-deep",
    "".join("  " * i + f"k{i}:\n" for i in range(300)): "too-deep",
    "a: &x 1\nb: " + "[" * 2000 + "]" * 2000 + "\n": "yaml-alias",  # the anchor comes first
    "a: b: c\nd: " + "[" * 2000 + "]" * 2000 + "\n": "yaml-syntax",  # so does the syntax error
}


def reference(text: str, line_offset: int, *, parse_only: bool = False):
    """load() without the fast path; ``parse_only``: the parsing step alone, which the fast path
    replaces (load() first takes out the characters kb.util.characters refuses)."""
    saved = yamlstrict._CParser
    yamlstrict._CParser = None
    try:
        if parse_only:
            return yamlstrict._load(text, line_offset)
        return yamlstrict.load(text, line_offset=line_offset)
    finally:
        yamlstrict._CParser = saved


def outcome(load, text: str):
    try:
        located = load(text)
    except yamlstrict.YamlProblem as problem:
        return ("error", problem.code, problem.line, problem.column, problem.message, problem.hint)
    return (
        "ok",
        located.value,
        located.value_pos,
        located.key_pos,
        located.quoted,
        [(p.code, p.line, p.column, p.message, p.hint) for p in located.problems],
    )


def assert_same(text: str) -> None:
    fast = yamlstrict._fast_load(text, 1)
    if fast is not None:
        expected = outcome(lambda t: reference(t, 1, parse_only=True), text)
        assert expected[0] == "ok", f"fast path accepts what PyYAML refuses: {text!r}"
        assert outcome(lambda _t: fast, text) == expected, text
    # Whichever path load() takes, its result is the reference one.
    assert outcome(lambda t: yamlstrict.load(t, line_offset=1), text) == outcome(
        lambda t: reference(t, 1), text
    ), text


@pytest.mark.parametrize("text", TRICKY + list(DEEP))
def test_fast_path_agrees_on_tricky_documents(text: str) -> None:
    assert_same(text)


def test_fast_path_is_taken_for_ordinary_front_matter() -> None:
    text = split_front_matter(
        (REPO / "tests" / "conftest.py")
        .read_text(encoding="utf-8")
        .split('GOOD_REPORT = """\\\n')[1]
        .split('"""')[0],
        "x",
    )[0]
    assert yamlstrict._fast_load(text, 1) is not None


def test_fast_path_agrees_on_random_edits_of_real_front_matter() -> None:
    seeds = []
    for path in sorted((REPO / "reports").rglob("*.md")):
        try:
            seeds.append(split_front_matter(path.read_text(encoding="utf-8"), str(path))[0])
        except Exception:
            continue
    seeds += TRICKY
    pieces = list(":-[]{},'\"#&*!|>?%@` \n\t.0aZ~\u00e9\u2028\x85") + [
        ": ",
        "- ",
        "\n  ",
        "<<: ",
        "&a ",
        "*a",
        "!!str ",
        "---\n",
        "...\n",
        "'it''s'",
        "|\n  x\n",
        ">-\n  y\n",
        "\U0001f600",
        "\r\n",
        "? ",
        "\n- ",
        "#x\n",
        ": |\n  ",
        "|-",
        ">+",
        "|2",
    ]
    rng = random.Random(20261126)
    for _ in range(1500):
        text = rng.choice(seeds)
        for _edit in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.4:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif roll < 0.7:
                text = text[:at] + text[at + rng.randint(1, 5) :]
            else:
                text = text[:at] + rng.choice(pieces) + text[at + 1 :]
        assert_same(text)


@pytest.mark.parametrize("text", DEEP, ids=range(len(DEEP)))
def test_deep_nesting_is_one_error_never_a_recursion_error(text: str) -> None:
    with pytest.raises(yamlstrict.YamlProblem) as caught:
        reference(text, 1)
    assert caught.value.code == DEEP[text]
    if DEEP[text] == "too-deep":
        assert caught.value.message == "YAML nested deeper than 20 levels"
