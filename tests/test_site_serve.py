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
        report = root / "reports" / "jp" / "2019-03-01-japan-robots.md"
        report.write_text(report.read_text().replace('title: "Japan: robots', 'title: "Japan: cobots'))
        wait_for(base + "kb/reports/2019-03-01-japan-robots/", "Japan: cobots", process)
        registry = root / "reports" / "registry" / "extra.yml"
        registry.write_text(registry.read_text().replace("Expo 2025 Osaka", "Expo 2025 Osaka Kansai"))
        wait_for(base + "kb/entities/event/expo-2025/", "Expo 2025 Osaka Kansai", process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
    assert not (Path(root) / "site_pages" / "kb" / "reports" / "unexpected.md").exists()
