"""``kb search``: free text and filters over the index, with facets and "did you mean".

What the user typed is checked by :mod:`kb.search.rewrite` (quotes, brackets, field names, dates,
filter values) so that every mistake is one clear line with a hint; the index
(:mod:`kb.search.matching`) runs the query. Before searching, the index is built or
brought up to date when reports changed since the last run. :func:`search`
answers one request; :class:`Searcher` keeps the index open for many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import UsageError
from kb.project import Project
from kb.registry.filters import EntityTable, Filters, Resolved, resolve_filters
from kb.search.rewrite import check_query, corrected, expand_entities, spell_words

if TYPE_CHECKING:
    from kb.search.matching import OpenIndex  # imported when a search runs: kb --help need not
    from kb.util.tables import Terminal

SORTS = ("relevance", "date")
FACET_NAMES = {"sectors": "sectors", "countries": "countries", "ministries": "ministries", "year": "years"}


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str | None = None  # None: relevance with a query, newest first without
    limit: int | None = 20  # None or 0: every result
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
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "countries": self.countries,
            "type": self.type,
            "visibility": self.visibility,
            "path": self.path,
            "score": self.score,
            "snippet": self.snippet,
            **self.tags,
        }


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

    def __init__(
        self,
        project: Project,
        *,
        index_dir: str | Path | None = None,
        update: bool = True,
        progress=None,
        wait: float = 30.0,
    ):
        from kb.search.update import store_for

        self.project = project
        self._index_dir = index_dir
        self._update = update
        self._progress = progress
        self._wait = wait
        self._store = store_for(project, index_dir)
        self._open: OpenIndex | None = None
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
        from kb.search.store import GenerationGone
        from kb.search.update import fresh_generation

        fresh = fresh_generation(
            self.project,
            index_dir=self._index_dir,
            progress=self._progress,
            update=self._update,
            wait=self._wait,
        )
        try:
            self._follow(fresh.generation)
        except GenerationGone:
            self._drop()  # replaced meanwhile: the next search follows the pointer
        self._notes = list(fresh.notes)
        self._update_note = fresh.update.summary() if fresh.update and fresh.update.changed else None

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request`` on the live generation."""
        from kb.search.store import GenerationGone

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

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _follow(self, generation: Path) -> None:
        from kb.search.matching import OpenIndex
        from kb.search.store import read_entities

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
        from kb.search.matching import QuerySpec

        if self._open is None or self._table is None or self._labels is None:  # opened together
            from kb.errors import ProjectError

            raise ProjectError("there is no search index yet", hint="run kb index")
        table = self._table
        resolved = resolve_filters(request.filters, table)
        filters: dict[str, tuple[str, ...]] = dict(resolved.entities)
        if resolved.countries:
            filters["countries"] = resolved.countries
        if resolved.types:
            filters["type"] = resolved.types
        expanded, names = expand_entities(text, table)
        spec = QuerySpec(
            text=expanded,
            filters=filters,
            start=resolved.start,
            end=resolved.end,
            view="staff" if request.include_internal else "public",
            sort=sort,
            limit=request.limit or None,
            spell_words=tuple(w for w in spell_words(text) if w.lower() not in names),
            families=self._labels.families(),
        )
        raw = self._open.run(spec)
        hits = [_hit(h.fields, h.snippet, h.score) for h in raw.hits]
        facets = {
            FACET_NAMES[name]: _facet(name, counts, self._labels) for name, counts in raw.facets.items()
        }
        update_note, self._update_note = self._update_note, None
        return SearchResult(
            request,
            resolved,
            sort,
            raw.total,
            hits,
            facets,
            corrected(request.query or "", raw.suggestions),
            list(self._notes),
            update_note,
        )


def _checked(request: SearchRequest) -> tuple[str, str]:
    """The query text (field names normalised) and the sort; UsageError for what cannot be run."""
    text = check_query(request.query or "")
    sort = request.sort or ("relevance" if text.strip() else "date")
    if sort not in SORTS:
        raise UsageError(f"unknown sort '{sort}'", hint=f"one of: {', '.join(SORTS)}")
    if request.limit is not None and request.limit < 0:
        raise UsageError("--limit must be 0 (everything) or more")
    return text, sort


def search(
    project: Project,
    request: SearchRequest,
    *,
    index_dir: str | Path | None = None,
    progress=None,
    update: bool = True,
    wait: float = 30.0,
) -> SearchResult:
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
        id=stored["key"],
        title=stored.get("title", ""),
        date=day.date().isoformat() if day else "",
        countries=_split(stored.get("countries")),
        type=stored.get("type", ""),
        visibility=stored.get("visibility", ""),
        path=stored.get("path", ""),
        snippet=snippet,
        score=score,
        tags={
            name: _split(stored.get(name)) for name in ("sectors", "ministries", "organisations", "projects")
        },
    )


class _Labels:
    """Facet values as shown, and their labels, looked up once per registry copy."""

    def __init__(self, table: EntityTable):
        self._table = table
        self._known: dict[tuple[str, str], tuple[str, str]] = {}
        self._families: dict[str, dict[str, tuple[str, ...]]] | None = None

    def families(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Entity facet -> id -> every name of its body, for ids with renames (see QuerySpec)."""
        if self._families is None:
            renamed = {
                entity_id: tuple(self._table.lineage(entity_id))
                for entity_id in self._table.entities
                if len(self._table.lineage(entity_id)) > 1
            }
            lists = {"sectors": "sectors", "ministries": "ministries"}
            self._families = {
                facet: {
                    i: names for i, names in renamed.items() if self._table.entities[i]["list"] == tag_list
                }
                for facet, tag_list in lists.items()
            }
        return self._families

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


SEARCH_COLUMNS = [
    "id",
    "title",
    "date",
    "countries",
    "type",
    "visibility",
    "path",
    "score",
    "snippet",
    "sectors",
    "ministries",
    "organisations",
    "projects",
]


def render_text(result: SearchResult, terminal: Terminal | None = None) -> str:
    """Results as a table fitted to the terminal, each snippet under its row as plain text
    (Markdown taken out, :func:`kb.util.text.plain_snippet`) with the matched words bold when the
    terminal allows styles; then the facet counts."""
    from kb.util.tables import Terminal, render_items, render_paragraph, table_lines
    from kb.util.text import plain_snippet

    terminal = terminal or Terminal()
    lines: list[str] = []
    if result.hits:
        rows = [
            {"date": h.date, "title": h.title, "countries": " ".join(h.countries), "path": h.path}
            for h in result.hits
        ]
        header, blocks = table_lines(rows, ["date", "title", "countries", "path"], terminal)
        lines.extend(header)
        for index, (hit, block) in enumerate(zip(result.hits, blocks, strict=True)):
            if index:
                lines.append("")
            lines.extend(block)
            if hit.snippet:
                lines.extend(render_paragraph(plain_snippet(hit.snippet), terminal, indent=4))
    order = "by relevance" if result.sort == "relevance" else "newest first"
    shown = f", showing {len(result.hits)}" if len(result.hits) < result.total else ""
    noun = "report" if result.total == 1 else "reports"
    lines.append(f"{result.total} {noun}{shown} ({order})" if result.total else "no reports match")
    for name, values in result.facets.items():
        if values:
            lines.extend(render_items(name, [f"{f.value} {f.count}" for f in values], terminal))
    if result.did_you_mean:
        lines.append(f"did you mean: {result.did_you_mean}")
    return "\n".join(lines)
