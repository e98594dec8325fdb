"""Facet bitmasks are saved beside a live index generation by the first search that builds them
(:data:`kb.search.store.FACET_CACHE`); later processes read them instead of every facet value's
postings. Saved or built, the counts must be the same, and a new generation never uses the old
generation's masks."""

from __future__ import annotations

from pathlib import Path

from searchkit import make_tree
from test_search_api import REQUESTS

import kb.search.matching
from kb.project import Project
from kb.search.api import Searcher, SearchRequest, search
from kb.search.store import FACET_CACHE, Store


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
