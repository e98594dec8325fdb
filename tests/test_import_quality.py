"""kb import quality: precision and recall on the labelled cases in tests/import_cases/.

Run with ``pytest -s`` (or scripts/import_quality) to see the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.importer.quality import FIELDS, case_files, evaluate
from kb.registry.loading import load_registry

CASES = Path(__file__).resolve().parent / "import_cases"
MIN_PRECISION = 0.9
MIN_RECALL = 0.85


@pytest.fixture(scope="module")
def quality():
    registry, problems = load_registry(CASES / "registry")
    assert not problems
    return evaluate(CASES, registry)


def test_there_are_enough_varied_cases():
    pairs = case_files(CASES)
    assert len(pairs) >= 12
    assert {source.suffix for source, _expected in pairs} >= {".txt", ".md", ".html"}


def test_precision_and_recall_per_field(quality):
    print("\nkb import quality on tests/import_cases (micro-averaged over all cases):")
    print(quality.table())
    if quality.misses():
        print("differences:\n" + quality.misses())
    for name in FIELDS:
        tally = quality.tallies[name]
        assert tally.precision >= MIN_PRECISION, f"{name} precision {tally.precision:.2f}"
        assert tally.recall >= MIN_RECALL, f"{name} recall {tally.recall:.2f}"
