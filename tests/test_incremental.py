"""``kb serve``'s incremental regeneration (:mod:`kb.site.incremental`): after an edit to one
report, only the pages it can change are made again, and the tree is byte for byte the one a
full generation from scratch writes."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO

from kb.project import Project
from kb.site.build import generate
from kb.site.incremental import Preview

TODAY = date(2026, 1, 1)
ENERGY = "reports/vn/2023-07-12-vietnam-energy-transition.md"
ENERGY_TITLE = "Vietnam: energy transition partnership and the new power plan"


@pytest.fixture
def project(tmp_path) -> Project:
    shutil.copytree(REPO / "reports", tmp_path / "reports")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return Project.at(tmp_path)


def tree(project: Project) -> dict[str, bytes]:
    docs = project.docs_dir
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def replace(project: Project, relative: str, old: str, new: str) -> None:
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edited_then_compared(
    project: Project, edit: Callable[[Project], None], expected: str = "incremental"
) -> dict[str, bytes]:
    """Generate in full, edit, regenerate incrementally: the tree must be the one a full
    generation from scratch (kb build's) gives; returns it."""
    preview = Preview(project, today=TODAY)
    preview.update()
    assert preview.last == "full"
    before = tree(project)
    edit(project)
    result = preview.update()
    assert preview.last == expected
    after = tree(project)
    assert after != before, "the edit changed nothing"
    if expected == "incremental":
        assert result.written < len(after) / 2, "an incremental update rewrote most files"
    full = generate(project, today=TODAY)  # rewrites what differs, deletes what is extra
    assert (full.written, full.removed) == (0, 0)
    assert tree(project) == after
    return after


def add_report(project: Project) -> None:
    source = project.root / ENERGY
    text = source.read_text(encoding="utf-8").replace(
        ENERGY_TITLE, "Vietnam: a second look at the power plan"
    )
    text = text.replace("date: 2023-07-12", "date: 2024-02-01").replace(
        "countries: [VN]", "countries: [VN, TH]"
    )
    text = text.replace("id: vn-offshore-wind-planning", "id: vn-grid-planning")
    for target in ("vn-offshore-wind-2030", "vn-jetp-finance", "vn-renewables-share-2030"):
        text = text.replace(f"id: {target}", f"id: {target}-b")
    (source.parent / "2024-02-01-vietnam-power-plan-second-look.md").write_text(text, encoding="utf-8")


EDITS: dict[str, Callable[[Project], None]] = {
    "title": lambda p: replace(p, ENERGY, ENERGY_TITLE, "Vietnam: the power plan, revised"),
    "body": lambda p: (p.root / ENERGY).write_text(
        (p.root / ENERGY).read_text(encoding="utf-8") + "\nA closing paragraph about grid batteries.\n",
        encoding="utf-8",
    ),
    "sector": lambda p: replace(
        p,
        ENERGY,
        "sectors: [energy, offshore-wind, financial-and-professional-services]",
        "sectors: [energy, offshore-wind, education-and-training]",
    ),
    "opportunity status": lambda p: replace(p, ENERGY, "    status: discussed", "    status: agreed"),
    "target owner": lambda p: replace(p, ENERGY, "    owner: vn-moit", "    owner: vn-jetp"),
    "date": lambda p: replace(p, ENERGY, "date: 2023-07-12", "date: 2022-11-02"),
    "made internal": lambda p: replace(p, ENERGY, "visibility: public", "visibility: internal"),
    "deleted": lambda p: (p.root / ENERGY).unlink(),
    "added": add_report,
    "broken": lambda p: replace(p, ENERGY, "date: 2023-07-12", "date: someday"),
    # The people's words feed every report page's index words (kb.site.words): a full one.
    "visitor": lambda p: replace(
        p,
        "reports/kr/2014-07-03-south-korea-innovation-and-openness.md",
        "name: Paul Maltby",
        "name: Paula Innovation",
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_update_writes_what_a_full_generation_writes(project, kind):
    edited_then_compared(project, EDITS[kind], "full" if kind == "visitor" else "incremental")


def test_renaming_a_sector_in_one_report_updates_the_old_and_the_new_sector_page(project):
    old_page = "kb/entities/sector/financial-and-professional-services.md"
    new_page = "kb/entities/sector/education-and-training.md"
    preview = Preview(project, today=TODAY)
    preview.update()
    assert ENERGY_TITLE.encode() in tree(project)[old_page]
    assert ENERGY_TITLE.encode() not in tree(project)[new_page]
    EDITS["sector"](project)
    preview.update()
    assert preview.last == "incremental"
    pages = tree(project)
    assert ENERGY_TITLE.encode() not in pages[old_page]
    assert ENERGY_TITLE.encode() in pages[new_page]


def test_a_report_made_internal_vanishes_from_every_public_file(project):
    pages = edited_then_compared(project, EDITS["made internal"])
    slug = Path(ENERGY).stem
    for path, content in pages.items():
        assert slug.encode() not in content, path
        assert b"energy transition partnership and the new power plan" not in content, path


def test_several_edits_in_a_row_stay_equal_to_a_full_generation(project):
    preview = Preview(project, today=TODAY)
    preview.update()
    for kind in ("title", "sector", "opportunity status", "added", "body", "made internal"):
        EDITS[kind](project)
        preview.update()
        assert preview.last == "incremental", kind
    kept = tree(project)
    generate(project, today=TODAY)
    assert tree(project) == kept


def test_no_change_writes_nothing_and_a_registry_change_regenerates_everything(project):
    preview = Preview(project, today=TODAY)
    preview.update()
    result = preview.update()
    assert (preview.last, result.written, result.removed) == ("unchanged", 0, 0)
    registry = next((project.reports_dir / "registry").glob("*.yml"))
    registry.write_text(registry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    preview.update()
    assert preview.last == "full"


def test_an_entity_renamed_in_the_registry_shows_its_new_name_on_every_page(project):
    """The preview keeps the registry it read (and what the site made of it: the mention finder,
    the Find page's names) while its files are unchanged; an edit of a registry file is read, and
    the tree is a full generation's."""
    preview = Preview(project, today=TODAY)
    preview.update()
    replace(
        project,
        "reports/registry/in-government.yml",
        "name: Department of Biotechnology",
        "name: Department of Biotechnology and Bioeconomy",
    )
    preview.update()
    kept = tree(project)
    assert any(b"Department of Biotechnology and Bioeconomy" in content for content in kept.values())
    generate(project, today=TODAY)
    assert tree(project) == kept


def _terms_of(path: Path):
    from kb.relations.related import _terms
    from kb.report.parse import parse_report

    report = parse_report(path, path.name).report
    assert report is not None
    return _terms(report)


def _frequent_word(path: Path) -> str:
    """A word the report already uses most: repeating it moves its counts, not its words."""
    return _terms_of(path).most_common(1)[0][0]


def _borrowed_words(path: Path, other: Path) -> str:
    """Words another report is compared by and this one is not, each said often enough to be
    among the words this one is compared by: the weight of each changes for every report
    holding it."""
    mine = _terms_of(path)
    words = [w for w in _terms_of(other) if w not in mine][:4]
    assert words
    return "\n" + " ".join(f"{w.capitalize()} {w} {w} {w} {w} {w} {w}." for w in words) + "\n"


def test_random_edits_of_a_generated_corpus_stay_equal_to_a_full_generation(tmp_path):
    """Related reports are where an edit reaches furthest: on 80 generated reports (sharing
    sectors and words), edits of every kind, each followed by a comparison with a full generation."""
    corpus = tmp_path / "kb"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_corpus"), "--reports", "80", "--out", str(corpus)],
        check=True,
        capture_output=True,
    )
    project = Project.at(corpus)
    preview = Preview(project, today=TODAY)
    preview.update()
    rng = random.Random(18)
    sectors = ["hydrogen", "solar", "smart-grids", "automotive", "electric-vehicles"]
    edits = [
        "counts",
        "borrowed",
        "new words",
        "title",
        "borrowed",
        "sector",
        "internal",
        "delete",
        "counts",
        "date",
    ]
    for step, kind in enumerate(edits):
        reports = sorted(p for p in project.reports_dir.rglob("*.md") if "registry" not in p.parts)
        path = rng.choice([p for p in reports if "visibility: public" in p.read_text(encoding="utf-8")])
        text = path.read_text(encoding="utf-8")
        if kind == "counts":
            word = _frequent_word(path)
            text += f"\n{word.capitalize()} and {word} again.\n"
        elif kind == "borrowed":
            text += _borrowed_words(path, rng.choice([p for p in reports if p != path]))
        elif kind == "new words":
            text += f"\nQuillwort{step} marshland{step} survey{step}.\n"
        elif kind == "title":
            text = text.replace('title: "', f'title: "Step {step}: ', 1)
        elif kind == "sector":
            text = text.replace("sectors: [", f"sectors: [{rng.choice(sectors)}, ", 1)
        elif kind == "internal":
            text = text.replace("visibility: public", "visibility: internal", 1)
        elif kind == "date":
            text = text.replace("\ndate: 20", "\ndate: 19", 1)
        if kind == "delete":
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
        preview.update()
        # Removing a report may remove its visitors' words from every page's index words: full.
        assert preview.last in (
            ("full", "incremental") if kind in ("internal", "delete") else ("incremental",)
        ), kind
        kept = tree(project)
        full = generate(project, today=TODAY)
        assert (full.written, full.removed) == (0, 0), kind
        assert tree(project) == kept, kind


def test_a_kept_page_of_a_kind_the_rules_do_not_know_makes_a_full_regeneration(project):
    """Fail safe: a page kind added to the site but not to the rules of kb.site.incremental is
    regenerated in full rather than dropped or left stale."""
    preview = Preview(project, today=TODAY)
    preview.update()
    assert preview.kept is not None
    preview.kept.files["kb/boards/new-kind.md"] = "a page of a kind added later\n"
    EDITS["title"](project)
    preview.update()
    assert preview.last == "full"


def test_the_staff_site_is_regenerated_incrementally_too(project):
    """kb serve --internal: the staff tree (generated pages and copies of the hand-written ones)
    after an edit is the one a full staff generation writes, internal reports included."""
    folder = project.state_dir / "site-internal-docs"
    handwritten = project.docs_dir / "about-this-site.md"
    handwritten.parent.mkdir(parents=True, exist_ok=True)
    handwritten.write_text("# About this site\n\nWritten by hand.\n", encoding="utf-8")
    preview = Preview(project, internal=True, today=TODAY)
    preview.update()
    EDITS["made internal"](project)
    preview.update()
    assert preview.last == "incremental"
    kept = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
    assert any(ENERGY_TITLE.encode() in content for content in kept.values())
    assert kept["about-this-site.md"] == handwritten.read_bytes()
    full = generate(project, internal=True, today=TODAY)
    assert (full.written, full.removed) == (0, 0)
