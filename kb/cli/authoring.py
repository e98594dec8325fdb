"""Commands for writing reports: ``kb check``, ``kb new``, ``kb entities``, ``kb import``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kb.cli.main import CONTEXT, main
from kb.cli.options import OneOf, emit_listing, format_option, iso_date, project, terminal


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings as well as errors.")
@format_option("kb.checks.formats:CHECK_FORMATS", default="text")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
    """Check reports and the registry; print every problem found.

    Each problem is printed as `path:line:col: level [code] message (hint)`,
    then a summary line. Exit 0 when clean, 1 on errors (or on warnings with
    --strict). Given files, only their problems are printed, but the whole
    knowledge base is read, so the rules across reports still apply.
    --format json prints the problems for tools; github prints workflow
    commands (annotations on a pull request); gitlab a Code Quality report.

    \b
    Examples:
      kb check                      # every report and the registry
      kb check reports/kr/2014-07-03-south-korea-innovation-and-openness.md
      kb check --strict --format json
      kb check --format github      # in GitHub Actions
      kb check --format gitlab > gl-code-quality-report.json
    """
    from kb.checks.formats import render_check
    from kb.checks.knowledgebase import check as run_check

    result = run_check(project(ctx), paths)
    click.echo(render_check(result, fmt), nl=False)
    if fmt != "json":
        click.echo(result.summary(), err=True)
    if result.failed(strict):
        ctx.exit(1)


@main.command(context_settings=CONTEXT)
@click.option("--title", prompt="Title", help="Headline, e.g. 'South Korea: innovation and openness'.")
@click.option(
    "--date",
    "day",
    callback=iso_date,
    default=lambda: date.today().isoformat(),
    show_default="today",
    prompt="Publication date (YYYY-MM-DD)",
    help="Publication date.",
)
@click.option("--country", "countries", multiple=True, help="Partner country, ISO code (repeatable).")
@click.option(
    "--type",
    "report_type",
    default="visit-report",
    show_default=True,
    type=OneOf("kb.report.model:REPORT_TYPES"),
    help="Kind of report.",
)
@click.option(
    "--visibility",
    type=OneOf("kb.report.model:VISIBILITIES"),
    default="internal",
    show_default=True,
    help="public is published on the site; internal is for staff.",
)
@click.option("--visit-start", callback=iso_date, help="First day of the visit (YYYY-MM-DD).")
@click.option("--visit-end", callback=iso_date, help="Last day of the visit (YYYY-MM-DD).")
@click.option("--place", "places", multiple=True, help="A place visited (repeatable).")
@click.pass_context
def new(
    ctx: click.Context,
    title: str,
    day: date,
    countries: tuple[str, ...],
    report_type: str,
    visibility: str,
    visit_start: date | None,
    visit_end: date | None,
    places: tuple[str, ...],
) -> None:
    """Create a new report from the template and print its path.

    The file is named by date and title under reports/<country>/ and is never
    overwritten. Missing options are asked for. Visibility defaults to
    internal: publishing is a decision, not an accident.

    \b
    Examples:
      kb new --title "Japan: offshore wind" --date 2024-05-02 --country JP
      kb new --title "India: health data" --country IN --visibility public \\
             --visit-start 2024-03-04 --visit-end 2024-03-06 --place Delhi
    """
    from kb.report.scaffold import NewReport, create, visibility_note

    if not countries:
        answer = click.prompt("Partner countries (ISO codes, comma-separated)")
        countries = tuple(c.strip() for c in answer.split(",") if c.strip())
    spec = NewReport(
        title=title,
        date=day,
        countries=list(countries),
        visibility=visibility,
        type=report_type,
        visit_start=visit_start,
        visit_end=visit_end,
        places=list(places),
    )
    where = project(ctx)
    click.echo(where.show(create(where, spec)))
    click.echo(visibility_note(spec), err=True)


@main.command(context_settings=CONTEXT)
@click.argument("kind", required=False, type=OneOf("kb.registry.model:KINDS"))
@format_option()
@click.pass_context
def entities(ctx: click.Context, kind: str | None, fmt: str) -> None:
    """List the registry: id, names, kind, country and validity.

    \b
    Examples:
      kb entities                  # everything
      kb entities ministry         # partner-government ministries only
      kb entities sector --format json
    """
    from kb.registry.listing import list_entities

    listing = list_entities(project(ctx), kind)
    emit_listing(fmt, listing)


@main.command("import", context_settings=CONTEXT)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the report(s) instead of writing them.")
@click.option(
    "--accept-new-entities",
    is_flag=True,
    help="Add proposed new entities to the registry (reports/registry/imported-ID.yml, one file each) "
    "and tag them.",
)
@click.option(
    "--title", default=None, help="The report's title (one source only); default: read from the text."
)
@click.option(
    "--date",
    "day",
    callback=iso_date,
    default=None,
    help="Publication date (YYYY-MM-DD); default: read from the text.",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    help="Partner country, ISO code (repeatable); default: read from the text.",
)
@click.option(
    "--publisher",
    default=None,
    help="Publishing government, ISO code or EU (never a partner); default: read from the text.",
)
@click.pass_context
def import_command(
    ctx: click.Context,
    sources: tuple[Path, ...],
    dry_run: bool,
    accept_new_entities: bool,
    title: str | None,
    day: date | None,
    countries: tuple[str, ...],
    publisher: str | None,
) -> None:
    """Import published texts as new, tagged draft reports for review.

    SOURCE is plain text copied from a published page, a saved HTML page, or
    Markdown without front matter; a folder imports every file in it. Each
    readable text becomes reports/<country>/<date>-<title>.md with visibility
    internal, never over an existing file; what the importer is unsure of is a
    best guess listed under 'review:' (kb check shows each as a warning). A
    source that cannot be read is refused with its reason; the others go on.

    \b
    Examples:
      kb import --dry-run south-korea-innovation-and-openness.txt
      kb import saved-pages/
      kb import --date 2023-05-16 --country JP --publisher US readout.txt
      kb import --accept-new-entities india-solar.html
    """
    from kb.errors import UsageError
    from kb.importer import Overrides, import_sources
    from kb.report.countries import country_problem

    for code in (*countries, *([publisher] if publisher and publisher != "EU" else [])):
        bad = country_problem(code)
        if bad:
            raise UsageError(bad[0], hint=bad[1])
    where = project(ctx)

    def progress(done: int, total: int, source: str) -> None:
        if total > 1:
            click.echo(f"[{done}/{total}] {source}", err=True)

    result = import_sources(
        where,
        sources,
        dry_run=dry_run,
        accept_new_entities=accept_new_entities,
        overrides=Overrides(title, day, tuple(countries), publisher),
        progress=progress,
    )
    for item in result.reports:
        if dry_run:
            if len(result.reports) > 1:
                click.echo(f"# {item.shown} (from {item.source})")
            click.echo(item.text)
        else:
            click.echo(item.shown)
        notes = len(item.draft.review)
        if notes:
            click.echo(f"{item.shown}: {notes} point(s) to review, listed under 'review:'", err=True)
    for line in result.notes(where, terminal()):
        click.echo(line, err=True)
    if result.refused:
        ctx.exit(1)
