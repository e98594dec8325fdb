"""What both YAML paths of :mod:`kb.report.yamlstrict` produce: a :class:`Located` value, its
problems (:class:`YamlProblem`), the limits they enforce, and the two problems both report alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.errors import InputError

#: Front matter and registry files above this size are refused before parsing.
MAX_YAML_BYTES = 256 * 1024
#: Deeper nesting than any real report needs: refused, as a guard on recursion.
MAX_DEPTH = 20

NULLS = {"", "~", "null", "Null", "NULL"}

Path_ = tuple[Any, ...]


@dataclass
class Located:
    """A plain Python value (dicts, lists, strings, None) with source positions.

    ``value_pos`` and ``key_pos`` map a path such as ``("targets", 0, "value")``
    to a ``(line, column)`` pair, both 1-based and relative to the whole file.
    """

    value: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    quoted: set[Path_] = field(default_factory=set)
    #: Problems that do not stop reading (duplicate keys, merge keys): the first
    #: value is kept and the rest of the file is still checked.
    problems: list[YamlProblem] = field(default_factory=list)

    def line_of(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the key or value itself, else its nearest parent."""
        table = self.key_pos if key else self.value_pos
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.key_pos:
                return self.key_pos[probe]
            probe = probe[:-1]
        return self.value_pos.get((), (1, 1))


class YamlProblem(InputError):
    """A YAML text that cannot be read; ``line`` and ``column`` are file positions."""

    def __init__(
        self, message: str, *, line: int, column: int, hint: str | None = None, code: str = "yaml-syntax"
    ) -> None:
        super().__init__(message, line=line, hint=hint, code=code)
        self.column = column


def merge_key_problem(line: int, column: int) -> YamlProblem:
    return YamlProblem(
        "YAML merge keys (<<) are not allowed",
        line=line,
        column=column,
        hint="write the keys out in full",
        code="yaml-merge",
    )


def duplicate_key_problem(key: str, first: int, line: int, column: int) -> YamlProblem:
    return YamlProblem(
        f"duplicate key '{key}' (first given on line {first})",
        line=line,
        column=column,
        hint="only the first is used: merge the two into one",
        code="duplicate-key",
    )
