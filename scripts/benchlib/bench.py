"""The benchmark: every `kb` step on synthetic corpora, and reference tools side by side.

Each measurement is a separate process, as a user runs it, with its own wall
time and peak memory (:mod:`benchlib.measure`). A step whose command does not
exist yet is printed as "not available" instead of failing the run.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import MARKER, write_corpus
from .measure import Run, bytes_text, folder_size, machine, median, percentile, run, seconds_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOT_AVAILABLE = "not available"

#: Fixed queries: CLI arguments for `kb search`, the same as text and filters for the warm
#: in-process search, as an FTS5 query (None: no equivalent), and a word for grep.
QUERIES = [
    {"args": ["hydrogen"], "text": "hydrogen", "fts": "hydrogen", "grep": "hydrogen"},
    {"args": ["offshore wind"], "text": "offshore wind", "fts": "offshore wind"},
    {"args": ['"capital markets"'], "text": '"capital markets"', "fts": '"capital markets"'},
    {"args": ["batteries OR lithium"], "text": "batteries OR lithium", "fts": "batteries OR lithium"},
    {"args": ["ports NOT aviation"], "text": "ports NOT aviation", "fts": "ports NOT aviation"},
    {"args": ["British Council"], "text": "British Council", "fts": "british council"},
    {"args": ["UKRI"], "text": "UKRI", "fts": "UKRI"},
    {"args": ["scholarships", "--country", "KR"], "text": "scholarships", "filters": {"countries": ["KR"]},
     "fts": "scholarships AND countries:KR"},
    {"args": ["--sector", "offshore-wind"], "text": "", "filters": {"sectors": ["offshore-wind"]},
     "fts": 'sectors:"offshore wind"'},
    {"args": ["cyber security", "--since", "2020"], "text": "cyber security", "filters": {"since": "2020"},
     "fts": None},
    {"args": ["smart*"], "text": "smart*", "fts": "smart*"},
    {"args": ["semiconductors"], "text": "semiconductors", "fts": "semiconductors"},
]
GREP_WORD = "hydrogen"


@dataclass
class Row:
    step: str
    size: int | None
    time: str
    memory: str = "-"
    notes: str = ""
    seconds: float | None = None  # for ratios

    def cells(self) -> list[str]:
        return [self.step, f"{self.size:,}" if self.size else "-", self.time, self.memory, self.notes]


@dataclass
class Settings:
    sizes: list[int]
    work: Path
    seed: int = 1
    repeat: int = 3           # runs of each timed command; the median is shown
    help_runs: int = 10
    search_repeat: int = 3    # cold CLI runs of each query
    warm_repeat: int = 20     # in-process runs of each query
    site_max: int = 5000      # whole-site builds above this size are skipped (the target is at 5,000)
    reference_site_max: int = 1000  # plain mkdocs and zensical builds: at this size at most
    skip: set[str] = field(default_factory=set)
    log: object = sys.stderr


def kb_command() -> list[str]:
    script = Path(sys.executable).with_name("kb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kb.cli"]


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
        print(f"  wrote corpus of {size} reports in {time.perf_counter() - started:.1f} s: {root}", file=settings.log)
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


def _summary(runs: list[Run]) -> tuple[float, int]:
    return median([r.seconds for r in runs]), max(r.peak_bytes for r in runs)


def _spread(runs: list[Run]) -> str:
    if len(runs) < 2:
        return ""
    return f"{len(runs)} runs, {seconds_text(min(r.seconds for r in runs))} to {seconds_text(max(r.seconds for r in runs))}"


def bench_size(settings: Settings, size: int, available: dict[str, bool]) -> list[Row]:
    rows: list[Row] = []
    root = ensure_corpus(settings, size)
    kb = [*kb_command(), "--root", str(root)]

    def add(row: Row) -> Row:
        rows.append(row)
        _say(settings, f"{row.step} @ {size}: {row.time} {row.memory} {row.notes}")
        return row

    def unavailable(step: str, why: str = "command not built yet") -> None:
        add(Row(step, size, NOT_AVAILABLE, notes=why))

    # -- kb check --------------------------------------------------------------------------
    runs, failed = _timed(settings, [*kb, "check"], REPO, settings.repeat)
    if failed and failed.returncode not in (0, 1):
        add(Row("kb check", size, "failed", notes=failed.failure()))
    else:
        seconds, peak = _summary(runs)
        summary = (runs[-1].stderr.strip().splitlines() or [""])[-1]
        add(Row("kb check", size, seconds_text(seconds), bytes_text(peak),
                "; ".join(x for x in (summary, _spread(runs)) if x), seconds))

    # -- kb index --------------------------------------------------------------------------
    index_ok = False
    if available["index"]:
        runs, failed = _timed(settings, [*kb, "index", "--rebuild"], REPO, max(1, settings.repeat - 1))
        if failed:
            add(Row("kb index, full build", size, "failed", notes=failed.failure()))
        else:
            seconds, peak = _summary(runs)
            add(Row("kb index, full build", size, seconds_text(seconds), bytes_text(peak), _spread(runs), seconds))
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
                seconds, peak = _summary(changes)
                add(Row("kb index, after one report changed", size, seconds_text(seconds), bytes_text(peak),
                        _spread(changes), seconds))
            else:
                add(Row("kb index, after one report changed", size, "failed", notes=changes[-1].failure()))
            run([*kb, "index"], cwd=REPO)  # back in step with the restored file
    else:
        unavailable("kb index, full build")
        unavailable("kb index, after one report changed")

    # -- kb search -------------------------------------------------------------------------
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
            add(Row("kb search, cold CLI process", size, seconds_text(median(times)),
                    bytes_text(max(r.peak_bytes for r in cold)),
                    f"median of {len(times)} runs of {len(QUERIES)} queries; p95 {seconds_text(percentile(times, 0.95))}",
                    median(times)))
        warm = run([sys.executable, str(HERE / "kb_inproc.py"), "search", str(root), str(settings.warm_repeat),
                    json.dumps([{k: v for k, v in q.items() if k in ("text", "filters")} for q in QUERIES])],
                   cwd=REPO)
        if warm.returncode == 3:
            unavailable("kb search, warm in-process", warm.stderr.strip()[:120])
        elif not warm.ok:
            add(Row("kb search, warm in-process", size, "failed", notes=warm.failure()))
        else:
            times = json.loads(warm.stdout)["timings"]
            add(Row("kb search, warm in-process", size, seconds_text(median(times)), bytes_text(warm.peak_bytes),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}; index already fresh",
                    median(times)))
    else:
        unavailable("kb search, cold CLI process", "command not built yet" if not available["search"]
                    else "needs kb index")
        unavailable("kb search, warm in-process", "command not built yet" if not available["search"]
                    else "needs kb index")

    # -- kb --help ---------------------------------------------------------------------------
    helps = [run([*kb_command(), "--help"], cwd=REPO) for _ in range(settings.help_runs)]
    seconds, peak = _summary(helps)
    add(Row("kb --help", size, seconds_text(seconds), bytes_text(peak), f"median of {len(helps)}", seconds))

    # -- kb build ----------------------------------------------------------------------------
    built = False
    if "site" in settings.skip or size > settings.site_max:
        why = "skipped (--skip site)" if "site" in settings.skip else f"skipped above {settings.site_max:,} reports"
        unavailable("kb build, page generation alone", why)
        unavailable("kb build, whole site", why)
    elif available["build"]:
        generation = run([sys.executable, str(HERE / "kb_inproc.py"), "generate", str(root)], cwd=REPO)
        if generation.returncode == 3:
            unavailable("kb build, page generation alone", generation.stderr.strip()[:120])
        elif not generation.ok:
            add(Row("kb build, page generation alone", size, "failed", notes=generation.failure()))
        else:
            info = json.loads(generation.stdout)
            add(Row("kb build, page generation alone", size, seconds_text(info["seconds"]),
                    bytes_text(generation.peak_bytes),
                    f"{info.get('files')} files; library call, process {seconds_text(generation.seconds)}",
                    info["seconds"]))
        runs, failed = _timed(settings, [*kb, "build"], REPO, 1)
        if failed:
            add(Row("kb build, whole site", size, "failed", notes=failed.failure()))
        else:
            seconds, peak = _summary(runs)
            add(Row("kb build, whole site", size, seconds_text(seconds), bytes_text(peak),
                    (runs[-1].stdout.strip().splitlines() or [""])[-1][:100], seconds))
            built = True
    else:
        unavailable("kb build, page generation alone")
        unavailable("kb build, whole site")

    # -- sizes -----------------------------------------------------------------------------
    site = root / "site"
    if built:
        add(Row("site size", size, bytes_text(folder_size(site)), notes=f"{sum(1 for _ in site.rglob('*.html')):,} HTML files"))
        pages = _report_pages(root, site)
        if pages:
            sizes = [p.stat().st_size for p in pages]
            add(Row("report page HTML size", size, bytes_text(int(statistics.median(sizes))),
                    notes=f"median of the first {len(pages)} reports' pages (the same reports at every size)"))
    else:
        unavailable("site size", "needs kb build")
    index_dir = root / ".kb" / "index"
    if index_ok:
        add(Row("search index size", size, bytes_text(folder_size(index_dir))))
    else:
        unavailable("search index size", "needs kb index")

    rows.extend(references(settings, size, root, built, add))
    return rows


def references(settings: Settings, size: int, root: Path, built: bool, add) -> list[Row]:
    """SQLite FTS5, grep/ripgrep, plain mkdocs and zensical on the same reports."""
    db = settings.work / f"fts5-{size}.sqlite"
    fts = run([sys.executable, str(HERE / "fts_ref.py"), "index", str(db), str(root / "reports")], cwd=REPO)
    if fts.ok:
        add(Row("ref: SQLite FTS5 index, full build", size, seconds_text(fts.seconds), bytes_text(fts.peak_bytes),
                f"{fts.stdout.strip()} documents; file {bytes_text(db.stat().st_size)}", fts.seconds))
        texts = [q["fts"] for q in QUERIES if q["fts"]]
        warm = run([sys.executable, str(HERE / "fts_ref.py"), "warm", str(db), str(settings.warm_repeat), *texts],
                   cwd=REPO)
        if warm.ok:
            times = json.loads(warm.stdout)["timings"]
            add(Row("ref: SQLite FTS5 query, warm in-process", size, seconds_text(median(times)),
                    bytes_text(warm.peak_bytes),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}; "
                    f"{len(texts)} of the {len(QUERIES)} queries", median(times)))
        cold = [run([sys.executable, str(HERE / "fts_ref.py"), "query", str(db), text], cwd=REPO)
                for _ in range(settings.search_repeat) for text in texts]
        if all(r.ok for r in cold):
            times = [r.seconds for r in cold]
            add(Row("ref: SQLite FTS5 query, cold process", size, seconds_text(median(times)),
                    bytes_text(max(r.peak_bytes for r in cold)),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}", median(times)))
    else:
        add(Row("ref: SQLite FTS5 index, full build", size, "failed", notes=fts.failure()))

    for tool, command in (("grep -rli", ["grep", "-rli", GREP_WORD, str(root / "reports")]),
                          ("rg -li", ["rg", "-li", GREP_WORD, str(root / "reports")])):
        if not shutil.which(command[0]):
            add(Row(f"ref: {tool} one word, cold process", size, NOT_AVAILABLE, notes=f"{command[0]} not installed"))
            continue
        runs = [run(command, cwd=REPO) for _ in range(max(3, settings.repeat))]
        seconds, peak = _summary(runs)
        hits = len(runs[-1].stdout.splitlines())
        add(Row(f"ref: {tool} one word, cold process", size, seconds_text(seconds), bytes_text(peak),
                f"'{GREP_WORD}': {hits:,} files; OS file cache warm", seconds))

    if "site" in settings.skip or size > settings.reference_site_max:
        why = "skipped (--skip site)" if "site" in settings.skip else \
            f"run at {settings.reference_site_max:,} reports at most"
        add(Row("ref: plain mkdocs build", size, NOT_AVAILABLE, notes=why))
        add(Row("ref: zensical build of the generated tree", size, NOT_AVAILABLE, notes=why))
        return []
    plain = _plain_mkdocs_project(settings.work / f"plain-mkdocs-{size}", root)
    result = run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(plain / "mkdocs.yml")], cwd=plain,
                 env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if result.ok:
        add(Row("ref: plain mkdocs build", size, seconds_text(result.seconds), bytes_text(result.peak_bytes),
                "Material, report files as they are, default nav, no generated pages", result.seconds))
    else:
        add(Row("ref: plain mkdocs build", size, "failed", notes=result.failure()))
    zensical = Path(sys.executable).with_name("zensical")
    if not zensical.exists() and not shutil.which("zensical"):
        add(Row("ref: zensical build of the generated tree", size, NOT_AVAILABLE, notes="zensical not installed"))
    elif not built:
        add(Row("ref: zensical build of the generated tree", size, NOT_AVAILABLE, notes="needs kb build"))
    else:
        config = root / "mkdocs-zensical.yml"
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        config.write_text(text.replace("site_dir: site\n", "site_dir: site-zensical\n"), encoding="utf-8")
        command = [str(zensical) if zensical.exists() else "zensical", "build", "--clean", "-f", str(config)]
        result = run(command, cwd=root)
        if result.ok:
            add(Row("ref: zensical build of the generated tree", size, seconds_text(result.seconds),
                    bytes_text(result.peak_bytes), "same docs/ tree and mkdocs.yml as kb build", result.seconds))
        else:
            add(Row("ref: zensical build of the generated tree", size, "failed", notes=result.failure()))
    return []


def _middle_report(root: Path) -> Path:
    files = sorted(p for p in (root / "reports").rglob("*.md") if "registry" not in p.parts)
    return files[len(files) // 2]


def _report_pages(root: Path, site: Path, count: int = 20) -> list[Path]:
    """Pages of the first reports the generator wrote (the same reports in every corpus size)."""
    pages = {p.parent.name: p for p in site.rglob("index.html")}
    found = []
    for line in _generation_order(root)[:count * 3]:
        page = pages.get(line)
        if page:
            found.append(page)
        if len(found) == count:
            break
    return found


def _generation_order(root: Path) -> list[str]:
    # Report ids start with their date, so file order is not generation order; the generator is
    # deterministic, so regenerating the first few reports in memory gives the order cheaply.
    from .corpus import generate

    stems = [Path(path).stem for path in generate(60).keys() if path.startswith("reports/")
             and "/registry/" not in path]
    return stems


def _plain_mkdocs_project(folder: Path, root: Path) -> Path:
    """The report files copied into a docs folder with a minimal Material config."""
    if folder.exists():
        shutil.rmtree(folder)
    docs = folder / "docs"
    for path in sorted((root / "reports").rglob("*.md")):
        if "registry" in path.parts:
            continue
        target = docs / path.relative_to(root / "reports")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (docs / "index.md").write_text("# Reports\n\nEvery report, as plain pages.\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: plain reports\ndocs_dir: docs\nsite_dir: site\ntheme:\n  name: material\nplugins:\n  - search\n",
        encoding="utf-8")
    return folder


RATIOS = [
    ("kb index, full build", "ref: SQLite FTS5 index, full build", "kb index / FTS5 index"),
    ("kb search, warm in-process", "ref: SQLite FTS5 query, warm in-process", "kb search warm / FTS5 query warm"),
    ("kb search, cold CLI process", "ref: SQLite FTS5 query, cold process", "kb search cold / FTS5 query cold"),
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
            if not a or not b:
                continue
            if a.seconds and b.seconds:
                value = f"{a.seconds / b.seconds:.1f}x" if a.seconds / b.seconds >= 0.95 else \
                    f"{a.seconds / b.seconds:.2f}x"
                out.append([label, f"{size:,}", value, f"{a.time} vs {b.time}"])
            else:
                out.append([label, f"{size:,}", NOT_AVAILABLE, f"{a.time} vs {b.time}"])
    return out


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(settings: Settings, rows: list[Row], command: str, seconds: float, load: tuple[float, float]) -> str:
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
    return "\n".join(parts) + "\n"


def main(settings: Settings, command: str) -> str:
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    settings.work.mkdir(parents=True, exist_ok=True)
    available = {name: has_command(name) for name in ("index", "search", "build")}
    rows: list[Row] = []
    for size in settings.sizes:
        print(f"{size} reports:", file=settings.log, flush=True)
        rows.extend(bench_size(settings, size, available))
    return report(settings, rows, command, time.perf_counter() - started, (load_start, os.getloadavg()[0]))
