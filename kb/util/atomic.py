"""Writing files so that a crash never leaves a half-written or overwritten one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from kb.errors import ExistsError, KbError


def write_text(path: Path, text: str, *, overwrite: bool = False, shown: str | None = None) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, then rename or link).

    With ``overwrite=False`` the final step is a hard link, which fails if the
    file appeared meanwhile: an existing file is never replaced.
    """
    shown = shown or str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and path.exists():
        raise ExistsError(
            "file already exists; not overwriting it",
            path=shown,
            hint="choose another title or date, or move the existing file",
        )
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            if hasattr(os, "fchmod"):  # mkstemp makes 0600: nobody else could read the file
                os.fchmod(out.fileno(), _mode(path))
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp_name, path)
        else:
            try:
                os.link(tmp_name, path)
            except FileExistsError:
                raise ExistsError(
                    "file already exists; not overwriting it", path=shown, hint="choose another title or date"
                ) from None
            except OSError as exc:
                raise KbError(f"cannot write file: {exc.strerror}", path=shown) from None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    fsync_path(path.parent)


def _mode(path: Path) -> int:
    """The replaced file's permissions, or a new file's under the current umask (usually 0644)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_path(path: str | Path) -> None:
    """Flush a file or folder to disk; a no-op where the system refuses (folders on some systems)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
