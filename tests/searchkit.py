"""A small knowledge base for the index, search, tracker and ``kb show`` tests.

Six reports over KR and JP, 2014 to 2020: a ministry renamed in 2017 (msip ->
msit) and tagged under both names, an internal report, a public report with an
internal section and an internal target, an opportunity updated by a later
report, and targets with passed and future deadlines. Words that only occur in
internal content start with ``zqx`` so a test can prove they never leak.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import REGISTRY, REPO, write

from kb.cli import main
from kb.search.matching import OpenIndex, QuerySpec, RawResults

EXTRA_REGISTRY = """\
entities:
  - {id: meti, name: Ministry of Economy Trade and Industry, kind: ministry, acronyms: [METI], country: JP}
  - {id: big-data, name: Big data and AI, kind: sector, aliases: [Artificial intelligence]}
  - {id: newton-fund, name: Newton Fund, kind: programme, country: GB}
"""

REPORTS = {
    "kr/2014-07-03-korea-open-data.md": """\
---
title: "Korea: open data and health records"
date: 2014-07-03
countries: [KR]
type: country-update
visibility: public
summary: MSIP wants joint work on health records and open data.
ministries: [msip, nia]
sectors: [health-data]
opportunities:
  - {id: kr-health-records, title: Joint work on health records, status: identified, sectors: [health-data], partners: [msip]}
targets:
  - {id: kr-open-data-sets, what: Government data sets published, value: "60", unit: "%", deadline: "2016", owner: nia}
---

Officials of the Ministry of Science, ICT and Future Planning (MSIP) and NIA explained their plans
for hospitals and patient records.
""",
    "kr/2015-05-01-korea-smart-grid.md": """\
---
title: "Korea: smart grid pilots"
date: 2015-05-01
countries: [KR]
type: visit-report
visibility: public
ministries: [msip]
sectors: [energy]
projects: [newton-fund]
targets:
  - {id: kr-open-data-sets, what: Government data sets published, status: on-track, deadline: "2016"}
---

The smart grid pilot on Jeju island impressed the visitors. MSIP also reported on open data.
""",
    "jp/2016-02-10-japan-solar.md": """\
---
title: "Japan: solar and hydrogen"
date: 2016-02-10
countries: [JP]
type: visit-report
visibility: public
ministries: [meti]
sectors: [energy]
targets:
  - {id: jp-solar, what: Solar capacity installed, value: "100", unit: GW, deadline: "2018", owner: meti}
  - {id: jp-hydrogen, what: Hydrogen stations open, value: "160", unit: stations, deadline: 2017-03, owner: meti}
---

METI explained its feed-in tariff for solar power and its plans for hydrogen stations.
""",
    "kr/2019-06-18-korea-ai-and-health.md": """\
---
title: "Korea: AI and health data"
date: 2019-06-18
countries: [KR]
type: meeting-note
visibility: public
ministries: [msit]
organisations: [open-data-institute]
sectors: [big-data, health-data]
opportunities:
  - {id: kr-health-records, title: Health records research partnership, status: active, sectors: [health-data], partners: [msit, open-data-institute]}
  - {id: kr-zqxsecret-deal, title: Zqxsecret deal, status: discussed, internal: true}
targets:
  - {id: kr-ai-talent, what: AI specialists trained, value: "5000", unit: people, deadline: "2030", owner: msit}
  - {id: kr-zqxtarget, what: Zqxtarget figure, deadline: "2018", internal: true}
internal_notes: Zqxnotes about the ministry.
---

The Ministry of Science and ICT wants hospital data for machine learning research.

<!-- internal -->
The minister privately mentioned zqxhidden budget figures.
<!-- /internal -->

Both sides agreed to meet again.
""",
    "jp/2020-01-15-japan-health-internal.md": """\
---
title: "Japan: health data (staff only)"
date: 2020-01-15
countries: [JP]
type: briefing
visibility: internal
ministries: [meti]
sectors: [health-data]
targets:
  - {id: jp-hydrogen, what: Hydrogen stations open, status: met, deadline: 2017-03, owner: meti}
---

Zqxwombat: internal assessment of hospital data rules in Japan.
""",
    "kr/2020-03-02-korea-energy-and-data.md": """\
---
title: "Korea: energy data"
date: 2020-03-02
countries: [KR, JP]
type: joint-statement
visibility: public
ministries: [msit, meti]
sectors: [energy, big-data]
---

A joint statement on energy data sharing between Korea and Japan, with hospitals not mentioned.
""",
}

PUBLIC_IDS = {Path(k).stem for k, v in REPORTS.items() if "visibility: public" in v}
ALL_IDS = {Path(k).stem for k in REPORTS}


def make_tree(root: Path) -> Path:
    write(root / "reports" / "registry" / "entities.yml", REGISTRY)
    write(root / "reports" / "registry" / "extra.yml", EXTRA_REGISTRY)
    for name, text in REPORTS.items():
        write(root / "reports" / name, text)
    return root


def copy_sample(root: Path) -> Path:
    """The repository's sample knowledge base, copied so that its index goes to ``root``."""
    shutil.copytree(REPO / "reports", root / "reports")
    return root


def cli(root: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--root", str(root), *args], catch_exceptions=False)

    return invoke


def kb_command(root: Path, *args: str) -> list[str]:
    """The command line of a real ``kb`` process (for kill and concurrency tests)."""
    return [sys.executable, "-m", "kb.cli", "--root", str(root), *args]


def documents_in(generation: Path) -> list[dict]:
    """Stored fields of every document of an index generation, read with Whoosh itself."""
    from whoosh import index

    with index.open_dir(str(generation)).searcher() as searcher:
        return [dict(fields) for fields in searcher.all_stored_fields()]


def run_query(generation: Path, spec: QuerySpec) -> RawResults:
    """``spec`` run on one generation, opened and closed again."""
    with OpenIndex(generation) as opened:
        return opened.run(spec)
