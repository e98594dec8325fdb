"""Commands for publishing: ``kb build``, ``kb serve``, ``kb export``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.cli.main import CONTEXT, main
from kb.cli.options import OneOf, names, project

if TYPE_CHECKING:
    from kb.site.build import Generated


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
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, nothing built) if a report would be left out by mistake: errors, open review points.",
)
@click.pass_context
def build(ctx: click.Context, internal: bool, offline: bool, country: str | None, strict: bool) -> None:
    """Generate the site's pages from reports/ and build the site (strict: any warning fails).

    The public build (default) goes to site/ and contains no internal report,
    section or field, in any page, feed, search index or data file. Pages are
    generated into site_pages/kb/ first, so `zensical build` can build the same tree.
    It ends with a line saying which reports were left out, and why; --strict (for CI)
    fails instead of leaving out a report with errors or open review points.

    \b
    Examples:
      kb build                        # public site into site/
      kb build --strict               # in CI: a report left out by mistake fails the build
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
    where = project(ctx)
    if offline:
        from kb.site.offline import build_offline

        copy = build_offline(where, country=country, strict=strict)
        _warn_left_out(copy.generated)
        click.echo(
            f"built {where.show(copy.folder)} and {where.show(copy.archive)}: "
            f"{copy.generated.reports} reports; open {where.show(copy.folder / 'index.html')}"
        )
        click.echo(copy.generated.left_out_line(), err=True)
        return
    result = build_site(where, internal=internal, strict=strict)
    generated = result.generated
    _warn_left_out(generated)
    click.echo(
        f"built {where.show(result.site_dir)}: {generated.reports} reports, "
        f"{generated.files} generated files ({generated.written} changed)"
    )
    click.echo(generated.left_out_line(), err=True)


def _warn_left_out(generated: Generated) -> None:
    reports, registry = generated.left_out_files()
    if reports:
        click.echo(
            f"warning: {len(reports)} report file(s) with errors left out: {names(reports)} (run kb check)",
            err=True,
        )
    if registry:
        click.echo(
            f"warning: {len(registry)} registry file(s) with errors, their faulty entries left out: "
            f"{names(registry)} (run kb check)",
            err=True,
        )
    for shown in generated.held_for_review:
        click.echo(
            f"{names([shown])}: left out of the public site: visibility is public but review points are "
            f"still open (resolve them and delete them from 'review')",
            err=True,
        )


@main.command(context_settings=CONTEXT)
@click.option(
    "--address",
    default="127.0.0.1:8000",
    show_default=True,
    help="127.0.0.1:PORT to serve on (never other hosts).",
)
@click.option("--internal", is_flag=True, help="Serve the staff site, with internal reports.")
@click.pass_context
def serve(ctx: click.Context, address: str, internal: bool) -> None:
    """Generate and serve the site on 127.0.0.1; regenerate when a report or the registry changes.

    \b
    Examples:
      kb serve
      kb serve --address 127.0.0.1:8001
      kb serve --internal
    """
    from kb.site.serve import serve_site

    ctx.exit(
        serve_site(
            project(ctx), address=address, internal=internal, notify=lambda line: click.echo(line, err=True)
        )
    )


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
@click.option(
    "--format",
    "fmt",
    type=OneOf("kb.export:EXPORT_FORMATS"),
    default="tables",
    show_default=True,
    help="tables: JSON and CSV files; opensearch: one OpenSearch bulk file (opensearch-bulk.ndjson).",
)
@click.pass_context
def export(ctx: click.Context, out: Path | None, include_internal: bool, fmt: str) -> None:
    """Write the knowledge base as open data: JSON and CSV of reports, entities, opportunities, targets.

    The same files the site publishes under kb/api/. Lists are JSON lists, and
    are joined with '; ' in the CSV.

    \b
    Examples:
      kb export
      kb export --out /tmp/kb-data
      kb export --include-internal --out staff-data
      kb export --format opensearch --include-internal --out staff-search
    """
    from kb.export import export as run_export

    where = project(ctx)
    result = run_export(where, out, include_internal=include_internal, fmt=fmt)
    counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in result.counts.items())
    click.echo(f"wrote {len(result.written)} files to {where.show(result.folder)}: {counts}")


@main.command(context_settings=CONTEXT)
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=OneOf("kb.changes.render:CHANGES_FORMATS"),
    default="text",
    show_default=True,
    help="github: Markdown for a pull request comment.",
)
@click.pass_context
def changes(ctx: click.Context, base: str, head: str | None, fmt: str) -> None:
    """Say what going from git revision BASE to HEAD does to the public site.

    HEAD defaults to the working tree (uncommitted edits included). First, and
    loud, every text that becomes public that was not public before (a report
    turned public, an internal section unmarked, an internal item made public),
    paragraph by paragraph; then the report, entity, opportunity and target
    pages added, changed and removed. The working tree and index are not touched.

    \b
    Examples:
      kb changes main
      kb changes origin/main HEAD --format github > comment.md
    """
    from kb.changes.compare import changes as run_changes
    from kb.changes.render import render_changes

    click.echo(render_changes(run_changes(project(ctx).root, base, head), fmt), nl=False)
