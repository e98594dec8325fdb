"""`kb changes BASE [HEAD]`: what a change does to the public site, each kind of change made in a
git repository in tmp_path. The loud section must name every text that becomes public."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import GOOD_REPORT, write
from gitkit import commit_all, git, init

from kb.changes.compare import NEW_TEXT, TURNED_PUBLIC, WAS_INTERNAL, NewlyPublic, NewReport, changes
from kb.changes.render import render_github, render_text
from kb.errors import UsageError

PATH = "reports/kr/2014-07-03-korea-open-data.md"
REPORT_ID = "2014-07-03-korea-open-data"
SECRET = "The minister privately asked for a second loan before the election."
TODAY = date(2015, 1, 1)

WITH_SECTION = (
    GOOD_REPORT
    + f"""
<!-- internal -->
{SECRET}
<!-- /internal -->
"""
)

OPPORTUNITY = """\
opportunities:
  - id: kr-data-exchange
    title: Health data exchange
    status: active
    description: A quiet plan to share hospital records.
    internal: true
"""


def edit(kb_tree, old: str, new: str, path: str = PATH) -> None:
    text = (kb_tree / path).read_text(encoding="utf-8")
    assert old in text
    write(kb_tree / path, text.replace(old, new))


def before_and_after(repo, before: tuple[str, str], after: tuple[str, str]):
    """Two commits, each one edit of the report; what the second does to the public site."""
    edit(repo, *before)
    commit_all(repo, "before")
    edit(repo, *after)
    commit_all(repo, "after")
    return changes(repo, "HEAD~1", "HEAD", today=TODAY)


@pytest.fixture
def repo(kb_tree):
    write(kb_tree / PATH, WITH_SECTION)
    init(kb_tree)
    return kb_tree


def test_an_internal_marker_removed_names_the_paragraph(repo):
    edit(repo, "<!-- internal -->\n", "")
    edit(repo, "<!-- /internal -->\n", "")
    commit_all(repo, "unmark")
    result = changes(repo, "HEAD~1", "HEAD", today=TODAY)
    assert result.newly_public == [NewlyPublic(REPORT_ID, PATH, WAS_INTERNAL, SECRET)]
    assert result.changed == [("report", REPORT_ID)]
    assert render_text(result).splitlines()[2:5] == [
        "BECOMES PUBLIC (was not public before):",
        f"  {PATH}",
        f"    was internal: {SECRET}",
    ]
    github = render_github(result)
    assert "> [!CAUTION]" in github
    assert f"- `{PATH}`\n  - **was internal**: {SECRET}\n" in github


def test_the_working_tree_is_the_default_head_and_is_left_alone(repo):
    edit(repo, "<!-- internal -->\n", "")
    edit(repo, "<!-- /internal -->\n", "")
    status = git(repo, "status", "--porcelain").stdout
    result = changes(repo, "HEAD", today=TODAY)
    assert [(n.reason, n.text) for n in result.newly_public] == [(WAS_INTERNAL, SECRET)]
    assert result.head == "working tree"
    assert git(repo, "status", "--porcelain").stdout == status  # nothing staged, nothing reverted


def test_a_report_turned_public_names_every_text(repo):
    result = before_and_after(
        repo, ("visibility: public", "visibility: internal"), ("visibility: internal", "visibility: public")
    )
    assert [(n.reason, n.text) for n in result.newly_public] == [
        (TURNED_PUBLIC, "Korea: open data"),
        (TURNED_PUBLIC, "## Detail"),
        (TURNED_PUBLIC, "Officials of MSIP and NIA explained their plans."),
    ]
    assert result.added == [("report", REPORT_ID)]
    assert SECRET not in render_text(result)  # still inside its internal section


def test_review_points_closed_turn_a_report_public(repo):
    review = "review: [check the minister's name]\n"
    result = before_and_after(
        repo, ("disclaimer: standard\n", "disclaimer: standard\n" + review), (review, "")
    )
    assert {n.reason for n in result.newly_public} == {TURNED_PUBLIC}
    assert "Officials of MSIP and NIA explained their plans." in {n.text for n in result.newly_public}


def test_an_internal_item_made_public(repo):
    result = before_and_after(
        repo, ("disclaimer: standard\n", "disclaimer: standard\n" + OPPORTUNITY), ("    internal: true\n", "")
    )
    assert [(n.reason, n.text) for n in result.newly_public] == [
        (WAS_INTERNAL, "Health data exchange"),
        (WAS_INTERNAL, "A quiet plan to share hospital records."),
    ]
    assert ("opportunity", "kr-data-exchange") in result.added
    assert ("report", REPORT_ID) in result.changed


def test_new_text_edited_into_a_public_report(repo):
    edit(repo, "explained their plans.", "explained their plans for 2015.")
    commit_all(repo, "edit")
    result = changes(repo, "HEAD~1", "HEAD", today=TODAY)
    assert [(n.reason, n.text) for n in result.newly_public] == [
        (NEW_TEXT, "Officials of MSIP and NIA explained their plans for 2015.")
    ]


def test_added_and_removed_reports(repo):
    other = "reports/kr/2014-09-01-korea-more.md"
    write(repo / other, GOOD_REPORT.replace("2014-07-03", "2014-09-01").replace("open data", "more"))
    (repo / PATH).unlink()
    commit_all(repo, "one in, one out")
    result = changes(repo, "HEAD~1", "HEAD", today=TODAY)
    assert result.new_reports == [NewReport("2014-09-01-korea-more", other, 3)]
    assert result.newly_public == []  # its text was nowhere before: it is in the diff
    assert result.added == [("report", "2014-09-01-korea-more")]
    assert result.removed == [("report", REPORT_ID)]
    text = render_text(result)
    assert f"  {other}: new public report, 3 text(s)" in text
    assert f"  removed  report       {REPORT_ID}  Korea: open data" in text


def test_internal_text_copied_into_a_new_report_is_named(repo):
    other = "reports/kr/2014-09-01-korea-more.md"
    write(repo / other, GOOD_REPORT.replace("2014-07-03", "2014-09-01") + f"\n{SECRET}\n")
    commit_all(repo, "copied")
    result = changes(repo, "HEAD~1", "HEAD", today=TODAY)
    assert result.newly_public == [NewlyPublic("2014-09-01-korea-more", other, WAS_INTERNAL, SECRET)]


def test_nothing_public_changes(repo):
    edit(repo, SECRET, SECRET + " He repeated it.")
    commit_all(repo, "internal edit")
    result = changes(repo, "HEAD~1", "HEAD", today=TODAY)
    assert not result.anything_public and result.changed == []
    assert render_text(result).endswith(
        "Nothing becomes public that was not public before.\n\nPublic pages:\n  none\n"
    )
    assert "No public page changes." in render_github(result)


def test_a_base_before_the_knowledge_base_existed(kb_tree):
    git(kb_tree, "init", "-q", "-b", "main")
    write(kb_tree / "README.md", "hello\n")
    git(kb_tree, "add", "README.md")
    git(kb_tree, "commit", "-q", "-m", "only a readme")
    result = changes(kb_tree, "HEAD", today=TODAY)
    assert [r.report for r in result.new_reports] == [REPORT_ID]


def test_unknown_revision_and_no_repository_are_clear_errors(repo, tmp_path_factory):
    with pytest.raises(UsageError, match="unknown revision 'nope'"):
        changes(repo, "nope", today=TODAY)
    with pytest.raises(UsageError, match="is not in a git repository"):
        changes(tmp_path_factory.mktemp("plain"), "HEAD", today=TODAY)


def test_github_format_cannot_ping_or_inject_html(repo):
    edit(repo, "<!-- internal -->\n", "")
    edit(repo, "<!-- /internal -->\n", "")
    edit(repo, SECRET, "Ask @team about #12 <script>x</script>")
    commit_all(repo, "hostile")
    github = render_github(changes(repo, "HEAD~1", "HEAD", today=TODAY))
    assert "<script>" not in github and "&lt;script&gt;" in github
    assert "@team" not in github and "#12" not in github


def test_cli_names_the_paragraph_an_unmarked_section_makes_public(repo, run):
    """The issue's "done when": a branch removes an internal marker."""
    git(repo, "switch", "-q", "-c", "unmark")
    edit(repo, "<!-- internal -->\n", "")
    edit(repo, "<!-- /internal -->\n", "")
    commit_all(repo, "unmark")
    result = run("changes", "main")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "kb changes main..working tree: 1 text(s) become public that were not public before, "
        "0 new public report(s), 1 public page(s) changed",
        "",
        "BECOMES PUBLIC (was not public before):",
        f"  {PATH}",
        f"    was internal: {SECRET}",
        "",
        "Public pages:",
        f"  changed  report       {REPORT_ID}  Korea: open data",
    ]
    github = run("changes", "main", "unmark", "--format", "github")
    assert github.exit_code == 0
    assert github.stdout.startswith("## What this change does to the public site\n")
    assert f"  - **was internal**: {SECRET}" in github.stdout
    assert f"| changed | report | `{REPORT_ID}` | Korea: open data |" in github.stdout


def test_cli_unknown_revision(repo, run):
    result = run("changes", "no-such-branch")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown revision 'no-such-branch'")


def test_a_knowledge_base_in_a_subfolder_of_the_repository(tmp_path):
    project = tmp_path / "embassy-kb"
    shutil.copytree(Path(__file__).parent / "import_cases" / "registry", project / "reports" / "registry")
    write(project / "README.md", "the knowledge base\n")
    init(tmp_path)
    write(
        project / PATH,
        WITH_SECTION.replace("ministries: [msip, nia]\n", "").replace("sectors: [health-data]\n", ""),
    )
    result = changes(project, "HEAD", today=TODAY)
    assert [r.file for r in result.new_reports] == [PATH]
