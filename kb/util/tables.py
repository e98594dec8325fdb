"""Tables for the terminal that fit its width by wrapping, never by cutting text short.

The library makes a table as text; the CLI says how wide the terminal is and whether styles
(bold) may be used, as a :class:`Terminal`, and prints the text.

Columns are laid out as a browser lays out an automatic table (:func:`column_widths`), and a
cell breaks after a space, a slash or a hyphen before a letter (:func:`wrap`), so that an id
or a path wraps at its own joints and is never shortened with ``…``; only a piece wider than
its whole column is folded. Text is measured in terminal cells with rich (Korean and Japanese
characters take two), which also draws bold and wraps paragraphs (:func:`render_paragraph`);
rich is imported only here and only when something is drawn, so that ``kb --help`` stays fast.
Rows are laid out here rather than by rich's ``Table``, which takes about ten times as long
for a long listing and shares the width out without regard to ids.

Numbers are shown with thousands separators (:func:`kb.util.text.human_number`); the JSON and
CSV outputs (:mod:`kb.util.formats`) keep the raw values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.util.characters import shown
from kb.util.text import human_number

if TYPE_CHECKING:
    from rich.console import Console

#: Where a cell may break: after spaces, after a slash, after a hyphen before a letter (so a
#: date such as 2014-07-03 is never broken).
_BREAK = re.compile(r"(?<=\s)(?=\S)|(?<=/)(?=[^\s/])|(?<=-)(?=[^\W\d_])")


@dataclass(frozen=True)
class Terminal:
    """Where text is shown: its width in columns, and whether bold (ANSI styles) may be used.

    The CLI makes it from the terminal (``--width``, else ``COLUMNS``, else the terminal's
    size; styles only on a terminal and without ``NO_COLOR``); the library only reads it."""

    width: int = 100
    styled: bool = False


def cell_text(value: Any) -> str:
    """A value as a table shows it: lists joined with commas, numbers with thousands separators,
    on one line, a control character as its escape (``\\x1b``: a cell never moves the cursor or
    changes colours)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        # A number in a list keeps its plain digits: "1,000, 2,000" would read as four numbers.
        return ", ".join(str(v) if isinstance(v, (int, float)) else cell_text(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return human_number(value)
    return shown(" ".join(str(value).splitlines()).replace("\t", " "))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken after spaces, slashes and
    hyphens before a letter; a piece longer than a whole line is folded (a character two cells
    wide on a line of one still takes its own line)."""
    from rich.cells import cell_len, chop_cells

    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for piece in _BREAK.split(text):
        if cell_len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece.lstrip() if lines else piece
        while cell_len(line.rstrip()) > width:
            first = next((chop for chop in chop_cells(line, width) if chop), line[:1])
            lines.append(first)
            line = line[len(first) :]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _console(terminal: Terminal) -> Console:
    import io

    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=max(terminal.width, 20),
        force_terminal=terminal.styled,
        no_color=True,
        color_system="standard" if terminal.styled else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        force_jupyter=False,
    )


def _range(texts: Iterable[str]) -> tuple[int, int]:
    """The narrowest width a column of ``texts`` can take without folding a piece, and the width
    it takes on one line."""
    from rich.cells import cell_len

    texts = list(texts)
    narrowest = max((cell_len(p.rstrip()) for t in texts for p in _BREAK.split(t)), default=0)
    return narrowest, max((cell_len(t) for t in texts), default=0)


def column_widths(cells: Sequence[Sequence[str]], headers: Sequence[str], width: int) -> list[int]:
    """Each column's width (text only) for a table ``width`` wide, two spaces between columns.

    As a browser lays out an automatic table: every column as wide as its longest line if they
    all fit; else each gets its narrowest unfolded width (an id column, one with no spaces, at
    least a third of the line, so that ids and paths stay whole where they can) and the rest
    of the line is shared in proportion to how much more each would take. Only when even the
    narrowest widths do not fit are pieces folded."""
    space = max(width - 2 * (len(headers) - 1), len(headers))
    ranges = [_range([h, *(row[i] for row in cells)]) for i, h in enumerate(headers)]
    longest = [high for _low, high in ranges]
    if sum(longest) <= space:
        return longest
    ids = [not any(" " in row[i] for row in cells) for i in range(len(headers))]
    for cap in range(width // 3, -1, -1):  # the widest id columns that still fit
        narrow = [max(low, min(high, cap)) if ids[i] else low for i, (low, high) in enumerate(ranges)]
        if sum(narrow) <= space:
            break
    while sum(narrow) > space and max(narrow) > 1:
        # Even the narrowest do not fit: the widest column folds its longest pieces.
        narrow[narrow.index(max(narrow))] -= 1
    if sum(narrow) >= space:
        return narrow
    spare = space - sum(narrow)
    wants = [high - low for (high, low) in zip(longest, narrow, strict=True)]
    total = sum(wants) or 1
    widths = [low + want * spare // total for low, want in zip(narrow, wants, strict=True)]
    for i in sorted(range(len(widths)), key=lambda i: wants[i] - (widths[i] - narrow[i]), reverse=True):
        if sum(widths) >= space:
            break
        if widths[i] < longest[i]:
            widths[i] += 1
    return widths


def table_lines(
    rows: Iterable[dict], columns: Sequence[str], terminal: Terminal
) -> tuple[list[str], list[list[str]]]:
    """The table's header lines (column names, then a rule) and the lines of each row, fitted to
    ``terminal.width`` (:func:`column_widths`, :func:`wrap`); two spaces between columns, a
    column of numbers aligned right."""
    rows = list(rows)
    headers = [name.replace("_", " ").upper() for name in columns]
    cells = [[cell_text(row.get(c)) for c in columns] for row in rows]
    right = [
        all(isinstance(row.get(c), (int, float)) and not isinstance(row.get(c), bool) for row in rows)
        for c in columns
    ]
    widths = column_widths(cells, headers, terminal.width)
    header = _lay(headers, widths, right)
    if terminal.styled:
        from rich.style import Style

        header = [Style(bold=True).render(line) for line in header]
    rule = "  ".join("-" * width for width in widths)
    return [*header, rule], [_lay(row, widths, right) for row in cells]


def _lay(texts: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> list[str]:
    """One row: each text wrapped to its column, the columns side by side."""
    from rich.cells import cell_len

    wrapped = [wrap(text, width) for text, width in zip(texts, widths, strict=True)]
    lines = []
    for index in range(max(len(w) for w in wrapped)):
        parts = []
        for column, width, aligned in zip(wrapped, widths, right, strict=True):
            piece = column[index] if index < len(column) else ""
            pad = " " * (width - cell_len(piece))
            parts.append(pad + piece if aligned else piece + pad)
        lines.append("  ".join(parts).rstrip())
    return lines


def render_table(rows: Iterable[dict], columns: Sequence[str], terminal: Terminal | None = None) -> str:
    """The rows as a table ``terminal.width`` wide: a header, a rule, then each row, wrapped
    where it must be; when any row takes several lines, a blank line separates the rows.
    ``(nothing)`` for no rows."""
    rows = list(rows)
    if not rows:
        return "(nothing)"
    header, blocks = table_lines(rows, columns, terminal or Terminal())
    separate = any(len(b) > 1 for b in blocks)
    lines = list(header)
    for index, block in enumerate(blocks):
        if separate and index:
            lines.append("")
        lines.extend(block)
    return "\n".join(lines)


def render_paragraph(pieces: Sequence[tuple[str, bool]], terminal: Terminal, *, indent: int = 0) -> list[str]:
    """Text of ``pieces`` (each with whether it is emphasised: bold when the terminal allows it)
    wrapped at spaces to the terminal's width, after ``indent`` spaces."""
    from rich.padding import Padding
    from rich.text import Text

    text = Text(overflow="fold")
    for piece, emphasised in pieces:
        text.append(shown(piece), style="bold" if emphasised and terminal.styled else "")
    console = _console(terminal)
    console.print(Padding(text, (0, 0, 0, indent)))
    return [line.rstrip() for line in console.file.getvalue().rstrip("\n").split("\n")]  # type: ignore[attr-defined]


def render_items(label: str, items: Sequence[str], terminal: Terminal, *, hanging: int = 4) -> list[str]:
    """``label: a, b, c`` wrapped to the terminal's width between items (an item is broken only
    if it is wider than a whole line), with ``hanging`` spaces before every line but the first."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = f"{label}:"
    for index, item in enumerate(items):
        piece = item + ("," if index < len(items) - 1 else "")
        if cell_len(line) + 1 + cell_len(piece) <= terminal.width or line.strip() == f"{label}:":
            line = f"{line} {piece}"
            continue
        lines.append(line)
        line = " " * hanging + piece
    lines.append(line)
    return [
        out
        for line in lines
        for out in (
            [line]
            if cell_len(line) <= terminal.width
            else [
                (" " * hanging if n else "") + w for n, w in enumerate(wrap(line, terminal.width - hanging))
            ]
        )
    ]
