"""Reading user files safely: regular files only, size cap, binary and encoding detection, line ends.

Every file the tool reads from a user goes through :func:`read_text`, so each
gets the same clear error instead of a ``UnicodeDecodeError`` traceback, a hang
on a named pipe, or the content of a file that a link in ``reports/`` points to
outside the project.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from kb.errors import InputError

#: Far above any real report (a long one is ~30 KB); keeps a pasted 20 MB file out.
MAX_FILE_BYTES = 2 * 1024 * 1024


def decode(data: bytes, shown: str) -> str:
    """Bytes to text: UTF-8 (with or without a byte-order mark), LF line ends."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError("file is encoded as UTF-16 or UTF-32", path=shown, line=1, hint="save it as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError(
            "file looks binary (it contains NUL bytes)",
            path=shown,
            line=1,
            hint="reports are plain-text Markdown files",
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02X} on line {line})",
            path=shown,
            line=line,
            hint="save it as UTF-8; it may be Windows-1252 or Latin-1",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


#: What a path that is not a regular file is, for the message.
_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
    (stat.S_ISSOCK, "socket"),
)
_NOT_A_FILE_HINT = "reports and registry files are plain text files; remove it or move it elsewhere"


def _not_regular(mode: int, shown: str) -> InputError:
    kind = next((name for test, name in _KINDS if test(mode)), "special file")
    if kind == "folder":
        return InputError("is a folder, not a file", path=shown, line=1, code="not-a-file")
    return InputError(
        f"is a {kind}, not a regular file; it was not opened",
        path=shown,
        line=1,
        code="not-a-file",
        hint=_NOT_A_FILE_HINT,
    )


def regular_file(path: Path, shown: str, inside: Iterable[Path] = ()) -> str:
    """The real path of ``path``, once it is known to be safe to open: a regular file (not a named
    pipe that would block a read forever, not a device), reached without a link loop, and, when
    ``inside`` folders are given (resolved), lying in one of them. Nothing is opened here."""
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(
                "is a link to a file that does not exist",
                path=shown,
                line=1,
                code="broken-link",
                hint="point the link at a file, or delete it",
            ) from None
        raise InputError("no such file", path=shown) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(
                "is a symbolic link that loops back on itself",
                path=shown,
                line=1,
                code="link-loop",
                hint="point the link at a file, or delete it",
            ) from None
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    folders = list(inside)
    if folders and not any(Path(real).is_relative_to(folder) for folder in folders):
        # Never read it: its content could reach error messages, the site and the open data.
        raise InputError(
            "is a link to a file outside the project; it was not read",
            path=shown,
            line=1,
            code="outside-project",
            hint="copy the file into the project instead of linking to it",
        )
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    if not stat.S_ISREG(mode):
        raise _not_regular(mode, shown)
    return real


def read_bytes(
    path: Path, shown: str, max_bytes: int = MAX_FILE_BYTES, *, inside: Iterable[Path] = ()
) -> bytes:
    """Up to ``max_bytes + 1`` bytes of a file that :func:`regular_file` accepts."""
    real = regular_file(path, shown, inside)
    try:
        # Non-blocking, and checked again once open: a named pipe swapped in after the check
        # must not hang the run either.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    with open(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(mode, shown)
        try:
            return handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None


def read_text(
    path: Path, shown: str | None = None, max_bytes: int = MAX_FILE_BYTES, *, inside: Iterable[Path] = ()
) -> str:
    """A user's text file as text, or :class:`InputError`; ``inside``: see :func:`regular_file`."""
    shown = shown or str(path)
    data = read_bytes(path, shown, max_bytes, inside=inside)
    if len(data) > max_bytes:
        size = path.stat().st_size
        raise InputError(
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes // 1_048_576} MB limit",
            path=shown,
            line=1,
            hint="is this really a report? split it or move data elsewhere",
        )
    if not data.strip():
        raise InputError(
            "file is empty",
            path=shown,
            line=1,
            hint="start it with front matter between '---' lines, or run 'kb new'",
        )
    return decode(data, shown)
