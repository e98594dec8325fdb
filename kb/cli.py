"""The ``kb`` command line: parses options, calls one library function, prints.

Library modules are imported inside each command so that ``kb --help`` and a
cold ``kb search`` stay fast. Every :class:`kb.errors.KbError` becomes
``path:line: error: message (hint)`` and its exit code here, in one place.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KbGroup(click.Group):
    """Turns the project's errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context):
        from .errors import KbError

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


def _project(ctx: click.Context):
    from .project import Project

    return Project.at(ctx.obj["root"])


def _iso_date(_ctx, param, value):
    if value is None:
        return None
    from .dates import DateProblem, parse_date

    try:
        return parse_date(value)
    except DateProblem as exc:
        raise click.BadParameter(f"{exc} (use YYYY-MM-DD)", param=param) from None


@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.option("--root", type=click.Path(file_okay=False), default=None,
              help="Project folder holding reports/ (default: the current folder).")
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints a list of problems for tools.")
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
    from .kbase import check as run_check
    from .problems import summary

    result = run_check(_project(ctx), paths)
    if fmt == "json":
        click.echo(json.dumps({"problems": [p.as_dict() for p in result.problems],
                               "errors": result.errors, "warnings": result.warnings,
                               "checked": result.checked}, indent=2))
    else:
        for problem in result.problems:
            click.echo(problem.render())
        click.echo(summary(result.problems, result.checked), err=True)
    if result.errors or (strict and result.warnings):
        ctx.exit(1)


# -- new ------------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.option("--title", prompt="Title", help="Headline, e.g. 'South Korea: innovation and openness'.")
@click.option("--date", "day", callback=_iso_date, default=lambda: date.today().isoformat(),
              show_default="today", prompt="Publication date (YYYY-MM-DD)", help="Publication date.")
@click.option("--country", "countries", multiple=True, help="Partner country, ISO code (repeatable).")
@click.option("--type", "report_type", default="visit-report", show_default=True,
              type=click.Choice(["country-update", "visit-report", "ministerial-visit", "joint-statement",
                                 "trade-mission", "meeting-note", "briefing"]), help="Kind of report.")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="internal",
              show_default=True, help="public is published on the site; internal is for staff.")
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
    from .scaffold import NewReport, create

    if not countries:
        answer = click.prompt("Partner countries (ISO codes, comma-separated)")
        countries = tuple(c.strip() for c in answer.split(",") if c.strip())
    spec = NewReport(title=title, date=day, countries=list(countries), visibility=visibility,
                     type=report_type, visit_start=visit_start, visit_end=visit_end, places=list(places))
    project = _project(ctx)
    path = create(project, spec)
    click.echo(project.show(path))


# -- entities -------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.argument("kind", required=False,
                type=click.Choice(["ministry", "agency", "department", "organisation", "programme",
                                   "project", "event", "sector", "person"]))
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
    from .registry import load_registry
    from .tables import render_table

    project = _project(ctx)
    registry, _problems = load_registry(project.registry_dir, display=project.show)
    rows = [e.as_row() for e in registry.of_kind(*([kind] if kind else []))]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(render_table(rows, ["id", "name", "acronyms", "kind", "country", "valid"]))


# -- site ------------------------------------------------------------------------------------
@main.command(context_settings=CONTEXT)
@click.option("--internal", is_flag=True, help="Build the staff site, with internal reports, into site-internal/.")
@click.pass_context
def build(ctx, internal: bool) -> None:
    """Build the static site into site/ (strict: any warning fails).

    \b
    Examples:
      kb build
      kb build --internal
    """
    from .sitebuild import build_site

    project = _project(ctx)
    out = build_site(project, internal=internal)
    click.echo(f"built {project.show(out)}")


@main.command(context_settings=CONTEXT)
@click.option("--address", default="127.0.0.1:8000", show_default=True, help="host:port to serve on.")
@click.pass_context
def serve(ctx, address: str) -> None:
    """Build and serve the site on 127.0.0.1, rebuilding when files change.

    \b
    Examples:
      kb serve
      kb serve --address 127.0.0.1:8001
    """
    from .sitebuild import serve_site

    ctx.exit(serve_site(_project(ctx), address=address))


if __name__ == "__main__":  # pragma: no cover
    main()
