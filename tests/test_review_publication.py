"""Fail closed: a report whose review points are open is not published, whatever its visibility."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from kb.checks.knowledgebase import load
from kb.cli import main
from kb.project import Project
from kb.site.build import generate

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "import_cases"


def test_a_public_report_with_open_review_points_is_held_back_from_the_public_site(tmp_path: Path):
    shutil.copytree(CASES / "registry", tmp_path / "reports" / "registry")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    runner = CliRunner()
    imported = runner.invoke(main, ["--root", str(tmp_path), "import", str(CASES / "04-vn-rice.txt")])
    assert imported.exit_code == 0, imported.output
    path = next((tmp_path / "reports").rglob("*.md"))
    path.write_text(
        path.read_text(encoding="utf-8").replace("visibility: internal", "visibility: public"),
        encoding="utf-8",
    )
    shown = path.relative_to(tmp_path).as_posix()

    checked = runner.invoke(main, ["--root", str(tmp_path), "check", str(path)])
    assert "warning [public-under-review] visibility is public but" in checked.output
    assert "review point(s) are still open: the report is left out of the public site" in checked.output

    project = Project.at(tmp_path)
    kb = load(project, mentions=False)
    assert kb.reports and kb.visible(False) == []
    assert generate(project).held_for_review == (shown,)
    assert generate(project, internal=True).held_for_review == ()
    generated = generate(project)
    assert generated.left_out_line() == f"left out: 1 public report(s) with open review points ({shown})"
    strict = runner.invoke(main, ["--root", str(tmp_path), "build", "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr == (
        f"{shown}: error: --strict: 1 report(s) would be left out of the site; nothing was built "
        "(fix the problems kb check lists (or resolve the review points), then build again)\n"
    )
    assert not (tmp_path / "site").exists()
