"""What the benchmark's parts share: the fixed queries, a table row, the settings, the kb command."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .measure import Run, median

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOT_AVAILABLE = "not available"

#: Fixed queries: CLI arguments for `kb search`, the same as text and filters for the warm
#: in-process search, and as an FTS5 query (None: no equivalent).
QUERIES = [
    {"args": ["hydrogen"], "text": "hydrogen", "fts": "hydrogen"},
    {"args": ["offshore wind"], "text": "offshore wind", "fts": "offshore wind"},
    {"args": ['"capital markets"'], "text": '"capital markets"', "fts": '"capital markets"'},
    {"args": ["batteries OR lithium"], "text": "batteries OR lithium", "fts": "batteries OR lithium"},
    {"args": ["ports NOT aviation"], "text": "ports NOT aviation", "fts": "ports NOT aviation"},
    {"args": ["British Council"], "text": "British Council", "fts": "british council"},
    {"args": ["UKRI"], "text": "UKRI", "fts": "UKRI"},
    {
        "args": ["scholarships", "--country", "KR"],
        "text": "scholarships",
        "filters": {"countries": ["KR"]},
        "fts": "scholarships AND countries:KR",
    },
    {
        "args": ["--sector", "offshore-wind"],
        "text": "",
        "filters": {"sectors": ["offshore-wind"]},
        "fts": 'sectors:"offshore wind"',
    },
    {
        "args": ["cyber security", "--since", "2020"],
        "text": "cyber security",
        "filters": {"since": "2020"},
        "fts": None,
    },
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
    repeat: int = 3  # runs of each timed command; the median is shown
    help_runs: int = 10
    search_repeat: int = 3  # cold CLI runs of each query
    warm_repeat: int = 20  # in-process runs of each query
    site_sizes: list[int] = field(default_factory=lambda: [1000, 5000])  # kb build runs at these sizes
    reference_site_max: int = 1000  # plain mkdocs and zensical builds: at this size at most
    serve_max: int = 1000  # kb serve's preview latency: at this size at most
    skip: set[str] = field(default_factory=set)
    only_import: bool = False  # just the kb import rows (--only import)
    log: object = sys.stderr


def kb_command() -> list[str]:
    script = Path(sys.executable).with_name("kb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kb.cli"]


def summary(runs: list[Run]) -> tuple[float, int]:
    return median([r.seconds for r in runs]), max(r.peak_bytes for r in runs)
