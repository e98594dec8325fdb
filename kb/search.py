"""``kb search``: free text and filters over the index, with facets and "did you mean".

What the user typed is checked here (quotes, brackets, field names, dates,
filter values) so that every mistake is one clear line with a hint; the index
(:mod:`kb.querying`) runs the query. Before searching, the index is built or
brought up to date when reports changed since the last run. :func:`search`
answers one request; :class:`Searcher` keeps the index open for many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .filters import EntityTable, Filters, Resolved, resolve_filters
from .project import Project

SORTS = ("relevance", "date")
FACET_NAMES = {"sectors": "sectors", "countries": "countries", "ministries": "ministries", "year": "years"}
_FIELD = re.compile(r"(?<![\w:/.])([A-Za-z_]\w*):(?!//)")
_DATE_CLAUSE = re.compile(r"(?<![\w:])date:(\[[^\]]*\]|\{[^}]*\}|\"[^\"]*\"|\S+)", re.IGNORECASE)
_CLAUSE = re.compile(r"(?<![\w:])(\w+):(\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|\"[^\"]*\"|\S+)")
_WORD = re.compile(r"[^\W\d_]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str | None = None      # None: relevance with a query, newest first without
    limit: int | None = 20       # None or 0: every result
    include_internal: bool = False


@dataclass
class Hit:
    id: str
    title: str
    date: str
    countries: list[str]
    type: str
    visibility: str
    path: str
    snippet: str
    score: float | None
    tags: dict[str, list[str]]

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date, "countries": self.countries,
                "type": self.type, "visibility": self.visibility, "path": self.path, "score": self.score,
                "snippet": self.snippet, **self.tags}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int

    def as_dict(self) -> dict:
        return {"value": self.value, "label": self.label, "count": self.count}


@dataclass
class SearchResult:
    request: SearchRequest
    filters: Resolved
    sort: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None = None
    notes: list[str] = field(default_factory=list)
    index_update: str | None = None

    def as_json(self) -> dict:
        """The documented JSON shape (docs/searching.md)."""
        return {
            "query": self.request.query,
            "filters": self.filters.as_dict(),
            "include_internal": self.request.include_internal,
            "sort": self.sort,
            "total": self.total,
            "shown": len(self.hits),
            "results": [h.as_dict() for h in self.hits],
            "facets": {name: [f.as_dict() for f in values] for name, values in self.facets.items()},
            "did_you_mean": self.did_you_mean,
            "notes": self.notes,
        }


# -- checking what the user typed -------------------------------------------------------------
def _outside_quotes(text: str) -> str:
    """``text`` with quoted phrases blanked (same length), so syntax checks skip their contents."""
    return re.sub(r'"[^"]*"', lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)


def check_query(text: str) -> str:
    """The query with field names normalised; UsageError for unbalanced quotes or brackets,
    unknown fields and bad dates."""
    from .index import QUERY_FIELDS

    if text.count('"') % 2:
        raise UsageError("unbalanced quotes in the query",
                         hint='close the phrase with a second ", or remove the quote')
    bare = _outside_quotes(text)
    for opening, closing, name in (("(", ")", "brackets"), ("[", "]", "square brackets"),
                                   ("{", "}", "curly brackets")):
        depth = 0
        for char in bare:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                break
        if depth:
            raise UsageError(f"unbalanced {name} in the query", hint=f"each {opening} needs a {closing}")
    fixed = []
    last = 0
    for match in _FIELD.finditer(bare):
        name = match.group(1)
        if name in QUERY_FIELDS:
            continue
        if name.lower() in QUERY_FIELDS:
            fixed.append((match.start(1), match.end(1), name.lower()))
            continue
        from .schema import did_you_mean

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
    from .dates import DateProblem, parse_fuzzy

    inner = value.strip('"[]{}')
    parts = re.split(r"\s+to\s+", inner, flags=re.IGNORECASE) if value[:1] in "[{" else [inner]
    for part in parts:
        if not part.strip():
            continue
        try:
            parse_fuzzy(part.strip())
        except DateProblem as exc:
            raise UsageError(f"bad date in '{clause}': {exc}",
                             hint="write date:2014, date:2014-07 or date:[2014 TO 2016-06]") from None


def spell_words(text: str) -> list[str]:
    """The plain words of a query, for spelling suggestions: no operators, wildcards or ids."""
    from .index import QUERY_FIELDS, TEXT_FIELDS

    def keep_text(match: re.Match) -> str:
        return match.group(2) if QUERY_FIELDS.get(match.group(1)) in TEXT_FIELDS else " "

    plain = _CLAUSE.sub(keep_text, text)
    words = []
    for token in re.split(r"[\s()\[\]{}\"^~]+", plain):
        if not token or token in _OPERATORS or "*" in token or "?" in token:
            continue
        words.extend(_WORD.findall(token))
    return words


_TOKEN = re.compile(r"""(?P<field>\w+:(?:"[^"]*"|\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|[^\s()]+))"""
                    r"""|(?P<phrase>"[^"]*"(?:~\d+)?)|(?P<word>[^\s()"]+)|(?P<space>\s+)|(?P<bracket>[()])""")
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
        while j + 1 < len(tokens) and len(run) < MAX_NAME_WORDS and tokens[j][0] == "space" \
                and tokens[j + 1][0] == "word" and _plain_word(tokens[j + 1][1]):
            run.append(j + 1)
            j += 2
        for size in range(len(run), 0, -1):
            words = [tokens[k][1] for k in run[:size]]
            ids = table.resolve(" ".join(words))
            if ids:
                original = "".join(v for _kind, v in tokens[i:run[size - 1] + 1])
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
    return value not in _OPERATORS and not any(c in value for c in "*?^~:") and not value.startswith(("+", "-"))


def _corrected(text: str, suggestions: dict[str, str]) -> str | None:
    if not suggestions:
        return None
    out = text
    for word, better in suggestions.items():
        out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, out, flags=re.IGNORECASE)
    return out if out != text else None


# -- searching ---------------------------------------------------------------------------------
class Searcher:
    """The index opened once for many searches: for a server, a notebook or a benchmark.

    Opening checks the reports against the index, and builds or updates it
    first when ``update`` (as :func:`search` does). Then each :meth:`search`
    reads the index's ``CURRENT`` pointer only: when a ``kb index`` run (any
    process) made a new generation live, the searcher opens it; otherwise it
    reuses the open index, its copy of the registry and its caches. It does not
    look at the reports again until :meth:`refresh`. One searcher per thread;
    ``close()`` it (or use it in a ``with`` block) when done.
    """

    def __init__(self, project: Project, *, index_dir: str | Path | None = None, update: bool = True,
                 progress=None, wait: float = 30.0):
        from .indexing import store_for

        self.project = project
        self._index_dir = index_dir
        self._update = update
        self._progress = progress
        self._wait = wait
        self._store = store_for(project, index_dir)
        self._open = None
        self._table: EntityTable | None = None
        self._labels: _Labels | None = None
        self._notes: list[str] = []
        self._update_note: str | None = None
        self.refresh()

    @property
    def generation(self) -> Path | None:
        """The generation folder searched now."""
        return self._open.generation if self._open else None

    def refresh(self) -> None:
        """Check the reports against the index (a stat of every report file), update the index
        when the searcher was opened with ``update``, and search the live generation from now on.

        The next result carries what the update did (``index_update``) and, when the
        index could not be updated, a note saying so.
        """
        from .indexing import fresh_generation
        from .indexstore import GenerationGone

        fresh = fresh_generation(self.project, index_dir=self._index_dir, progress=self._progress,
                                 update=self._update, wait=self._wait)
        try:
            self._follow(fresh.generation)
        except GenerationGone:
            self._drop()  # replaced meanwhile: the next search follows the pointer
        self._notes = list(fresh.notes)
        self._update_note = fresh.update.summary() if fresh.update and fresh.update.changed else None

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request`` on the live generation."""
        from .indexstore import GenerationGone

        text, sort = _checked(request)
        for attempt in (1, 2):
            try:
                live = self._store.current()
                if live is not None and (self._open is None or live != self._open.generation):
                    self._follow(live)
                    self._notes = []
                return self._run(request, text, sort)
            except GenerationGone:
                # Two index runs finished while we opened the index: read the pointer again, once.
                self._drop()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _follow(self, generation: Path) -> None:
        from .indexstore import read_entities
        from .querying import OpenIndex

        if self._open is not None and self._open.generation == generation:
            return
        opened = OpenIndex(generation)
        try:
            table = EntityTable.from_snapshot(read_entities(generation))
        except BaseException:
            opened.close()
            raise
        self._drop()
        self._open, self._table, self._labels = opened, table, _Labels(table)

    def _drop(self) -> None:
        if self._open is not None:
            self._open.close()
        self._open = self._table = self._labels = None

    def _run(self, request: SearchRequest, text: str, sort: str) -> SearchResult:
        from .querying import QuerySpec

        if self._open is None:
            from .errors import ProjectError

            raise ProjectError("there is no search index yet", hint="run kb index")
        table = self._table
        resolved = resolve_filters(request.filters, table)
        filters: dict[str, tuple[str, ...]] = dict(resolved.entities)
        if resolved.countries:
            filters["countries"] = resolved.countries
        if resolved.types:
            filters["type"] = resolved.types
        expanded, names = expand_entities(text, table)
        spec = QuerySpec(text=expanded, filters=filters, start=resolved.start, end=resolved.end,
                         view="staff" if request.include_internal else "public", sort=sort,
                         limit=request.limit or None,
                         spell_words=tuple(w for w in spell_words(text) if w.lower() not in names))
        raw = self._open.run(spec)
        hits = [_hit(h.fields, h.snippet, h.score) for h in raw.hits]
        facets = {FACET_NAMES[name]: _facet(name, counts, self._labels) for name, counts in raw.facets.items()}
        update_note, self._update_note = self._update_note, None
        return SearchResult(request, resolved, sort, raw.total, hits, facets,
                            _corrected(request.query or "", raw.suggestions), list(self._notes), update_note)


def _checked(request: SearchRequest) -> tuple[str, str]:
    """The query text (field names normalised) and the sort; UsageError for what cannot be run."""
    text = check_query(request.query or "")
    sort = request.sort or ("relevance" if text.strip() else "date")
    if sort not in SORTS:
        raise UsageError(f"unknown sort '{sort}'", hint=f"one of: {', '.join(SORTS)}")
    if request.limit is not None and request.limit < 0:
        raise UsageError("--limit must be 0 (everything) or more")
    return text, sort


def search(project: Project, request: SearchRequest, *, index_dir: str | Path | None = None,
           progress=None, update: bool = True, wait: float = 30.0) -> SearchResult:
    """Run ``request`` on the index, building or updating it first if reports changed.

    One search; for many, open a :class:`Searcher` once.
    """
    _checked(request)
    with Searcher(project, index_dir=index_dir, progress=progress, update=update, wait=wait) as searcher:
        return searcher.search(request)


def _split(value: str | None) -> list[str]:
    return value.split() if value else []


def _hit(stored: dict, snippet: str, score: float | None) -> Hit:
    day = stored.get("date")
    return Hit(
        id=stored["key"], title=stored.get("title", ""),
        date=day.date().isoformat() if day else "", countries=_split(stored.get("countries")),
        type=stored.get("type", ""), visibility=stored.get("visibility", ""), path=stored.get("path", ""),
        snippet=snippet, score=score,
        tags={name: _split(stored.get(name)) for name in ("sectors", "ministries", "organisations", "projects")},
    )


class _Labels:
    """Facet values as shown, and their labels, looked up once per registry copy."""

    def __init__(self, table: EntityTable):
        self._table = table
        self._known: dict[tuple[str, str], tuple[str, str]] = {}

    def __call__(self, name: str, value: str) -> tuple[str, str]:
        found = self._known.get((name, value))
        if found is None:
            if name == "countries":
                shown = value.upper()
                found = (shown, self._table.countries.get(shown, shown))
            elif name == "year":
                found = (value, value)
            else:
                found = (value, self._table.label(value))
            self._known[(name, value)] = found
        return found


def _facet(name: str, counts: dict[str, int], labels: _Labels) -> list[FacetValue]:
    values = [FacetValue(*labels(name, value), count) for value, count in counts.items()]
    if name == "year":
        return sorted(values, key=lambda f: f.value, reverse=True)
    return sorted(values, key=lambda f: (-f.count, f.value))


SEARCH_COLUMNS = ["id", "title", "date", "countries", "type", "visibility", "path", "score", "snippet",
                  "sectors", "ministries", "organisations", "projects"]
_MARK = re.compile(r"\*\*(.+?)\*\*")


def render_text(result: SearchResult, *, emphasise=None, width: int | None = None) -> str:
    """Results as a table with each snippet under its row, then the facet counts.

    ``emphasise`` styles the matched words of snippets (the CLI makes them bold
    on a terminal); without it they stay marked as ``**word**``.
    """
    from .tables import render_table

    lines: list[str] = []
    if result.hits:
        rows = [{"date": h.date, "title": h.title, "countries": " ".join(h.countries), "path": h.path}
                for h in result.hits]
        table = render_table(rows, ["date", "title", "countries", "path"], max_width=width).split("\n")
        lines.extend(table[:2])
        for hit, row_line in zip(result.hits, table[2:]):
            lines.append(row_line)
            if hit.snippet:
                snippet = _MARK.sub(lambda m: emphasise(m.group(1)), hit.snippet) if emphasise else hit.snippet
                lines.append(" " * 12 + snippet)
    order = "by relevance" if result.sort == "relevance" else "newest first"
    shown = f", showing {len(result.hits)}" if len(result.hits) < result.total else ""
    noun = "report" if result.total == 1 else "reports"
    lines.append(f"{result.total} {noun}{shown} ({order})" if result.total else "no reports match")
    for name, values in result.facets.items():
        if values:
            lines.append(f"{name}: " + ", ".join(f"{f.value} {f.count}" for f in values))
    if result.did_you_mean:
        lines.append(f"did you mean: {result.did_you_mean}")
    return "\n".join(lines)
