"""Output formats shared by ``kb search``, ``kb opportunities``, ``kb targets``, ``kb related``, ``kb show``.

* ``table``: plain text for the terminal (:func:`kb.tables.render_table`).
* ``json``: pretty-printed, UTF-8, dates as ``YYYY-MM-DD``; each command documents its shape.
* ``csv``: a header row then one row per item, lists joined with ``"; "``, encoded as UTF-8
  *with* a byte-order mark and CRLF line ends, so that Excel opens accented names
  correctly on a double-click (LibreOffice and pandas read the mark fine too).
  A cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe
  so that a spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Iterable

FORMATS = ("table", "json", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(data) -> str:
    return json_text(data, indent=2, default=_plain)


def json_text(data, **options) -> str:
    """JSON that is JSON: UTF-8 text, and a :class:`BuildError` for a number that is not finite
    (Python would write ``Infinity`` or ``NaN``, which no JSON reader accepts)."""
    from .errors import BuildError

    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, **options)
    except ValueError:
        raise BuildError("refusing to write JSON with a number that is not finite (Infinity or NaN)",
                         hint="a report's number is out of range; run kb check") from None


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def _cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple, set)):
        value = "; ".join(str(v) for v in value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    text = text.replace("\r\n", "\n")
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Iterable[dict], columns: list[str]) -> bytes:
    """CSV bytes for a spreadsheet: BOM, header row, CRLF, formula-safe cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8-sig")
