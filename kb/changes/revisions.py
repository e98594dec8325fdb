"""A git revision of the project's tree in a temporary folder, for comparing two revisions.

``git archive`` writes the revision's files; nothing of the user's working tree, index or
branches is touched, and the folder is deleted afterwards.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import UsageError


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed", hint="kb changes compares git revisions") from None


def _repository(root: Path) -> tuple[Path, str]:
    """The top folder of the git repository holding ``root``, and ``root``'s path inside it."""
    found = _git(root, "rev-parse", "--show-toplevel", "--show-prefix")
    if found.returncode != 0:
        raise UsageError(
            f"{root} is not in a git repository", hint="kb changes compares two revisions of a git repository"
        )
    top, prefix = (found.stdout.decode("utf-8", "surrogateescape").split("\n") + [""])[:2]
    return Path(top), prefix.rstrip("/")


def resolve(root: Path, revision: str) -> str:
    """The commit ``revision`` names (a branch, tag, hash or ``HEAD~2``), or a clear error."""
    top, _prefix = _repository(root)
    if revision.startswith("-"):
        raise UsageError(f"not a revision: {revision!r}", hint="give a branch, tag or commit")
    found = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(
            f"unknown revision {revision!r}",
            hint="give a branch, tag or commit of this repository (git fetch it first in CI)",
        )
    return found.stdout.decode().strip()


@contextmanager
def checkout(root: Path, commit: str) -> Iterator[Path]:
    """The project folder as it is at ``commit`` (a resolved commit), in a temporary folder."""
    top, prefix = _repository(root)
    archived = _git(top, "archive", "--format=tar", commit, *([prefix] if prefix else []))
    with tempfile.TemporaryDirectory(prefix="kb-changes-") as folder:
        if archived.returncode == 0:
            with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as tar:
                tar.extractall(folder, filter="data")
        elif b"did not match" not in archived.stderr:
            message = archived.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(f"git archive {commit[:12]} failed: {message[-1] if message else 'no message'}")
        # (a pathspec that did not match: the project folder is not in that commit yet, an
        # empty knowledge base)
        project = Path(folder, prefix)
        project.mkdir(parents=True, exist_ok=True)
        yield project
