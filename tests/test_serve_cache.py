"""``kb serve`` keeps rendered report bodies and listing pages between rebuilds
(:mod:`kb.site.bodycache`): the pages must be exactly those a fresh generation writes, and
a page whose source did not change must not be rendered again."""

from __future__ import annotations

import shutil
from datetime import date

from conftest import REPO

import kb.site.prerender
from kb.project import Project
from kb.site.build import generate

TODAY = date(2026, 1, 1)


def _pages(project: Project) -> dict[str, str]:
    docs = project.docs_dir / "kb"
    return {str(p.relative_to(docs)): p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md"))}


def test_kept_pages_are_the_pages_a_fresh_generation_writes(tmp_path, monkeypatch):
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    project = Project.at(tmp_path)
    renders = []
    real = kb.site.prerender.PageRenderer.render
    monkeypatch.setattr(
        kb.site.prerender.PageRenderer,
        "render",
        lambda self, page, text: renders.append(page) or real(self, page, text),
    )

    generate(project, today=TODAY, keep_bodies=True)
    first = len(renders)
    assert first > 20
    generate(project, today=TODAY, keep_bodies=True)
    assert len(renders) == first, "unchanged listing pages were rendered again"

    # A body edit changes the report's own page only; a title edit changes the listings too.
    report = next(p for p in sorted((tmp_path / "reports").rglob("*.md")) if "registry" not in p.parts)
    report.write_text(report.read_text(encoding="utf-8") + "\nA new closing sentence.\n", encoding="utf-8")
    generate(project, today=TODAY, keep_bodies=True)
    assert len(renders) == first
    kept = _pages(project)
    generate(project, today=TODAY)  # as kb build: nothing kept
    assert _pages(project) == kept
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\ntitle: ", "\ntitle: Renamed ", 1), encoding="utf-8")
    before = len(renders)
    generate(project, today=TODAY, keep_bodies=True)
    assert len(renders) > before
    kept = _pages(project)
    generate(project, today=TODAY)
    assert _pages(project) == kept
    assert any("Renamed" in page for page in kept.values())
