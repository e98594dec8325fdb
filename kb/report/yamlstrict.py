"""Strict, safe YAML reading that keeps the line of every key and value.

PyYAML's safe loader still coerces (``NO`` -> False, ``10:00`` -> 600,
``0123`` -> 83, ``1.10`` -> 1.1), keeps the last of duplicate keys and expands
aliases. Here every plain scalar stays a string (or ``None`` when empty or
``null``): the schema of each field decides what a value means, so a country
code ``NO`` stays Norway and a time stays a time. Aliases, merge keys and
explicit tags are refused, duplicate keys are errors, and the text has a size
cap, so a small file cannot expand into a huge one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml's parser, in C: about ten times faster than PyYAML's pure-Python scanner
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

from kb.errors import InputError
from kb.util import characters

#: Front matter and registry files above this size are refused before parsing.
MAX_YAML_BYTES = 256 * 1024
#: Deeper nesting than any real report needs: refused, as a guard on recursion.
MAX_DEPTH = 20

_NULLS = {"", "~", "null", "Null", "NULL"}

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


class _Composer(yaml.SafeLoader):
    """Composes nodes but refuses aliases, explicit tags and nesting deeper than :data:`MAX_DEPTH`
    before they are built. PyYAML's composer recurses once per level: the cap must apply here,
    before a document nested 2,000 deep exhausts Python's stack."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(
                "YAML aliases (*name) are not allowed",
                event.start_mark,
                "write the value out in full",
                "yaml-alias",
            )
        if isinstance(event, (ScalarEvent, SequenceStartEvent, MappingStartEvent)):
            if event.anchor is not None:
                raise _Refused(
                    "YAML anchors (&name) are not allowed",
                    event.start_mark,
                    "write the value out in full",
                    "yaml-alias",
                )
            if event.tag not in (None, "!"):
                raise _Refused(
                    f"YAML tag {event.tag!r} is not allowed",
                    event.start_mark,
                    "remove the tag; values are plain text, lists and mappings",
                    "yaml-tag",
                )
        if self._depth > MAX_DEPTH:  # the same message and place as _build's own check
            raise _Refused(f"YAML nested deeper than {MAX_DEPTH} levels", event.start_mark, None, "too-deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Refused(Exception):
    def __init__(self, message: str, mark, hint: str | None, code: str) -> None:
        super().__init__(message)
        self.message, self.mark, self.hint, self.code = message, mark, hint, code


def load(text: str, *, line_offset: int = 0, max_bytes: int = MAX_YAML_BYTES) -> Located:
    """Parse ``text`` strictly; ``line_offset`` is added to every reported line.

    Raises :class:`YamlProblem` with the file line of the first syntax problem
    (YAML cannot be read past a syntax error, so only one is reported).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise YamlProblem(
            f"YAML block is {size} bytes, over the {max_bytes}-byte limit",
            line=line_offset + 1,
            column=1,
            hint="keep long text in the Markdown body",
            code="too-large",
        )
    refused = _refused_characters(text, line_offset)
    if refused:  # read past them (as U+FFFD), so that every other problem is found too
        text = characters.FORBIDDEN.sub("\ufffd", text)
    located = _load(text, line_offset)
    located.problems[:0] = refused
    return located


def _refused_characters(text: str, line_offset: int) -> list[YamlProblem]:
    """One error for each line holding a character :mod:`kb.util.characters` refuses, written as it is
    (an escape such as ``"\\e"`` in a quoted value is refused by the field's reader instead)."""
    found: list[YamlProblem] = []
    last_line = -1
    for match in characters.FORBIDDEN.finditer(text):
        line = text.count("\n", 0, match.start())
        if line != last_line:
            last_line = line
            column = match.start() - text.rfind("\n", 0, match.start())
            found.append(
                YamlProblem(
                    f"the YAML text contains {characters.describe(match.group(0))}",
                    line=line_offset + line + 1,
                    column=column,
                    hint=characters.HINT,
                    code="bad-text",
                )
            )
    return found


def _load(text: str, line_offset: int) -> Located:
    if "\t" in text:
        # Tabs are illegal YAML indentation; PyYAML's message for them is cryptic.
        for number, line_text in enumerate(text.splitlines(), start=1):
            stripped = line_text.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlProblem(
                    "tab character used for indentation",
                    line=line_offset + number,
                    column=len(line_text) - len(stripped) + 1,
                    hint="indent YAML with spaces only",
                    code="yaml-tab",
                )
    if _CParser is not None:
        located = _fast_load(text, line_offset)
        if located is not None:
            return located
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
    except _Refused as refused:
        raise YamlProblem(
            refused.message,
            line=line_offset + refused.mark.line + 1,
            column=refused.mark.column + 1,
            hint=refused.hint,
            code=refused.code,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_offset + (mark.line + 1 if mark else 1)
        column = mark.column + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        raise YamlProblem(
            f"YAML syntax: {problem}", line=line, column=column, hint=_syntax_hint(problem)
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}", line=line_offset + 1, column=1) from None
    finally:
        loader.dispose()
    located = Located(value=None)
    if node is None:
        return located
    located.value = _build(node, (), located, line_offset, 0)
    return located


class _Fallback(Exception):
    """The fast path met something it leaves to the reference path (and its exact messages)."""


def _fast_load(text: str, line_offset: int) -> Located | None:
    """The same :class:`Located` as the reference path, from libyaml's events; None when the text
    has anything unusual (a syntax error, alias, anchor, tag, non-text key, excessive depth,
    several documents), so that the pure-Python path reports it with its usual message and position.

    Events are turned into values directly: no node tree, no type resolution. Where libyaml
    and PyYAML are known to differ, the fast path declines: tabs and byte-order marks inside the
    text, carriage returns, '?' in a plain scalar, an empty plain scalar inside a flow collection
    (``[a: ]``), as a key, as the whole document or in a text with a '?', and an unusual block
    scalar header (``>2#``).
    """
    if "\t" in text or "\ufeff" in text or "\r" in text:
        return None
    try:
        parser = _CParser(text)
    except Exception:
        return None
    try:
        parser.get_event()  # stream start
        located = Located(value=None)
        if parser.check_event(StreamEndEvent):
            return located
        parser.get_event()  # document start
        located.value = _from_events(parser, located, line_offset, text)
        parser.get_event()  # document end
        if not parser.check_event(StreamEndEvent):
            return None
        return located
    except Exception:
        return None
    finally:
        parser.dispose()


def _plain_event(event) -> None:
    if (
        isinstance(event, AliasEvent)
        or getattr(event, "anchor", None) is not None
        or getattr(event, "tag", None) not in (None, "!")
    ):
        raise _Fallback


#: A block scalar header both parsers read alike: ``|``, ``>-``, ``|2+``, then spaces and a comment.
_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?: +(?:#[^\n]*)?)?\n")


def _from_events(parser, located: Located, line_offset: int, text: str) -> Any:
    """Mirror of :func:`_build` over events, in one loop (no recursion, one call per event).

    Events come in document order, the order :func:`_build` walks the tree, so positions and
    problems come out identical.
    """
    get_event = parser.get_event
    value_pos, key_pos, quoted = located.value_pos, located.key_pos, located.quoted
    # An empty value after an explicit key (``? a``) is placed differently by the two parsers.
    explicit_keys = "?" in text
    # One frame per open collection: [container, path, depth, in_flow, key awaiting its value].
    stack: list[list] = []
    while True:
        event = get_event()
        kind = type(event)
        if kind is SequenceEndEvent or kind is MappingEndEvent:
            done = stack.pop()
            if not stack:
                return done[0]
            continue
        if event.anchor is not None or kind is AliasEvent or event.tag not in (None, "!"):
            raise _Fallback
        top = stack[-1] if stack else None
        if top is not None and top[4] is None and type(top[0]) is dict:
            # A mapping key.
            if kind is not ScalarEvent or (not event.style and ("?" in event.value or not event.value)):
                raise _Fallback
            key = event.value
            mark = event.start_mark
            line, column = mark.line + 1 + line_offset, mark.column + 1
            if key == "<<" and not event.style:
                located.problems.append(
                    YamlProblem(
                        "YAML merge keys (<<) are not allowed",
                        line=line,
                        column=column,
                        hint="write the keys out in full",
                        code="yaml-merge",
                    )
                )
                _skip(parser)
                continue
            if key in top[0]:
                first = key_pos[top[1] + (key,)][0]
                located.problems.append(
                    YamlProblem(
                        f"duplicate key '{key}' (first given on line {first})",
                        line=line,
                        column=column,
                        hint="only the first is used: merge the two into one",
                        code="duplicate-key",
                    )
                )
                _skip(parser)
                continue
            key_pos[top[1] + (key,)] = (line, column)
            top[4] = key
            continue
        # A node: the document's root, a list item or a mapping value.
        if top is None:
            path, depth, in_flow = (), 0, False
        else:
            container = top[0]
            path = top[1] + ((top[4],) if type(container) is dict else (len(container),))
            depth, in_flow = top[2] + 1, top[3]
        if depth > MAX_DEPTH:
            raise _Fallback
        mark = event.start_mark
        value_pos[path] = (mark.line + 1 + line_offset, mark.column + 1)
        if kind is ScalarEvent:
            style = event.style  # libyaml gives a plain scalar the style '' where PyYAML gives None
            value = event.value
            if not style:
                if "?" in value or (not value and (in_flow or top is None or explicit_keys)):
                    raise _Fallback
                if value in _NULLS:
                    value = None
            else:
                if style in ("|", ">") and not _BLOCK_HEADER.match(text, mark.index):
                    raise _Fallback
                quoted.add(path)
            if top is None:
                return value
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            value = [] if kind is SequenceStartEvent else {}
            frame = [value, path, depth, in_flow or bool(event.flow_style), None]
        else:
            raise _Fallback
        if top is not None:
            if type(top[0]) is dict:
                top[0][top[4]] = value
                top[4] = None
            else:
                top[0].append(value)
        if kind is not ScalarEvent:
            stack.append(frame)


def _skip(parser) -> None:
    """Consume one node whose value is dropped, refusing what the composer would refuse in it."""
    level = 0
    while True:
        event = parser.get_event()
        _plain_event(event)
        if isinstance(event, ScalarEvent) and (
            event.style in ("|", ">") or (not event.style and "?" in event.value)
        ):
            raise _Fallback
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            level += 1
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            level -= 1
        if level == 0:
            return


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': '"
    if "found character '\\t'" in problem:
        return "indent YAML with spaces only"
    if "could not find expected ':'" in problem:
        return "each line needs 'key: value'; check indentation and quotes"
    return "check indentation, colons and quotes on this line"


def _pos(node, line_offset: int) -> tuple[int, int]:
    return (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def _build(node, path: Path_, located: Located, line_offset: int, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise YamlProblem(
            f"YAML nested deeper than {MAX_DEPTH} levels",
            line=_pos(node, line_offset)[0],
            column=_pos(node, line_offset)[1],
            code="too-deep",
        )
    located.value_pos[path] = _pos(node, line_offset)
    if isinstance(node, ScalarNode):
        if node.style is None and node.value in _NULLS:
            return None
        if node.style is not None:
            located.quoted.add(path)
        return node.value
    if isinstance(node, SequenceNode):
        return [
            _build(item, path + (i,), located, line_offset, depth + 1) for i, item in enumerate(node.value)
        ]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, column = _pos(key_node, line_offset)
                raise YamlProblem("a key must be plain text", line=line, column=column)
            key = key_node.value
            line, column = _pos(key_node, line_offset)
            if key == "<<" and key_node.style is None:
                located.problems.append(
                    YamlProblem(
                        "YAML merge keys (<<) are not allowed",
                        line=line,
                        column=column,
                        hint="write the keys out in full",
                        code="yaml-merge",
                    )
                )
                continue
            if key in result:
                first = located.key_pos[path + (key,)][0]
                located.problems.append(
                    YamlProblem(
                        f"duplicate key '{key}' (first given on line {first})",
                        line=line,
                        column=column,
                        hint="only the first is used: merge the two into one",
                        code="duplicate-key",
                    )
                )
                continue
            located.key_pos[path + (key,)] = (line, column)
            result[key] = _build(value_node, path + (key,), located, line_offset, depth + 1)
        return result
    raise YamlProblem("unsupported YAML node", line=_pos(node, line_offset)[0], column=1)


def dump(data: Any) -> str:
    """Serialise plain data to YAML that :func:`load` reads back to the same strings.

    Strings that PyYAML's own resolver would read as another type are quoted
    (its default), so other tools reading our files see the same values.
    """
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
