"""`kb export --format opensearch`: the same rows as the open data, as one OpenSearch bulk file
(the ``_bulk`` API's body), for a shared staff search on an existing engine. The file's shape is
validated as OpenSearch's documentation describes it: newline-delimited JSON, each action line
(``{"index": {"_index": ..., "_id": ...}}``) followed by its document, the last line ending
with a newline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sitekit import INTERNAL_ID, make_tree

from kb.checks.knowledgebase import load
from kb.export import BULK_FILE, TABLES, export, opensearch_bulk, row_id, tables
from kb.project import Project


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("opensearch"))


def bulk_pairs(text: str) -> list[tuple[dict, dict]]:
    """The bulk body's (action, document) pairs, failing on anything the bulk API would refuse."""
    assert text.endswith("\n"), "the bulk API needs a newline after the last line"
    lines = text[:-1].split("\n")
    assert len(lines) % 2 == 0, "every action line is followed by its document"
    pairs = []
    for action_line, document_line in zip(lines[::2], lines[1::2], strict=True):
        action, document = json.loads(action_line), json.loads(document_line)
        assert list(action) == ["index"] and set(action["index"]) == {"_index", "_id"}
        assert isinstance(action["index"]["_index"], str) and isinstance(action["index"]["_id"], str)
        assert action["index"]["_index"] == action["index"]["_index"].lower()  # index names are lower case
        assert isinstance(document, dict)
        pairs.append((action, document))
    return pairs


def test_the_documented_example_has_the_shape_we_check():
    # OpenSearch's documentation, "Bulk" (index action), with a trailing newline
    documented = (
        '{ "index": { "_index": "movies", "_id": "tt1979320" } }\n{ "title": "Rush", "year": 2013 }\n'
    )
    assert bulk_pairs(documented) == [
        ({"index": {"_index": "movies", "_id": "tt1979320"}}, {"title": "Rush", "year": 2013})
    ]


def test_bulk_file_holds_every_public_row_once(tree):
    out = tree / "search-data"
    result = export(Project.at(tree), out, fmt="opensearch", today=date(2015, 1, 1))
    assert result.written == [out / BULK_FILE]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [BULK_FILE]
    pairs = bulk_pairs((out / BULK_FILE).read_text(encoding="utf-8"))
    knowledge = load(Project.at(tree))
    expected = tables(knowledge.visible(False), knowledge.registry, date(2015, 1, 1))
    assert [(a["index"]["_index"], a["index"]["_id"], d) for a, d in pairs] == [
        (f"kb-{name}", row_id(row), row) for name in TABLES for row in expected[name]
    ]
    assert INTERNAL_ID not in {a["index"]["_id"] for a, _d in pairs}


def test_staff_documents_go_to_their_own_indexes(tree):
    knowledge = load(Project.at(tree))
    staff = tables(knowledge.visible(True), knowledge.registry, date(2015, 1, 1), include_internal=True)
    pairs = bulk_pairs(opensearch_bulk(staff, include_internal=True))
    assert {a["index"]["_index"] for a, _d in pairs} == {f"kb-internal-{name}" for name in TABLES}
    assert INTERNAL_ID in {a["index"]["_id"] for a, _d in pairs}


def test_a_newline_in_a_text_stays_inside_its_line():
    text = opensearch_bulk({"reports": [{"id": "a", "body": "one\ntwo\u2028three"}]}, include_internal=False)
    assert text.count("\n") == 2
    assert bulk_pairs(text)[0][1]["body"] == "one\ntwo\u2028three"


def test_cli_writes_the_bulk_file(tree):
    from click.testing import CliRunner

    from kb.cli import main

    out = tree / "cli-bulk"
    result = CliRunner().invoke(
        main,
        ["--root", str(tree), "export", "--format", "opensearch", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote 1 files to cli-bulk: ")
    assert bulk_pairs((out / BULK_FILE).read_text(encoding="utf-8"))
