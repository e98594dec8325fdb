"""What a user typed into ``kb search``, checked and rewritten before the index sees it.

Every mistake (quotes, brackets, field names, dates) becomes one clear line with a
hint; names, acronyms and aliases of registry entities become ``entities:<id>``
terms (with their renames); the words a "did you mean" may correct are picked out.
"""

from __future__ import annotations

import re

from kb.errors import UsageError
from kb.registry.filters import EntityTable

_FIELD = re.compile(r"(?<![\w:/.])([A-Za-z_]\w*):(?!//)")
_DATE_CLAUSE = re.compile(r"(?<![\w:])date:(\[[^\]]*\]|\{[^}]*\}|\"[^\"]*\"|\S+)", re.IGNORECASE)
_CLAUSE = re.compile(r"(?<![\w:])(\w+):(\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|\"[^\"]*\"|\S+)")
_WORD = re.compile(r"[^\W\d_]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})
#: Brackets nested deeper than this are refused: Whoosh's parser recurses once per level.
MAX_QUERY_DEPTH = 20
#: Two negations in a row, which Whoosh's parser cannot read (it fails inside, on an index).
_DOUBLE_NOT = re.compile(r"(?<![^\s()])(?:AND)?NOT\s+NOT(?![^\s()])")


# -- checking what the user typed -------------------------------------------------------------
def _outside_quotes(text: str) -> str:
    """``text`` with quoted phrases blanked (same length), so syntax checks skip their contents."""
    return re.sub(r'"[^"]*"', lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)


def check_query(text: str) -> str:
    """The query with field names normalised; UsageError for unbalanced quotes or brackets,
    unknown fields and bad dates."""
    from kb.search.engine import QUERY_FIELDS

    if text.count('"') % 2:
        raise UsageError(
            "unbalanced quotes in the query", hint='close the phrase with a second ", or remove the quote'
        )
    bare = _outside_quotes(text)
    for opening, closing, name in (
        ("(", ")", "brackets"),
        ("[", "]", "square brackets"),
        ("{", "}", "curly brackets"),
    ):
        depth = deepest = 0
        for char in bare:
            depth += (char == opening) - (char == closing)
            deepest = max(deepest, depth)
            if depth < 0:
                break
        if depth:
            raise UsageError(f"unbalanced {name} in the query", hint=f"each {opening} needs a {closing}")
        if deepest > MAX_QUERY_DEPTH:
            raise UsageError(
                f"{name} nested {deepest} deep in the query; at most {MAX_QUERY_DEPTH} are allowed",
                hint="remove the brackets that group nothing",
            )
    double = _DOUBLE_NOT.search(bare)
    if double:
        raise UsageError(
            f"two NOTs in a row in the query ('{double.group(0)[:30]}')",
            hint="NOT NOT x means x: remove both, or put a word between them",
        )
    fixed = []
    last = 0
    for match in _FIELD.finditer(bare):
        name = match.group(1)
        if name in QUERY_FIELDS:
            continue
        if name.lower() in QUERY_FIELDS:
            fixed.append((match.start(1), match.end(1), name.lower()))
            continue
        from kb.util.suggest import did_you_mean

        known = sorted(n for n in QUERY_FIELDS)
        hint = did_you_mean(name, known) or f"fields: {', '.join(known)}"
        raise UsageError(f"unknown field '{name}:' in the query", hint=hint)
    out = []
    for start, end, name in fixed:
        out.append(text[last:start] + name)
        last = end
    text = "".join(out) + text[last:]
    for match in _DATE_CLAUSE.finditer(text):
        _check_date_clause(match.group(0), match.group(1))
    return text


def _check_date_clause(clause: str, value: str) -> None:
    from kb.report.dates import DateProblem, parse_fuzzy

    inner = value.strip('"[]{}')
    parts = re.split(r"(?<!\s)\s+to\s+", inner, flags=re.IGNORECASE) if value[:1] in "[{" else [inner]
    for part in parts:
        if not part.strip():
            continue
        try:
            parse_fuzzy(part.strip())
        except DateProblem as exc:
            raise UsageError(
                f"bad date in '{clause}': {exc}",
                hint="write date:2014, date:2014-07 or date:[2014 TO 2016-06]",
            ) from None


def spell_words(text: str) -> list[str]:
    """The plain words of a query, for spelling suggestions: no operators, wildcards or ids."""
    from kb.search.engine import QUERY_FIELDS, TEXT_FIELDS

    def keep_text(match: re.Match) -> str:
        return match.group(2) if QUERY_FIELDS.get(match.group(1)) in TEXT_FIELDS else " "

    plain = _CLAUSE.sub(keep_text, text)
    words = []
    for token in re.split(r"[\s()\[\]{}\"^~]+", plain):
        if not token or token in _OPERATORS or "*" in token or "?" in token:
            continue
        words.extend(_WORD.findall(token))
    return words


_TOKEN = re.compile(
    r"""(?P<field>\w+:(?:"[^"]*"|\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|[^\s()]+))"""
    r"""|(?P<phrase>"[^"]*"(?:~\d+)?)|(?P<word>[^\s()"]+)|(?P<space>\s+)|(?P<bracket>[()])"""
)
#: Longest entity name, in words, tried when matching names in a query.
MAX_NAME_WORDS = 12


def expand_entities(text: str, table: EntityTable) -> tuple[str, set[str]]:
    """The query with every entity name, acronym or alias it contains OR'ed with ``entities:<id>``,
    and the words so matched (they are not misspellings).

    ``MSIT`` becomes ``(MSIT OR entities:msit)``; as every report lists the
    lineage of the entities it tags, that also finds reports tagged ``msip``.
    Quoted phrases and runs of plain words are matched, longest name first;
    field clauses, operators and wildcards are left alone.
    """
    tokens = [(m.lastgroup, m.group(0)) for m in _TOKEN.finditer(text)]
    out: list[str] = []
    matched: set[str] = set()
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "phrase":
            ids = table.resolve(value.split('"')[1])
            if ids:
                matched.update(w.lower() for w in _WORD.findall(value))
                value = "(" + " OR ".join([value, *(f"entities:{e}" for e in ids)]) + ")"
            out.append(value)
            i += 1
            continue
        if kind != "word" or not _plain_word(value):
            out.append(value)
            i += 1
            continue
        # The run of plain words starting here, with the spaces between them.
        run = [i]
        j = i + 1
        while (
            j + 1 < len(tokens)
            and len(run) < MAX_NAME_WORDS
            and tokens[j][0] == "space"
            and tokens[j + 1][0] == "word"
            and _plain_word(tokens[j + 1][1])
        ):
            run.append(j + 1)
            j += 2
        for size in range(len(run), 0, -1):
            words = [tokens[k][1] for k in run[:size]]
            ids = table.resolve(" ".join(words))
            if ids:
                original = "".join(v for _kind, v in tokens[i : run[size - 1] + 1])
                matched.update(w.lower() for w in _WORD.findall(original))
                grouped = f"({original})" if size > 1 else original
                out.append("(" + " OR ".join([grouped, *(f"entities:{e}" for e in ids)]) + ")")
                i = run[size - 1] + 1
                break
        else:
            out.append(value)
            i += 1
    return "".join(out), matched


def _plain_word(value: str) -> bool:
    return (
        value not in _OPERATORS and not any(c in value for c in "*?^~:") and not value.startswith(("+", "-"))
    )


def corrected(text: str, suggestions: dict[str, str]) -> str | None:
    if not suggestions:
        return None
    out = text
    for word, better in suggestions.items():
        out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, out, flags=re.IGNORECASE)
    return out if out != text else None
