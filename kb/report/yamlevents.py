"""The fast path of :mod:`kb.report.yamlstrict`: libyaml's events read straight into a
:class:`~kb.report.yamllocated.Located`, about ten times faster than PyYAML's pure-Python scanner.

It gives exactly what the reference path gives (values, positions, quoted paths, problems) or
declines (None), leaving the text to the reference path and its messages;
``tests/test_yaml_fastpath.py`` compares the two on tricky and on randomly edited documents.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from kb.report.yamllocated import MAX_DEPTH, NULLS, Located, duplicate_key_problem, merge_key_problem

try:  # libyaml's parser, in C (what yaml.cyaml re-exports)
    from yaml._yaml import CParser as _LibyamlParser

    CParser: type[_LibyamlParser] | None = _LibyamlParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: the reference path alone
    CParser = None

#: A block scalar header both parsers read alike: ``|``, ``>-``, ``|2+``, then spaces and a comment.
_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?: +(?:#[^\n]*)?)?\n")

#: A frame per open collection: [container, path, depth, in_flow, key awaiting its value].
_Frame = list


class _Fallback(Exception):
    """The fast path met something it leaves to the reference path (and its exact messages)."""


def fast_load(text: str, line_offset: int) -> Located | None:
    """The same :class:`Located` as the reference path, from libyaml's events; None when the text
    has anything unusual (a syntax error, alias, anchor, tag, non-text key, excessive depth,
    several documents), so that the pure-Python path reports it with its usual message and position.

    Events are turned into values directly: no node tree, no type resolution. Where libyaml
    and PyYAML are known to differ, the fast path declines: tabs and byte-order marks inside the
    text, carriage returns, '?' in a plain scalar, an empty plain scalar inside a flow collection
    (``[a: ]``), as a key, as the whole document or in a text with a '?', and an unusual block
    scalar header (``>2#``).
    """
    if CParser is None or "\t" in text or "\ufeff" in text or "\r" in text:
        return None
    try:
        parser = CParser(text)
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


def _from_events(parser: Any, located: Located, line_offset: int, text: str) -> Any:
    """Mirror of the reference path's tree walk over events, in one loop (no recursion, one call
    per event). Events come in document order, the order the tree is walked, so positions and
    problems come out identical."""
    get_event = parser.get_event
    value_pos = located.value_pos
    # An empty value after an explicit key (``? a``) is placed differently by the two parsers.
    explicit_keys = "?" in text
    stack: list[_Frame] = []
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
            top[4] = _key(parser, event, top, located, line_offset)
            continue
        # A node: the document's root, a list item or a mapping value.
        if top is None:
            path: tuple = ()
            depth, in_flow = 0, False
        else:
            container = top[0]
            path = top[1] + ((top[4],) if type(container) is dict else (len(container),))
            depth, in_flow = top[2] + 1, top[3]
        if depth > MAX_DEPTH:
            raise _Fallback
        mark = event.start_mark
        value_pos[path] = (mark.line + 1 + line_offset, mark.column + 1)
        value: Any
        if kind is ScalarEvent:
            value = _scalar(
                event, path, located, text, empty_allowed=not (in_flow or top is None or explicit_keys)
            )
            if top is None:
                return value
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            value = [] if kind is SequenceStartEvent else {}
            stack.append([value, path, depth, in_flow or bool(event.flow_style), None])
        else:
            raise _Fallback
        if top is not None:
            if type(top[0]) is dict:
                top[0][top[4]] = value
                top[4] = None
            else:
                top[0].append(value)


def _key(parser: Any, event: Any, top: _Frame, located: Located, line_offset: int) -> str | None:
    """A mapping key: its position recorded and returned, or None when it is refused (a merge
    key, a repeated key: a problem, and its value skipped)."""
    if type(event) is not ScalarEvent or (not event.style and ("?" in event.value or not event.value)):
        raise _Fallback
    key = event.value
    mark: Any = event.start_mark  # always set on a parser's events
    line, column = mark.line + 1 + line_offset, mark.column + 1
    if key == "<<" and not event.style:
        located.problems.append(merge_key_problem(line, column))
        _skip(parser)
        return None
    if key in top[0]:
        first = located.key_pos[top[1] + (key,)][0]
        located.problems.append(duplicate_key_problem(key, first, line, column))
        _skip(parser)
        return None
    located.key_pos[top[1] + (key,)] = (line, column)
    return key


def _scalar(event: Any, path: tuple, located: Located, text: str, *, empty_allowed: bool) -> str | None:
    style = event.style  # libyaml gives a plain scalar the style '' where PyYAML gives None
    value = event.value
    if not style:
        if "?" in value or (not value and not empty_allowed):
            raise _Fallback
        return None if value in NULLS else value
    if style in ("|", ">") and not _BLOCK_HEADER.match(text, event.start_mark.index):
        raise _Fallback
    located.quoted.add(path)
    return value


def _plain_event(event: Any) -> None:
    if (
        isinstance(event, AliasEvent)
        or getattr(event, "anchor", None) is not None
        or getattr(event, "tag", None) not in (None, "!")
    ):
        raise _Fallback


def _skip(parser: Any) -> None:
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
