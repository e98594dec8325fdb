"""``kb serve``: serves the site on 127.0.0.1 and regenerates pages when reports or the registry change."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sitekit import make_tree

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, process: subprocess.Popen, limit: float = 90) -> str:
    """Poll until the page contains ``needle`` (a generous limit: this is not a timing test)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        assert process.poll() is None, process.stdout.read() if process.stdout else "server exited"
        page = fetch(url)
        if page and needle in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} never appeared at {url}")


def test_serve_regenerates_when_a_report_or_the_registry_changes(tmp_path):
    root = make_tree(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "--root", str(root), "serve", "--address", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "kb/reports/2019-03-01-japan-robots/", "Japan: robots", process)
        index_before = wait_for(base + "pagefind/pagefind-entry.json", '"languages"', process)
        report = root / "reports" / "jp" / "2019-03-01-japan-robots.md"
        report.write_text(report.read_text().replace('title: "Japan: robots', 'title: "Japan: cobots'))
        wait_for(base + "kb/reports/2019-03-01-japan-robots/", "Japan: cobots", process)
        # The Find page's index follows (Pagefind runs a second after the last rebuild).
        end = time.monotonic() + 90
        while fetch(base + "pagefind/pagefind-entry.json") in (index_before, None):
            assert time.monotonic() < end, "the Find page's index was not made again after the edit"
            time.sleep(0.5)
        registry = root / "reports" / "registry" / "extra.yml"
        registry.write_text(registry.read_text().replace("Expo 2025 Osaka", "Expo 2025 Osaka Kansai"))
        wait_for(base + "kb/entities/event/expo-2025/", "Expo 2025 Osaka Kansai", process)
        # A deleted report's page is gone from the served site (the hook deletes its built page).
        report.unlink()
        end = time.monotonic() + 90
        while fetch(base + "kb/reports/2019-03-01-japan-robots/") is not None:
            assert time.monotonic() < end, "the deleted report's page is still served"
            time.sleep(0.5)
        assert "Japan: cobots" not in (fetch(base + "kb/reports/") or "Japan: cobots")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
    assert not (Path(root) / "site_pages" / "kb" / "reports" / "unexpected.md").exists()


def session_processes(session: int) -> dict[int, bytes]:
    """The live processes (not zombies) of a session, with their command lines."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != b"Z":
            found[int(name)] = cmdline
    return found


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no listener
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_stops_every_process_it_started(tmp_path, stop):
    """Stopped while it rebuilds after an edit, kb serve takes MkDocs and the Pagefind it started
    down with it before exiting, and the port is free again."""
    root = make_tree(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb.cli", "--root", str(root), "serve", "--address", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # only for the clean-up below: the signal goes to kb alone
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        page = base + "kb/reports/2019-03-01-japan-robots/"
        wait_for(page, "Japan: robots", process)
        report = root / "reports" / "jp" / "2019-03-01-japan-robots.md"
        started: dict[int, bytes] = {}
        for attempt in range(5):  # edit until the rebuild's Pagefind is caught running
            report.write_text(report.read_text().replace("robots", f"robots{attempt}", 1))
            end = time.monotonic() + 30
            # No page is fetched meanwhile: MkDocs answers only once the rebuild is done.
            while time.monotonic() < end and not any(b"pagefind" in c for c in started.values()):
                started = {p: c for p, c in session_processes(process.pid).items() if p != process.pid}
                time.sleep(0.01)
            if any(b"pagefind" in c for c in started.values()):
                break
        assert any(b"mkdocs" in c for c in started.values()), started
        assert any(b"pagefind" in c for c in started.values()), "the rebuild's Pagefind was never seen"
        os.kill(process.pid, stop)
        status = process.wait(timeout=60)
        left = {p: c for p, c in session_processes(process.pid).items() if p in started}
        assert left == {}
        assert port_is_free(port)
        assert fetch(base) is None
        assert status == 130  # as for Ctrl-C, with its message
        assert "interrupted" in log.read_text()
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_stop_group_stops_a_child_and_what_it_started(tmp_path):
    """The library side: :func:`kb.site.children.stop_group` stops a child in a group of its own and
    the grandchild it started (which ignores SIGTERM, so only the SIGKILL after the grace ends it),
    and reaps the child."""
    from kb.site.children import stop_group

    pid_file = tmp_path / "grandchild"
    script = (
        "import signal, subprocess, sys, time\n"
        "grandchild = subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(grandchild.pid))\n"
        "time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], process_group=0)
    try:
        end = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < end:
            time.sleep(0.05)
        grandchild = int(pid_file.read_text())
        assert child.pid in session_processes(os.getsid(0)) and grandchild in session_processes(os.getsid(0))
        stop_group(child, grace=0.5)
        assert child.returncode is not None
        assert grandchild not in session_processes(os.getsid(0))
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
