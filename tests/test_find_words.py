"""Words match on the Find page as in ``kb search`` (issue 15, item 2): by the Porter stem of
each word, or a run of words naming an entity the report tags (kb/site/words.py,
site_pages/javascripts/words.js).

The browser runs words.js's port of Whoosh's Porter stemmer on every word of the sample
reports and registry and on hard cases, and its query rule on every word of the sample and
every entity name; the reports whose index words (as ``kb build`` wrote them) hold a query's
index words must be those ``kb search`` finds. The site is the shared sample build
(conftest.sample_site).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from conftest import REPO
from findkit import new_page, open_find, page  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser

#: Whoosh's tokens (its default pattern, without the wildcard).
TOKEN = re.compile(r"\w+(?:\.?\w+)*")
#: Each step of the algorithm, its conditions and Whoosh's own quirks (``at``/``bl``/``iz`` and the
#: double consonant of step 1b are matched from the start of the word), digits, dots and non-English.
HARD = """
caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized
hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational
valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization
predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti
sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival
allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment
dependent adoption homologou communism activate angulariti homologous effective bowdlerize
probate rate cease controll roll generously generalizations oscillators beings dying lying news
skies bias yelling yes yyy syzygy eed ing ed ies sss ss ated bling izing ats ble ize at bl iz
proceed exceed succeed knitted tapped sizzled ally bally mediate hoped hopped hope hoping
datasets database healthcare partnerships investors hospitals programme programmes
5g 3.0 e.g u.k co2 2014 café naïve straße über cafés 日本 한국어 ﬁle i̇stanbul ÿes yy y a
""".split()  # noqa: SIM905 - a paragraph of words reads better than a list


def sample_words() -> set[str]:
    words: set[str] = set()
    for path in (REPO / "reports").rglob("*"):
        if path.suffix in (".md", ".yml", ".yaml"):
            words.update(w.lower() for w in TOKEN.findall(path.read_text(encoding="utf-8")))
    return words


@pytest.fixture(scope="module")
def base(sample_site, browser):
    with StaticServer(sample_site / "site") as server:
        yield server.url


def test_the_find_pages_stemmer_is_whooshs(page, base):
    from whoosh.lang.porter import stem

    words = sorted(sample_words() | set(HARD))
    assert len(words) > 1500
    open_find(page, base)
    ours = page.evaluate("words => words.map(w => window.kbPorterStem(w))", words)
    assert [(w, o, stem(w)) for w, o in zip(words, ours, strict=True) if o != stem(w)] == []
    assert ours[words.index("healthcare")] != ours[words.index("health")], "stems, not word starts"


def index_words_of_pages(site: Path) -> dict[str, set[str]]:
    """Report id -> the index words ``kb build`` wrote on its page."""
    out = {}
    for report_page in (site / "kb" / "reports").glob("*/index.html"):
        found = re.search(r'data-kb-words="([^"]*)"', report_page.read_text(encoding="utf-8"))
        assert found, report_page
        out[report_page.parent.name] = set(html.unescape(found.group(1)).split())
    return out


def test_every_word_and_name_finds_the_reports_kb_search_finds(sample_site, page, base):
    """Asked of Pagefind, the query's index words find the reports holding them all (Pagefind's
    word-start match finds no other index word: tests/test_one_answer.py searches it)."""
    import json

    from kb.project import Project
    from kb.search.api import Searcher, SearchRequest

    pages = index_words_of_pages(sample_site / "site")
    open_find(page, base)
    vocabulary = json.loads((sample_site / "site" / "kb" / "find-words.json").read_text(encoding="utf-8"))
    names = vocabulary["names"]
    assert "msit" in names and "health data" in names and "the" in vocabulary["stops"]
    assert "innovation" in vocabulary["people"], "a role's word"
    queries = sorted(sample_words() - {"and", "or", "not", "to"})
    queries += names + ["health data", "open data hospitals", "MSIT health", "Newton Fund India", "the of"]
    ours = page.evaluate(
        "([queries, vocabulary]) => queries.map(q => window.kbIndexWords(q, vocabulary))",
        [queries, vocabulary],
    )
    wrong = []
    with Searcher(Project.at(sample_site), update=True) as searcher:
        for query, words in zip(queries, ours, strict=True):
            if words is None:  # a name written with search syntax: Pagefind's alone (documented)
                assert re.search(r"[\"()\[\]{}:*?^~]", query), f"{query!r} is plain words"
                continue
            expected = {hit.id for hit in searcher.search(SearchRequest(query, limit=0)).hits}
            # No word kb search keeps (stop words alone): nothing, as the page asks for "kz".
            found = {report for report, held in pages.items() if set(words) <= held} if words else set()
            if found != expected:
                wrong.append((query, sorted(found - expected), sorted(expected - found)))
    print(wrong)
    assert wrong == []
    assert len(queries) > 1500


def test_search_syntax_is_left_to_pagefind(page, base):
    open_find(page, base)
    for query in ('"health data"', "solar OR wind", "hydro*", "title:solar", "energy -coal", "(a b)"):
        assert page.evaluate("q => window.kbIndexWords(q, {names: [], people: [], stops: []})", query) is None
    assert page.evaluate("q => window.kbIndexWords(q, {names: [], people: [], stops: ['the']})", "the") == []


@pytest.mark.parametrize("words", ["MSIT", "Newton Fund", "health", "5G", "Innovate UK"])
def test_snippets_never_show_index_words(page, base, words):
    """Pagefind copies the index words into each page's text: a snippet near them leaves them out."""
    from urllib.parse import quote

    from findkit import titles

    open_find(page, base, f"?words={quote(words)}")
    assert titles(page), words
    for snippet in page.locator(".kb-find__snippet").all_inner_texts():
        assert not re.search(r"\b(?:[kgp](?:[0-9a-f]{2})+z|kbeveryreport)\b", snippet), snippet
