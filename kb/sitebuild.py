"""Building and serving the static site with MkDocs (strict: any warning fails the build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .errors import BuildError
from .project import Project


def build_site(project: Project, *, internal: bool = False) -> Path:
    """Run ``mkdocs build --strict`` into ``site/`` (or ``site-internal/``); return the folder."""
    out = project.site_dir(internal)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--quiet",
               "-f", str(project.root / "mkdocs.yml"), "-d", str(out)]
    result = subprocess.run(command, cwd=project.root, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError("mkdocs build failed: " + (detail[-1] if detail else "no output"),
                         hint="run 'mkdocs build --strict' to see every message")
    return out


def serve_site(project: Project, *, address: str = "127.0.0.1:8000") -> int:
    """Serve the site with live reload until interrupted; returns mkdocs' exit code."""
    command = [sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", address,
               "-f", str(project.root / "mkdocs.yml")]
    return subprocess.call(command, cwd=project.root)
