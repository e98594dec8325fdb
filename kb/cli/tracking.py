"""Commands for following opportunities and targets across reports: ``kb opportunities``, ``kb targets``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kb.cli.main import CONTEXT, main
from kb.cli.options import OneOf, emit_listing, filter_options, project

if TYPE_CHECKING:
    from kb.registry.filters import Filters


@main.command(context_settings=CONTEXT)
@filter_options
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=OneOf("kb.report.model:OPPORTUNITY_STATUSES"),
    help="Latest status (repeatable).",
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    help="Partner body: id, acronym or name, any of its names over time (repeatable: OR).",
)
@click.option("--stale", is_flag=True, help="Only stale opportunities; see below.")
@click.pass_context
def opportunities(
    ctx: click.Context,
    selection: Filters,
    include_internal: bool,
    fmt: str,
    statuses: tuple[str, ...],
    partners: tuple[str, ...],
    stale: bool,
) -> None:
    """Every cooperation opportunity across reports: the pipeline by stage.

    An opportunity id seen in several reports is listed once, as the latest
    report describes it, under its stage (identified, discussed, agreed,
    active, closed), the latest reported first. An open one is stale when no
    report has mentioned it for 18 months, or when its next step names a date
    more than 6 months past. Filters match its own sectors and partners
    first. CSV has the columns of the published opportunities.csv; JSON adds
    each one's stage and why it is stale. kb show OPPORTUNITY-ID prints one
    opportunity's history.

    \b
    Examples:
      kb opportunities --sector health-data --since 2014
      kb opportunities --country KR --partner MSIT --stale
      kb opportunities --country KR --status active --format csv > kr.csv
    """
    from kb.tracking.listing import list_opportunities

    listing = list_opportunities(
        project(ctx),
        selection,
        statuses=statuses,
        partners=partners,
        stale=stale,
        include_internal=include_internal,
    )
    emit_listing(fmt, listing)


@main.command(context_settings=CONTEXT)
@filter_options
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=OneOf("kb.report.model:TARGET_STATUSES"),
    help="Latest reported status (repeatable).",
)
@click.option(
    "--state",
    "states",
    multiple=True,
    type=OneOf("kb.tracking.model:TARGET_STATES"),
    help="State today (repeatable); see below.",
)
@click.option("--flagged", is_flag=True, help="Only overdue targets: the same as --state overdue.")
@click.pass_context
def targets(
    ctx: click.Context,
    selection: Filters,
    include_internal: bool,
    fmt: str,
    statuses: tuple[str, ...],
    states: tuple[str, ...],
    flagged: bool,
) -> None:
    """Every quantified target across reports, by deadline, with its state today.

    A target is met or closed (missed, dropped) as its latest report says;
    otherwise on-track (if its latest report says so) or due until its whole
    deadline has passed (2016 runs to the end of 2016), then overdue when no report since the deadline mentions it, past
    when one does; unknown without a deadline. The site and the published
    targets.csv say the same, in the same columns as --format csv.

    \b
    Examples:
      kb targets --country IN
      kb targets --flagged --format csv > overdue.csv
    """
    from kb.tracking.listing import list_targets

    listing = list_targets(
        project(ctx),
        selection,
        statuses=statuses,
        states=(*states, "overdue") if flagged else states,
        include_internal=include_internal,
    )
    emit_listing(fmt, listing)
