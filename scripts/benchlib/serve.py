"""Live preview latency: how long `kb serve` takes to show an edit to one report.

On a copy of a corpus (reports, registry, mkdocs.yml, hand-written pages), start `kb serve` on a
free port, wait until it serves a public report's page, then append a paragraph with a unique
word to that report's body and poll the page's URL until the word appears: the seconds from
saving the file to the page showing it, as a reader reloading the page would see it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .common import REPO

#: What a corpus copy needs for `kb serve` (never its built site, index or state).
COPIED = ("reports", "site_pages", "overrides", "mkdocs.yml")
POLL = 0.05


@dataclass
class ServeResult:
    reports: int
    startup: float  # from starting `kb serve` to the report page being served
    edits: list[float] = field(default_factory=list)  # seconds from each save to the page showing it
    report_id: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def copy_corpus(corpus: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = corpus / name
        if source.is_dir():
            shutil.copytree(
                source, into / name, ignore=shutil.ignore_patterns("kb") if name == "site_pages" else None
            )
        elif source.exists():
            shutil.copy2(source, into / name)
    return into


def public_report(root: Path) -> Path:
    """A public report without internal sections, in the middle of the corpus."""
    files = sorted(p for p in (root / "reports").rglob("*.md") if "registry" not in p.parts)
    candidates = [
        p
        for p in files
        if "visibility: public" in (text := p.read_text(encoding="utf-8")) and "<!--" not in text
    ]
    if not candidates:
        raise SystemExit(f"no public report in {root}")
    return candidates[len(candidates) // 2]


def measure_serve(
    corpus: Path,
    *,
    edits: int = 3,
    startup_limit: float = 900,
    edit_limit: float = 300,
    keep: Path | None = None,
    log=sys.stderr,
) -> ServeResult:
    """Serve a copy of ``corpus`` and time ``edits`` edits of one report (see the module's text)."""
    work = Path(tempfile.mkdtemp(prefix="kb-bench-serve-")) if keep is None else keep
    root = copy_corpus(corpus, work / "kb")
    report = public_report(root)
    reports = sum(1 for p in (root / "reports").rglob("*.md") if "registry" not in p.parts)
    port = free_port()
    url = f"http://127.0.0.1:{port}/kb/reports/{report.stem}/"
    output = (work / "serve.log").open("w", encoding="utf-8")
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "--root", str(root), "serve", "--address", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=output,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait(url, "<h1", process, startup_limit, work)
        result = ServeResult(reports, time.perf_counter() - started, report_id=report.stem)
        print(
            f"  kb serve: {reports} reports served after {result.startup:.1f} s; editing {report.stem}",
            file=log,
            flush=True,
        )
        for number in range(edits):
            time.sleep(2)  # let the server settle: a rebuild still running would count against the edit
            word = f"kbpreview{os.getpid()}x{number}"
            text = report.read_text(encoding="utf-8")
            report.write_text(text.rstrip("\n") + f"\n\nThe preview shows {word}.\n", encoding="utf-8")
            saved = time.perf_counter()
            _wait(url, word, process, edit_limit, work)
            result.edits.append(time.perf_counter() - saved)
            print(f"  edit {number + 1}: shown after {result.edits[-1]:.2f} s", file=log, flush=True)
        return result
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        output.close()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _wait(url: str, needle: str, process: subprocess.Popen, limit: float, work: Path) -> None:
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        if process.poll() is not None:
            raise SystemExit(
                f"kb serve stopped (exit status {process.returncode}); see {work / 'serve.log'}:\n"
                + (work / "serve.log").read_text(encoding="utf-8")[-2000:]
            )
        page = fetch(url)
        if page and needle in page:
            return
        time.sleep(POLL)
    raise SystemExit(f"{needle!r} never appeared at {url} within {limit:.0f} s")
