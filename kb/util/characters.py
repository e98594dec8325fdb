"""Which characters text may hold: one rule wherever text comes in.

The characters below are never part of a report, a registry entry or anything made from them.
Front matter, registry files and ``kb new``'s options *refuse* them (an error naming the field,
at its ``path:line:col``); report bodies and imported pages have them *removed* (a report's body
with a warning on each line that held one), so ``kb check`` passing means every later step
(the site, its Atom feeds, the open data, the index) can take the text:

- control characters other than tab and line feed: C0 (U+0000 to U+0008, U+000B to U+001F),
  DEL (U+007F) and C1 (U+0080 to U+009F). A carriage return is a line end: files are read with
  CR and CRLF turned into LF before this rule applies. Terminal colour codes (ESC, U+001B),
  backspaces and form feeds come in pasted from terminals, PDFs and word processors;
- lone surrogates (U+D800 to U+DFFF): halves of a UTF-16 pair, not characters (a YAML escape
  such as ``"\\ud800"`` makes one);
- Unicode's 66 noncharacters: U+FDD0 to U+FDEF, and the last two code points of every plane
  (U+FFFE, U+FFFF, U+1FFFE, U+1FFFF, ... U+10FFFE, U+10FFFF).

These are the characters XML 1.0 (the Atom feeds), terminals, CSV readers and browsers refuse,
misread or are told to avoid. Everything else is kept as written: format characters (soft
hyphen, zero-width joiner, direction marks), private-use characters, code points Unicode has
not assigned yet (a later version may), line and paragraph separators (U+2028, U+2029: shown as
spaces where a field is one line), combining marks, and characters beyond the first plane
(emoji, historic scripts).
"""

from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
#: Every character that the rule above refuses or removes.
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# The same rule within the first plane, and any character beyond it. Searching with FORBIDDEN
# costs about 200 us for a 6 KB report (the 32 noncharacters beyond the first plane make ``re``
# test each character against a list); these two together cost about 25 us, and ``kb check``
# searches every report body and every front-matter value.
_FIRST_PLANE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BEYOND_FIRST_PLANE = re.compile("[\U00010000-\U0010ffff]")
#: For an author who typed or pasted one in front matter or a registry file.
HINT = "retype the text; it was probably pasted from another program"
#: For one in a body: most editors do not show it.
BODY_HINT = (
    "delete it: most editors do not show it; it was probably pasted from a terminal or another program"
)


def describe(char: str) -> str:
    """``a U+001B control character``, ``a NUL control character``, ``the noncharacter U+FFFE``..."""
    code = ord(char)
    if code == 0:
        return "a NUL control character"
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X} (half of a UTF-16 pair, not a character)"
    if code <= 0x9F:
        return f"a U+{code:04X} control character"
    return f"the noncharacter U+{code:04X}"


def find(text: str) -> re.Match[str] | None:
    """The first character of ``text`` that the rule refuses, as ``FORBIDDEN.search`` finds it
    (faster: ``tests/test_characters.py`` proves the two equal)."""
    if _BEYOND_FIRST_PLANE.search(text):
        return FORBIDDEN.search(text)
    return _FIRST_PLANE_FORBIDDEN.search(text)


def remove(text: str) -> str:
    """``text`` without any character the rule refuses."""
    return FORBIDDEN.sub("", text) if find(text) else text


def shown(text: str) -> str:
    """``text`` for a message on a terminal: each refused character as an escape (``\\x1b``)."""
    return FORBIDDEN.sub(lambda m: ascii(m.group(0))[1:-1], text)


#: Besides the characters text may not hold (:mod:`kb.util.characters`), what would split a diagnostic
#: line: line feeds, tabs, line and paragraph separators (a file name may hold any of them).
_LINE_BREAKS = re.compile(r"[\n\t\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` for a one-line message on a terminal: every refused or line-breaking character as
    an escape (``\\x1b``, ``\\n``, ``\\udcff`` for an undecodable byte of a file name)."""
    return _LINE_BREAKS.sub(lambda m: ascii(m.group(0))[1:-1], shown(text))


def quote_name(name: str) -> str:
    """A file name for a diagnostic, which must stay one line: as it is, or, when it holds a
    newline or another character :func:`printable` escapes, in quotes with those escaped."""
    if not find(name) and not _LINE_BREAKS.search(name):
        return name
    return "'" + printable(name.replace("\\", "\\\\").replace("'", "\\'")) + "'"
