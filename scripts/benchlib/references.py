"""The reference tools, on the same reports: SQLite FTS5, grep and ripgrep, a plain mkdocs build,
and zensical building the tree `kb build` generated."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from .common import GREP_WORD, HERE, NOT_AVAILABLE, QUERIES, REPO, Row, Settings, summary
from .measure import bytes_text, median, percentile, run, seconds_text


def references(settings: Settings, size: int, root: Path, built: bool, add) -> None:
    """SQLite FTS5, grep/ripgrep, plain mkdocs and zensical on the same reports."""
    db = settings.work / f"fts5-{size}.sqlite"
    fts = run([sys.executable, str(HERE / "fts_ref.py"), "index", str(db), str(root / "reports")], cwd=REPO)
    if fts.ok:
        add(
            Row(
                "ref: SQLite FTS5 index, full build",
                size,
                seconds_text(fts.seconds),
                bytes_text(fts.peak_bytes),
                f"{fts.stdout.strip()} documents; file {bytes_text(db.stat().st_size)}",
                fts.seconds,
            )
        )
        texts = [q["fts"] for q in QUERIES if q["fts"]]
        warm = run(
            [sys.executable, str(HERE / "fts_ref.py"), "warm", str(db), str(settings.warm_repeat), *texts],
            cwd=REPO,
        )
        if warm.ok:
            times = json.loads(warm.stdout)["timings"]
            add(
                Row(
                    "ref: SQLite FTS5 query, warm in-process",
                    size,
                    seconds_text(median(times)),
                    bytes_text(warm.peak_bytes),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}; "
                    f"{len(texts)} of the {len(QUERIES)} queries",
                    median(times),
                )
            )
        cold = [
            run([sys.executable, str(HERE / "fts_ref.py"), "query", str(db), text], cwd=REPO)
            for _ in range(settings.search_repeat)
            for text in texts
        ]
        if all(r.ok for r in cold):
            times = [r.seconds for r in cold]
            add(
                Row(
                    "ref: SQLite FTS5 query, cold process",
                    size,
                    seconds_text(median(times)),
                    bytes_text(max(r.peak_bytes for r in cold)),
                    f"median of {len(times)}; p95 {seconds_text(percentile(times, 0.95))}",
                    median(times),
                )
            )
    else:
        add(Row("ref: SQLite FTS5 index, full build", size, "failed", notes=fts.failure()))

    for tool, command in (
        ("grep -rli", ["grep", "-rli", GREP_WORD, str(root / "reports")]),
        ("rg -li", ["rg", "-li", GREP_WORD, str(root / "reports")]),
    ):
        if not shutil.which(command[0]):
            add(
                Row(
                    f"ref: {tool} one word, cold process",
                    size,
                    NOT_AVAILABLE,
                    notes=f"{command[0]} not installed",
                )
            )
            continue
        runs = [run(command, cwd=REPO) for _ in range(max(3, settings.repeat))]
        seconds, peak = summary(runs)
        hits = len(runs[-1].stdout.splitlines())
        add(
            Row(
                f"ref: {tool} one word, cold process",
                size,
                seconds_text(seconds),
                bytes_text(peak),
                f"'{GREP_WORD}': {hits:,} files; OS file cache warm",
                seconds,
            )
        )

    if "site" in settings.skip or size > settings.reference_site_max:
        why = (
            "skipped (--skip site)"
            if "site" in settings.skip
            else f"run at {settings.reference_site_max:,} reports at most"
        )
        add(Row("ref: plain mkdocs build", size, NOT_AVAILABLE, notes=why))
        add(Row("ref: zensical build of the generated tree", size, NOT_AVAILABLE, notes=why))
        return
    plain = _plain_mkdocs_project(settings.work / f"plain-mkdocs-{size}", root)
    result = run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(plain / "mkdocs.yml")],
        cwd=plain,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    if result.ok:
        add(
            Row(
                "ref: plain mkdocs build",
                size,
                seconds_text(result.seconds),
                bytes_text(result.peak_bytes),
                "Material, report files as they are, default nav, no generated pages",
                result.seconds,
            )
        )
    else:
        add(Row("ref: plain mkdocs build", size, "failed", notes=result.failure()))
    zensical = Path(sys.executable).with_name("zensical")
    if not zensical.exists() and not shutil.which("zensical"):
        add(
            Row(
                "ref: zensical build of the generated tree",
                size,
                NOT_AVAILABLE,
                notes="zensical not installed",
            )
        )
    elif not built:
        add(Row("ref: zensical build of the generated tree", size, NOT_AVAILABLE, notes="needs kb build"))
    else:
        config = root / "mkdocs-zensical.yml"
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        config.write_text(text.replace("site_dir: site\n", "site_dir: site-zensical\n"), encoding="utf-8")
        command = [str(zensical) if zensical.exists() else "zensical", "build", "--clean", "-f", str(config)]
        result = run(command, cwd=root)
        if result.ok:
            add(
                Row(
                    "ref: zensical build of the generated tree",
                    size,
                    seconds_text(result.seconds),
                    bytes_text(result.peak_bytes),
                    "same site_pages/ tree and mkdocs.yml as kb build",
                    result.seconds,
                )
            )
        else:
            add(Row("ref: zensical build of the generated tree", size, "failed", notes=result.failure()))


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
        encoding="utf-8",
    )
    return folder
