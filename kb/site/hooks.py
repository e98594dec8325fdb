"""MkDocs hooks used by ``kb serve`` only: regenerate the pages before every rebuild, and
index the rebuilt site for the Find page after it.

``kb serve`` runs ``mkdocs serve`` with a derived config that watches reports/
and loads this file; the project root and build kind come in the environment
(KB_SITE_ROOT, KB_SITE_INTERNAL). ``kb build`` never loads it, and neither does
a plain ``mkdocs build`` or ``zensical build`` of the generated tree.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("mkdocs.plugins.kb")


def on_pre_build(config, **_kwargs) -> None:
    from kb.errors import KbError
    from kb.project import Project
    from kb.site.build import generate

    root = os.environ.get("KB_SITE_ROOT")
    if not root:
        return
    try:
        result = generate(Project.at(root), internal=os.environ.get("KB_SITE_INTERNAL") == "1")
    except KbError as exc:
        log.warning("kb: pages not regenerated: %s", exc.render())
        return
    for problem in result.left_out:
        log.warning("kb: left out: %s", problem.render())
    if result.written or result.removed:
        log.info("kb: %d pages updated, %d removed", result.written, result.removed)


def on_post_build(config, **_kwargs) -> None:
    """The Find page's search index, for the site ``mkdocs serve`` just built (kb build does its own)."""
    from pathlib import Path

    from kb.errors import KbError
    from kb.site.indexing import index_search

    if not os.environ.get("KB_SITE_ROOT"):
        return
    try:
        index_search(Path(config["site_dir"]))
    except KbError as exc:
        log.warning("kb: search index not built: %s", exc.render())
