"""The Find page's index words of a report (kb.site.words.Vocabulary.index_words) decide most
entity names by set inclusion; the word-by-word rule is the reference. Both give the same words
for every report of the sample (public views and the staff site) and of a generated corpus,
whose registry has hundreds of names sharing words, and for people's words that name an entity."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from conftest import REPO

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.report.model import Person
from kb.site.words import Vocabulary, name_word


def assert_quick_is_exhaustive(project: Project) -> int:
    kb = load(project, mentions=False)
    compared = 0
    for internal in (False, True):
        reports = kb.visible(internal)
        vocabulary = Vocabulary(kb.registry, reports, internal)
        for report in reports:
            quick = vocabulary.index_words(report, kb.registry)
            assert quick == vocabulary.index_words(report, kb.registry, quick=False), report.id
            compared += 1
    return compared


def test_quick_index_words_are_the_exhaustive_ones_on_the_sample():
    assert assert_quick_is_exhaustive(Project.at(REPO)) > 10


def test_quick_index_words_are_the_exhaustive_ones_on_a_generated_corpus(tmp_path):
    corpus = tmp_path / "kb"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_corpus"), "--reports", "150", "--out", str(corpus)],
        check=True,
        capture_output=True,
    )
    assert assert_quick_is_exhaustive(Project.at(corpus)) >= 150


def test_a_name_matched_through_the_people_s_words_is_kept():
    """With the name's words missing from the text, a name still matches through the people's
    words (the case the quick rule sends to the word-by-word one): a visitor's organisation."""
    kb = load(Project.at(REPO), mentions=False)
    report = next(r for r in kb.visible(False) if "aayog" not in r.body.lower())
    visitor = Person(name="A. Visitor", role="adviser", organisation="NITI Aayog")
    report = dataclasses.replace(report, visitors=(*report.visitors, visitor))
    vocabulary = Vocabulary(kb.registry, [report], False)
    quick = vocabulary.index_words(report, kb.registry)
    assert name_word("niti aayog") in quick.split()
    assert quick == vocabulary.index_words(report, kb.registry, quick=False)
