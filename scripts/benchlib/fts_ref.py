"""Reference: SQLite FTS5 (Python's sqlite3) indexing and querying the same report files.

Run as a script by the benchmark, one process per measurement:

    python fts_ref.py index DB REPORTS_DIR           # build the index; prints the document count
    python fts_ref.py query DB QUERY                 # one query, cold process; prints the hit count
    python fts_ref.py warm DB REPEAT QUERY...         # each query REPEAT times; prints JSON timings

What a user could reach for instead of ``kb index``/``kb search``: front matter read
with PyYAML's C loader, title, countries, sectors and body in an FTS5 table,
results ranked by bm25 with a snippet. No facets, no entity expansion, no
internal/public split: it does less than ``kb search``, which the ratio should be
read against.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import yaml

SELECT = (
    "SELECT id, title, snippet(reports, 4, '<mark>', '</mark>', '...', 24) FROM reports "
    "WHERE reports MATCH ? ORDER BY rank LIMIT 10"
)


def _documents(reports: Path):
    registry = reports / "registry"
    for path in sorted(reports.rglob("*.md")):
        if registry in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        meta, body = {}, text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end != -1:
                try:
                    meta = yaml.load(text[4:end], Loader=yaml.CSafeLoader) or {}
                except yaml.YAMLError:
                    meta = {}
                body = text[end + 5 :]
        yield (
            path.stem,
            str(meta.get("title", "")),
            " ".join(map(str, meta.get("countries") or [])),
            " ".join(map(str, meta.get("sectors") or [])),
            body,
        )


def build(db: Path, reports: Path) -> int:
    if db.exists():
        db.unlink()
    connection = sqlite3.connect(db)
    connection.execute(
        "CREATE VIRTUAL TABLE reports USING fts5(id UNINDEXED, title, countries, sectors, body)"
    )
    connection.executemany("INSERT INTO reports VALUES (?, ?, ?, ?, ?)", _documents(reports))
    connection.commit()
    count = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
    connection.close()
    return count


def query(db: Path, text: str) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    hits = connection.execute(SELECT, (text,)).fetchall()
    connection.close()
    return len(hits)


def warm(db: Path, repeat: int, queries: list[str]) -> dict:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for text in queries:  # warm-up: pages in the cache, statements prepared
        connection.execute(SELECT, (text,)).fetchall()
    timings = []
    for _ in range(repeat):
        for text in queries:
            started = time.perf_counter()
            connection.execute(SELECT, (text,)).fetchall()
            timings.append(time.perf_counter() - started)
    connection.close()
    return {"timings": timings}


def main(argv: list[str]) -> int:
    command, db = argv[0], Path(argv[1])
    if command == "index":
        print(build(db, Path(argv[2])))
    elif command == "query":
        print(query(db, argv[2]))
    elif command == "warm":
        print(json.dumps(warm(db, int(argv[2]), argv[3:])))
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
