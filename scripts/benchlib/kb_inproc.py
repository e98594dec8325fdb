"""In-process measurements of the kb library, each run as its own process by the benchmark.

    python kb_inproc.py search ROOT REPEAT QUERIES_JSON   # warm searches (one kb.search.api.Searcher); JSON timings
    python kb_inproc.py generate ROOT                     # `kb build` page generation alone

The library API used here is the one the CLI calls; when it is missing (a step
not built yet) the script exits 3 and the benchmark prints "not available".
"""

from __future__ import annotations

import json
import sys
import time

NOT_AVAILABLE = 3


def warm_search(root: str, repeat: int, queries: list[dict]) -> dict:
    try:
        from kb.project import Project
        from kb.registry.filters import Filters
        from kb.search.api import Searcher, SearchRequest
    except ImportError as exc:
        print(f"kb search library not available: {exc}", file=sys.stderr)
        raise SystemExit(NOT_AVAILABLE) from None
    project = Project.at(root)
    requests = [
        SearchRequest(
            q["text"],
            Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in q.get("filters", {}).items()}),
            limit=10,
        )
        for q in queries
    ]
    # A long-running caller's way: the index opened (and brought up to date) once, then searched.
    with Searcher(project) as searcher:
        for request in requests:  # warm-up: caches filled
            searcher.search(request)
        timings = []
        for _ in range(repeat):
            for request in requests:
                started = time.perf_counter()
                searcher.search(request)
                timings.append(time.perf_counter() - started)
    return {"timings": timings}


def generate_pages(root: str) -> dict:
    try:
        from kb.project import Project
        from kb.site.build import generate
    except ImportError as exc:
        print(f"kb site generation not available: {exc}", file=sys.stderr)
        raise SystemExit(NOT_AVAILABLE) from None
    started = time.perf_counter()
    result = generate(Project.at(root))
    return {"seconds": time.perf_counter() - started, "files": getattr(result, "files", None)}


def main(argv: list[str]) -> int:
    if argv[0] == "search":
        print(json.dumps(warm_search(argv[1], int(argv[2]), json.loads(argv[3]))))
    elif argv[0] == "generate":
        print(json.dumps(generate_pages(argv[1])))
    else:
        print(f"unknown command {argv[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
