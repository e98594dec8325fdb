"""``kb build`` and ``kb export`` are crash safe and run one at a time.

Real ``kb`` processes are killed with SIGKILL in every phase of a run (writing
pages, MkDocs, Pagefind, just before the swap, between the two renames of the
fallback swap, just after the swap). After each kill the previous output must
be live and byte for byte unchanged (or, after the swap, the whole new one),
and the next run must succeed and clean up. Phases too short to hit from
outside are reached by a small script that runs the real command and kills its
own process group at that point (see ``KILLER``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from searchkit import kb_command
from sitekit import crawl, make_tree

from kb.cli import main
from kb.util.folders import leftovers_of, locked, recover

EDITED = "reports/kr/2018-05-01-korea-health-data.md"
EDITED_PAGE = "kb/reports/2018-05-01-korea-health-data/index.html"
NEW_TEXT = "Sejong"

KILLER = r"""
import os, shutil, signal, subprocess, sys, time
from pathlib import Path
import kb.util.atomic, kb.util.folders
import kb.site.generate as generate
from kb.cli import main

point, args = sys.argv[1], sys.argv[2:]

def die(*_args, **_kwargs):
    os.killpg(0, signal.SIGKILL)  # this run and its children (MkDocs, Pagefind), like a closed terminal

real_rename, real_rmtree, real_run = os.rename, shutil.rmtree, subprocess.run
if point == "generating":  # half of the generated pages written
    real_sync = generate.sync
    def sync(folder, files, managed):
        real_sync(folder, dict(list(files.items())[: len(files) // 2]), managed=lambda _r: False)
        die()
    generate.sync = sync
elif point == "pagefind":  # while Pagefind indexes the report pages (beside MkDocs, kb.site.pagefind)
    real_popen = subprocess.Popen
    class Popen(real_popen):
        def __init__(self, command, *a, **k):
            super().__init__(command, *a, **k)
            if "pagefind" in command:
                time.sleep(0.03)
                die()
    subprocess.Popen = Popen
elif point == "writing":  # the export, three files written
    real_write, calls = kb.util.atomic.write_text, []
    def write_text(*a, **k):
        calls.append(1)
        if len(calls) > 3:
            die()
        return real_write(*a, **k)
    kb.util.atomic.write_text = write_text
elif point == "before-swap":  # the new folder complete and flushed
    kb.util.folders.swap = die
if point.endswith("-fallback") or point == "between-renames":  # no atomic exchange: two renames
    kb.util.folders.exchange = lambda a, b: False
if point == "between-renames":  # live renamed away, new not yet renamed in
    def rename(src, dst):
        if Path(src).name.startswith(f".{Path(dst).name}.new-"):
            die()
        return real_rename(src, dst)
    os.rename = rename
elif point.startswith("after-swap"):  # the new folder live, the old one not yet deleted
    def rmtree(path, *a, **k):
        if ".new-" in Path(path).name or ".old-" in Path(path).name:
            die()
        return real_rmtree(path, *a, **k)
    shutil.rmtree = rmtree
main(args)
"""


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def kill_at(point: str, root: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, point, "--root", str(root), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    assert done.returncode == -signal.SIGKILL, f"not killed at {point}: {done.stderr}"


def kill_when(root: Path, args: tuple[str, ...], ready, *, group: bool, must_kill: bool = True) -> bool:
    """Start a real ``kb`` and kill it (alone, or with its children) once ``ready()`` is true."""
    process = subprocess.Popen(
        kb_command(root, *args),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _orphans.append(process.pid)  # its process group, stopped after the test should any child outlive it
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline and not ready():
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        (os.killpg if group else os.kill)(process.pid, signal.SIGKILL)
    killed = process.wait() == -signal.SIGKILL
    assert killed or not must_kill, f"kb {' '.join(args)} finished before it was killed"
    return killed


_orphans: list[int] = []


@pytest.fixture(autouse=True)
def _stop_orphans():
    yield
    while _orphans:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(_orphans.pop(), signal.SIGKILL)


def staging(live: Path) -> Path | None:
    found = [p for p in leftovers_of(live) if ".new-" in p.name]
    return found[0] if found else None


def assert_whole_site(site: Path, text: str | None = None) -> None:
    """A site a reader can use: home page, report pages, sitemap, Find index, no broken link."""
    assert (site / "index.html").is_file()
    page = (site / EDITED_PAGE).read_text(encoding="utf-8")
    if text:
        assert text in page
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = [e.text for e in sitemap.iter() if e.tag.endswith("loc")]
    assert any(loc.endswith("/kb/reports/2018-05-01-korea-health-data/") for loc in locations)
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert crawl(site)[1] == [], "no broken links"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict, dict, dict]:
    """A tree built once (public site, staff site, export) with the code under test."""
    root = make_tree(tmp_path_factory.mktemp("crash"))
    for args in (("build",), ("build", "--internal"), ("export",)):
        result = kb(root, *args)
        assert result.exit_code == 0, result.output
    return root, snapshot(root / "site"), snapshot(root / "site-internal"), snapshot(root / "export")


@pytest.fixture
def tree(template, tmp_path) -> Path:
    """A copy of the built tree with one report edited since, so the next run's output differs."""
    root = tmp_path / "kb"
    shutil.copytree(template[0], root, symlinks=True)
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("met.", f"met in {NEW_TEXT}."), encoding="utf-8")
    return root


# -- kb build ---------------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["generating", "pagefind", "before-swap", "after-swap"])
def test_killed_build_leaves_the_previous_site_whole(template, tree, point):
    site = tree / "site"
    kill_at(point, tree, "build")
    if point == "after-swap":
        assert_whole_site(site, NEW_TEXT)  # swapped in whole before the kill
    else:
        assert snapshot(site) == template[1]
    if point != "generating":  # the new folder is made once the pages are generated
        assert leftovers_of(site), "the killed run left its folder behind"
    result = kb(tree, "build")
    assert result.exit_code == 0, result.output
    assert_whole_site(site, NEW_TEXT)
    assert leftovers_of(site) == []


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children die with kb through a Linux call")
def test_kill_minus_9_of_kb_build_alone_takes_mkdocs_and_pagefind_with_it(template, tree):
    """Only kb is killed (SIGKILL, its process alone): MkDocs and Pagefind die with it, so none is
    left to re-create a .site.new-* folder after the next build has cleaned up (issue 12)."""
    site = tree / "site"
    children: dict[int, bytes] = {}  # pid -> command line, when kb was killed

    def mkdocs_writing() -> bool:
        if (s := staging(site)) is not None and (s / "assets").is_dir():
            for child in children_of(_orphans[-1]):
                try:
                    children[child] = Path(f"/proc/{child}/cmdline").read_bytes()
                    # Frozen, a child cannot finish on its own: only dying with kb ends it.
                    os.kill(child, signal.SIGSTOP)
                except OSError:
                    pass
            return True
        return False

    kill_when(tree, ("build",), mkdocs_writing, group=False)
    assert any(b"mkdocs" in command for command in children.values()), "MkDocs ran when kb was killed"
    deadline = time.monotonic() + 60
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.01)  # the kernel kills them as kb dies; being reaped takes a moment
    assert [c for c in children if alive(c)] == []
    assert snapshot(site) == template[1]
    result = kb(tree, "build")
    assert result.exit_code == 0, result.output
    assert_whole_site(site, NEW_TEXT)
    assert leftovers_of(site) == []


def test_killed_build_between_the_two_renames_is_undone_by_the_next_run(template, tree):
    site = tree / "site"
    kill_at("between-renames", tree, "build")
    assert not site.exists()  # the one moment the fallback swap leaves no live folder
    recover(site, "site")  # what the next kb build or kb export does first
    assert snapshot(site) == template[1]
    assert kb(tree, "build").exit_code == 0
    assert_whole_site(site, NEW_TEXT)
    assert leftovers_of(site) == []


def test_killed_internal_build_leaves_the_previous_staff_site_whole(template, tree):
    site = tree / "site-internal"
    kill_when(
        tree,
        ("build", "--internal"),
        lambda: (s := staging(site)) is not None and (s / "assets").is_dir(),
        group=True,
    )
    assert snapshot(site) == template[2]
    assert snapshot(tree / "site") == template[1]
    result = kb(tree, "build", "--internal")
    assert result.exit_code == 0, result.output
    assert_whole_site(site, NEW_TEXT)
    assert leftovers_of(site) == []


def test_a_failed_build_leaves_the_previous_site(template, tree):
    config = tree / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - Targets: kb/targets.md\n", "  - Targets: kb/targets.md\n  - Gone: gone.md\n"
        )
    )
    result = kb(tree, "build")
    assert result.exit_code == 1 and "mkdocs build failed" in result.stderr
    assert snapshot(tree / "site") == template[1]
    assert leftovers_of(tree / "site") == []


def test_two_builds_at_once_one_refused_in_one_line_and_the_site_whole(template, tree):
    lock = tree / ".kb" / "site.lock"
    first = subprocess.Popen(
        kb_command(tree, "build"), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while first.poll() is None and time.monotonic() < deadline and lock.read_text().strip() != str(first.pid):
        time.sleep(0.005)  # the first holds the lock once its pid is in the lock file
    second = subprocess.run(kb_command(tree, "build"), cwd=REPO, capture_output=True, text=True, timeout=60)
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert second.stderr == (
        f"site: error: another kb build is running (pid {first.pid}) "
        "(wait for it to finish, then build again)\n"
    )
    assert_whole_site(tree / "site", NEW_TEXT)
    assert leftovers_of(tree / "site") == []


def test_a_held_site_lock_is_a_one_line_error(tree):
    with locked(tree / ".kb" / "site-internal.lock", "test", "x", hint="x"):
        result = kb(tree, "build", "--internal")
    assert result.exit_code == 1
    assert result.stderr == (
        f"site-internal: error: another kb build --internal is running (pid {os.getpid()}) "
        "(wait for it to finish, then build again)\n"
    )
    assert kb(tree, "build", "--internal").exit_code == 0  # the lock is gone with its holder


# -- kb export --------------------------------------------------------------------------------
@pytest.fixture
def expected_export(tree) -> dict[str, bytes]:
    assert kb(tree, "export", "--out", str(tree / "expected")).exit_code == 0
    return snapshot(tree / "expected")


@pytest.mark.parametrize("point", ["writing", "before-swap", "after-swap", "after-swap-fallback"])
def test_killed_export_leaves_the_previous_files_whole(template, tree, expected_export, point):
    folder = tree / "export"
    kill_at(point, tree, "export")
    assert snapshot(folder) == (expected_export if point.startswith("after-swap") else template[3])
    assert leftovers_of(folder)
    assert kb(tree, "export").exit_code == 0
    assert snapshot(folder) == expected_export
    assert leftovers_of(folder) == []


def test_killed_export_between_the_two_renames_is_undone_by_the_next_run(template, tree, expected_export):
    folder = tree / "export"
    kill_at("between-renames", tree, "export")
    assert not folder.exists()
    recover(folder, "export")
    assert snapshot(folder) == template[3]
    assert kb(tree, "export").exit_code == 0
    assert snapshot(folder) == expected_export


def test_kb_export_killed_at_any_moment_leaves_old_or_new_files(template, tree, expected_export):
    """Real ``kb export`` processes killed after growing delays, each in another phase."""
    folder = tree / "export"
    killed = []
    for delay in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3):
        start = time.monotonic()

        def late_enough(start: float = start, delay: float = delay) -> bool:
            return time.monotonic() - start > delay

        killed.append(
            kill_when(tree, ("export",), late_enough, group=True, must_kill=False)
        )  # a late kill may find the run done: that is fine too
        assert snapshot(folder) in (template[3], expected_export), f"killed after {delay} s"
    assert killed[0], "the first kill lands while Python is still starting kb"
    assert kb(tree, "export").exit_code == 0
    assert snapshot(folder) == expected_export
    assert leftovers_of(folder) == []


def test_a_held_export_lock_is_a_one_line_error(tree):
    with locked(tree / ".kb" / "export.lock", "test", "x", hint="x"):
        result = kb(tree, "export")
    assert result.exit_code == 1
    assert result.stderr == (
        f"export: error: another kb export is running (pid {os.getpid()}) "
        "(wait for it to finish, then export again)\n"
    )


def test_export_never_replaces_a_folder_holding_other_files(tree):
    mine = tree / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    result = kb(tree, "export", "--out", str(mine))
    assert result.exit_code == 1
    assert result.stderr == (
        "mine: error: the folder holds files kb export did not write (notes.txt); "
        "not replacing it (choose a new or empty folder with --out)\n"
    )
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert kb(tree, "export", "--out", str(tree)).exit_code == 1  # the project itself, say
    assert (tree / "reports").is_dir() and not (tree / "reports.json").exists()


def test_export_keeps_a_symlinked_folder_and_its_permissions(tree):
    real = tree / "data-real"
    real.mkdir(mode=0o750)
    os.chmod(real, 0o750)
    (tree / "data").symlink_to(real)
    assert kb(tree, "export", "--out", str(tree / "data")).exit_code == 0
    assert (tree / "data").is_symlink() and (real / "reports.json").is_file()
    assert oct(real.stat().st_mode & 0o777) == oct(0o750)
    umask = os.umask(0o022)
    os.umask(umask)
    assert oct((real / "reports.json").stat().st_mode & 0o777) == oct(0o666 & ~umask)
