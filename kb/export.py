"""Open data: the knowledge base as tables of reports, entities, opportunities, targets and the
opportunities' histories (``opportunity_events``: one row per report that mentions an opportunity,
with the status and next step it gave; see :mod:`kb.tracking.history`).

The site publishes these tables as JSON and CSV under ``kb/api/`` and ``kb export``
writes the same files locally. Opportunities and targets are tracked across
reports: a later report that reuses an id updates the same opportunity or target
(latest report wins, every report is kept as a source).

Public tables are made only from the redacted reports that
:meth:`kb.checks.knowledgebase.KnowledgeBase.visible` returns; internal-only columns exist only
when ``include_internal`` is true.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kb.registry.model import Registry
from kb.report.model import TAG_LISTS, Report
from kb.tracking.history import EVENT_COLUMNS, event_rows
from kb.tracking.model import OPPORTUNITY_COLUMNS, TARGET_COLUMNS, track_opportunities, track_targets
from kb.util.formats import csv_text, to_json

#: The tables every export has had from the start: a folder holding all of them is an export.
CORE_TABLES = ("reports", "entities", "opportunities", "targets")
TABLES = (*CORE_TABLES, "opportunity_events")
#: The values of ``kb export --format``: the JSON and CSV tables, or one OpenSearch bulk file.
EXPORT_FORMATS = ("tables", "opensearch")
#: The OpenSearch (and Elasticsearch) ``_bulk`` request body: newline-delimited JSON.
BULK_FILE = "opensearch-bulk.ndjson"


# -- tables ------------------------------------------------------------------------------------
def report_page(report_id: str) -> str:
    """A report's page on the site, relative to the site root."""
    return f"kb/reports/{report_id}/"


def entity_page(kind: str, entity_id: str) -> str:
    return f"kb/entities/{kind}/{entity_id}/"


def report_row(report: Report, include_internal: bool) -> dict:
    visit = report.visit
    source = report.source
    row = {
        "id": report.id,
        "title": report.title,
        "date": report.date.isoformat(),
        "countries": list(report.countries),
        "type": report.type,
        "summary": report.summary,
        "visit_start": visit.start.isoformat() if visit and visit.start else None,
        "visit_end": visit.end.isoformat() if visit and visit.end else None,
        "visit_places": list(visit.places) if visit else [],
        "authors": [p.name for p in report.authors],
        "visitors": [p.name for p in report.visitors],
        **{name: list(report.tags.get(name, ())) for name in TAG_LISTS},
        "opportunities": [o.id for o in report.opportunities],
        "targets": [t.id for t in report.targets],
        "source_url": source.url if source else None,
        "source_publisher": source.publisher if source else None,
        "licence": source.licence if source else None,
        "classification": report.classification,
        "supersedes": report.supersedes,
        "page": report_page(report.id),
        "body": report.body,
    }
    if include_internal:
        row["visibility"] = report.visibility
        row["internal_notes"] = report.internal_notes
        row["review"] = list(report.review)
    return row


def entity_row(entity, report_count: int) -> dict:
    row = entity.as_row()
    row["acronyms"] = list(entity.acronyms)
    row.pop("valid", None)
    row["reports"] = report_count
    row["page"] = entity_page(entity.kind, entity.id)
    return row


def tables(
    reports: list[Report], registry: Registry, today: date, *, include_internal: bool = False
) -> dict[str, list[dict]]:
    """The tables (:data:`TABLES`), each a list of rows (plain JSON-ready dicts)."""
    counts: Counter = Counter()
    for report in reports:
        counts.update(report.entity_ids())
    opportunities = track_opportunities(reports)
    return {
        "reports": [report_row(r, include_internal) for r in sorted(reports, key=lambda r: (r.date, r.id))],
        "entities": [
            entity_row(e, counts[e.id]) for e in sorted(registry.entities.values(), key=lambda e: e.id)
        ],
        # The rows of kb opportunities/targets --format csv too: one model, the same columns.
        "opportunities": [o.as_row() for o in opportunities],
        "targets": [t.as_row() for t in track_targets(reports, today)],
        # Made from the same (public or staff) reports: an internal report gives no event publicly.
        "opportunity_events": event_rows(opportunities),
    }


def row_id(row: dict) -> str:
    """A row's key in its table: its id; an event's is ``opportunity@report``."""
    return str(row["id"]) if "id" in row else f"{row['opportunity']}@{row['report']}"


def files(all_tables: dict[str, list[dict]]) -> dict[str, str]:
    """File name -> text, e.g. ``reports.json`` and ``reports.csv`` for every table, written by
    the project's one JSON and one CSV writer (:mod:`kb.util.formats`: cells safe in a spreadsheet)."""
    known = {
        "opportunities": list(OPPORTUNITY_COLUMNS),
        "targets": list(TARGET_COLUMNS),
        "opportunity_events": list(EVENT_COLUMNS),
    }
    out = {}
    for name, rows in all_tables.items():
        out[f"{name}.json"] = to_json(rows, indent=1) + "\n"
        out[f"{name}.csv"] = csv_text(rows, known.get(name) or (list(rows[0]) if rows else []))
    return out


def bulk_index_name(table: str, include_internal: bool) -> str:
    """One index per table; staff documents go to their own indexes, never mixed with public ones."""
    return f"kb-internal-{table}" if include_internal else f"kb-{table}"


def opensearch_bulk(all_tables: dict[str, list[dict]], include_internal: bool) -> str:
    """The tables as an OpenSearch ``_bulk`` body: for each row an ``index`` action naming its
    index and id, then the row as the document, each one line of JSON, the last line ending
    with a newline (as the bulk API requires). Indexing the same ids again replaces them."""
    lines = []
    for name, rows in all_tables.items():
        index = bulk_index_name(name, include_internal)
        for row in rows:
            lines.append(to_json({"index": {"_index": index, "_id": row_id(row)}}, indent=None))
            lines.append(to_json(row, indent=None))
    return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    written: list[Path]
    counts: dict[str, int]


def export(
    project,
    out: Path | None = None,
    *,
    include_internal: bool = False,
    today: date | None = None,
    fmt: str = "tables",
) -> ExportResult:
    """``kb export``: write JSON and CSV of every table into ``out`` (default ``export/``), or,
    with ``fmt="opensearch"``, the same rows as one OpenSearch bulk file (:func:`opensearch_bulk`).

    The files are written into a new folder that then replaces ``out`` as a whole
    (see :mod:`kb.util.folders`): a killed export leaves the previous files whole. A
    folder holding anything but these files is never replaced.
    """
    from kb.checks.knowledgebase import load
    from kb.project import check_output_folder
    from kb.util.atomic import write_text
    from kb.util.folders import locked, replacing

    folder = Path(out) if out else project.root / "export"
    shown = project.show(folder)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    texts_names = {f"{name}.{kind}" for name in TABLES for kind in ("json", "csv")} | {BULK_FILE}
    check_output_folder(
        project,
        folder,
        "kb export",
        shown,
        ours=lambda names: _older_export(names, texts_names),
        option="--out",
    )
    with locked(
        project.state_dir / "export.lock", "kb export", shown, hint="wait for it to finish, then export again"
    ):
        kb = load(project)
        reports = kb.visible(include_internal)
        data = tables(reports, kb.registry, today or date.today(), include_internal=include_internal)
        texts = files(data) if fmt == "tables" else {BULK_FILE: opensearch_bulk(data, include_internal)}
        with replacing(folder, shown, "kb export") as staged:
            for name, text in texts.items():
                write_text(staged / name, text, overwrite=True, shown=shown)
    return ExportResult(
        folder, [folder / name for name in texts], {name: len(rows) for name, rows in data.items()}
    )


def _older_export(names: list[str], written: set[str]) -> bool:
    """A folder of an older kb export (before folders were marked): its files, and maybe the
    temporary file of a write that was killed."""
    return all(
        n in written or (n.endswith(".tmp") and any(n.startswith(f".{w}.") for w in written)) for n in names
    )
