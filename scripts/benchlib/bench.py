"""The benchmark: every `kb` step on synthetic corpora, and reference tools side by side.

Each measurement is a separate process, as a user runs it, with its own wall
time and peak memory (:mod:`benchlib.measure`). A step whose command does not
exist yet is printed as "not available" instead of failing the run.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from .common import HERE, NOT_AVAILABLE, QUERIES, REPO, Row, Settings, kb_command, summary
from .corpus import MARKER, write_corpus
from .importing import bench_import
from .measure import Run, bytes_text, folder_size, machine, median, percentile, run, seconds_text
from .references import references


def has_command(name: str) -> bool:
    return run([*kb_command(), name, "--help"], cwd=REPO, timeout=60).ok


def ensure_corpus(settings: Settings, size: int) -> Path:
    """The corpus of ``size`` reports, written again only when missing or made differently."""
    root = settings.work / f"kb-{size}"
    marker = root / MARKER
    wanted = f"reports={size} seed={settings.seed}\n"
    if not (marker.exists() and marker.read_text(encoding="utf-8") == wanted):
        started = time.perf_counter()
        write_corpus(root, size, settings.seed)
        print(
            f"  wrote corpus of {size} reports in {time.perf_counter() - started:.1f} s: {root}",
            file=settings.log,
        )
    return root


def _say(settings: Settings, text: str) -> None:
    print(f"  {text}", file=settings.log, flush=True)


def _timed(settings: Settings, command: list[str], cwd: Path, repeat: int) -> tuple[list[Run], Run | None]:
    """``repeat`` runs; returns them all and the first failed one, if any."""
    runs = []
    for _ in range(repeat):
        result = run(command, cwd=cwd)
        runs.append(result)
        if not result.ok:
            return runs, result
    return runs, None


def _spread(runs: list[Run]) -> str:
    if len(runs) < 2:
        return ""
    return f"{len(runs)} runs, {seconds_text(min(r.seconds for r in runs))} to {seconds_text(max(r.seconds for r in runs))}"


def bench_size(
    settings: Settings, size: int, available: dict[str, bool], *, full: bool, site: bool
) -> list[Row]:
    """The steps at one corpus size: every command and reference when ``full``, the site builds
    when ``site`` (they run at their own sizes, see :class:`Settings`)."""
    rows: list[Row] = []
    root = ensure_corpus(settings, size)
    kb = [*kb_command(), "--root", str(root)]

    def add(row: Row) -> Row:
        rows.append(row)
        _say(settings, f"{row.step} @ {size}: {row.time} {row.memory} {row.notes}")
        return row

    def unavailable(step: str, why: str = "command not built yet") -> None:
        add(Row(step, size, NOT_AVAILABLE, notes=why))

    built = False
    if full:
        _bench_commands(settings, size, root, kb, available, add, unavailable)
    if site:
        built = _bench_site(settings, size, root, kb, available, add, unavailable)
    if full:
        references(settings, size, root, built, add)
    return rows


def _bench_commands(
    settings: Settings, size: int, root: Path, kb: list[str], available: dict[str, bool], add, unavailable
) -> bool:
    """kb check, index, search and --help; returns whether the index was built."""
    _bench_check(settings, size, kb, add)
    index_ok = _bench_index(settings, size, root, kb, available, add, unavailable)
    _bench_search(settings, size, root, kb, available, add, unavailable, index_ok=index_ok)
    _bench_help(settings, size, root, add, unavailable, index_ok=index_ok)
    return index_ok


def _bench_check(settings: Settings, size: int, kb: list[str], add) -> None:
    runs, failed = _timed(settings, [*kb, "check"], REPO, settings.repeat)
    if failed and failed.returncode not in (0, 1):
        add(Row("kb check", size, "failed", notes=failed.failure()))
    else:
        seconds, peak = summary(runs)
        verdict = (runs[-1].stderr.strip().splitlines() or [""])[-1]
        add(
            Row(
                "kb check",
                size,
                seconds_text(seconds),
                bytes_text(peak),
                "; ".join(x for x in (verdict, _spread(runs)) if x),
                seconds,
            )
        )


def _bench_index(
    settings: Settings, size: int, root: Path, kb: list[str], available: dict[str, bool], add, unavailable
) -> bool:
    """The full build, then the update after one report changed; returns whether the index was built."""
    index_ok = False
    if available["index"]:
        runs, failed = _timed(settings, [*kb, "index", "--rebuild"], REPO, max(1, settings.repeat - 1))
        if failed:
            add(Row("kb index, full build", size, "failed", notes=failed.failure()))
        else:
            seconds, peak = summary(runs)
            add(
                Row(
                    "kb index, full build",
                    size,
                    seconds_text(seconds),
                    bytes_text(peak),
                    _spread(runs),
                    seconds,
                )
            )
            index_ok = True
        if index_ok:
            victim = _middle_report(root)
            original = victim.read_bytes()
            changes = []
            try:
                for i in range(settings.repeat):
                    victim.write_bytes(original + f"\nA benchmark edit, number {i + 1}.\n".encode())
                    result = run([*kb, "index"], cwd=REPO)
                    changes.append(result)
                    if not result.ok:
                        break
            finally:
                victim.write_bytes(original)
            if changes and all(r.ok for r in changes):
                seconds, peak = summary(changes)
                add(
                    Row(
                        "kb index, after one report changed",
                        size,
                        seconds_text(seconds),
                        bytes_text(peak),
                        _spread(changes),
                        seconds,
                    )
                )
            else:
                add(Row("kb index, after one report changed", size, "failed", notes=changes[-1].failure()))
            run([*kb, "index"], cwd=REPO)  # back in step with the restored file
    else:
        unavailable("kb index, full build")
        unavailable("kb index, after one report changed")
    return index_ok


def _bench_search(
    settings: Settings,
    size: int,
    root: Path,
    kb: list[str],
    available: dict[str, bool],
    add,
    unavailable,
    *,
    index_ok: bool,
) -> None:
    if available["search"] and index_ok:
        cold = []
        failure = None
        for _ in range(settings.search_repeat):
            for query in QUERIES:
                result = run([*kb, "search", *query["args"], "--limit", "10"], cwd=REPO)
                if not result.ok:
                    failure = f"kb search {' '.join(query['args'])}: {result.failure()}"
                    break
                cold.append(result)
            if failure:
                break
        if failure:
            add(Row("kb search, cold CLI process", size, "failed", notes=failure))
        else:
            times = [r.seconds for r in cold]
            add(
                Row(
                    "kb search, cold CLI process",
                    size,
                    seconds_text(median(times)),
                    bytes_text(max(r.peak_bytes for r in cold)),
                    f"median of {len(times)} runs of {len(QUERIES)} queries; p95 {seconds_text(percentile(times, 0.95))}",
                    median(times),
                )
            )
        warm = run(
            [
                sys.executable,
                str(HERE / "kb_inproc.py"),
                "search",
                str(root),
                str(settings.warm_repeat),
                json.dumps([{k: v for k, v in q.items() if k in ("text", "filters")} for q in QUERIES]),
            ],
            cwd=REPO,
        )
        if warm.returncode == 3:
            unavailable("kb search, warm in-process", warm.stderr.strip()[:120])
        elif not warm.ok:
            add(Row("kb search, warm in-process", size, "failed", notes=warm.failure()))
        else:
            times = json.loads(warm.stdout)["timings"]
            add(
                Row(
                    "kb search, warm in-process",
                    size,
                    seconds_text(median(times)),
                    bytes_text(warm.peak_bytes),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}; index already fresh",
                    median(times),
                )
            )
    else:
        unavailable(
            "kb search, cold CLI process",
            "command not built yet" if not available["search"] else "needs kb index",
        )
        unavailable(
            "kb search, warm in-process",
            "command not built yet" if not available["search"] else "needs kb index",
        )


def _bench_help(settings: Settings, size: int, root: Path, add, unavailable, *, index_ok: bool) -> None:
    helps = [run([*kb_command(), "--help"], cwd=REPO) for _ in range(settings.help_runs)]
    seconds, peak = summary(helps)
    add(Row("kb --help", size, seconds_text(seconds), bytes_text(peak), f"median of {len(helps)}", seconds))

    index_dir = root / ".kb" / "index"
    if index_ok:
        add(Row("search index size", size, bytes_text(folder_size(index_dir))))
    else:
        unavailable("search index size", "needs kb index")


def _bench_site(
    settings: Settings, size: int, root: Path, kb: list[str], available: dict[str, bool], add, unavailable
) -> bool:
    """kb build, page generation alone and whole; the site's size; returns whether it built."""
    built = False
    if available["build"]:
        generation = run([sys.executable, str(HERE / "kb_inproc.py"), "generate", str(root)], cwd=REPO)
        if generation.returncode == 3:
            unavailable("kb build, page generation alone", generation.stderr.strip()[:120])
        elif not generation.ok:
            add(Row("kb build, page generation alone", size, "failed", notes=generation.failure()))
        else:
            info = json.loads(generation.stdout)
            add(
                Row(
                    "kb build, page generation alone",
                    size,
                    seconds_text(info["seconds"]),
                    bytes_text(generation.peak_bytes),
                    f"{info.get('files')} files; library call, process {seconds_text(generation.seconds)}",
                    info["seconds"],
                )
            )
        runs, failed = _timed(settings, [*kb, "build"], REPO, 1)
        if failed:
            add(Row("kb build, whole site", size, "failed", notes=failed.failure()))
        else:
            seconds, peak = summary(runs)
            add(
                Row(
                    "kb build, whole site",
                    size,
                    seconds_text(seconds),
                    bytes_text(peak),
                    (runs[-1].stdout.strip().splitlines() or [""])[-1][:100],
                    seconds,
                )
            )
            built = True
    else:
        unavailable("kb build, page generation alone")
        unavailable("kb build, whole site")
    if available["build"] and size <= settings.serve_max:
        _bench_serve(settings, size, root, add)

    # -- sizes -----------------------------------------------------------------------------
    site = root / "site"
    if built:
        add(
            Row(
                "site size",
                size,
                bytes_text(folder_size(site)),
                notes=f"{sum(1 for _ in site.rglob('*.html')):,} HTML files",
            )
        )
        pages = _report_pages(site, settings.seed)
        if pages:
            sizes = [p.stat().st_size for p in pages]
            add(
                Row(
                    "report page HTML size",
                    size,
                    bytes_text(int(statistics.median(sizes))),
                    notes=f"median of the first {len(pages)} reports' pages (the same reports at every size)",
                )
            )
    else:
        unavailable("site size", "needs kb build")
    return built


def _bench_serve(settings: Settings, size: int, root: Path, add) -> None:
    """kb serve: seconds from saving an edit to one report to its page showing it (scripts/bench_serve)."""
    from .serve import measure_serve

    edits = max(1, settings.repeat)
    try:
        result = measure_serve(root, edits=edits, log=settings.log)
    except SystemExit as exc:
        add(Row("kb serve, an edit shown", size, "failed", notes=str(exc)[:100]))
        return
    seconds = statistics.median(result.edits)
    add(
        Row(
            "kb serve, an edit shown",
            size,
            seconds_text(seconds),
            notes=f"median of {len(result.edits)} "
            f"edits of one report ({', '.join(seconds_text(s) for s in result.edits)}); served after "
            f"{seconds_text(result.startup)}",
            seconds=seconds,
        )
    )


def _middle_report(root: Path) -> Path:
    files = sorted(p for p in (root / "reports").rglob("*.md") if "registry" not in p.parts)
    return files[len(files) // 2]


def _report_pages(site: Path, seed: int, count: int = 20) -> list[Path]:
    """Pages of the first reports the generator wrote (the same reports in every corpus size)."""
    pages = {p.parent.name: p for p in site.rglob("index.html")}
    found = []
    for report_id in _generation_order(seed)[: count * 3]:
        page = pages.get(report_id)
        if page:
            found.append(page)
        if len(found) == count:
            break
    return found


def _generation_order(seed: int) -> list[str]:
    # Report ids start with their date, so file order is not generation order; the generator is
    # deterministic, so regenerating the first few reports in memory gives the order cheaply.
    from .corpus import generate

    stems = [
        Path(path).stem
        for path in generate(60, seed)
        if path.startswith("reports/") and "/registry/" not in path
    ]
    return stems


RATIOS = [
    ("kb index, full build", "ref: SQLite FTS5 index, full build", "kb index / FTS5 index"),
    (
        "kb search, warm in-process",
        "ref: SQLite FTS5 query, warm in-process",
        "kb search warm / FTS5 query warm",
    ),
    (
        "kb search, cold CLI process",
        "ref: SQLite FTS5 query, cold process",
        "kb search cold / FTS5 query cold",
    ),
    ("kb search, cold CLI process", "ref: grep -rli one word, cold process", "kb search cold / grep -r"),
    ("kb search, cold CLI process", "ref: rg -li one word, cold process", "kb search cold / ripgrep"),
    ("kb build, whole site", "ref: plain mkdocs build", "kb build / plain mkdocs build"),
    ("ref: zensical build of the generated tree", "kb build, whole site", "zensical build / kb build"),
]


def ratio_rows(rows: list[Row]) -> list[list[str]]:
    by = {(r.step, r.size): r for r in rows}
    sizes = sorted({r.size for r in rows if r.size})
    out = []
    for ours, theirs, label in RATIOS:
        for size in sizes:
            a, b = by.get((ours, size)), by.get((theirs, size))
            if not a or not b or (a.seconds is None and b.seconds is None):
                continue
            if a.seconds and b.seconds:
                value = (
                    f"{a.seconds / b.seconds:.1f}x"
                    if a.seconds / b.seconds >= 0.95
                    else f"{a.seconds / b.seconds:.2f}x"
                )
                out.append([label, f"{size:,}", value, f"{a.time} vs {b.time}"])
            else:
                out.append([label, f"{size:,}", NOT_AVAILABLE, f"{a.time} vs {b.time}"])
    return out


#: Steps whose growth with the number of reports is shown (check, index and search; not the site).
GROWTH = [
    "kb check",
    "kb index, full build",
    "kb index, after one report changed",
    "kb search, cold CLI process",
    "kb search, warm in-process",
]


def growth_rows(rows: list[Row]) -> list[list[str]]:
    """Each step's time per report at each size, and that figure against the smallest size's: 1.0x
    is linear growth, more means the cost grows faster than the number of reports."""
    out = []
    for step in GROWTH:
        measured = sorted((r.size, r.seconds) for r in rows if r.step == step and r.size and r.seconds)
        if len(measured) < 2:
            continue
        first_size, first_seconds = measured[0]
        base = first_seconds / first_size
        previous: tuple[int, float] | None = None
        for size, seconds in measured:
            per_report = seconds / size
            out.append(
                [
                    step,
                    f"{size:,}",
                    seconds_text(seconds),
                    f"{per_report * 1e6:,.1f} µs",
                    f"{per_report / base:.2f}x" if size != first_size else "1.00x",
                    f"{seconds / previous[1]:.2f}x the time for {size / previous[0]:.1f}x the reports"
                    if previous
                    else "-",
                ]
            )
            previous = (size, seconds)
    return out


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(
    settings: Settings, rows: list[Row], command: str, seconds: float, load: tuple[float, float]
) -> str:
    info = machine()
    parts = [
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, Python {info['python']}, "
        f"{info['system']}; load average {load[0]:.2f} at the start, {load[1]:.2f} at the end.",
        f"Command: `{command}` ({seconds:.0f} s in all).",
        "",
        table(["step", "size", "median/time", "peak memory", "notes"], [r.cells() for r in rows]),
        "",
        "Side by side (ratio above 1: kb is slower):",
        "",
        table(["comparison", "size", "ratio", "figures"], ratio_rows(rows)),
    ]
    growth = growth_rows(rows)
    if growth:
        parts += [
            "",
            "Growth (time per report, against the smallest size; "
            "1.0x is linear, more grows faster than the number of reports):",
            "",
            table(
                [
                    "step",
                    "size",
                    "median/time",
                    "per report",
                    "per report vs smallest",
                    "from the size before",
                ],
                growth,
            ),
        ]
    return "\n".join(parts) + "\n"


def main(settings: Settings, command: str) -> str:
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    settings.work.mkdir(parents=True, exist_ok=True)
    available = {name: has_command(name) for name in ("index", "search", "build")}
    rows: list[Row] = []
    if "import" not in settings.skip:
        print("kb import:", file=settings.log, flush=True)
        bench_import(
            settings,
            lambda row: (
                rows.append(row)
                or print(f"  {row.step}: {row.time} {row.notes}", file=settings.log, flush=True)
            ),
        )
    if settings.only_import:
        return report(
            settings, rows, command, time.perf_counter() - started, (load_start, os.getloadavg()[0])
        )
    site_sizes = [] if "site" in settings.skip else settings.site_sizes
    for size in sorted(set(settings.sizes) | set(site_sizes)):
        print(f"{size} reports:", file=settings.log, flush=True)
        rows.extend(
            bench_size(settings, size, available, full=size in settings.sizes, site=size in site_sizes)
        )
    if "site" in settings.skip:
        rows.append(
            Row(
                "kb build (page generation alone, whole site)",
                None,
                NOT_AVAILABLE,
                notes="skipped (--skip site)",
            )
        )
    return report(settings, rows, command, time.perf_counter() - started, (load_start, os.getloadavg()[0]))
