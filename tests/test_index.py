"""``kb index``: contents, incremental updates, crash safety and the lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, write
from searchkit import ALL_IDS, PUBLIC_IDS, REPORTS, cli, documents_in, kb_command, make_tree, run_query

from kb.errors import LockedError
from kb.project import Project
from kb.search.matching import QuerySpec
from kb.search.store import Store, file_key, walk_order
from kb.search.update import fresh_generation, update_index


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


def live(root: Path) -> Path:
    generation = Store(root / ".kb" / "index").current()
    assert generation is not None
    return generation


def ids(root: Path, view: str = "staff", text: str = "") -> set[str]:
    found = run_query(live(root), QuerySpec(text=text, view=view, limit=None))
    return {hit.fields["key"] for hit in found.hits}


def test_full_build_indexes_every_valid_report(tree):
    result = update_index(Project.at(tree))
    assert result.rebuilt and result.reason == "no index yet"
    assert result.reports == len(REPORTS) and result.skipped == []
    assert ids(tree, "staff") == ALL_IDS
    assert ids(tree, "public") == PUBLIC_IDS
    docs = documents_in(live(tree))
    assert sorted(d["key"] for d in docs) == sorted(ALL_IDS)
    assert {d["path"] for d in docs} == {f"reports/{name}" for name in REPORTS}
    assert ".kb/" in (REPO / ".gitignore").read_text()  # the index is never committed


def test_internal_parts_of_public_reports_are_kept_apart(tree):
    update_index(Project.at(tree))
    docs = {d["key"]: d for d in documents_in(live(tree))}
    for key in PUBLIC_IDS:
        public = {k: v for k, v in docs[key].items() if k != "private"}
        assert "zqx" not in str(public).lower(), key
    private = docs["2019-06-18-korea-ai-and-health"]["private"]
    for word in ("zqxhidden", "Zqxnotes", "Zqxsecret", "Zqxtarget"):
        assert word in private
    assert "Both sides agreed" not in private
    assert "Zqxwombat" in docs["2020-01-15-japan-health-internal"]["body"]


def test_second_run_changes_nothing(tree):
    project = Project.at(tree)
    first = update_index(project)
    second = update_index(project)
    assert not second.changed and second.generation == first.generation
    assert second.summary() == f"index is up to date ({len(REPORTS)} reports)"


def test_incremental_update_touches_only_changed_reports(tree):
    project = Project.at(tree)
    update_index(project)
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    path.write_text(path.read_text().replace("Jeju island", "Jeju island and Ulsan"), encoding="utf-8")
    (tree / "reports" / "jp" / "2016-02-10-japan-solar.md").unlink()
    write(
        tree / "reports" / "kr" / "2021-01-01-korea-new.md",
        REPORTS["kr/2015-05-01-korea-smart-grid.md"].replace("smart grid pilots", "ports"),
    )
    result = update_index(project)
    assert not result.rebuilt
    assert (result.added, result.updated, result.removed) == (1, 1, 1)
    assert ids(tree, text="Ulsan") == {"2015-05-01-korea-smart-grid"}
    assert ids(tree, "public") == PUBLIC_IDS - {"2016-02-10-japan-solar"} | {"2021-01-01-korea-new"}


def test_touching_a_file_without_changing_it_does_not_reindex(tree):
    project = Project.at(tree)
    update_index(project)
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    os.utime(path, ns=(time.time_ns() + 5_000_000_000,) * 2)
    result = update_index(project)
    assert not result.changed
    assert update_index(project).generation == result.generation


def test_same_size_edit_within_the_same_second_is_seen(tree):
    """Timestamps may not tick between an edit and the previous run: such files are compared by content."""
    project = Project.at(tree)
    update_index(project)
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("Jeju", "Juju"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    result = update_index(project)
    assert result.updated == 1
    assert ids(tree, text="Juju") == {"2015-05-01-korea-smart-grid"}


def test_registry_change_rebuilds(tree):
    project = Project.at(tree)
    update_index(project)
    registry = tree / "reports" / "registry" / "extra.yml"
    registry.write_text(
        registry.read_text().replace(
            "aliases: [Artificial intelligence]", "aliases: [Artificial intelligence, Machine wisdom]"
        )
    )
    result = update_index(project)
    assert result.rebuilt and result.reason == "the registry changed"
    # The new alias is known to searches (entity names are expanded from the index's registry copy).
    result = cli(tree)("search", '"machine wisdom"', "--format", "json")
    assert {hit["id"] for hit in json.loads(result.stdout)["results"]} == {
        "2019-06-18-korea-ai-and-health",
        "2020-03-02-korea-energy-and-data",
    }


def test_reports_with_errors_are_left_out_until_fixed(tree):
    project = Project.at(tree)
    update_index(project)
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    good = path.read_text()
    path.write_text(good.replace("sectors: [energy]", "sectors: [enrgy]"), encoding="utf-8")
    result = update_index(project)
    assert result.skipped == ["reports/kr/2015-05-01-korea-smart-grid.md"] and result.removed == 1
    assert "2015-05-01-korea-smart-grid" not in ids(tree)
    path.write_text(good, encoding="utf-8")
    result = update_index(project)
    assert result.added == 1 and "2015-05-01-korea-smart-grid" in ids(tree)


def test_a_duplicate_id_takes_the_full_path_and_keeps_the_first(tree):
    project = Project.at(tree)
    update_index(project)
    write(
        tree / "reports" / "zz" / "2015-05-01-korea-smart-grid.md",
        REPORTS["kr/2015-05-01-korea-smart-grid.md"].replace("smart grid pilots", "copy"),
    )
    result = update_index(project)
    assert result.rebuilt and "ids" in result.reason
    assert result.skipped == ["reports/zz/2015-05-01-korea-smart-grid.md"]
    assert ids(tree, text="copy") == set()


def test_a_report_made_internal_takes_the_full_path_and_drops_what_supersedes_it(tree):
    """Whether a 'supersedes' is allowed depends on the other report (is it public?): changing
    that report alone is enough to refuse the one that names it, as kb check does."""
    project = Project.at(tree)
    newer = tree / "reports" / "kr" / "2020-03-02-korea-energy-and-data.md"
    newer.write_text(
        newer.read_text().replace("---\ntitle", "---\nsupersedes: 2015-05-01-korea-smart-grid\ntitle", 1),
        encoding="utf-8",
    )
    update_index(project)
    assert "2020-03-02-korea-energy-and-data" in ids(tree)
    older = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    older.write_text(
        older.read_text().replace("visibility: public", "visibility: internal"), encoding="utf-8"
    )
    result = update_index(project)
    assert result.rebuilt and result.skipped == ["reports/kr/2020-03-02-korea-energy-and-data.md"]
    assert "2020-03-02-korea-energy-and-data" not in ids(tree)


def _sorted_documents(root: Path) -> list[dict]:
    return sorted(documents_in(live(root)), key=lambda d: (d["path"], sorted(d.items())))


def test_removing_the_first_of_two_reports_with_one_id_makes_the_second_searchable(tree):
    """The second of two reports with one id fails the checks across reports only while the
    first exists: removing the first changes their verdict, so the update takes the full path."""
    project = Project.at(tree)
    first = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    write(
        tree / "reports" / "zz" / "2015-05-01-korea-smart-grid.md",
        REPORTS["kr/2015-05-01-korea-smart-grid.md"].replace("smart grid pilots", "copy"),
    )
    update_index(project)
    assert ids(tree, text="copy") == set()
    first.unlink()
    result = update_index(project)
    assert result.rebuilt and result.reason == "reports with shared or superseded ids changed"
    assert ids(tree, text="copy") == {"2015-05-01-korea-smart-grid"}


def test_a_supersedes_the_checks_accept_is_applied_in_place_as_a_rebuild_would(tree):
    """A report that now supersedes a public one changes no verdict of the checks across
    reports: it is updated in a copy of the index, which holds what a full build would."""
    project = Project.at(tree)
    update_index(project)
    newer = tree / "reports" / "kr" / "2020-03-02-korea-energy-and-data.md"
    newer.write_text(
        newer.read_text().replace("---\ntitle", "---\nsupersedes: 2015-05-01-korea-smart-grid\ntitle", 1),
        encoding="utf-8",
    )
    result = update_index(project)
    assert (result.rebuilt, result.updated, result.skipped) == (False, 1, [])
    updated = _sorted_documents(tree)
    update_index(project, rebuild=True)
    assert _sorted_documents(tree) == updated


def test_walk_order_is_the_order_kb_check_reads_reports_in(tree):
    """Which of two reports with one id is "first" follows the order kb check reads files in
    (a folder's files, then its subfolders): the incremental update sorts its manifest so."""
    write(tree / "reports" / "kr" / "sub" / "2001-01-01-a.md", "x")
    write(tree / "reports" / "kr" / "zz-last-by-name.md", "x")
    write(tree / "reports" / "a-top.md", "x")
    project = Project.at(tree)
    keys = [file_key(project, path) for path in project.report_files()]
    assert keys.index("reports/kr/zz-last-by-name.md") < keys.index("reports/kr/sub/2001-01-01-a.md")
    assert keys != sorted(keys)
    assert sorted(keys, key=walk_order) == keys


def test_progress_is_reported_by_phase(tree):
    calls = []
    update_index(Project.at(tree), progress=lambda *args: calls.append(args))
    assert ("reading", len(REPORTS), len(REPORTS)) in calls
    assert ("indexing", len(REPORTS), len(REPORTS)) in calls
    assert [c[1] for c in calls if c[0] == "indexing"] == list(range(1, len(REPORTS) + 1))


def test_cli_index_is_quiet_when_not_a_terminal(tree):
    run = cli(tree)
    result = run("index")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"indexed {len(REPORTS)} reports (no index yet) in ")
    assert result.stderr == ""
    assert run("index").stdout.startswith("index is up to date")
    assert run("index", "--rebuild").stdout.startswith(f"indexed {len(REPORTS)} reports (--rebuild)")


def test_index_dir_is_configurable(tree):
    result = cli(tree)("index", "--index-dir", "elsewhere/ix")
    assert result.exit_code == 0
    assert Store(tree / "elsewhere" / "ix").current() is not None
    assert not (tree / ".kb" / "index").exists()


def test_search_builds_a_missing_index_and_updates_a_stale_one(tree):
    run = cli(tree)
    first = run("search", "Jeju")
    assert first.exit_code == 0 and "2015-05-01-korea-smart-grid" in first.stdout
    assert first.stderr.startswith("indexed 6 reports")
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    path.write_text(path.read_text().replace("Jeju island", "Jeju island near Seogwipo"), encoding="utf-8")
    second = run("search", "Seogwipo", "--format", "json")
    assert second.exit_code == 0
    assert "1 changed" in second.stderr


def test_a_held_lock_is_a_clear_one_line_error(tree):
    update_index(Project.at(tree))
    store = Store(tree / ".kb" / "index")
    with store.locked(0):
        result = cli(tree)("index", "--wait", "0")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"error: another kb index is running (pid {os.getpid()})")
        assert "index.lock" in result.stderr
        with pytest.raises(LockedError):
            update_index(Project.at(tree), wait=0)
        # A search while another run holds the lock uses the index as it is, and says so.
        (tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md").unlink()
        fresh = fresh_generation(Project.at(tree), wait=0)
        assert fresh.update is None and "another kb index run" in fresh.notes[0]


# -- crash safety: a killed run never leaves a broken index ----------------------------------
KILLER = r"""
import os, signal, sys
from pathlib import Path
import kb.search.store as store_mod
from kb.search.update import update_index
from kb.project import Project

root, point, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode.endswith("-parallel"):  # the build shared among worker processes (kb.search.build)
    import kb.search.build
    kb.search.build.workers_for = lambda files: 2

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

progress = None
if ":" in point:
    phase, number = point.split(":")
    def progress(name, done, total):
        if name == phase and done >= int(number):
            die()
elif point == "commit":  # Whoosh writes its table of contents last
    import whoosh.index
    whoosh.index.TOC.write = die
elif point == "workers-done":  # every part written, none joined yet
    import kb.search.build
    kb.search.build.join_parts = die
elif point == "joining":  # some segment files of the parts moved, not all
    renames = []
    original_rename, parent = os.rename, os.getpid()
    def rename(*args):
        if os.getpid() == parent:  # not in the workers, which inherit this
            renames.append(args)
            if len(renames) == 2:
                die()
        return original_rename(*args)
    os.rename = rename
elif point == "before-swap":
    original = store_mod.write_text
    def write_text(path, *args, **kwargs):
        if Path(path).name == "CURRENT":
            die()
        return original(path, *args, **kwargs)
    store_mod.write_text = write_text
elif point == "after-swap":
    calls = []
    original_clean = store_mod.Store.clean
    def clean(self):
        calls.append(1)
        if len(calls) == 2:
            die()
        return original_clean(self)
    store_mod.Store.clean = clean
update_index(Project.at(root), rebuild=mode.startswith("rebuild"), progress=progress)
"""


def _kill_at(root: Path, point: str, mode: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(root), point, mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def _edit(tree: Path) -> None:
    path = tree / "reports" / "kr" / "2015-05-01-korea-smart-grid.md"
    path.write_text(path.read_text().replace("Jeju island", "Jeju island and Ulsan"), encoding="utf-8")
    (tree / "reports" / "jp" / "2016-02-10-japan-solar.md").unlink()


@pytest.mark.parametrize(
    "mode,point",
    [
        ("rebuild", "reading:3"),
        ("rebuild", "indexing:1"),
        ("rebuild", "indexing:5"),
        ("rebuild", "commit"),
        ("rebuild", "before-swap"),
        ("rebuild", "after-swap"),
        ("update", "reading:1"),
        ("update", "commit"),
        ("update", "before-swap"),
        ("update", "after-swap"),
        ("rebuild-parallel", "workers-done"),
        ("rebuild-parallel", "joining"),
        ("rebuild-parallel", "before-swap"),
    ],
)
def test_killed_index_run_leaves_a_whole_index(tree, mode, point):
    project = Project.at(tree)
    update_index(project)
    before = ids(tree)
    _edit(tree)
    after = ALL_IDS - {"2016-02-10-japan-solar"}
    _kill_at(tree, point, mode)
    # The live generation is whole: exactly the old or exactly the new set of reports.
    assert ids(tree) in (before, after)
    assert ids(tree, text="Ulsan") in (set(), {"2015-05-01-korea-smart-grid"})
    # Searching afterwards works and brings the index up to date.
    result = cli(tree)("search", "Ulsan", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"id": "2015-05-01-korea-smart-grid"' in result.stdout
    assert ids(tree) == after
    leftovers = [p.name for p in (tree / ".kb" / "index").iterdir() if p.name.startswith("tmp-")]
    assert leftovers == []


def test_a_killed_worker_process_is_a_clear_error_and_changes_nothing(tree, monkeypatch):
    """A worker of a parallel full build killed (say by the kernel, out of memory): the run
    fails with a message, the live index stays as it was, and no half-built folder stays."""
    import kb.search.build
    import kb.search.engine
    from kb.errors import KbError

    project = Project.at(tree)
    update_index(project)
    before = ids(tree)
    generation = live(tree)
    monkeypatch.setattr(kb.search.build, "workers_for", lambda files: 2)
    monkeypatch.setattr(kb.search.build, "create_index", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(KbError, match="worker process stopped"):
        update_index(project, rebuild=True)
    assert live(tree) == generation and ids(tree) == before
    assert [p.name for p in (tree / ".kb" / "index").iterdir() if p.name.startswith("tmp-")] == []


def _big_tree(root: Path, copies: int) -> Path:
    make_tree(root)
    text = REPORTS["kr/2015-05-01-korea-smart-grid.md"]
    for i in range(copies):
        write(
            root / "reports" / "bulk" / f"2015-05-01-bulk-{i:04d}.md",
            text.replace("smart grid pilots", f"pilot number {i}"),
        )
    return root


def test_kill_minus_9_of_a_real_kb_index_then_search(tmp_path):
    root = _big_tree(tmp_path, 400)
    index_dir = root / ".kb" / "index"
    process = subprocess.Popen(
        kb_command(root, "index"), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if index_dir.is_dir() and any(p.name.startswith("tmp-") for p in index_dir.iterdir()):
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "kb index finished before it could be killed"
    assert Store(index_dir).current() is None  # killed before its first generation went live
    result = cli(root)("search", "pilot", "--limit", "0", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"total": 401' in result.stdout  # the 400 copies and the report they copy
    assert ids(root) == ALL_IDS | {f"2015-05-01-bulk-{i:04d}" for i in range(400)}


def test_two_indexers_at_once_leave_one_whole_index(tmp_path):
    root = _big_tree(tmp_path, 150)
    processes = [
        subprocess.Popen(
            kb_command(root, "index", "--rebuild"),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert all(out.startswith("indexed 156 reports (--rebuild)") for out, _err in outputs)
    expected = ALL_IDS | {f"2015-05-01-bulk-{i:04d}" for i in range(150)}
    assert ids(root) == expected
    docs = documents_in(live(root))
    assert len(docs) == len({d["key"] for d in docs}) == len(expected)
    children = sorted(p.name for p in (root / ".kb" / "index").iterdir() if p.name != ".kb-output")
    assert [c for c in children if c.startswith("tmp-")] == [] and len(children) <= 3


def test_the_freshness_scan_finds_exactly_the_report_files(tree):
    from kb.search.store import file_key, scan

    write(tree / "reports" / "_drafts" / "2015-01-01-draft.md", "x")
    write(tree / "reports" / ".hidden" / "2015-01-01-hidden.md", "x")
    write(tree / "reports" / "kr" / "_notes.md", "x")
    write(tree / "reports" / "kr" / "README.md", "x")
    write(tree / "reports" / "kr" / "notes.txt", "x")
    write(tree / "reports" / "registry" / "2015-01-01-not-a-report.md", "x")
    write(tree / "reports" / "jp" / "deep" / "er" / "2015-01-01-deep.markdown", "x")
    project = Project.at(tree)
    found = scan(project)
    assert set(found.reports) == {file_key(project, p) for p in project.report_files()}
    assert "reports/jp/deep/er/2015-01-01-deep.markdown" in found.reports
    assert set(found.registry) == {"reports/registry/entities.yml", "reports/registry/extra.yml"}


def test_a_search_retries_once_when_its_generation_vanishes(tree, monkeypatch):
    import shutil

    import kb.search.matching
    from kb.search.api import SearchRequest, search
    from kb.search.store import GenerationGone

    update_index(Project.at(tree))
    gone = tree / "gone"
    shutil.copytree(live(tree), gone)
    shutil.rmtree(gone)
    with pytest.raises(GenerationGone):
        run_query(gone, QuerySpec())
    calls = []
    real = kb.search.matching.OpenIndex.__init__

    def flaky(self, generation):
        calls.append(generation)
        if len(calls) == 1:
            raise GenerationGone("the index changed while opening it")
        real(self, generation)

    monkeypatch.setattr(kb.search.matching.OpenIndex, "__init__", flaky)
    result = search(Project.at(tree), SearchRequest())
    assert len(calls) == 2 and result.total == len(PUBLIC_IDS)
