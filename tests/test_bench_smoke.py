"""The benchmark tooling: the corpus generator is deterministic and checks clean, and
`scripts/bench --quick` produces its table. No timing is asserted (see docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.checks.knowledgebase import check
from kb.project import Project

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"


def gen_corpus(out: Path, reports: int, seed: int = 1) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "gen_corpus"),
            "--reports",
            str(reports),
            "--out",
            str(out),
            "--seed",
            str(seed),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert gen_corpus(tmp_path / name, 30).returncode == 0
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first == second
    reports = [p for p in first if p.startswith("reports/") and "/registry/" not in p]
    assert len(reports) == 30
    assert gen_corpus(tmp_path / "c", 30, seed=2).returncode == 0
    assert files_of(tmp_path / "c") != first


def test_corpus_passes_kb_check_and_looks_like_a_knowledge_base(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    assert gen_corpus(root, 30).returncode == 0
    result = check(Project.at(root))
    assert result.checked == 30
    assert [p.render() for p in result.problems if p.level == "error"] == []
    assert result.warnings == 0, [p.render() for p in result.problems]
    registry = list((root / "reports" / "registry").glob("*.yml"))
    entities = sum(f.read_text(encoding="utf-8").count("\n  - id: ") for f in registry)
    assert entities >= 300
    texts = [p.read_text(encoding="utf-8") for p in (root / "reports").rglob("*.md")]
    assert any("visibility: internal" in t for t in texts)
    assert all("## Detail" in t and "## Comment" in t for t in texts)
    assert (root / "mkdocs.yml").is_file()


def test_gen_corpus_refuses_to_write_inside_the_repository() -> None:
    done = gen_corpus(REPO / "tmp-bench-corpus", 5)
    assert done.returncode != 0
    assert "inside the repository" in done.stderr
    assert not (REPO / "tmp-bench-corpus").exists()


def test_gen_corpus_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = gen_corpus(tmp_path, 5)
    assert done.returncode != 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_bench_quick_prints_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench"), "--quick", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "| step | size | median/time | peak memory | notes |" in lines
    check_row = next(line for line in lines if line.startswith("| kb check |"))
    cells = [c.strip() for c in check_row.strip("|").split("|")]
    assert cells[1] == "60" and cells[2] not in ("failed", "not available")
    assert "no problems in 60 reports" in cells[4]
    for step in ("kb --help", "ref: SQLite FTS5 index, full build", "ref: grep -rli one word, cold process"):
        assert any(line.startswith(f"| {step} |") for line in lines), step
    serve_row = next(line for line in lines if line.startswith("| kb serve, an edit shown |"))
    assert [c.strip() for c in serve_row.strip("|").split("|")][2] not in ("failed", "not available")
    assert "| comparison | size | ratio | figures |" in lines


@pytest.mark.slow
def test_bench_serve_quick_times_an_edit_without_touching_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "kb"
    assert gen_corpus(corpus, 30).returncode == 0
    before = files_of(corpus)
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench_serve"), "--quick", "--corpus", str(corpus)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "edit shown after:" in done.stdout and "served after:" in done.stdout
    assert files_of(corpus) == before  # it serves and edits a copy


def test_growth_table_shows_time_per_report_against_the_smallest_size() -> None:
    """scripts/bench's growth rows: time per report at each size, and how it compares with the
    smallest size's (1.0x is linear). Steps measured at one size only, or failed, are left out."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        from benchlib.bench import growth_rows
        from benchlib.common import Row
    finally:
        sys.path.remove(str(SCRIPTS))
    rows = [
        Row("kb check", 1000, "1.0 s", seconds=1.0),
        Row("kb check", 10000, "12 s", seconds=12.0),
        Row("kb check", 20000, "20 s", seconds=20.0),
        Row("kb index, full build", 1000, "failed"),
        Row("kb index, full build", 10000, "19 s", seconds=19.0),
        Row("kb build, whole site", 1000, "12 s", seconds=12.0),
        Row("kb build, whole site", 5000, "40 s", seconds=40.0),
    ]
    assert growth_rows(rows) == [
        ["kb check", "1,000", "1.0 s", "1,000.0 µs", "1.00x", "-"],
        ["kb check", "10,000", "12.0 s", "1,200.0 µs", "1.20x", "12.00x the time for 10.0x the reports"],
        ["kb check", "20,000", "20.0 s", "1,000.0 µs", "1.00x", "1.67x the time for 2.0x the reports"],
    ]
