"""``kb.search.engine.StemmedText`` indexes words without Whoosh's token objects; the terms, counts and
position bytes must be exactly those of Whoosh's own ``StemmingAnalyzer`` chain, or phrase
searches, ranking and highlighting would disagree with what was indexed."""

from __future__ import annotations

from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import TEXT

from kb.search.engine import StemmedText, make_schema, plain_terms

WHOOSH = TEXT(analyzer=StemmingAnalyzer())
#: Characters that stress the tokenizer: case folding that changes length (İ, ẞ), the
#: Kelvin sign, combining marks, ligatures, stop words, dots and stars inside words.
TRICKY = st.sampled_from(
    [
        "a",
        "A",
        "İ",
        "ı",
        "ß",
        "ẞ",
        "ς",
        "K",
        "\u212a",
        "e\u0301",
        "ǅ",
        "ﬁ",
        "the",
        "and",
        "of",
        "data",
        "hospitals",
        "MSIT",
        ".",
        "*",
        "_",
        "-",
        "'",
        "’",
        "0",
        "1.10",
        " ",
        "\n",
        "\t",
        "“",
        "<b>",
        "https://x.gov.uk/a.b",
    ]
)


def _same(text: str) -> None:
    assert sorted(StemmedText().index(text)) == sorted(WHOOSH.index(text))


def test_sample_reports_index_as_whoosh_would() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "reports").rglob("*.md"))]
    assert len(texts) > 10
    for text in texts:
        _same(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(TRICKY, max_size=40).map("".join))
def test_tricky_text_indexes_as_whoosh_would(text: str) -> None:
    _same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_indexes_as_whoosh_would(text: str) -> None:
    _same(text)


def test_the_schema_uses_it_for_every_stemmed_field() -> None:
    schema = make_schema()
    assert {name for name in schema.names() if isinstance(schema[name], StemmedText)} == {
        "title",
        "summary",
        "body",
        "opportunities",
        "targets",
        "private",
    }
    # Queries and highlighting still analyse with Whoosh's chain.
    assert schema["body"].analyzer == StemmingAnalyzer()


def _plain(text: str) -> None:
    assert plain_terms(text) == {t.text for t in StandardAnalyzer()(text)}


def test_sample_reports_people_words_are_as_whoosh_makes_them() -> None:
    """The Find page's words of people (kb/site/words.py) are the ``authors`` field's terms."""
    for path in sorted((REPO / "reports").rglob("*.md")):
        _plain(path.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(TRICKY, max_size=40).map("".join))
def test_tricky_people_words_are_as_whoosh_makes_them(text: str) -> None:
    _plain(text)


def test_the_find_pages_words_come_from_the_fields_kb_search_reads() -> None:
    from kb.search.engine import TEXT_FIELDS
    from kb.site import words

    assert (*words.STEMMED, words.PEOPLE) == TEXT_FIELDS
    schema = make_schema()
    assert all(isinstance(schema[name], StemmedText) for name in (*words.STEMMED, words.PRIVATE))
    assert not isinstance(schema[words.PEOPLE], StemmedText)
