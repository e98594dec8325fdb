"""The library's search API: ``kb.search.api.Searcher`` and what :mod:`kb.search.matching` keeps per open index.

The Searcher must give what :func:`kb.search.api.search` gives, see a new index
generation, and never carry one view's results into the other. Its scores and
snippets are made without Whoosh's collector and highlighter: they are compared
here with Whoosh's own, on a generated corpus of a few hundred reports whose
index has several segments and deleted documents.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from conftest import REPO
from searchkit import PUBLIC_IDS, make_tree

from kb.project import Project
from kb.registry.filters import Filters
from kb.search.api import Searcher, SearchRequest, search
from kb.search.matching import OpenIndex, QuerySpec
from kb.search.snippets import Snippets, _whoosh_snippet
from kb.search.store import Store
from kb.search.update import update_index


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


REQUESTS = [
    SearchRequest(),
    SearchRequest("hospitals"),
    SearchRequest("MSIT", sort="date"),
    SearchRequest('"open data" OR hydrogen', limit=0),
    SearchRequest("energy NOT solar", Filters(countries=("KR",))),
    SearchRequest("hospitls"),
    SearchRequest("zqxhidden"),
    SearchRequest("", Filters(sectors=("energy",), since="2015")),
    SearchRequest("hospit*", include_internal=True),
    SearchRequest("zqxwombat OR zqxhidden", include_internal=True, limit=0),
]


def test_a_searcher_gives_what_search_gives(tree):
    project = Project.at(tree)
    expected = [search(project, request).as_json() for request in REQUESTS]
    with Searcher(project) as searcher:
        # Twice, so that the second round runs on everything the first one cached.
        for _round in range(2):
            assert [searcher.search(request).as_json() for request in REQUESTS] == expected
            assert [searcher.search(request).as_json() for request in reversed(REQUESTS)] == expected[::-1]


def test_a_staff_search_leaves_nothing_behind_for_a_public_one(tree):
    """The same open index serves both views: the public one must still see only public content."""
    project = Project.at(tree)
    public = SearchRequest("zqxhidden OR zqxwombat OR hospitals", limit=0)
    expected = search(project, public).as_json()
    with Searcher(project) as searcher:
        staff = searcher.search(SearchRequest(public.query, include_internal=True, limit=0)).as_json()
        assert {hit["id"] for hit in staff["results"]} > {hit["id"] for hit in expected["results"]}
        again = searcher.search(public).as_json()
    assert again == expected
    assert "zqx" not in str([again["results"], again["facets"], again["did_you_mean"]]).lower()
    assert {hit["id"] for hit in again["results"]} <= PUBLIC_IDS


def test_a_searcher_follows_a_new_generation(tree):
    project = Project.at(tree)
    update_index(project)
    report = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    with Searcher(project, update=False) as searcher:
        first = searcher.generation
        assert searcher.search(SearchRequest("quokkas")).total == 0
        report.write_text(report.read_text(encoding="utf-8") + "\nQuokkas were seen.\n", encoding="utf-8")
        # The reports are not looked at between searches...
        assert searcher.search(SearchRequest("quokkas")).total == 0
        # ...but an index run by anyone is picked up at the next search.
        update_index(project)
        found = searcher.search(SearchRequest("quokkas"))
        assert [hit.id for hit in found.hits] == ["2015-05-01-korea-smart-grid"]
        assert searcher.generation != first


def test_refresh_checks_the_reports_and_updates_the_index(tree):
    project = Project.at(tree)
    report = tree / "reports" / "jp" / "2016-02-10-japan-solar.md"
    with Searcher(project) as searcher:
        assert searcher.search(SearchRequest()).index_update.startswith("indexed")
        assert searcher.search(SearchRequest()).index_update is None  # said once
        report.write_text(report.read_text(encoding="utf-8") + "\nA wallaby appeared.\n", encoding="utf-8")
        searcher.refresh()
        result = searcher.search(SearchRequest("wallaby"))
        assert [hit.id for hit in result.hits] == ["2016-02-10-japan-solar"]
        assert result.index_update.startswith("updated the index: 0 added, 1 changed")


def test_a_searcher_that_may_not_update_says_the_index_is_stale(tree):
    project = Project.at(tree)
    update_index(project)
    report = tree / "reports" / "jp" / "2016-02-10-japan-solar.md"
    report.write_text(report.read_text(encoding="utf-8") + "\nA numbat appeared.\n", encoding="utf-8")
    with Searcher(project, update=False) as searcher:
        result = searcher.search(SearchRequest("numbat"))
    assert result.total == 0
    assert result.notes == ["the index is older than the reports; run kb index to update it"]


def test_a_closed_searcher_opens_the_index_again(tree):
    project = Project.at(tree)
    searcher = Searcher(project)
    searcher.close()
    assert searcher.search(SearchRequest()).total == len(PUBLIC_IDS)
    searcher.close()


# -- against Whoosh's own scoring and highlighting --------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """300 generated reports, indexed, then 12 of them changed and indexed again: several
    segments, some with deleted documents."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from benchlib.corpus import write_corpus
    finally:
        sys.path.remove(str(REPO / "scripts"))
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, 300)
    project = Project.at(root)
    update_index(project)
    for number, path in enumerate(sorted((root / "reports").rglob("*.md"))[:12]):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text + f"\nA note on hydrogen and offshore wind, number {number}.\n", encoding="utf-8"
        )
    assert update_index(project).updated == 12
    return root


QUERIES = [
    "hydrogen",
    "offshore wind",
    '"offshore wind"',
    "batteries OR lithium",
    "ports NOT aviation",
    "smart*",
    "title:hydrogen",
    "(solar OR wind) AND NOT korea",
    "hydrogen^3 wind",
    "data~",
    "NOT hydrogen",
    "wind AND (hydrogen OR solar) NOT ports",
    "year:2019",
    "date:[2014 TO 2016]",
    "entities:offshore-wind OR hydrogen",
    '"wind hydrogen"~9',
    "council",
    "(wind OR solar)^2 hydrogen",
    "hydrogen NOT (wind OR solar)",
    "NOT wind NOT solar",
    "title:(hydrogen OR wind)^0.5",
    "wind* hydrogen",
]


@pytest.mark.parametrize("view", ["public", "staff"])
def test_scores_and_ranking_are_whooshs(corpus, view):
    from whoosh import query as wq

    with OpenIndex(Store(corpus / ".kb" / "index").current()) as index:
        assert len(index.match_cache.segments) > 1
        assert any(segment.reader().has_deletions() for segment, _base in index.match_cache.segments)
        for text in QUERIES:
            q = index.parse(text, staff=view == "staff")
            if view == "public":
                q = wq.And([q, wq.ConstantScoreQuery(wq.And([wq.Term("visibility", "public")]), 0.0)])
            theirs = [(docnum, score) for score, docnum in index.searcher.search(q, limit=None).top_n]
            ours, mask = index.match_cache.matches(q)
            assert mask == sum(1 << docnum for docnum in ours), text
            assert set(ours) == {docnum for docnum, _score in theirs}, text
            assert theirs, f"{text} matches something"
            for docnum, score in theirs:
                assert ours[docnum] == pytest.approx(score, rel=1e-12, abs=1e-12), text
            ranked = sorted(ours.items(), key=lambda item: (-item[1], item[0]))
            for (mine, my_score), (whooshs, _score) in zip(ranked, theirs, strict=True):
                assert mine == whooshs or my_score == pytest.approx(ours[whooshs], rel=1e-12), text


def test_spec_results_sorted_by_date_are_whooshs(corpus):
    from whoosh import sorting

    with OpenIndex(Store(corpus / ".kb" / "index").current()) as index:
        found = index.run(QuerySpec(text="hydrogen", sort="date", view="staff", limit=None))
        q = index.parse("hydrogen", staff=True)
        theirs = index.searcher.search(
            q, limit=None, sortedby=[sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("key")]
        )
        assert [hit.fields["key"] for hit in found.hits] == [
            index.searcher.stored_fields(d)["key"] for _key, d in theirs.top_n
        ]


TRICKY_TEXTS = [
    "a.b hydrogen.x hydrogen " + "-" * 500 + " hydrogen",
    "x" * 300 + " hydrogen " + "y" * 250 + " hydrogen",
    "The the THE of hydrogen... ..hydrogen. hydrogen.. İstanbul hydrogen ﬁne hydrogen*",
    ("word " * 40 + "hydrogen ") * 30,
    "hydrogen" * 30 + " hydrogen",
    "." * 400 + "hydrogen" + "!" * 300 + " wind",
    "hydrogen " * 100,
    "ab " * 12000 + "hydrogen",
    "x\nhydrogen\nhydrogen.\n.hydrogen a.hydrogen *hydrogen hydrogen*x 1.hydrogen _hydrogen hydrogen_ é.hydrogen",
    "\nhydrogen",
    "hydrogen",
    "a\n\nhydrogen wind.\nwind",
    "",
]


def test_snippets_are_whooshs(corpus):
    """Whoosh's ContextFragmenter, BasicFragmentScorer and formatter, on real and odd texts."""
    chance = random.Random(7)
    with OpenIndex(Store(corpus / ".kb" / "index").current()) as index:
        analyzer = index.schema["body"].analyzer
        snippets = Snippets(analyzer)
        assert snippets._chain is not None, "the fast path is used with the schema's analyser"
        texts = [
            index.searcher.stored_fields(d).get(name) or ""
            for d in range(0, 300, 3)
            for name in ("body", "summary", "private")
        ] + TRICKY_TEXTS
        compared = 0
        for number, text in enumerate(texts):
            words = [token.text for token in analyzer(text, mode="index", removestops=False)] or ["hydrogen"]
            for _ in range(5):
                chosen = chance.sample(words, min(chance.choice([1, 1, 2, 3]), len(words)))
                chosen += chance.choice([[], ["hydrogen"], ["the"], ["wind", "offshor"]])
                wanted = frozenset(chosen)
                expected = _whoosh_snippet(analyzer, text, wanted)
                assert snippets.make(text, wanted) == expected, (text[:80], wanted)
                # Named, a text's words are listed the first time only: the same snippets after.
                assert snippets.make(text, wanted, number) == expected, (text[:80], wanted)
                compared += 1
        assert compared > 1000
