"""`kb check` shares large knowledge bases among worker processes; the problems it reports must
be exactly those of the single-process run, in the same order."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest
from conftest import GOOD_REPORT, write

import kb.checks.knowledgebase
from kb.checks.knowledgebase import _all_problems, check
from kb.project import Project

BROKEN = {
    "kr/2014-07-04-unknown-tag.md": GOOD_REPORT.replace("ministries: [msip, nia]", "ministries: [msip, nai]"),
    "kr/2014-07-05-bad-yaml.md": GOOD_REPORT.replace('title: "Korea: open data"', "title: [unclosed"),
    "kr/2014-07-06-dup.md": GOOD_REPORT.replace("---\ntitle", "---\nid: 2014-07-03-korea-open-data\ntitle"),
    "kr/2014-07-07-supersedes.md": GOOD_REPORT.replace(
        "---\ntitle", "---\nsupersedes: 2001-01-01-gone\ntitle"
    ),
    "kr/2014-07-08-untagged.md": GOOD_REPORT
    + "\nThe Open Data Institute and ODI staff came.\n<script>x</script>\n",
    "kr/2018-01-01-renamed.md": GOOD_REPORT.replace("date: 2014-07-03", "date: 2018-01-01"),
    "kr/2014-07-09-duplicate-key.md": GOOD_REPORT.replace(
        "visibility: public", "visibility: public\nvisibility: internal"
    ),
    "kr/2014-07-10-internal-marker.md": GOOD_REPORT + "\n<!-- internal -->\nnever closed\n",
    "kr/empty.md": "",
}


@pytest.fixture
def broken_tree(kb_tree: Path) -> Path:
    for name, text in BROKEN.items():
        write(kb_tree / "reports" / name, text)
    for i in range(20):  # clean reports, so that every worker gets several
        write(kb_tree / "reports" / "kr" / f"2015-01-{i + 1:02d}-clean-{i}.md", GOOD_REPORT)
    return kb_tree


def test_workers_find_the_same_problems_in_the_same_order(broken_tree: Path, monkeypatch) -> None:
    monkeypatch.setattr(kb.checks.knowledgebase, "PARALLEL_FROM", 1)
    pools = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    project = Project.at(broken_tree)
    one, one_count = _all_problems(project, [], workers=1)
    assert pools == []
    two, two_count = _all_problems(project, [], workers=2)
    assert len(pools) == 1, "the second run did not use worker processes"
    assert one_count == two_count == 30
    assert [p.as_dict() for p in two] == [p.as_dict() for p in one]
    codes = {p.code for p in one}
    assert {
        "unknown-entity",
        "yaml-syntax",
        "duplicate-id",
        "unknown-report",
        "untagged-mention",
        "unsafe-html",
        "name-not-current",
        "duplicate-key",
        "internal-marker",
        "bad-file",
    } <= codes


def test_check_of_one_file_is_the_same_with_workers(broken_tree: Path, monkeypatch) -> None:
    monkeypatch.setattr(kb.checks.knowledgebase, "PARALLEL_FROM", 1)
    project = Project.at(broken_tree)
    target = broken_tree / "reports" / "kr" / "2014-07-06-dup.md"
    one, two = check(project, [target], workers=1), check(project, [target], workers=2)
    assert one.checked == two.checked == 1
    assert [p.as_dict() for p in two.problems] == [p.as_dict() for p in one.problems]
    assert [p.code for p in one.problems] == ["duplicate-id"]


def test_small_knowledge_bases_stay_in_one_process(broken_tree: Path, monkeypatch) -> None:
    def no_workers(*_args, **_kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_workers)
    result = check(Project.at(broken_tree), workers=2)
    assert result.checked == 30 and result.errors > 0


def test_a_report_held_for_review_is_not_public_to_the_checks_across_reports(
    kb_tree: Path, monkeypatch
) -> None:
    """Workers send back a stub of each report for the checks across reports; the stub must be
    as public as the report (one with open review points is not), or a public report superseding
    it would pass in parallel and fail in one process."""
    monkeypatch.setattr(kb.checks.knowledgebase, "PARALLEL_FROM", 1)
    write(
        kb_tree / "reports" / "kr" / "2014-07-11-under-review.md",
        GOOD_REPORT.replace("---\ntitle", "---\nreview: [check the figures]\ntitle"),
    )
    write(
        kb_tree / "reports" / "kr" / "2014-07-12-newer.md",
        GOOD_REPORT.replace("---\ntitle", "---\nsupersedes: 2014-07-11-under-review\ntitle"),
    )
    project = Project.at(kb_tree)
    one, _count = _all_problems(project, [], workers=1)
    two, _count = _all_problems(project, [], workers=2)
    assert [p.as_dict() for p in two] == [p.as_dict() for p in one]
    assert [(p.path, p.code, p.message) for p in one if p.code == "internal-reference"] == [
        (
            "reports/kr/2014-07-12-newer.md",
            "internal-reference",
            "a public report cannot supersede the internal report '2014-07-11-under-review': "
            "its id would be published",
        )
    ]
