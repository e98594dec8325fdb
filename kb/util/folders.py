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

Where outputs may go (:func:`check_output_folder`): never inside ``site_pages/`` (MkDocs
publishes everything there) or a site folder, unless inside the state folder
``.kb/``; and never over an existing folder kb did not make. A folder kb made
holds a marker file, :data:`MARKER`, naming the command; folders made by older
versions, without it, are recognised by their content (``ours``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import BuildError, ExistsError, LockedError
from kb.util.atomic import fsync_path

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
        raise LockedError(
            f"another {what} is running{f' (pid {owner})' if owner else ''}", path=shown, hint=hint
        ) from None
    except OSError as exc:
        raise BuildError(
            f"cannot lock {lock_path.name}: {exc.strerror or exc}", path=str(lock_path)
        ) from None
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


# -- where outputs may go ----------------------------------------------------------------------
#: In every folder kb writes as a whole (site, export, index): which command made it.
MARKER = ".kb-output"
#: Files the system makes in any folder a user opens; losing them loses nothing.
SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def check_ownership(
    folder: Path,
    made_by: str,
    shown: str,
    ours: Callable[[list[str]], bool] | None = None,
    hint: str = "move it elsewhere: kb replaces this folder as a whole",
) -> None:
    """Refuse to write over an existing ``folder`` that holds anything but an earlier output of
    ``made_by``: its marker says so, or ``ours(names)`` recognises an output of an older kb, made
    before folders were marked (the names of its entries are given)."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise ExistsError(
            f"a file is in the way of the {made_by} folder; not replacing it", path=shown, hint=hint
        ) from None
    except OSError as exc:
        raise ExistsError(f"cannot read the folder: {exc.strerror or exc}", path=shown) from None
    names = [n for n in names if n not in SYSTEM_FILES]
    if not names:
        return
    if MARKER in names:
        owner = read_marker(Path(folder))
        if owner == made_by:
            return
        raise ExistsError(
            f"the folder is the output of {owner or 'another program'}; not replacing it",
            path=shown,
            hint=hint,
        )
    if ours is not None and ours(names):
        return
    raise ExistsError(
        f"the folder holds files {made_by} did not write ({', '.join(names[:3])}"
        f"{', ...' if len(names) > 3 else ''}); not replacing it",
        path=shown,
        hint=hint,
    )


def read_marker(folder: Path) -> str | None:
    """The command named by ``folder``'s marker, or None."""
    try:
        with open(folder / MARKER, encoding="utf-8") as handle:
            return handle.read(200).strip() or None
    except (OSError, ValueError):
        return None


def write_marker(folder: Path, made_by: str) -> None:
    from kb.util.atomic import write_text

    write_text(folder / MARKER, made_by + "\n", overwrite=True)


# -- the staged folder and the swap -------------------------------------------------------------
@contextmanager
def replacing(live: Path, shown: str, made_by: str) -> Iterator[Path]:
    """A fresh empty folder to build into; on success it replaces ``live`` as a whole, marked as
    ``made_by``'s (see :func:`check_output_folder`).

    Call it while holding the run's lock. On any error (or Ctrl-C) the new folder
    is deleted and ``live`` is untouched.
    """
    import shutil

    live = _real(live)
    recover(live, shown)
    staged = _new_sibling(live, NEW)
    try:
        yield staged
        write_marker(staged, made_by)
        swap(staged, live, shown)
    finally:
        if staged.exists():  # a failed run's output, or the old folder after an exchange
            shutil.rmtree(staged, ignore_errors=True)


def swap(staged: Path, live: Path, shown: str) -> None:
    """Make ``staged`` the live folder: flush it, exchange (or rename twice), then drop the old one."""
    import shutil

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
        raise BuildError(
            f"cannot replace the folder: {exc.strerror or exc}",
            path=shown,
            hint="the new output was not published; the old one is unchanged",
        ) from None
    fsync_path(live.parent)
    shutil.rmtree(staged, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system or file system cannot."""
    import ctypes

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
    import shutil

    leftovers = leftovers_of(live)
    if not os.path.lexists(live):
        olds = sorted((p for p in leftovers if _kind(live, p) == OLD), key=lambda p: p.stat().st_mtime)
        if olds:
            try:
                os.rename(olds[-1], live)
            except OSError as exc:
                raise BuildError(
                    f"cannot restore the previous folder: {exc.strerror or exc}",
                    path=shown,
                    hint=f"rename {olds[-1]} to {live} by hand",
                ) from None
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
    import secrets

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
            raise BuildError(
                f"cannot create a folder next to it: {exc.strerror or exc}", path=str(live)
            ) from None
        with contextlib.suppress(OSError):  # no live folder yet: keep the umask's default
            os.chmod(path, stat.S_IMODE(live.stat().st_mode))
        return path


def _real(live: Path) -> Path:
    """The folder itself when ``live`` is a symlink: the link is the user's, and stays."""
    return live.resolve() if live.is_symlink() else live


def _flush(folder: Path) -> None:
    """Get the new folder's files onto the disk before the swap makes them live (power loss)."""
    import ctypes

    if not hasattr(os, "sync"):  # Windows: no folder flush to ask for
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        syncfs = (
            getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
            if sys.platform.startswith("linux")
            else None
        )
        if syncfs is None or syncfs(fd) != 0:
            os.sync()  # one call for every file; fsync of each would cost a disk flush per file
    finally:
        os.close(fd)
