"""What several commands share: choices from the library's lists, filters, dates, formats, output.

Choices are never copied here: :class:`OneOf` names the library's list (``--format`` from
:data:`kb.util.formats.FORMATS`, ``kb new --type`` from :data:`kb.report.model.REPORT_TYPES`...)
and reads it only when a value is checked or the command's help is shown, so that ``kb --help``
imports no library module.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from datetime import date

    from kb.project import Project
    from kb.registry.filters import Filters
    from kb.util.tables import Terminal

ProgressBars = tuple[Callable[[str, int, int], None] | None, Callable[[], None]]


class OneOf(click.Choice[str]):
    """A :class:`click.Choice` of a list the library keeps (``"module:NAME"``), read when first
    needed; a value not in it is kb's one-line usage error, with the closest choices as a hint
    (:func:`kb.util.suggest.one_of`), like every other bad input."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        module, name = self.source.split(":")
        return tuple(getattr(importlib.import_module(module), name))

    @choices.setter
    def choices(self, _value: tuple[str, ...]) -> None:
        raise AttributeError("the choices are the library's list, named by the source")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from kb.util.suggest import one_of

        if param is None:
            shown = "value"
        elif isinstance(param, click.Option):
            shown = param.opts[0]
        else:
            shown = param.human_readable_name
        return one_of(value, self.choices, shown)


def format_option(source: str = "kb.util.formats:FORMATS", default: str = "table") -> Callable:
    """``--format``: one of the library's output formats for this command."""
    return click.option(
        "--format",
        "fmt",
        type=OneOf(source),
        default=default,
        show_default=True,
        help="Output format: a table for people, json or csv for tools.",
    )


def project(ctx: click.Context) -> Project:
    from kb.project import Project

    return Project.at(ctx.obj["root"])


def iso_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from kb.report.dates import DateProblem, parse_date

    try:
        return parse_date(value)
    except DateProblem as exc:
        raise click.BadParameter(f"{exc} (use YYYY-MM-DD)", param=param) from None


def filter_options(func: Callable) -> Callable:
    """The filters of ``kb search``, ``kb opportunities`` and ``kb targets``, and ``--format``.

    The command receives the filters as one ``selection`` (:class:`kb.registry.filters.Filters`),
    built when it runs, so that ``kb --help`` imports no library module."""

    @functools.wraps(func)
    def with_selection(**kwargs: Any) -> Any:
        return func(selection=filters(*(kwargs.pop(name) for name in _FILTER_NAMES)), **kwargs)

    options = [
        click.option("--sector", "sectors", multiple=True, help="Sector id, name or alias (repeatable: OR)."),
        click.option(
            "--country", "countries", multiple=True, help="ISO country code such as KR (repeatable)."
        ),
        click.option(
            "--ministry",
            "ministries",
            multiple=True,
            help="Ministry or agency: id, acronym or name, any of its names over time (repeatable).",
        ),
        click.option(
            "--organisation",
            "organisations",
            multiple=True,
            help="Organisation or department: id, acronym or name (repeatable).",
        ),
        click.option("--project", "projects", multiple=True, help="Project or programme id (repeatable)."),
        click.option("--type", "types", multiple=True, help="Report type, e.g. visit-report (repeatable)."),
        click.option("--since", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--until", help="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option(
            "--with-predecessors",
            is_flag=True,
            help="A body of --ministry/--organisation/--sector/--project also matches reports tagging the "
            "bodies it was split or merged from (BEIS for DSIT); renames are always followed.",
        ),
        click.option("--include-internal", is_flag=True, help="Include internal reports and internal parts."),
        format_option(),
    ]
    for option in reversed(options):
        with_selection = option(with_selection)
    return with_selection


# The parameter names of filter_options' options, in the order of Filters' fields.
_FILTER_NAMES = (
    "sectors",
    "countries",
    "ministries",
    "organisations",
    "projects",
    "types",
    "since",
    "until",
    "with_predecessors",
)


def filters(
    sectors: tuple[str, ...],
    countries: tuple[str, ...],
    ministries: tuple[str, ...],
    organisations: tuple[str, ...],
    projects: tuple[str, ...],
    types: tuple[str, ...],
    since: str | None,
    until: str | None,
    with_predecessors: bool = False,
) -> Filters:
    from kb.registry.filters import Filters

    return Filters(
        sectors=sectors,
        countries=countries,
        ministries=ministries,
        organisations=organisations,
        projects=projects,
        types=types,
        since=since,
        until=until,
        with_predecessors=with_predecessors,
    )


INDEX_DIR = click.option(
    "--index-dir",
    envvar="KB_INDEX_DIR",
    type=click.Path(file_okay=False),
    help="Index folder, relative to the project (default .kb/index; env KB_INDEX_DIR).",
)


def progress() -> ProgressBars:
    """A progress callback drawing bars on stderr (None when stderr is not a terminal), and the
    function that closes the last bar."""
    if not sys.stderr.isatty():
        return None, lambda: None
    bars: dict[str, Any] = {}
    reached: dict[str, int] = {}

    def update(phase: str, done: int, total: int) -> None:
        if total < 50:
            return
        bar = bars.get(phase)
        if bar is None:
            for other in bars.values():
                other.render_finish()
            bar = bars[phase] = click.progressbar(
                length=total,
                label=phase.capitalize(),
                file=sys.stderr,
                show_pos=True,
                update_min_steps=max(1, total // 200),
            )
        bar.update(done - reached.get(phase, 0))
        reached[phase] = done

    def close() -> None:
        if bars:
            list(bars.values())[-1].render_finish()

    return update, close


def terminal() -> Terminal:
    """The terminal the output goes to, for the library's text renderers: ``kb --width`` or else
    ``COLUMNS`` or else the terminal's own width (100 when there is none), at least 20 as
    ``--width`` requires; bold only on a terminal, and never with ``NO_COLOR`` set
    (https://no-color.org) or ``TERM=dumb``."""
    import os
    import shutil

    from kb.util.tables import Terminal

    context = click.get_current_context(silent=True)
    width = context.find_root().obj.get("width") if context and context.find_root().obj else None
    styled = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return Terminal(width=max(20, width or shutil.get_terminal_size((100, 24)).columns), styled=styled)


def emit(
    fmt: str,
    *,
    text: Callable[[], str],
    data: Any,
    rows: Sequence[dict] = (),
    columns: Sequence[str] = (),
) -> None:
    """Print what a command found, as the library made it: its text (``table``/``text``; a
    table is given the :func:`terminal` by the caller), its JSON, or its rows as CSV (the
    project's one writer, :mod:`kb.util.formats`); JSON and CSV never depend on the terminal."""
    from kb.util.formats import to_csv, to_json

    if fmt == "json":
        click.echo(to_json(data))
    elif fmt == "csv":
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv(rows, list(columns)))
        sys.stdout.buffer.flush()
    else:
        click.echo(text())


def emit_listing(fmt: str, listing: Any) -> None:
    """:func:`emit` for a library listing (entities, opportunities, targets): its table drawn for
    the :func:`terminal`, its JSON, or its rows and columns as CSV."""
    emit(
        fmt,
        text=lambda: listing.render_text(terminal()),
        data=listing.as_json(),
        rows=listing.rows(),
        columns=listing.columns,
    )


def names(paths: list[str], shown: int = 5) -> str:
    """The first few file names of a list, each kept on the line (see kb.util.characters.quote_name)."""
    from kb.util.characters import quote_name

    return ", ".join(quote_name(p) for p in paths[:shown]) + (" ..." if len(paths) > shown else "")
