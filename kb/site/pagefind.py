"""Pagefind's index of the report pages, for the Find reports page (see :mod:`kb.site.find`).

Pagefind reads only each report page's ``data-pagefind-body`` (title, facts, summary, tags,
body, opportunities, targets and the hidden search data). That block is exactly the HTML
``kb build`` generated into ``docs/kb/reports/<id>.md`` (passed through MkDocs untouched, see
:mod:`kb.site.passthrough`), so ``kb build`` does not wait for the built site: it writes each
report's block into a bare page at the URL the site gives it (``kb/reports/<id>/index.html``)
and runs Pagefind on those while MkDocs builds the site, one process on each CPU. The bundle
then moves into the built site. The index is the one Pagefind makes from the built site
(a test compares them); :func:`index_search` still indexes a built site, for a site built by
other means (``zensical build``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kb.errors import BuildError
from kb.site import paths
from kb.site.children import python_module

#: Pagefind's bundle folder in a built site, and the pages it indexes (report pages only).
PAGEFIND_DIR = "pagefind"
PAGEFIND_GLOB = "kb/reports/*/index.html"
_REPORTS = "kb/reports"
_PAGE = '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"></head>\n<body>\n{}</body>\n</html>\n'


def _command(site_dir: Path, output: Path) -> list[str]:
    return python_module(
        "pagefind",
        "--site",
        str(site_dir),
        "--output-path",
        str(output),
        "--glob",
        PAGEFIND_GLOB,
        "--force-language",
        "en",
        "--exclude-selectors",
        ".headerlink",
        "--silent",
    )


def index_search(site_dir: Path) -> Path:
    """Pagefind's index of the report pages of a built site, into ``<site>/pagefind/``."""
    bundle = site_dir / PAGEFIND_DIR
    if bundle.is_dir():  # Pagefind adds to a folder: files of an earlier index would stay
        shutil.rmtree(bundle)
    command = _command(site_dir, bundle)
    _check(command, _run(command, wait=True), bundle)
    return bundle


def write_search_pages(docs_dir: Path, into: Path) -> int:
    """A bare page for each generated report page of ``docs_dir``, at its site URL under ``into``."""
    count = 0
    for source in sorted((docs_dir / _REPORTS).glob("*.md")):
        if source.name == "index.md":
            continue
        text = source.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        body = text[text.index("\n---\n", 4) + 5 :]
        target = into / paths.url(f"{_REPORTS}/{source.name}") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_PAGE.format(body), encoding="utf-8")
        count += 1
    return count


class Indexing:
    """Pagefind running on the report pages of ``docs_dir`` (in ``work``) while the caller builds
    the site; :meth:`finish` waits for it and moves the bundle into the built site."""

    def __init__(self, docs_dir: Path, work: Path) -> None:
        if work.exists():
            shutil.rmtree(work)
        pages = work / "pages"
        pages.mkdir(parents=True)
        count = write_search_pages(docs_dir, pages)
        self.work = work
        self.bundle = work / PAGEFIND_DIR
        self.command = _command(pages, self.bundle)
        # No report page (no public report yet): nothing to index, and Pagefind refuses an empty
        # site; the Find page of such a site has no search (see kb.site.find).
        self.process = _run(self.command, wait=False) if count else None

    def finish(self, site_dir: Path) -> Path | None:
        """The bundle, moved into ``site_dir``; None when there was nothing to index."""
        if self.process is None:
            shutil.rmtree(self.work, ignore_errors=True)
            return None
        stdout, stderr = self.process.communicate()
        _check(
            self.command,
            subprocess.CompletedProcess(self.command, self.process.returncode, stdout, stderr),
            self.bundle,
        )
        target = site_dir / PAGEFIND_DIR
        if target.exists():
            shutil.rmtree(target)
        shutil.move(self.bundle, target)
        shutil.rmtree(self.work, ignore_errors=True)
        return target

    def stop(self) -> None:
        """After a failed build: stop Pagefind (if still running) and drop its files."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.communicate()
        shutil.rmtree(self.work, ignore_errors=True)


def _run(command: list[str], *, wait: bool):
    try:
        if wait:
            return subprocess.run(command, capture_output=True, text=True)
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise BuildError(f"cannot run Pagefind: {exc}", hint="pip install 'pagefind[extended]'") from None


def _check(command: list[str], result: subprocess.CompletedProcess, bundle: Path) -> None:
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        output = (result.stderr or result.stdout or "").strip().splitlines()
        raise BuildError(
            "pagefind failed: " + (output[-1] if output else f"exit status {result.returncode}"),
            hint=f"run '{' '.join([sys.executable, '-m', *command[command.index('pagefind') :][:3]])}' "
            "to see every message"
            if "No module named" not in (result.stderr or "")
            else "install it: pip install 'pagefind[extended]'",
        )
