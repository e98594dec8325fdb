"""Reading user files safely: size cap, binary and encoding detection, line ends.

Every file the tool reads from a user goes through :func:`read_text`, so each
gets the same clear error instead of a ``UnicodeDecodeError`` traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError

#: Far above any real report (a long one is ~30 KB); keeps a pasted 20 MB file out.
MAX_FILE_BYTES = 2 * 1024 * 1024


def decode(data: bytes, shown: str) -> str:
    """Bytes to text: UTF-8 (with or without a byte-order mark), LF line ends."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError("file is encoded as UTF-16 or UTF-32", path=shown, line=1,
                         hint="save it as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError("file looks binary (it contains NUL bytes)", path=shown, line=1,
                         hint="reports are plain-text Markdown files")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"file is not valid UTF-8 (byte 0x{data[exc.start]:02X} on line {line})",
                         path=shown, line=line,
                         hint="save it as UTF-8; it may be Windows-1252 or Latin-1") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path, shown: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> str:
    shown = shown or str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=shown) from None
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    if len(data) > max_bytes:
        size = path.stat().st_size
        raise InputError(f"file is {size / 1_048_576:.1f} MB, over the {max_bytes // 1_048_576} MB limit",
                         path=shown, line=1, hint="is this really a report? split it or move data elsewhere")
    if not data.strip():
        raise InputError("file is empty", path=shown, line=1,
                         hint="start it with front matter between '---' lines, or run 'kb new'")
    return decode(data, shown)
