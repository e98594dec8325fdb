"""A full index build shared among worker processes (:mod:`kb.search.build`) must give the index a
build in one process gives: same documents, same manifest, same reports left out, same answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write
from searchkit import REPORTS, documents_in, make_tree, run_query
from test_check_parallel import BROKEN

import kb.search.build
from kb.project import Project
from kb.search.matching import QuerySpec
from kb.search.store import ENTITIES, MANIFEST, Store
from kb.search.update import update_index


def _live(root: Path) -> Path:
    generation = Store(root / ".kb" / "index").current()
    assert generation is not None
    return generation


def _snapshot(root: Path) -> dict:
    generation = _live(root)
    manifest = json.loads((generation / MANIFEST).read_text())
    docs = sorted((sorted(d.items(), key=lambda kv: kv[0]) for d in documents_in(generation)), key=str)
    answers = {}
    for view in ("public", "staff"):
        for text in ("", "hospitals", '"open data"', "health OR energy", "sector:energy"):
            found = run_query(generation, QuerySpec(text=text, view=view, limit=None))
            answers[view, text] = (found.total, sorted(h.fields["key"] for h in found.hits), found.facets)
    return {
        "files": manifest.get("files"),
        "docs": docs,
        "answers": answers,
        "entities": json.loads((generation / ENTITIES).read_text()),
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path)
    reports = root / "reports"
    korea = reports / "kr"
    for name, text in BROKEN.items():  # parse and check errors
        write(korea / Path(name).name, text)
    # Valid on their own, rejected only by the checks across reports.
    smart_grid = REPORTS["kr/2015-05-01-korea-smart-grid.md"]
    write(
        korea / "2015-05-02-supersedes-gone.md",
        smart_grid.replace("---\ntitle", "---\nsupersedes: 2001-01-01-gone\ntitle", 1),
    )
    write(
        korea / "2015-05-03-same-id.md",
        smart_grid.replace("---\ntitle", "---\nid: 2015-05-01-korea-smart-grid\ntitle", 1),
    )
    # Public, but held back while its review points are open: not public to 'supersedes' either.
    write(
        korea / "2015-05-04-under-review.md",
        smart_grid.replace("---\ntitle", "---\nreview: [figures]\ntitle", 1),
    )
    write(
        korea / "2015-05-05-supersedes-under-review.md",
        smart_grid.replace("---\ntitle", "---\nsupersedes: 2015-05-04-under-review\ntitle", 1),
    )
    return root


def test_workers_build_the_same_index_as_one_process(tree, monkeypatch):
    project = Project.at(tree)
    serial = update_index(project, rebuild=True)
    assert serial.skipped, "the broken reports must be left out"
    one = _snapshot(tree)
    calls = []
    real = kb.search.build.build_in_parts

    def counted(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(kb.search.build, "PARALLEL_FROM", 1)
    monkeypatch.setattr(kb.search.build, "build_in_parts", counted)
    for workers in (2, 3):
        monkeypatch.setattr(kb.search.build, "workers_for", lambda files, n=workers: n)
        parallel = update_index(project, rebuild=True)
        assert calls[-1] == workers
        assert (parallel.reports, parallel.skipped) == (serial.reports, serial.skipped)
        assert parallel.reports >= len(REPORTS)
        assert _snapshot(tree) == one
        generation = _live(tree)
        assert not [p for p in generation.iterdir() if p.name.startswith("part-")], "part folders left behind"


def test_a_report_bad_only_across_reports_is_not_searchable(tree, monkeypatch):
    """Worker processes index a report before the checks across reports run: one that only
    those checks reject (a repeated id, an unknown ``supersedes``) must be deleted again."""
    monkeypatch.setattr(kb.search.build, "workers_for", lambda files: 2)
    result = update_index(Project.at(tree), rebuild=True)
    assert {"2015-05-02-supersedes-gone", "2015-05-03-same-id", "2015-05-05-supersedes-under-review"} <= {
        Path(s).stem for s in result.skipped
    }
    docs = documents_in(_live(tree))
    assert not {"2015-05-02-supersedes-gone", "2015-05-03-same-id"} & {Path(d["path"]).stem for d in docs}
    assert [d["key"] for d in docs].count("2015-05-01-korea-smart-grid") == 1


def test_a_pool_that_spills_to_disk_writes_the_same_index(tree, monkeypatch):
    """Past its memory limit the posting pool writes sorted runs and merges them back."""
    import kb.search.engine

    project = Project.at(tree)
    update_index(project, rebuild=True)
    in_memory = _snapshot(tree)
    monkeypatch.setattr(kb.search.engine, "POOL_MB", 1)
    monkeypatch.setattr(kb.search.engine._Pool, "POSTING_BYTES", 1024 * 1024 // 50)  # a run every 50 postings
    saves = []
    real_save = kb.search.engine._Pool.save
    monkeypatch.setattr(kb.search.engine._Pool, "save", lambda self: saves.append(1) or real_save(self))
    update_index(project, rebuild=True)
    assert len(saves) > 3
    assert _snapshot(tree) == in_memory
