"""Strict, safe YAML reading that keeps the line of every key and value.

PyYAML's safe loader still coerces (``NO`` -> False, ``10:00`` -> 600,
``0123`` -> 83, ``1.10`` -> 1.1), keeps the last of duplicate keys and expands
aliases. Here every plain scalar stays a string (or ``None`` when empty or
``null``): the schema of each field decides what a value means, so a country
code ``NO`` stays Norway and a time stays a time. Aliases, merge keys and
explicit tags are refused, duplicate keys are errors, and the text has a size
cap, so a small file cannot expand into a huge one.

Two paths give the same result: libyaml's events when it can (:mod:`kb.report.yamlevents`, the
fast path), PyYAML's composer here otherwise (the reference path, with its exact messages).
What both produce is in :mod:`kb.report.yamllocated`.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from kb.report.yamlevents import CParser as _CParser
from kb.report.yamlevents import fast_load as _fast_load
from kb.report.yamllocated import (
    MAX_DEPTH,
    MAX_YAML_BYTES,
    NULLS,
    Located,
    Path_,
    YamlProblem,
    duplicate_key_problem,
    merge_key_problem,
)
from kb.util import characters

__all__ = ["MAX_DEPTH", "MAX_YAML_BYTES", "Located", "Path_", "YamlProblem", "dump", "load"]


class _Composer(yaml.SafeLoader):
    """Composes nodes but refuses aliases, explicit tags and nesting deeper than :data:`MAX_DEPTH`
    before they are built. PyYAML's composer recurses once per level: the cap must apply here,
    before a document nested 2,000 deep exhausts Python's stack."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent, index):
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
    if not characters.find(text):
        return found
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
        if node.style is None and node.value in NULLS:
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
                located.problems.append(merge_key_problem(line, column))
                continue
            if key in result:
                located.problems.append(
                    duplicate_key_problem(key, located.key_pos[path + (key,)][0], line, column)
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
