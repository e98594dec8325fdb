"""The sample knowledge base in reports/ builds strictly, and every page is reachable from home."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO
from sitekit import crawl, make_tree

from kb.cli import main


def test_the_sample_site_builds_and_every_page_is_reachable(tmp_path):
    root = make_tree(tmp_path)
    shutil.rmtree(root / "reports")
    shutil.copytree(REPO / "reports", root / "reports")
    result = CliRunner().invoke(main, ["--root", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    internal = sum(
        "\nvisibility: public\n" not in p.read_text(encoding="utf-8")
        for p in (REPO / "reports").rglob("*.md")
    )
    # Nothing left out by mistake: only the internal reports, on purpose, and the build says so.
    assert result.stderr == f"left out: {internal} internal report(s) (visibility: internal)\n"
    site = root / "site"
    reports = sorted(
        p.stem for p in (root / "site_pages" / "kb" / "reports").glob("*.md") if p.stem != "index"
    )
    assert reports and all((site / "kb" / "reports" / r / "index.html").is_file() for r in reports)
    unreachable, broken = crawl(site)
    assert broken == []
    assert unreachable == set()
    assert Path(site / "kb" / "feeds" / "all.xml").is_file()
