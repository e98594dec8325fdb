"""The system's Chromium driven by Playwright, and a static server for a built site, for browser tests.

Playwright's own browser download is never used: the browser is the system's package
(``/usr/bin/chromium``; ``scripts/test`` installs it on CI machines). Without it the browser
tests skip with a message, except under CI (``CI`` set), where they fail: a CI run must not
pass by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    """``KB_CHROMIUM`` if set, else the system's Chromium."""
    for candidate in (
        os.environ.get("KB_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable(why: str) -> None:
    message = (
        f"{why}. The browser tests drive the system's Chromium: install it with the system's "
        "package manager (apt-get install chromium), or set KB_CHROMIUM to its path"
    )
    if in_ci():
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


def launch():
    """(playwright, browser); the caller stops both."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("no Chromium found at /usr/bin/chromium or on PATH")
    playwright = sync_playwright().start()
    try:
        return playwright, playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken or incompatible browser: say which and why
        playwright.stop()
        unavailable(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module (import this fixture into the module to use it)."""
    playwright, chromium = launch()
    yield chromium
    chromium.close()
    playwright.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass


class StaticServer:
    """Serves ``folder`` on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
