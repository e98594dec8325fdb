"""Output folders (the site, the staff site, the export) replaced as a whole, under a lock.

A run never writes into the live folder. It builds into a fresh hidden sibling,
``.<name>.new-<random>`` (a sibling is on the same file system, so renames work
whatever ``--out`` is), flushes it to disk, and only then swaps it in:

- on Linux, with one ``renameat2(RENAME_EXCHANGE)``: the live path always names
  a whole folder, the old one or the new one, even for a reader at that moment;
- elsewhere (or on a file system without it), with two renames,
  ``live -> .<name>.old-<random>`` then ``new -> live``. A kill between the two
  leaves no live folder; the next run puts the old one back (:func:`recover`).

The live path stays a real folder, not a symlink: ``git``'s ``/site/`` ignore
rule, ``cp -r``, ``rsync`` and upload actions all treat it as before.
A kill at any other moment leaves the old folder live and a leftover sibling,
which the next run deletes under the same lock.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .atomic import fsync_path
from .errors import BuildError, LockedError

NEW = "new"
OLD = "old"
#: renameat2() flag swapping two paths atomically (Linux 3.15+, glibc 2.28+).
RENAME_EXCHANGE = 2
AT_FDCWD = -100
#: errno values meaning "this system or file system cannot exchange": use two renames.
NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


# -- the run lock ------------------------------------------------------------------------------
@contextmanager
def locked(lock_path: Path, what: str, shown: str | None, hint: str, *, wait: float = 0) -> Iterator[None]:
    """Hold ``lock_path`` for one run; a second run waits ``wait`` seconds, then fails with a
    one-line LockedError.

    The holder's pid is written into the lock file for the message. The lock is
    an OS lock (flock): it goes away with the process, even after ``kill -9``.
    """
    from filelock import FileLock, Timeout

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        owner = _read_owner(lock_path)
        raise LockedError(f"another {what} is running{f' (pid {owner})' if owner else ''}",
                          path=shown, hint=hint) from None
    except OSError as exc:
        raise BuildError(f"cannot lock {lock_path.name}: {exc.strerror or exc}", path=str(lock_path)) from None
    try:
        try:
            with open(lock_path, "w", encoding="ascii") as handle:  # our own lock file, not user data
                handle.write(str(os.getpid()))
        except OSError:
            pass  # the pid is only a courtesy for the error message
        yield
    finally:
        lock.release()


def _read_owner(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return text if text.isdigit() else None


# -- the staged folder and the swap -------------------------------------------------------------
@contextmanager
def replacing(live: Path, shown: str) -> Iterator[Path]:
    """A fresh empty folder to build into; on success it replaces ``live`` as a whole.

    Call it while holding the run's lock. On any error (or Ctrl-C) the new folder
    is deleted and ``live`` is untouched.
    """
    live = _real(live)
    recover(live, shown)
    staged = _new_sibling(live, NEW)
    try:
        yield staged
        swap(staged, live, shown)
    finally:
        if staged.exists():  # a failed run's output, or the old folder after an exchange
            shutil.rmtree(staged, ignore_errors=True)


def swap(staged: Path, live: Path, shown: str) -> None:
    """Make ``staged`` the live folder: flush it, exchange (or rename twice), then drop the old one."""
    _flush(staged)
    try:
        if not os.path.lexists(live):
            os.rename(staged, live)
        elif not exchange(staged, live):
            old = _new_sibling(live, OLD, create=False)
            os.rename(live, old)
            os.rename(staged, live)  # a kill just before this line is undone by recover()
            staged = old
    except OSError as exc:
        raise BuildError(f"cannot replace the folder: {exc.strerror or exc}", path=shown,
                         hint="the new output was not published; the old one is unchanged") from None
    fsync_path(live.parent)
    shutil.rmtree(staged, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(b))


def recover(live: Path, shown: str) -> list[Path]:
    """Undo what a killed run left: restore the old folder if the live one is missing,
    then delete leftover new and old siblings. Returns the leftovers found."""
    leftovers = leftovers_of(live)
    if not os.path.lexists(live):
        olds = sorted((p for p in leftovers if _kind(live, p) == OLD), key=lambda p: p.stat().st_mtime)
        if olds:
            try:
                os.rename(olds[-1], live)
            except OSError as exc:
                raise BuildError(f"cannot restore the previous folder: {exc.strerror or exc}", path=shown,
                                 hint=f"rename {olds[-1]} to {live} by hand") from None
            fsync_path(live.parent)
    for path in leftovers:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
    return leftovers


def leftovers_of(live: Path) -> list[Path]:
    """Hidden new and old siblings of ``live`` that runs left behind."""
    try:
        entries = list(live.parent.iterdir())
    except OSError:
        return []
    return sorted(p for p in entries if _kind(live, p) and p.is_dir() and not p.is_symlink())


def _kind(live: Path, path: Path) -> str | None:
    for kind in (NEW, OLD):
        if path.name.startswith(f".{live.name}.{kind}-"):
            return kind
    return None


def _new_sibling(live: Path, kind: str, create: bool = True) -> Path:
    """``.<name>.<kind>-<random>`` next to ``live``, with the live folder's permissions."""
    live.parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = live.with_name(f".{live.name}.{kind}-{secrets.token_hex(4)}")
        if not create:
            if not os.path.lexists(path):
                return path
            continue
        try:
            os.mkdir(path)  # 0777 minus the umask, like a folder the user makes (mkdtemp would give 0700)
        except FileExistsError:
            continue
        except OSError as exc:
            raise BuildError(f"cannot create a folder next to it: {exc.strerror or exc}",
                             path=str(live)) from None
        try:
            os.chmod(path, stat.S_IMODE(live.stat().st_mode))
        except OSError:
            pass  # no live folder yet: keep the umask's default
        return path


def _real(live: Path) -> Path:
    """The folder itself when ``live`` is a symlink: the link is the user's, and stays."""
    return live.resolve() if live.is_symlink() else live


def _flush(folder: Path) -> None:
    """Get the new folder's files onto the disk before the swap makes them live (power loss)."""
    if not hasattr(os, "sync"):  # Windows: no folder flush to ask for
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None) \
            if sys.platform.startswith("linux") else None
        if syncfs is None or syncfs(fd) != 0:
            os.sync()  # one call for every file; fsync of each would cost a disk flush per file
    finally:
        os.close(fd)
