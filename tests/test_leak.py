"""Publishing fails closed: no internal report, field or section reaches any public output.

The knowledge base of :mod:`sitekit` carries a unique marker in every internal
field and section. Every file of the public site (pages, entity and listing
pages, search index, feeds, sitemap, JSON, CSV) and of the generated tree is
searched for them; the staff build must show every one, so the test cannot pass
by publishing nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bad_inputs import INEXACT_MARKERS, NEAR_MISSES, marked_body, staff_text
from click.testing import CliRunner
from conftest import write
from sitekit import INTERNAL_ID, MARKER, MARKERS, PUBLIC_IDS, every_file_text, make_tree

from kb.cli import main

#: Public reports whose staff-only text is marked in a way the check refuses: each is an error,
#: so the report is left out of every output. Their staff text carries the leak marker.
MARKED = {name: body for name, (body, *_where) in NEAR_MISSES.items()} | {
    name: body for name, (body, _snippet) in INEXACT_MARKERS.items()
}
NEAR_MISS_HEAD = (
    "---\ntitle: Near miss\ndate: 2019-05-01\ncountries: [KR]\ntype: briefing\nvisibility: public\n---\n\n"
)


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("leak"))
    assert kb(root, "check").exit_code == 0, "every report is valid, so none is left out for errors"
    for name, template in MARKED.items():
        write(
            root / "reports" / "kr" / f"2019-05-01-near-miss-{name}.md",
            NEAR_MISS_HEAD + marked_body(template, name),
        )
    for args in (
        ("build",),
        ("build", "--internal"),
        ("export", "--out", str(root / "public-data")),
        ("export", "--include-internal", "--out", str(root / "staff-data")),
    ):
        result = kb(root, *args)
        assert result.exit_code == 0, result.output
    return root


#: The Find page's index words (kb/site/words.py): a stem or a name, in hexadecimal UTF-8.
INDEX_WORD = re.compile(r"\b[kg]((?:[0-9a-f]{2})+)z\b")


def index_words(text: str) -> str:
    """The stems and names hidden in ``text`` as index words, decoded."""
    return " ".join(bytes.fromhex(m.group(1)).decode("utf-8", "replace") for m in INDEX_WORD.finditer(text))


def leaks(files: dict[str, str]) -> list[str]:
    found = []
    for path, text in files.items():
        if MARKER in path.lower() or MARKER in text.lower() or MARKER in index_words(text):
            found.append(path)
    return found


def test_public_site_has_no_internal_content_in_any_file(tree):
    files = every_file_text(tree / "site")
    kinds = {Path(p).suffix for p in files}
    assert {".html", ".json", ".csv", ".xml", ".gz"} <= kinds, (
        "pages, data, feeds and sitemap were all searched"
    )
    assert "sitemap.xml.gz" in files and "kb/spelling/6b.json" in files, "the words for did-you-mean too"
    assert any(p.startswith("pagefind/fragment/") for p in files), "the Find page's index was searched"
    assert "kb/opportunities/kr-health/index.html" in files, "the opportunities' pages were searched"
    assert "kb/targets/kr-health-pilots/index.html" in files, "the targets' pages were searched"
    assert "kb/feeds/opportunity-kr-health.xml" in files, "the opportunities' feeds were searched"
    assert not any("zqxleak-internal-opp" in p for p in files)
    assert leaks(files) == []


def test_find_page_index_has_only_public_reports_and_staff_index_has_all(tree):
    """Pagefind's files are gzip-compressed; decompressed, each starts with its signature."""
    public = every_file_text(tree / "site" / "pagefind")
    compressed = [p for p in public if p.endswith((".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment"))]
    assert compressed and all(public[p].startswith("pagefind_dcd") for p in compressed), "decompressed"
    fragments = [
        json.loads(t.removeprefix("pagefind_dcd")) for p, t in public.items() if p.startswith("fragment/")
    ]
    assert sorted(f["url"] for f in fragments) == sorted(f"/kb/reports/{i}/" for i in PUBLIC_IDS)
    assert leaks(public) == []
    staff = every_file_text(tree / "site-internal" / "pagefind")
    staff_fragments = [
        json.loads(t.removeprefix("pagefind_dcd")) for p, t in staff.items() if p.startswith("fragment/")
    ]
    assert f"/kb/reports/{INTERNAL_ID}/" in [f["url"] for f in staff_fragments]
    text = "\n".join(staff.values()).lower()
    assert "zqxleak-internal-body" in text and "zqxleak-internal-section" in text
    assert MARKER in index_words(text), "the staff index words hold internal words: the decoding works"
    assert "data" in index_words("\n".join(public.values())), "the public index words were decoded"


def test_generated_public_tree_has_no_internal_content(tree):
    files = every_file_text(tree / "site_pages")
    assert any(p.startswith("kb/reports/") for p in files)
    assert leaks(files) == []


def test_public_export_has_no_internal_content(tree):
    files = every_file_text(tree / "public-data")
    assert len(files) == 11  # JSON and CSV of five tables, and the marker saying kb export made the folder
    assert "opportunity_events.csv" in files and "opportunity_events.json" in files
    assert files[".kb-output"] == "kb export\n"
    assert leaks(files) == []
    rows = json.loads(files["reports.json"])
    assert "internal_notes" not in rows[0] and "visibility" not in rows[0]


def test_staff_outputs_show_every_marker(tree):
    """The markers are real: the staff site and staff export contain every one of them."""
    site = "\n".join(every_file_text(tree / "site-internal").values()).lower()
    missing = [m for m in MARKERS if m not in site]
    assert missing == []
    data = "\n".join(every_file_text(tree / "staff-data").values()).lower()
    assert INTERNAL_ID in data and "zqxleak-internal-notes" in data


def test_a_country_only_internal_reports_name_has_no_public_page(tree):
    assert not (tree / "site" / "kb" / "countries" / "fr").exists()
    assert (tree / "site-internal" / "kb" / "countries" / "fr").exists()


def test_public_counts_and_statuses_ignore_internal_reports(tree):
    entities = {e["id"]: e for e in json.loads((tree / "site" / "kb" / "api" / "entities.json").read_text())}
    assert entities["energy"]["reports"] == 2  # the internal report also tags it
    opportunities = json.loads((tree / "site" / "kb" / "api" / "opportunities.json").read_text())
    assert [(o["id"], o["status"]) for o in opportunities] == [("kr-health", "agreed")]  # internally "closed"
    staff = json.loads((tree / "site-internal" / "kb" / "api" / "opportunities.json").read_text())
    assert ("kr-health", "closed") in [(o["id"], o["status"]) for o in staff]
    page = (tree / "site" / "kb" / "opportunities" / "kr-health" / "index.html").read_text()
    assert "agreed" in page and "closed" not in page
    assert not (tree / "site" / "kb" / "opportunities" / "zqxleak-internal-opp").exists()
    staff_page = (tree / "site-internal" / "kb" / "opportunities" / "kr-health" / "index.html").read_text()
    assert "closed" in staff_page and "zqxleak-update-next" in staff_page
    assert (tree / "site-internal" / "kb" / "opportunities" / "zqxleak-internal-opp" / "index.html").is_file()
    target = (tree / "site" / "kb" / "targets" / "kr-health-pilots" / "index.html").read_text()
    assert "On track" in target and "Missed" not in target
    staff_target = (tree / "site-internal" / "kb" / "targets" / "kr-health-pilots" / "index.html").read_text()
    assert "Missed or dropped" in staff_target
    energy = (tree / "site" / "kb" / "entities" / "sector" / "energy" / "index.html").read_text()
    assert "Reports (2)" in energy


@pytest.mark.parametrize("where", ["site/kb/api", "public-data"])
def test_public_opportunity_events_come_from_public_reports_only(tree, where):
    """The history table: the internal report's "closed" and its next step are staff-only."""
    events = json.loads((tree / where / "opportunity_events.json").read_text())
    health = [(e["report"], e["status"], e["next_step"]) for e in events if e["opportunity"] == "kr-health"]
    assert [status for _report, status, _next in health] == ["identified", "agreed"]
    assert INTERNAL_ID not in {e["report"] for e in events}
    assert "zqxleak" not in (tree / where / "opportunity_events.csv").read_text().lower()
    staff = "site-internal/kb/api" if where.startswith("site") else "staff-data"
    staff_events = json.loads((tree / staff / "opportunity_events.json").read_text())
    assert (INTERNAL_ID, "closed", "zqxleak-update-next") in [
        (e["report"], e["status"], e["next_step"]) for e in staff_events if e["opportunity"] == "kr-health"
    ]


def test_site_refuses_unredacted_reports_for_a_public_build(tree):
    """Fail closed inside the library too: the page generator rejects unredacted input."""
    from datetime import date

    from kb.checks.knowledgebase import load
    from kb.errors import BuildError
    from kb.project import Project
    from kb.site.context import Site

    knowledge = load(Project.at(tree))
    with pytest.raises(BuildError, match="internal content"):
        Site(knowledge.registry, knowledge.reports, False, date(2024, 1, 1), "http://x/")
    public_but_unredacted = [r for r in knowledge.reports if r.is_public]
    with pytest.raises(BuildError, match="internal content"):
        Site(knowledge.registry, public_but_unredacted, False, date(2024, 1, 1), "http://x/")


def test_near_miss_markers_are_errors_and_their_text_reaches_no_output(tree):
    """Every way of marking text internal but the exact one is an error that names the file,
    and the report is left out: its staff text is in no public output (nor in the staff ones,
    which leave out reports with errors too); the tests above search every public file for it."""
    check = kb(tree, "check")
    assert check.exit_code == 1
    flagged = {line.split(":")[0] for line in check.output.splitlines() if "[near-miss-marker]" in line}
    assert flagged == {f"reports/kr/2019-05-01-near-miss-{name}.md" for name in MARKED}
    outputs = {
        **every_file_text(tree / "site"),
        **every_file_text(tree / "site_pages"),
        **every_file_text(tree / "public-data"),
        **every_file_text(tree / "site-internal"),
        **every_file_text(tree / "staff-data"),
    }
    text = "\n".join(outputs.values())
    assert [name for name in MARKED if staff_text(name) in text] == []
    assert "Near-miss public part." not in text, "the whole report is left out, not only its marked part"
    search = kb(tree, "search", "zqxleak-near-miss", "--include-internal", "--format", "json")
    assert search.exit_code == 0 and json.loads(search.stdout)["total"] == 0, search.output


def test_public_view_drops_a_supersedes_naming_a_report_it_does_not_show(tmp_path):
    """kb check refuses a public report superseding an internal one; loaded without the checks,
    the public view still does not carry the internal report's id."""
    from bad_inputs import CROSS_REPORT_CASES

    from kb.checks.knowledgebase import load
    from kb.project import Project

    files, _expected, _left_out = CROSS_REPORT_CASES["public-supersedes-internal"]
    root = make_tree(tmp_path)
    for relative, text in files.items():
        write(root / "reports" / relative, text)
    knowledge = load(Project.at(root), checks=False)
    assert knowledge.report("2014-07-03-public").supersedes == "2014-01-01-zqxleak-internal-title"
    public = {r.id: r for r in knowledge.visible(False)}
    assert public["2014-07-03-public"].supersedes is None
    assert public["2018-05-01-korea-health-data"].supersedes == "2014-07-03-korea-open-data"
