"""Facet bitmasks are saved beside a live index generation by the first search that builds them
(:data:`kb.search.store.FACET_CACHE`); later processes read them instead of every facet value's
postings. Saved or built, the counts must be the same, and a new generation never uses the old
generation's masks."""

from __future__ import annotations

import json
from pathlib import Path

from searchkit import make_tree
from test_search_api import REQUESTS

import kb.search.matching
from kb.project import Project
from kb.search.api import Searcher, SearchRequest, search
from kb.search.store import FACET_CACHE, ORDER_CACHE, Store


def _live(root: Path) -> Path:
    generation = Store(root / ".kb" / "index").current()
    assert generation is not None
    return generation


def _answers(project: Project) -> list:
    # Facets come from the masks from the second search of a Searcher on.
    with Searcher(project) as searcher:
        return [searcher.search(request).as_json() for request in [SearchRequest(), *REQUESTS]]


def test_saved_masks_give_the_same_counts_and_belong_to_one_generation(tmp_path, monkeypatch):
    project = Project.at(make_tree(tmp_path))
    built = _answers(project)
    first = _live(tmp_path)
    assert (first / FACET_CACHE).is_file(), "the masks were not saved"
    calls = []
    real = kb.search.matching.OpenIndex.term_docs
    monkeypatch.setattr(kb.search.matching.OpenIndex, "term_docs", lambda *a: calls.append(a) or real(*a))
    assert _answers(project) == built
    assert not [c for c in calls if c[1] in kb.search.matching.FACETS], "saved masks were not used"

    # An edit makes a new generation (hard links to the old one's files): the masks are not
    # carried over, and the counts follow the new documents.
    path = tmp_path / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    path.write_text(path.read_text().replace("sectors: [energy]", "sectors: [energy, big-data]"))
    after = search(project, SearchRequest(limit=0))
    assert _live(tmp_path) != first
    count = {f["value"]: f["count"] for f in built[0]["facets"]["sectors"]}["big-data"]
    assert {f.value: f.count for f in after.facets["sectors"]}["big-data"] == count + 1

    # A damaged or foreign file is ignored and replaced.
    (_live(tmp_path) / FACET_CACHE).write_text('{"key": ["g999", 1, 1], "masks": {}}')
    assert _answers(project)[0]["facets"] == search(project, SearchRequest()).as_json()["facets"]


def test_saved_order_by_date_gives_the_same_answers_and_belongs_to_one_generation(tmp_path, monkeypatch):
    """The first search sorted by date saves the documents' order (:data:`ORDER_CACHE`); a later
    process reads it instead of every document's date and id, with the same answers. A new
    generation does not inherit it, and a damaged or foreign file is ignored."""
    project = Project.at(make_tree(tmp_path))
    requests = [SearchRequest(limit=0), SearchRequest("data", sort="date", limit=0)]
    built = [search(project, r).as_json() for r in requests]
    first = _live(tmp_path)
    assert (first / ORDER_CACHE).is_file(), "the order was not saved"
    real = kb.search.matching.OpenIndex.__init__
    read: list[str] = []

    def spying(self, generation):
        real(self, generation)
        column_reader = self.reader.column_reader
        self.reader.column_reader = lambda name, **kw: read.append(name) or column_reader(name, **kw)

    monkeypatch.setattr(kb.search.matching.OpenIndex, "__init__", spying)
    assert [search(project, r).as_json() for r in requests] == built
    assert read == [], "the saved order was not used"

    path = tmp_path / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    path.write_text(path.read_text().replace("date: 2015-05-01", "date: 2030-05-01"))
    newest = search(project, SearchRequest(limit=1))
    assert _live(tmp_path) != first
    assert [hit.id for hit in newest.hits] == ["2015-05-01-korea-smart-grid"]
    assert read == ["date", "key"]  # the new generation's order was built, not carried over

    saved = json.loads((_live(tmp_path) / ORDER_CACHE).read_text())
    not_an_order = json.dumps({"key": saved["key"], "order": [0] * len(saved["order"])})
    for damaged in ('{"key": ["g999", 1, 1], "order": []}', '{"key": 1', "[]", not_an_order):
        (_live(tmp_path) / ORDER_CACHE).write_text(damaged)
        read.clear()
        assert [h.id for h in search(project, SearchRequest(limit=1)).hits] == ["2015-05-01-korea-smart-grid"]
        assert read == ["date", "key"]
