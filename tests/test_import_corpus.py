"""kb import on the shared corpus of real published texts (``shared/import-corpus``).

The corpus is not part of the repository: it sits beside the checkout (``<repo>/../shared``
in CI, or where ``$KB_SHARED`` points). Without it these tests skip, saying so.
Figures and the command that prints them: docs/importing.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.importer.analyse import Analyser
from kb.importer.corpus import CORPUS_FIELDS, corpus_text, evaluate_corpus, find_shared
from kb.importer.document import _BULLET, _strip_number
from kb.importer.sources import read_source
from kb.importer.writer import render
from kb.registry.loading import load_registry

REPO = Path(__file__).resolve().parent.parent
SHARED = find_shared(REPO)
CORPUS = SHARED / "import-corpus" if SHARED else None
TEXTS = sorted((CORPUS / "texts").glob("*.txt")) if CORPUS and CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(
    not TEXTS,
    reason="the shared import corpus is not beside this clone "
    "(set KB_SHARED to the shared folder to run these tests)",
)

#: The floors: the figures reached when the corpus tests were written (docs/importing.md).
#: (precision, recall) per field; a figure falling below its floor fails the test.
FLOORS = {
    "title": (1.0, 1.0),
    "date": (1.0, 1.0),
    "countries": (1.0, 0.92),
    "publisher": (1.0, 1.0),
    "bodies": (0.93, 0.69),
    "proposals": (0.62, 0.0),
    "proposal country": (0.87, 0.74),
    "targets": (0.8, 0.87),
    "targets exact": (0.92, 0.86),
    "event dates": (1.0, 0.6),
}


@pytest.fixture(scope="module")
def registry():
    registry, problems = load_registry(REPO / "reports" / "registry")
    assert not problems
    return registry


@needs_corpus
def test_quality_on_the_real_corpus_stays_above_its_floors(registry):
    quality = evaluate_corpus(CORPUS, registry)
    print("\nkb import on the real corpus (micro-averaged):\n" + quality.table())
    assert set(FLOORS) == set(CORPUS_FIELDS)
    for name, (precision, recall) in FLOORS.items():
        tally = quality.tallies[name]
        assert tally.precision >= precision, f"{name} precision {tally.precision:.2f} < {precision}"
        assert tally.recall >= recall, f"{name} recall {tally.recall:.2f} < {recall}"


@needs_corpus
def test_every_corpus_text_imports_in_one_command_to_drafts_that_pass_kb_check(registry, tmp_path: Path):
    import shutil

    shutil.copytree(REPO / "reports" / "registry", tmp_path / "reports" / "registry")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for path in TEXTS:  # the text alone, as a user would paste it (the SOURCE/LICENCE header left out)
        (incoming / path.name).write_text(corpus_text(path), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(tmp_path), "import", str(incoming)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"[{len(TEXTS)}/{len(TEXTS)}] incoming/{TEXTS[-1].name}" in result.stderr
    assert re.search(rf"^imported\s+{len(TEXTS)}$", result.stderr, re.MULTILINE)
    assert "Traceback" not in result.output
    written = sorted((tmp_path / "reports").rglob("*.md"))
    assert len(written) == len(TEXTS)
    checked = runner.invoke(main, ["--root", str(tmp_path), "check"], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert " error " not in checked.output


def _plain(text: str) -> str:
    text = text.replace("\\", "").replace("&lt;", "<")
    return re.sub(r"\s+", " ", text).strip()


@needs_corpus
@pytest.mark.parametrize("path", TEXTS, ids=[p.name[:2] for p in TEXTS])
def test_every_sentence_that_is_not_chrome_is_in_the_body_in_order(registry, path: Path):
    analyser = Analyser(registry)
    text = corpus_text(path)
    draft = analyser.analyse(read_source(path, path.name, text))
    body = _plain(render(draft, registry).split("\n---\n", 1)[1])
    chrome = {_plain(line) for line in draft.extracted.chrome}
    title_line = (
        None if any(n.startswith("the text has no title line") for n in draft.review) else draft.title
    )
    position = 0
    for line in re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s+", "", text).split("\n"):
        line = _plain(line)
        bullet = _BULLET.match(line)
        line = _strip_number(bullet.group(1).strip() if bullet else line)
        if len(line.split()) <= 3:
            line = line.rstrip(":").strip()  # 'Summary:' became the heading 'Summary'
        if not line or line in chrome or line == title_line:
            continue
        found = body.find(line, position)
        assert found != -1, f"lost or out of order: {line!r}"
        position = found
