"""The ``kb`` group, and the one place where the project's errors become one-line messages.

Every :class:`kb.errors.KbError` raised by a command (or by an option's value, see
:class:`kb.cli.options.OneOf`) is printed here as ``path:line: error: message (hint)`` and
ends the run with its exit code; so are the operating system's refusals and Ctrl-C.
"""

from __future__ import annotations

import sys
from typing import Any

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KbGroup(click.Group):
    """Turns the project's errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
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


@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    default=None,
    help="Project folder holding reports/ (default: the current folder).",
)
@click.option(
    "--width",
    type=click.IntRange(min=20),
    default=None,
    help="Width of tables and text, in columns (default: COLUMNS, else the terminal's width).",
)
@click.version_option(package_name="bilateral-kb", prog_name="kb")
@click.pass_context
def main(ctx: click.Context, root: str | None, width: int | None) -> None:
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
    ctx.obj["width"] = width
