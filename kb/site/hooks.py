"""MkDocs hooks used by ``kb serve`` only: delete the built pages of docs files kb deleted,
and index the report pages for the Find page beside it.

``kb serve`` regenerates pages in its own process (:mod:`kb.site.incremental`) and runs
``mkdocs serve --dirty`` with a derived config that loads this file; MkDocs rebuilds when
generation rewrites files of its docs folder. The project root and build kind come in the
environment (KB_SITE_ROOT, KB_SITE_INTERNAL). ``kb build`` never loads it, and neither does
a plain ``mkdocs build`` or ``zensical build`` of the generated tree.

A rebuild renders only the pages whose files generation rewrote (``--dirty``), so the
built pages of files generation deleted (a report removed or made internal), which kb lists
in ``.kb/serve-removed``, are deleted here. After each rebuild, Pagefind runs in the
background on the generated report pages (as in ``kb build``, see :mod:`kb.site.pagefind`)
and its bundle replaces the served one when done, so a rebuild never waits for it: the Find
page follows a few seconds behind the pages. It starts a second after the last rebuild (a
rebuild that another follows is not indexed), and a rebuild stops the previous rebuild's
Pagefind if it still runs, so that Pagefind does not take a CPU from the pages being rebuilt.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("mkdocs.plugins.kb")
#: Where the serve process keeps the id of the Pagefind process it started last.
PAGEFIND_PID = "serve-pagefind.pid"
#: Which rebuild was the last (a token each rebuild writes), and how long after it Pagefind starts
#: if no rebuild follows: an edit makes two (its own page, then the other pages it changes), and
#: Pagefind started at once took a CPU from the second, and from the next edit's.
LAST_REBUILD = "serve-last-rebuild"
INDEX_DELAY = 1.0


#: Where a serving MkDocs keeps the theme's compiled templates between rebuilds.
TEMPLATE_CACHE = "serve-templates"


def on_config(config, **_kwargs):
    """A preview renders no sitemap: it lists every page, on every rebuild (about a tenth of a
    second at 1,000 reports), and nobody reads a preview's. ``kb build`` never loads this file:
    the published site keeps its sitemap."""
    if os.environ.get("KB_SITE_ROOT"):
        config.theme.static_templates.discard("sitemap.xml")
    return config


def on_env(env, config, **_kwargs):
    """Keep the theme's compiled templates between rebuilds: each rebuild makes a new Jinja
    environment, which compiled every template again (0.3 s of a 1 s rebuild at 1,000 reports).
    Jinja checks each template's source against the cached one, so an edited override is
    compiled again."""
    root = os.environ.get("KB_SITE_ROOT")
    if not root:
        return env
    from jinja2 import FileSystemBytecodeCache

    from kb.project import Project

    folder = Project.at(root).state_dir / TEMPLATE_CACHE
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_pre_build(config, **_kwargs) -> None:
    """Delete the built pages of docs files kb serve deleted."""
    from pathlib import Path

    from kb.project import Project
    from kb.site.serve import serve_removed_file

    root = os.environ.get("KB_SITE_ROOT")
    if not root:
        return
    project = Project.at(root)
    # This rebuild indexes again when it is done: an index of the pages before it is not waited for.
    _stop_previous(project.state_dir / PAGEFIND_PID)
    internal = os.environ.get("KB_SITE_INTERNAL") == "1"
    site_dir = Path(config["site_dir"])
    listed = serve_removed_file(project, internal)
    taken = listed.with_name(f"{listed.name}.{os.getpid()}")
    try:
        os.replace(listed, taken)  # kb appends to a new file meanwhile
        removed = taken.read_text(encoding="utf-8").splitlines()
        taken.unlink()
    except OSError:
        removed = []
    for relative in removed:
        if relative:
            _remove_built(site_dir, relative)


def on_post_build(config, **_kwargs) -> None:
    """Index the report pages with Pagefind once the pages are built, in the background (writing
    the pages Pagefind reads takes seconds at 5,000 reports, and the server answers only once
    this returns), then put its bundle into the served site."""
    import threading
    from pathlib import Path

    from kb.project import Project
    from kb.site.build import INTERNAL_DOCS

    root = os.environ.get("KB_SITE_ROOT")
    if not root:
        return
    project = Project.at(root)
    internal = os.environ.get("KB_SITE_INTERNAL") == "1"
    docs_dir = project.state_dir / INTERNAL_DOCS if internal else project.docs_dir
    token = f"{os.getpid()} {time.monotonic_ns()}"
    project.state_dir.mkdir(parents=True, exist_ok=True)
    (project.state_dir / LAST_REBUILD).write_text(token, encoding="utf-8")
    # Pagefind is started, and waited for, in that thread: a child started by a thread that ends
    # is killed with it (see kb.site.children).
    args = (project, docs_dir, Path(config["site_dir"]), token)
    threading.Thread(target=_index, args=args, daemon=True).start()


def _index(project, docs_dir, site_dir, token: str) -> None:
    from kb.errors import KbError

    time.sleep(INDEX_DELAY)
    try:
        if (project.state_dir / LAST_REBUILD).read_text(encoding="utf-8") != token:
            return  # a later rebuild indexes
    except OSError:
        return
    try:
        indexing = _start_indexing(project, docs_dir)
    except KbError as exc:
        log.warning("kb: search index not built: %s", exc.render())
        return
    except OSError as exc:  # a newer rebuild's indexing removed the folder meanwhile
        log.debug("kb: search index not started: %s", exc)
        return
    _finish(indexing, site_dir)


def _remove_built(site_dir, relative: str) -> None:
    """The built page (or file) of a docs file that is no longer generated."""
    import shutil

    from kb.site import paths

    target = site_dir / (paths.url(relative) if relative.endswith(".md") else relative)
    if target.resolve() == site_dir.resolve() or site_dir.resolve() not in target.resolve().parents:
        return
    if target.is_dir():
        shutil.rmtree(target, ignore_errors=True)
    elif target.exists():
        target.unlink()


def _start_indexing(project, docs_dir):
    import tempfile
    from pathlib import Path

    from kb.site.pagefind import Indexing

    state = project.state_dir
    state.mkdir(parents=True, exist_ok=True)
    _stop_previous(state / PAGEFIND_PID)
    indexing = Indexing(docs_dir, Path(tempfile.mkdtemp(prefix="pagefind-serve-", dir=state)))
    if indexing.process is not None:  # None: no report to index (see Indexing)
        (state / PAGEFIND_PID).write_text(str(indexing.process.pid), encoding="utf-8")
    return indexing


def _stop_previous(pid_file) -> None:
    """Stop the Pagefind this server started for an earlier rebuild, if it still runs (checked by
    its command line, so that a reused process id is never hit)."""
    import signal

    try:
        pid = int(pid_file.read_text(encoding="utf-8"))
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if b"pagefind" in cmdline.read():
                os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        pass


def _finish(indexing, site_dir) -> None:
    from kb.errors import KbError

    try:
        indexing.finish(site_dir)
    except KbError as exc:
        if (
            indexing.process is not None
            and indexing.process.returncode is not None
            and indexing.process.returncode < 0
        ):
            indexing.stop()  # stopped for a newer rebuild: nothing to report
        else:
            log.warning("kb: search index not built: %s", exc.render())
            indexing.stop()
    except OSError as exc:  # a newer rebuild's bundle moved in at the same moment
        log.debug("kb: search index not moved: %s", exc)
        indexing.stop()
