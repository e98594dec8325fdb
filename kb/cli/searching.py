"""Commands for finding things: ``kb index``, ``kb search``, ``kb related``, ``kb show``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kb.cli.main import CONTEXT, main
from kb.cli.options import (
    INDEX_DIR,
    OneOf,
    emit,
    filter_options,
    format_option,
    progress,
    project,
    terminal,
)

if TYPE_CHECKING:
    from kb.registry.filters import Filters


@main.command(context_settings=CONTEXT)
@click.option("--rebuild", is_flag=True, help="Build the whole index again instead of updating it.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for another kb index run to finish.",
)
@INDEX_DIR
@click.pass_context
def index(ctx: click.Context, rebuild: bool, wait: float, index_dir: str | None) -> None:
    """Build or update the search index (only reports changed since the last run).

    The index is written next to the live one and swapped in at the end, so an
    interrupted run never leaves a broken index. Reports with errors are left
    out (see kb check).

    \b
    Examples:
      kb index
      kb index --rebuild
    """
    from kb.search.update import update_index
    from kb.util.characters import quote_name

    bars, close = progress()
    try:
        result = update_index(project(ctx), index_dir=index_dir, rebuild=rebuild, progress=bars, wait=wait)
    finally:
        close()
    click.echo(f"{result.summary()} in {result.seconds:.1f} s")
    for shown in result.skipped:
        click.echo(f"{quote_name(shown)}: left out of the index (it has errors; run kb check)", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--sort",
    type=OneOf("kb.search.api:SORTS"),
    default=None,
    help="Order of the results (default: relevance with a query, else date).",
)
@click.option(
    "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Results to show; 0 shows all."
)
@INDEX_DIR
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    selection: Filters,
    include_internal: bool,
    fmt: str,
    sort: str | None,
    limit: int,
    index_dir: str | None,
) -> None:
    """Search the reports: free text and filters, with counts by sector, country, ministry and year.

    QUERY uses Whoosh syntax: words (all must match), "exact phrases", OR, NOT,
    brackets, wildcards (smart*) and field:value (title:, sector:, country:,
    ministry:, organisation:, project:, type:, year:, date:2014-07, date:[2014 TO 2016]).
    Names, acronyms and earlier or later names of registry entities all match.
    Without QUERY the filters browse, newest first. Values of one filter are
    OR'ed, different filters AND'ed. Internal reports are left out unless
    --include-internal. The index is updated first if reports changed.

    \b
    Examples:
      kb search "health data" --country KR
      kb search --sector health-data --since 2014 --format csv > health.csv
      kb search MSIT --sort date --format json
      kb search 'cyber NOT "smart cities"' --ministry msit --ministry nia
    """
    from kb.search.api import SEARCH_COLUMNS, SearchRequest, render_text
    from kb.search.api import search as run_search

    request = SearchRequest(
        " ".join(query),
        selection,
        sort=sort,
        limit=limit,
        include_internal=include_internal,
    )
    bars, close = progress()
    try:
        result = run_search(project(ctx), request, index_dir=index_dir, progress=bars)
    finally:
        close()
    if result.index_update:
        click.echo(result.index_update, err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    emit(
        fmt,
        text=lambda: render_text(result, terminal()),
        data=result.as_json(),
        rows=[h.as_dict() for h in result.hits],
        columns=SEARCH_COLUMNS,
    )


@main.command(context_settings=CONTEXT)
@click.argument("report")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--include-internal", is_flag=True, help="Consider internal reports too.")
@format_option()
@click.pass_context
def related(ctx: click.Context, report: str, limit: int, include_internal: bool, fmt: str) -> None:
    """The reports most like REPORT (an id or a file path), by shared entities and words.

    \b
    Examples:
      kb related 2014-07-03-south-korea-innovation-and-openness
      kb related reports/kr/2016-09-20-korea-health-big-data-collaboration.md --format json
    """
    from kb.relations.show import related_reports

    found = related_reports(project(ctx), report, include_internal=include_internal, limit=limit)
    emit(
        fmt,
        text=lambda: found.render_text(terminal()),
        data=found.as_json(),
        rows=found.related,
        columns=found.columns,
    )


@main.command(context_settings=CONTEXT)
@click.argument("entity")
@click.option("--include-internal", is_flag=True, help="Count internal reports too.")
@format_option("kb.relations.show:SHOW_FORMATS")
@click.pass_context
def show(ctx: click.Context, entity: str, include_internal: bool, fmt: str) -> None:
    """What the knowledge base knows about ENTITY (id, acronym, name or alias),
    a country, or an opportunity (its id).

    An entity: its registry entry and names over time, the reports that tag it
    under any of its names, its opportunities and targets, and the entities
    most often tagged with it. A country (KR, Korea, South Korea, ROK...): its
    reports, its bodies and those its reports tag, its opportunities and
    targets, and the years covered. An opportunity: its stage, partners and
    next step, every report on it with the status and next step it gave, and
    the opportunities sharing most with it.

    \b
    Examples:
      kb show MSIT
      kb show KR                     # or: kb show "South Korea"
      kb show "Ministry of Science, ICT and Future Planning" --format json
      kb show kr-health-big-data
    """
    from kb.relations.show import show as show_one

    info = show_one(project(ctx), entity, include_internal=include_internal)
    emit(fmt, text=info.render_text, data=info.as_json())
