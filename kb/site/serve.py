"""``kb serve``: the site served on 127.0.0.1 by ``mkdocs serve``, its pages regenerated here.

This process keeps the parsed reports and the generated pages (:class:`kb.site.incremental.Preview`),
looks at ``reports/`` and ``mkdocs.yml`` for changes, and after a change regenerates only the
pages it can change; ``mkdocs serve --dirty`` sees the rewritten files and rebuilds those pages,
and its hook (:mod:`kb.site.hooks`) deletes the built pages of files generation deleted and
starts Pagefind.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from kb.errors import UsageError
from kb.project import Project
from kb.site.build import SERVE_HOST, _hooked_config, sources_fingerprint
from kb.site.children import python_module


def serve_site(
    project: Project,
    *,
    address: str = f"{SERVE_HOST}:8000",
    internal: bool = False,
    notify: Callable[[str], None] | None = None,
) -> int:
    """``kb serve``: generate, then serve on 127.0.0.1 and regenerate when reports change.

    This process keeps the parsed reports and the generated pages (:class:`kb.site.incremental.Preview`),
    watches ``reports/`` and ``mkdocs.yml``, and after a change regenerates only the pages it can
    change; ``mkdocs serve --dirty`` sees the rewritten files and rebuilds those pages. ``notify``
    gets one line per regeneration or problem (the CLI prints them).

    Ctrl-C, SIGTERM or SIGHUP stops it and every process it started (see :mod:`kb.site.children`),
    then raises :class:`KeyboardInterrupt`."""
    from kb.site.children import stopped_by_signals

    with stopped_by_signals():
        return _serve(project, address, internal, notify or (lambda _line: None))


def _serve(project: Project, address: str, internal: bool, notify: Callable[[str], None]) -> int:
    from kb.site.children import start_in_group, stop_group
    from kb.site.incremental import Preview
    from kb.util.workers import cpus_available

    host, _, port = address.rpartition(":")
    if host not in (SERVE_HOST, "localhost") or not port.isascii() or not port.isdigit():
        raise UsageError(
            f"cannot serve on '{address}'",
            hint=f"the site is served on this machine only: use {SERVE_HOST}:PORT",
        )
    if not 1 <= int(port) <= 65535:
        raise UsageError(
            f"cannot serve on '{address}': port {int(port)} is not between 1 and 65535",
            hint=f"use {SERVE_HOST}:8000, or another free port",
        )
    for leftover in project.state_dir.glob("pagefind-serve-*"):  # of a server stopped while indexing
        shutil.rmtree(leftover, ignore_errors=True)
    removed_list = serve_removed_file(project, internal)
    removed_list.unlink(missing_ok=True)
    sources = sources_fingerprint(project)
    # Forking page workers is safe here: no other thread runs in this process, now or later.
    preview = Preview(project, internal=internal, workers=cpus_available())
    generated = preview.update()
    config = _hooked_config(project, generated, "serve", ("hooks",), internal=internal)
    env = dict(
        os.environ,
        NO_MKDOCS_2_WARNING="1",
        KB_SITE_ROOT=str(project.root),
        KB_SITE_INTERNAL="1" if internal else "0",
    )
    # --dirty: a rebuild renders only the pages whose file generation just rewrote (see
    # docs/site.md, "Serving"); kb.site.hooks removes the pages of files it deleted. MkDocs warns
    # about every dirty build, so the preview is not strict: warnings show in the terminal, and
    # kb build, always strict, stops on them.
    command = python_module(
        "mkdocs", "serve", "--dirty", "--no-strict", "-a", f"{SERVE_HOST}:{port}", "-f", str(config)
    )
    process = start_in_group(command, cwd=project.root, env=env)
    try:
        while process.poll() is None:
            started = time.monotonic()
            now = sources_fingerprint(project)
            # Look again after at least four times what looking cost (a fifth of one CPU at most).
            pause = max(SERVE_POLL, 4 * (time.monotonic() - started))
            if now != sources:
                sources = now
                _regenerate(preview, removed_list, notify)
            time.sleep(pause)
        return process.returncode
    finally:
        stop_group(process)


#: Seconds between two looks at reports/ for changes (at least).
SERVE_POLL = 0.1


def _regenerate(preview, removed_list: Path, notify: Callable[[str], None]) -> None:
    """One regeneration of ``kb serve``: the files it deletes are listed for the MkDocs hook (which
    deletes their built pages, see :mod:`kb.site.hooks`) before they go."""
    from kb.errors import KbError

    started = time.monotonic()
    try:
        result = preview.update()
    except KbError as exc:
        notify(f"kb: pages not regenerated: {exc.render()}")
        return
    if result.removed_files:
        with removed_list.open("a", encoding="utf-8") as out:
            out.writelines(f"{relative}\n" for relative in result.removed_files)
    for problem in result.left_out:
        notify(f"kb: left out: {problem.render()}")
    notify(
        f"kb: {result.written} pages updated, {result.removed} removed in "
        f"{time.monotonic() - started:.2f} s ({preview.last})"
    )


def serve_removed_file(project: Project, internal: bool) -> Path:
    """Docs files ``kb serve`` deleted, one per line, for its MkDocs hook."""
    return project.state_dir / f"serve-removed{'-internal' if internal else ''}"
