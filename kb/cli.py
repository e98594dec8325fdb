"""The ``kb`` command line: parses options, calls one library function, prints.

Library modules are imported inside each command so that ``kb --help`` and a
cold ``kb search`` stay fast. Every :class:`kb.errors.KbError` becomes
``path:line: error: message (hint)`` and its exit code here, in one place.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KbGroup(click.Group):
    """Turns the project's errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context):
        from kb.errors import KbError

        try:
            return super().invoke(ctx)
        except KbError as exc:
            click.echo(exc.render(), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was left half-written", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # e.g. `kb search ... | head`
            sys.stderr.close()
            ctx.exit(0)
        except OSError as exc:  # the machine refused: disk full, no permission, file vanished
            error = KbError(
                exc.strerror or str(exc),
                path=exc.filename,
                hint="check the free disk space and the permissions there, then run it again; "
                "kb writes its outputs whole or not at all",
            )
            click.echo(error.render(), err=True)
            ctx.exit(error.exit_code)


def _project(ctx: click.Context):
    from kb.project import Project

    return Project.at(ctx.obj["root"])


def _iso_date(_ctx, param, value):
    if value is None:
        return None
    from kb.report.dates import DateProblem, parse_date

    try:
        return parse_date(value)
    except DateProblem as exc:
        raise click.BadParameter(f"{exc} (use YYYY-MM-DD)", param=param) from None


@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    default=None,
    help="Project folder holding reports/ (default: the current folder).",
)
@click.version_option(package_name="bilateral-kb", prog_name="kb")
@click.pass_context
def main(ctx: click.Context, root: str | None) -> None:
    """bilateral-kb: check, search and publish bilateral visit reports.

    Reports are Markdown files with YAML front matter in reports/, tagged against
    the registry in reports/registry/. Start with `kb new`, then `kb check`.

    \b
    Examples:
      kb new --title "Korea: open data" --date 2014-07-03 --country KR
      kb check --strict
      kb entities ministry
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


# -- check ----------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings as well as errors.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints a list of problems for tools.",
)
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
    """Check reports and the registry; print every problem found.

    Each problem is printed as `path:line:col: level [code] message (hint)`,
    then a summary line. Exit 0 when clean, 1 on errors (or on warnings with
    --strict).

    \b
    Examples:
      kb check                      # every report and the registry
      kb check reports/kr/2014-07-03-south-korea-innovation-and-openness.md
      kb check --strict --format json
    """
    from kb.checks.knowledgebase import check as run_check
    from kb.problems import summary

    result = run_check(_project(ctx), paths)
    if fmt == "json":
        from kb.util.formats import to_json

        click.echo(
            to_json(
                {
                    "problems": [p.as_dict() for p in result.problems],
                    "errors": result.errors,
                    "warnings": result.warnings,
                    "checked": result.checked,
                }
            )
        )
    else:
        for problem in result.problems:
            click.echo(problem.render())
        click.echo(summary(result.problems, result.checked), err=True)
    if result.errors or (strict and result.warnings):
        ctx.exit(1)


# -- new ------------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.option("--title", prompt="Title", help="Headline, e.g. 'South Korea: innovation and openness'.")
@click.option(
    "--date",
    "day",
    callback=_iso_date,
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
    type=click.Choice(
        [
            "country-update",
            "visit-report",
            "ministerial-visit",
            "joint-statement",
            "trade-mission",
            "meeting-note",
            "briefing",
        ]
    ),
    help="Kind of report.",
)
@click.option(
    "--visibility",
    type=click.Choice(["public", "internal"]),
    default="internal",
    show_default=True,
    help="public is published on the site; internal is for staff.",
)
@click.option("--visit-start", callback=_iso_date, help="First day of the visit (YYYY-MM-DD).")
@click.option("--visit-end", callback=_iso_date, help="Last day of the visit (YYYY-MM-DD).")
@click.option("--place", "places", multiple=True, help="A place visited (repeatable).")
@click.pass_context
def new(ctx, title, day, countries, report_type, visibility, visit_start, visit_end, places) -> None:
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
    from kb.report.scaffold import NewReport, create

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
    project = _project(ctx)
    path = create(project, spec)
    click.echo(project.show(path))


# -- entities -------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.argument(
    "kind",
    required=False,
    type=click.Choice(
        [
            "ministry",
            "agency",
            "department",
            "organisation",
            "programme",
            "project",
            "event",
            "sector",
            "person",
        ]
    ),
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def entities(ctx, kind: str | None, fmt: str) -> None:
    """List the registry: id, names, kind, country and validity.

    \b
    Examples:
      kb entities                  # everything
      kb entities ministry         # partner-government ministries only
      kb entities sector --format json
    """
    from kb.registry.loading import project_registry
    from kb.util.tables import render_table

    project = _project(ctx)
    registry, _problems = project_registry(project)
    rows = [e.as_row() for e in registry.of_kind(*([kind] if kind else []))]
    if fmt == "json":
        from kb.util.formats import to_json

        click.echo(to_json(rows))
        return
    click.echo(render_table(rows, ["id", "name", "acronyms", "kind", "country", "valid"]))


# -- import ----------------------------------------------------------------------------------
@main.command("import", context_settings=CONTEXT)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the report(s) instead of writing them.")
@click.option(
    "--accept-new-entities",
    is_flag=True,
    help="Add proposed new entities to reports/registry/imported.yml and tag them.",
)
@click.option(
    "--title", default=None, help="The report's title (one source only); default: read from the text."
)
@click.option(
    "--date",
    "day",
    callback=_iso_date,
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
    ctx, sources, dry_run: bool, accept_new_entities: bool, title, day, countries, publisher
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
    from kb.util.tables import render_table

    for code in (*countries, *([publisher] if publisher and publisher != "EU" else [])):
        bad = country_problem(code)
        if bad:
            raise UsageError(bad[0], hint=bad[1])
    project = _project(ctx)

    def progress(done: int, total: int, source: str) -> None:
        if total > 1:
            click.echo(f"[{done}/{total}] {source}", err=True)

    result = import_sources(
        project,
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
    for refused in result.refused:
        click.echo(refused.error.render(), err=True)
    if result.proposals:
        action = (
            ("added to" if result.written else "would be added to")
            if accept_new_entities
            else "proposed (not added; use --accept-new-entities)"
        )
        where = project.show(result.registry_path) if result.registry_path else "the registry"
        click.echo(
            f"new entities {action} {where}:" if accept_new_entities else f"new entities {action}:", err=True
        )
        for proposal in result.proposals:
            click.echo(
                f"  {proposal.id}: {proposal.label}, {proposal.kind}, {proposal.country or 'no country'}",
                err=True,
            )
    if len(result.reports) + len(result.refused) > 1 or result.refused:
        rows = [
            {"outcome": outcome, "reason": reason, "sources": count}
            for outcome, reason, count in result.summary()
        ]
        click.echo(render_table(rows, ["outcome", "reason", "sources"]), err=True)
    if result.refused:
        ctx.exit(1)


# -- site ------------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.option(
    "--internal",
    is_flag=True,
    help="Build the complete staff site, with internal reports and sections, into site-internal/.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Build a copy of the public site to read from disk, without a server, into site-offline/ "
    "and site-offline.zip.",
)
@click.option(
    "--country",
    metavar="CODE",
    default=None,
    help="With --offline: only the reports about this country (ISO code, e.g. KR), into site-offline-kr/.",
)
@click.pass_context
def build(ctx, internal: bool, offline: bool, country: str | None) -> None:
    """Generate the site's pages from reports/ and build the site (strict: any warning fails).

    The public build (default) goes to site/ and contains no internal report,
    section or field, in any page, feed, search index or data file. Pages are
    generated into site_pages/kb/ first, so `zensical build` can build the same tree.

    \b
    Examples:
      kb build                        # public site into site/
      kb build --internal             # staff site into site-internal/
      kb build --offline              # public site to read from disk: site-offline/ and .zip
      kb build --offline --country KR # the same, reports about South Korea only
    """
    from kb.errors import UsageError
    from kb.site.build import build_site

    if country is not None and not offline:
        raise UsageError("--country chooses the reports of an offline copy", hint="add --offline")
    if offline and internal:
        raise UsageError(
            "the offline copy is made of public reports only",
            hint="use kb build --offline, or kb build --internal for the staff site",
        )
    project = _project(ctx)
    if offline:
        from kb.site.offline import build_offline

        copy = build_offline(project, country=country)
        _warn_left_out(copy.generated)
        click.echo(
            f"built {project.show(copy.folder)} and {project.show(copy.archive)}: "
            f"{copy.generated.reports} reports; open {project.show(copy.folder / 'index.html')}"
        )
        return
    result = build_site(project, internal=internal)
    generated = result.generated
    _warn_left_out(generated)
    click.echo(
        f"built {project.show(result.site_dir)}: {generated.reports} reports, "
        f"{generated.files} generated files ({generated.written} changed)"
    )


def _warn_left_out(generated) -> None:
    reports, registry = generated.left_out_files()
    if reports:
        click.echo(
            f"warning: {len(reports)} report file(s) with errors left out: {_names(reports)} (run kb check)",
            err=True,
        )
    if registry:
        click.echo(
            f"warning: {len(registry)} registry file(s) with errors, their faulty entries left out: "
            f"{_names(registry)} (run kb check)",
            err=True,
        )
    for shown in generated.held_for_review:
        click.echo(
            f"{_names([shown])}: left out of the public site: visibility is public but review points are "
            f"still open (resolve them and delete them from 'review')",
            err=True,
        )


def _names(paths: list[str], shown: int = 5) -> str:
    """The first few file names of a list, each kept on the line (see kb.problems.quote_name)."""
    from kb.util.characters import quote_name

    return ", ".join(quote_name(p) for p in paths[:shown]) + (" ..." if len(paths) > shown else "")


@main.command(context_settings=CONTEXT)
@click.option(
    "--address",
    default="127.0.0.1:8000",
    show_default=True,
    help="127.0.0.1:PORT to serve on (never other hosts).",
)
@click.option("--internal", is_flag=True, help="Serve the staff site, with internal reports.")
@click.pass_context
def serve(ctx, address: str, internal: bool) -> None:
    """Generate and serve the site on 127.0.0.1; regenerate when a report or the registry changes.

    \b
    Examples:
      kb serve
      kb serve --address 127.0.0.1:8001
      kb serve --internal
    """
    from kb.site.build import serve_site

    ctx.exit(serve_site(_project(ctx), address=address, internal=internal))


# -- export ----------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write, replaced as a whole (default: export/); one holding other files is refused.",
)
@click.option(
    "--include-internal",
    is_flag=True,
    help="Include internal reports, items and notes (staff only; never publish the result).",
)
@click.pass_context
def export(ctx, out: Path | None, include_internal: bool) -> None:
    """Write the knowledge base as open data: JSON and CSV of reports, entities, opportunities, targets.

    The same files the site publishes under kb/api/. Lists are JSON lists, and
    are joined with '; ' in the CSV.

    \b
    Examples:
      kb export
      kb export --out /tmp/kb-data
      kb export --include-internal --out staff-data
    """
    from kb.export import export as run_export

    project = _project(ctx)
    result = run_export(project, out, include_internal=include_internal)
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    click.echo(f"wrote {len(result.written)} files to {project.show(result.folder)}: {counts}")


# -- index, search, related, show, opportunities, targets -----------------------------------
def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """A one-line usage error (exit 2) for a bad choice, like every other bad search input."""
    if value in allowed:
        return value
    from kb.errors import UsageError
    from kb.util.suggest import did_you_mean

    hint = did_you_mean(value, allowed) or f"one of: {', '.join(allowed)}"
    raise UsageError(f"{option} '{value}' is not one of {', '.join(allowed)}", hint=hint)


def _progress():
    """A progress callback drawing bars on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None, lambda: None
    bars: dict = {}
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


def _emit(fmt: str, *, text, data, rows=None, columns=None) -> None:
    from kb.util.formats import to_csv, to_json

    if fmt == "json":
        click.echo(to_json(data))
    elif fmt == "csv":
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv(rows or [], columns or []))
        sys.stdout.buffer.flush()
    else:
        click.echo(text())


def _filter_options(func):
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
        click.option("--include-internal", is_flag=True, help="Include internal reports and internal parts."),
        click.option("--format", "fmt", default="table", show_default=True, help="table, json or csv."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(sectors, countries, ministries, organisations, projects, types, since, until):
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
    )


_INDEX_DIR = click.option(
    "--index-dir",
    envvar="KB_INDEX_DIR",
    type=click.Path(file_okay=False),
    help="Index folder, relative to the project (default .kb/index; env KB_INDEX_DIR).",
)


@main.command(context_settings=CONTEXT)
@click.option("--rebuild", is_flag=True, help="Build the whole index again instead of updating it.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for another kb index run to finish.",
)
@_INDEX_DIR
@click.pass_context
def index(ctx, rebuild: bool, wait: float, index_dir: str | None) -> None:
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

    project = _project(ctx)
    progress, close = _progress()
    try:
        result = update_index(project, index_dir=index_dir, rebuild=rebuild, progress=progress, wait=wait)
    finally:
        close()
    click.echo(f"{result.summary()} in {result.seconds:.1f} s")
    from kb.util.characters import quote_name

    for shown in result.skipped:
        click.echo(f"{quote_name(shown)}: left out of the index (it has errors; run kb check)", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@_filter_options
@click.option("--sort", default=None, help="relevance or date (default: relevance with a query, else date).")
@click.option(
    "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Results to show; 0 shows all."
)
@_INDEX_DIR
@click.pass_context
def search(
    ctx,
    query,
    sectors,
    countries,
    ministries,
    organisations,
    projects,
    types,
    since,
    until,
    include_internal,
    fmt,
    sort,
    limit,
    index_dir,
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
    from kb.search.api import SEARCH_COLUMNS, SORTS, SearchRequest, render_text
    from kb.search.api import search as run_search
    from kb.util.formats import FORMATS

    _choice(fmt, FORMATS, "--format")
    if sort is not None:
        _choice(sort, SORTS, "--sort")
    request = SearchRequest(
        " ".join(query),
        _filters(sectors, countries, ministries, organisations, projects, types, since, until),
        sort=sort,
        limit=limit,
        include_internal=include_internal,
    )
    progress, close = _progress()
    try:
        result = run_search(_project(ctx), request, index_dir=index_dir, progress=progress)
    finally:
        close()
    if result.index_update:
        click.echo(result.index_update, err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    bold = (lambda text: click.style(text, bold=True)) if sys.stdout.isatty() else None
    _emit(
        fmt,
        text=lambda: render_text(result, emphasise=bold),
        data=result.as_json(),
        rows=[h.as_dict() for h in result.hits],
        columns=SEARCH_COLUMNS,
    )


@main.command(context_settings=CONTEXT)
@click.argument("report")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--include-internal", is_flag=True, help="Consider internal reports too.")
@click.option("--format", "fmt", default="table", show_default=True, help="table, json or csv.")
@click.pass_context
def related(ctx, report: str, limit: int, include_internal: bool, fmt: str) -> None:
    """The reports most like REPORT (an id or a file path), by shared entities and words.

    \b
    Examples:
      kb related 2014-07-03-south-korea-innovation-and-openness
      kb related reports/kr/2016-09-20-korea-health-big-data-collaboration.md --format json
    """
    from kb.relations.show import related_reports
    from kb.util.formats import FORMATS
    from kb.util.tables import render_table

    _choice(fmt, FORMATS, "--format")
    found = related_reports(_project(ctx), report, include_internal=include_internal, limit=limit)
    columns = ["score", "date", "id", "title", "shared", "path"]
    _emit(
        fmt,
        text=lambda: render_table(found.related, ["score", "date", "title", "shared", "path"]),
        data=found.as_json(),
        rows=found.related,
        columns=columns,
    )


@main.command(context_settings=CONTEXT)
@click.argument("entity")
@click.option("--include-internal", is_flag=True, help="Count internal reports too.")
@click.option("--format", "fmt", default="table", show_default=True, help="table or json.")
@click.pass_context
def show(ctx, entity: str, include_internal: bool, fmt: str) -> None:
    """What the knowledge base knows about ENTITY (id, acronym, name or alias).

    Its registry entry and names over time, the reports that tag it under any
    of its names, its opportunities and targets, and the entities most often
    tagged with it.

    \b
    Examples:
      kb show MSIT
      kb show "Ministry of Science, ICT and Future Planning" --format json
    """
    from kb.relations.show import entity_info, render_entity

    _choice(fmt, ("table", "json"), "--format")
    info = entity_info(_project(ctx), entity, include_internal=include_internal)
    _emit(fmt, text=lambda: render_entity(info), data=info.as_json())


@main.command(context_settings=CONTEXT)
@_filter_options
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="identified, discussed, agreed, active or closed (repeatable).",
)
@click.pass_context
def opportunities(
    ctx,
    sectors,
    countries,
    ministries,
    organisations,
    projects,
    types,
    since,
    until,
    include_internal,
    fmt,
    statuses,
) -> None:
    """Every cooperation opportunity across reports, with its latest status.

    An opportunity id seen in several reports is listed once, as the latest
    report describes it. Filters match its own sectors and partners first.

    \b
    Examples:
      kb opportunities --sector health-data --since 2014
      kb opportunities --country KR --status active --format csv > kr.csv
    """
    from kb.tracking.listing import OPPORTUNITY_COLUMNS, list_opportunities
    from kb.util.formats import FORMATS
    from kb.util.tables import render_table

    _choice(fmt, FORMATS, "--format")
    listing = list_opportunities(
        _project(ctx),
        _filters(sectors, countries, ministries, organisations, projects, types, since, until),
        statuses=statuses,
        include_internal=include_internal,
    )
    rows = [item.as_dict() for item in listing.items]
    _emit(
        fmt,
        text=lambda: render_table(rows, ["id", "status", "title", "partners", "last_seen", "report"]),
        data=listing.as_json(),
        rows=rows,
        columns=OPPORTUNITY_COLUMNS,
    )


@main.command(context_settings=CONTEXT)
@_filter_options
@click.option(
    "--status", "statuses", multiple=True, help="announced, on-track, met, missed or dropped (repeatable)."
)
@click.option("--flagged", is_flag=True, help="Only targets past their deadline with no report since.")
@click.pass_context
def targets(
    ctx,
    sectors,
    countries,
    ministries,
    organisations,
    projects,
    types,
    since,
    until,
    include_internal,
    fmt,
    statuses,
    flagged,
) -> None:
    """Every quantified target across reports; flags those overdue with no later report.

    A target is flagged when its deadline has passed, no report dated after the
    deadline mentions it, and its status is not met, missed or dropped.

    \b
    Examples:
      kb targets --country IN
      kb targets --flagged --format csv > overdue.csv
    """
    from kb.tracking.listing import TARGET_COLUMNS, list_targets
    from kb.util.formats import FORMATS
    from kb.util.tables import render_table

    _choice(fmt, FORMATS, "--format")
    listing = list_targets(
        _project(ctx),
        _filters(sectors, countries, ministries, organisations, projects, types, since, until),
        statuses=statuses,
        flagged_only=flagged,
        include_internal=include_internal,
    )
    rows = [item.as_dict() for item in listing.items]
    for row in rows:
        row["target"] = " ".join(str(v) for v in (row["value"], row["unit"]) if v is not None)
        row["flag"] = "FLAGGED" if row["flagged"] else ""
    _emit(
        fmt,
        text=lambda: render_table(rows, ["id", "what", "target", "deadline", "status", "last_seen", "flag"]),
        data=listing.as_json(),
        rows=rows,
        columns=TARGET_COLUMNS,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
