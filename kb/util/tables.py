"""Plain-text tables for the terminal (no heavy dependency: ``kb`` must start fast)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value).replace("\n", " ")


def render_table(rows: Iterable[dict], columns: list[str], *, max_width: int | None = None) -> str:
    """Left-aligned columns; the widest column is shortened to fit the terminal."""
    rows = list(rows)
    if not rows:
        return "(nothing)"
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    limit = max_width or shutil.get_terminal_size((120, 20)).columns
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"

    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(fit(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
