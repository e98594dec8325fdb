"""Every bad input gets its exact message and exit code from `kb check`, never a traceback."""

from __future__ import annotations

import pytest

from bad_inputs import CASES, Case
from conftest import write


@pytest.fixture
def bad_tree(kb_tree):
    (kb_tree / "reports" / "kr" / "2014-07-03-korea-open-data.md").unlink()
    return kb_tree


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_gives_exact_message(run, bad_tree, case: Case):
    path = bad_tree / case.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    before = path.read_bytes()
    result = run("check")
    lines = result.stdout.splitlines()
    if case.expected is None:
        assert lines == [], result.stdout
    else:
        assert lines and lines[0] == case.expected, result.stdout
    assert result.exit_code == case.exit_code
    assert "Traceback" not in result.output
    assert path.read_bytes() == before  # checking never rewrites a file


def test_corpus_covers_the_listed_kinds():
    names = {c.name for c in CASES}
    for required in ["not-utf8", "byte-order-mark", "crlf", "tab-indent", "no-closing", "empty", "binary",
                     "twenty-megabytes", "billion-laughs", "merge-key", "python-tag", "duplicate-key",
                     "impossible-date", "datetime-with-zone", "datetime-without-zone", "norway-stays-norway",
                     "time-is-not-a-date", "octal-looking-date", "version-looking-type", "unknown-field",
                     "look-alike-unicode-tag", "path-traversal-id", "reserved-id", "script-in-body",
                     "event-handler-in-body", "javascript-url-in-body", "data-url-in-body", "script-in-title",
                     "script-in-opportunity-title"]:
        assert required in names
