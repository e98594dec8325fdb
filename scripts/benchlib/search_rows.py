"""The search rows of scripts/bench (full index, one change, cold kb search, warm search) at one
size, with scripts/benchlib's own helpers, for the checkout given (its .venv):

    python scripts/benchlib/search_rows.py CHECKOUT SIZE [WORK]
"""

import json
import os
import sys
from pathlib import Path

repo = Path(sys.argv[1]).resolve()
size = int(sys.argv[2])
sys.path.insert(0, str(repo / "scripts"))
from benchlib.common import QUERIES  # noqa: E402
from benchlib.corpus import MARKER, write_corpus  # noqa: E402
from benchlib.measure import median, percentile, run  # noqa: E402

root = Path(sys.argv[3] if len(sys.argv) > 3 else "/tmp/kb-bench-runs") / f"kb-{size}"
if not (root / MARKER).exists():
    write_corpus(root, size, 1)
kb = [str(repo / ".venv/bin/kb"), "--root", str(root)]
out = {"load_before": os.getloadavg()}
full = run([*kb, "index", "--rebuild"], cwd=repo)
assert full.ok, full.stderr
out["full"] = (full.seconds, full.peak_bytes)
victim = sorted((root / "reports").rglob("*.md"))[size // 2]
original = victim.read_bytes()
changes = []
try:
    for i in range(3):
        victim.write_bytes(original + f"\nA benchmark edit, number {i + 1}.\n".encode())
        r = run([*kb, "index"], cwd=repo)
        assert r.ok, r.stderr
        changes.append(r.seconds)
finally:
    victim.write_bytes(original)
assert run([*kb, "index"], cwd=repo).ok
out["one_change"] = median(changes)
cold = []
for q in QUERIES:
    r = run([*kb, "search", *q["args"], "--limit", "10"], cwd=repo)
    assert r.ok, r.stderr
    cold.append(r.seconds)
out["cold"] = (median(cold), percentile(cold, 0.95))
warm = run(
    [
        str(repo / ".venv/bin/python"),
        str(repo / "scripts/benchlib/kb_inproc.py"),
        "search",
        str(root),
        "20",
        json.dumps([{k: v for k, v in q.items() if k in ("text", "filters")} for q in QUERIES]),
    ],
    cwd=repo,
)
assert warm.ok, warm.stderr
t = json.loads(warm.stdout)["timings"]
out["warm"] = (median(t), percentile(t, 0.95))
out["load_after"] = os.getloadavg()
print(json.dumps(out))
