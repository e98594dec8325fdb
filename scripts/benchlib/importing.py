"""kb import on long texts: a published-page-like text of 1 MB and one of 5 MB.

The text is made here, in our own words, with what the importer works hardest on: dates,
bodies with acronyms, quantities with deadlines, numbered sections. 5 MB is over the 2 MB
limit of a report file, so that row measures how fast the right refusal comes.
"""

from __future__ import annotations

import random
import shutil

from .common import REPO, Row, Settings, kb_command, summary
from .measure import bytes_text, run, seconds_text

SIZES_MB = (1, 5)
_BODIES = (
    "the Ministry of Science and ICT (MSIT)",
    "the Korea Institute of Energy Research",
    "KAIST",
    "the Newton Fund",
    "Innovate UK",
    "the National Research Foundation of Korea (NRF)",
)
_THEMES = ("hydrogen", "offshore wind", "batteries", "health data", "space", "semiconductors", "fintech")
_CITIES = ("Seoul", "Busan", "Daejeon", "Incheon")


def long_text(megabytes: float, seed: int) -> str:
    rng = random.Random(seed)
    lines = ["South Korea: a long country update", "", "Published 3 July 2014", ""]
    size, paragraph = sum(len(line) + 1 for line in lines), 0
    while size < megabytes * 1_048_576:
        paragraph += 1
        if paragraph % 25 == 0:
            line = f"{paragraph // 25}. Section {paragraph // 25}"
        else:
            line = (
                f"On {rng.randint(1, 28)} March 2014 officials met {rng.choice(_BODIES)} in {rng.choice(_CITIES)} "
                f"to discuss {rng.choice(_THEMES)}. The ministry plans to invest £{rng.randint(2, 90)} million "
                f"by {rng.randint(2015, 2030)} and aims to train {rng.randint(1, 9)},000 engineers, while "
                f"{rng.randint(10, 60)}% of firms already work with UK partners."
            )
        lines += [line, ""]
        size += len(line) + 2
    return "\n".join(lines)


def bench_import(settings: Settings, add) -> None:
    """One row per size: `kb import --dry-run` of the long text into a project with the sample registry."""
    project = settings.work / "import-project"
    if project.exists():
        shutil.rmtree(project)
    (project / "reports").mkdir(parents=True)
    shutil.copytree(REPO / "reports" / "registry", project / "reports" / "registry")
    for megabytes in SIZES_MB:
        source = settings.work / f"import-{megabytes}mb.txt"
        source.write_text(long_text(megabytes, settings.seed), encoding="utf-8")
        runs = [
            run([*kb_command(), "--root", str(project), "import", "--dry-run", str(source)], cwd=REPO)
            for _ in range(settings.repeat)
        ]
        seconds, peak = summary(runs)
        last = runs[-1]
        errors = [line.split(" error: ", 1)[1] for line in last.stderr.splitlines() if " error: " in line]
        verdict = "imported" if last.ok else f"refused: {errors[0] if errors else last.failure()}"
        add(
            Row(
                f"kb import of a {megabytes} MB text",
                None,
                seconds_text(seconds),
                bytes_text(peak),
                verdict,
                seconds,
            )
        )
