"""The engine's shortcuts through Whoosh's internals (:mod:`kb.search.engine`) must give what Whoosh
itself gives: the index our writer writes is the one Whoosh's writer writes, and the documents read
a block of postings at a time are the matcher's. A new Whoosh that changes an internal the engine
relies on fails here (the engine's comments name these tests)."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as wi
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.search.documents import report_document
from kb.search.engine import INDEX_NAME, change_index, create_index, make_schema, posting_ids, term_scores
from kb.search.store import file_key

REPO = Path(__file__).resolve().parent.parent
WORDS = ["wind", "solar", "hydrogen", "grid", "data", "health", "council", "ministry", "research"]
WORDS += ["the", "of", "and", "offshore"]


def _documents(count: int, seed: int) -> list[dict]:
    """Sample reports' documents, then made-up ones: enough for postings of several blocks (Whoosh
    writes 128 postings a block) and for a term in every document."""
    project = Project.at(REPO)
    kb = load(project, mentions=False)
    documents = [report_document(r, kb.registry, file_key(project, r.path)) for r in kb.reports]
    chance = random.Random(seed)
    for i in range(count):
        documents.append(
            {
                "key": f"made-up-{seed}-{i}",
                "path": f"reports/made-up/{seed}-{i}.md",
                "visibility": "public" if i % 3 else "internal",
                "title": " ".join(chance.choices(WORDS, k=4)),
                "body": " ".join(chance.choices(WORDS, k=chance.randint(0, 300))),
                "sectors": " ".join(sorted(set(chance.choices(["energy", "health-data", "space"], k=2)))),
                "year": str(2010 + i % 15),
                "date": datetime(2010 + i % 15, 1 + i % 12, 1 + i % 28),
            }
        )
    return documents


def _segment_files(folder: Path) -> dict[str, bytes]:
    """The files inside the one segment of the index in ``folder``, by kind (``pst``, ``trm``,
    ``_body_len.col``...), without the segment's random id."""
    storage = FileStorage(str(folder))
    (segment,) = [name for name in storage.list() if name.endswith(".seg")]
    inside = CompoundStorage(storage.open_file(segment), use_mmap=False)
    return {name.split(".", 1)[1]: inside.open_file(name).read() for name in inside.list()}


@pytest.mark.parametrize("pool_mb", [768, 1])
def test_our_writer_writes_the_index_whooshs_writer_writes(tmp_path: Path, monkeypatch, pool_mb: int) -> None:
    """The writer that reads each field's lengths once and the pool that counts postings
    (:class:`kb.search.engine._Writer`, ``_Pool``), with the pool in memory and spilling to disk:
    the same bytes in every file of the segment (postings with their blocks' length bounds,
    terms, lengths, stored fields, columns)."""
    import kb.search.engine

    documents = _documents(700, seed=1)
    monkeypatch.setattr(kb.search.engine, "POOL_MB", pool_mb)
    ours = tmp_path / "ours"
    ours.mkdir()
    assert create_index(ours, documents) == len(documents)

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    writer = wi.create_in(str(theirs), make_schema(), indexname=INDEX_NAME).writer(limitmb=pool_mb)
    for document in documents:
        writer.add_document(**document)
    writer.commit()

    mine, whooshs = _segment_files(ours), _segment_files(theirs)
    assert {"pst", "trm", "_body_len.col", "_stored.col", "date.col"} <= set(mine)
    assert [name for name in mine if mine[name] != whooshs.get(name)] == []
    assert set(mine) == set(whooshs)


def test_posting_ids_are_the_matchers_ids(tmp_path: Path) -> None:
    """Documents of a term read a block at a time (:func:`kb.search.engine.posting_ids`), in an
    index of two segments with deleted documents, are those Whoosh's own matcher yields."""
    folder = tmp_path / "index"
    folder.mkdir()
    first = _documents(700, seed=1)
    create_index(folder, first)
    gone = [d["path"] for d in first[::7]]
    change_index(folder, gone, _documents(200, seed=2))
    ix = wi.open_dir(str(folder), indexname=INDEX_NAME)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2
        assert any(segment.has_deletions() for segment, _base in reader.leaf_readers())
        compared = 0
        for fieldname in ("visibility", "sectors", "year", "body", "path"):
            for term in reader.lexicon(fieldname):
                expected = list(reader.postings(fieldname, term).all_ids())
                assert posting_ids(reader, fieldname, term) == expected, (fieldname, term)
                compared += len(expected)
        assert posting_ids(reader, "sectors", b"no-such-sector") == []
        assert len(posting_ids(reader, "visibility", b"public")) > 128 * 3  # several blocks
    assert compared > 5_000


@pytest.mark.parametrize("deletions", [False, True], ids=["one-segment", "deleted-docs"])
def test_term_scores_are_whooshs(tmp_path: Path, deletions: bool) -> None:
    """A word's documents and scores read in bulk (:func:`kb.search.engine.term_scores`) are
    exactly those of Whoosh's own matcher, in scored fields (BM25F, with and without a boost) and
    in fields without lengths; a segment with deleted documents is left to Whoosh's matcher."""
    from whoosh import query as wq

    folder = tmp_path / "index"
    folder.mkdir()
    first = _documents(700, seed=3)
    create_index(folder, first)
    if deletions:
        change_index(folder, [d["path"] for d in first[::5]], _documents(150, seed=4))
    ix = wi.open_dir(str(folder), indexname=INDEX_NAME)
    compared = bulk = 0
    with ix.searcher() as searcher:
        context = searcher.context()
        segments = searcher.subsearchers or [(searcher, 0)]
        assert len(segments) == (2 if deletions else 1)
        lengths: dict = {}
        for sub, _base in segments:
            deleted = sub.reader().has_deletions()
            for fieldname in ("title", "body", "summary", "visibility", "sectors", "year"):
                for term in sub.reader().lexicon(fieldname):
                    for boost in (1.0, 3.0):
                        q = wq.Term(fieldname, term.decode("utf-8"), boost=boost)
                        matcher = q.matcher(sub, context)
                        expected = {}
                        while matcher.is_active():
                            expected[matcher.id()] = matcher.score()
                            matcher.next()
                        found = term_scores(sub, q, context, lengths)
                        if deleted:
                            assert found is None
                            continue
                        assert found == expected, (fieldname, term, boost)
                        compared += len(expected)
                        bulk += 1
            assert term_scores(sub, wq.Term("body", "nosuchwordanywhere"), context, lengths) in ({}, None)
    assert compared > 5_000 and bulk > 100
