"""The one CSV writer and the one JSON writer of the project, and the output formats built on them.

Every CSV kb writes (``kb search/opportunities/targets --format csv``, the site's
``kb/api/*.csv``, ``kb export``) and every JSON (``--format json``, ``kb/api/*.json``,
``kb export``) goes through :func:`to_csv` and :func:`to_json`.

* ``table``: plain text for the terminal, fitted to its width by wrapping, numbers with
  thousands separators (:func:`kb.util.tables.render_table`); never read by a script.
* ``json``: UTF-8, dates as ``YYYY-MM-DD``; each command documents its shape. Numbers are
  finite: ``Infinity`` and ``NaN`` are not JSON, so they are refused, never written.
* ``csv``: a header row then one row per item, lists joined with ``"; "``, encoded as UTF-8
  *with* a byte-order mark and CRLF line ends, so that Excel opens accented names
  correctly on a double-click (LibreOffice and pandas read the mark fine too).
  Cells are made inert as OWASP's CSV injection guidance says: a text cell (or list
  item) that starts with a tab or a carriage return, or with ``=``, ``+``, ``-`` or ``@``
  (after any spaces or line breaks, full-width forms included) gets a leading apostrophe, so a
  spreadsheet shows it as text instead of running it as a formula; every text cell is
  quoted, so a spreadsheet that splits on ``;`` cannot start a new cell inside one.
  Numbers stay numbers: a number field is written unquoted as it is, and a text cell
  that is only a plain decimal number (``-3``, ``-2.5``) is left as it is, since a
  spreadsheet reads it as that number and nothing else.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

FORMATS = ("table", "json", "csv")
LIST_SEPARATOR = "; "
#: What a spreadsheet may read as the start of a formula or a command (OWASP), and the
#: full-width forms some spreadsheets fold into them.
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def formula_like(text: str) -> bool:
    """True if a spreadsheet could take ``text``, as a cell, for a formula: it starts with a
    tab or carriage return, or (after any spaces or line breaks) with ``=``, ``+``, ``-`` or ``@``."""
    if text[:1] in ("\t", "\r"):
        return True
    return text.lstrip()[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text)


def inert(text: str) -> str:
    """``text`` as a spreadsheet cell that is never run: an apostrophe before a formula."""
    return "'" + text if formula_like(text) else text


def _cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        _refuse_non_finite(value)
        return value
    if isinstance(value, (list, tuple, set)):
        # Each item too: a spreadsheet splitting the cell on ';' must find no formula either.
        return inert(LIST_SEPARATOR.join(inert(_text(v)) for v in value))
    return inert(_text(value).replace("\r\n", "\n"))


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _refuse_non_finite(value: int | float) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        from kb.errors import BuildError

        raise BuildError(
            f"a number is {value}, which CSV and JSON readers cannot take",
            hint="run kb check: a target or measure value is out of range",
        )


def csv_text(rows: Iterable[dict], columns: list[str]) -> str:
    """CSV for a spreadsheet: byte-order mark, header row, CRLF, every cell inert (see the module).
    Without columns (an empty table), nothing."""
    if not columns:
        return ""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([inert(c) for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def to_csv(rows: Iterable[dict], columns: list[str]) -> bytes:
    """:func:`csv_text` as UTF-8 bytes, for standard output."""
    return csv_text(rows, columns).encode("utf-8")


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON text: UTF-8 characters as they are, dates as ``YYYY-MM-DD``, finite numbers only
    (``indent=None``: one line)."""
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, default=_plain, allow_nan=False)
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        from kb.errors import BuildError

        raise BuildError(
            "a number is infinite or not a number, which JSON cannot hold",
            hint="run kb check: a target or measure value is out of range",
        ) from None


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)
