"""The sample knowledge base in reports/ is clean and big enough to mean something."""

from collections import Counter

from click.testing import CliRunner
from conftest import REPO

from kb.checks.knowledgebase import load
from kb.cli import main
from kb.project import Project


def test_sample_is_strictly_clean():
    result = CliRunner().invoke(main, ["--root", str(REPO), "check", "--strict"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_sample_covers_what_the_format_promises():
    kb = load(Project.at(REPO))
    reports = kb.reports
    assert len(reports) >= 8
    assert len({c for r in reports for c in r.countries}) >= 4
    assert len({s for r in reports for s in r.tags["sectors"]}) >= 6
    assert len({o.id for r in reports for o in r.opportunities}) >= 6
    assert sum(len(r.targets) for r in reports) >= 6
    assert any(not r.is_public for r in reports)
    # Entities shared across reports, so cross-links mean something.
    usage = Counter(e for r in reports for e in set(r.entity_ids()))
    assert sum(1 for n in usage.values() if n >= 2) >= 10
    # A renamed ministry seen under both names, in reports of different years.
    msip_years = {r.year for r in reports if "msip" in r.tags["ministries"]}
    msit_years = {r.year for r in reports if "msit" in r.tags["ministries"]}
    assert msip_years and msit_years and max(msip_years) < min(msit_years)
    assert kb.registry.lineage("msip") == ["msip", "msit"]


def test_seed_visit_is_covered():
    kb = load(Project.at(REPO))
    report = kb.report("2014-07-03-south-korea-innovation-and-openness")
    assert report is not None
    assert (str(report.visit.start), str(report.visit.end)) == ("2014-06-23", "2014-06-25")
    assert {"mospa", "msip", "nia"} <= set(report.tags["ministries"])
    assert any(t.value == 60 and t.unit == "%" and t.owner == "mospa" for t in report.targets)
