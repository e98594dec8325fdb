"""One answer everywhere (issue 15, item 2): the same questions asked of ``kb search`` (public
reports only) and of the site's Find reports page in a browser give the same reports.

Words match by kb search's rule on both (kb/site/words.py, site_pages/javascripts/words.js):
a word's Porter stem, or a run of words naming an entity the report tags.

The questions cover a body (with a former name, after a split, after a merger), a sector, a
country, words that name a body, plain words, and combinations; "also include former bodies"
on the Find page is ``--with-predecessors``. The site is the shared sample build
(conftest.sample_site); the CLI searches the same tree.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browserkit import StaticServer, browser  # noqa: F401 - a fixture
from click.testing import CliRunner
from findkit import counts, new_page, open_find, page, titles  # noqa: F401 - a fixture

from kb.cli import main

pytestmark = pytest.mark.browser

#: (words, {filter: [values]}, with former bodies): the Find page's keys are kb search's options.
QUESTIONS = [
    ("", {"ministry": ["msit"]}, False),  # a body renamed from MSIP: both names
    ("", {"organisation": ["dsit"]}, False),  # formed by a split: DSIT alone, not BEIS's reports
    ("", {"organisation": ["dsit"]}, True),  # ... and with the bodies it came from
    ("", {"organisation": ["fcdo"]}, False),  # formed by a merger
    ("", {"sector": ["health-data"]}, False),
    ("", {"country": ["KR"]}, False),
    ("health data", {"country": ["KR"]}, False),  # words and a sector's name: not "healthcare"
    # Words match by kb search's rule (Porter stems), not as word starts (Pagefind's own rule):
    ("health", {}, False),  # not the report that only says "healthcare"
    ("data", {}, False),  # not "datasets" alone (stem "dataset")
    ("partner", {}, False),  # "partners", not "partnership"
    ("hospitals", {}, False),  # a plural: "hospital" too
    ("invest", {}, False),  # "investment" and "investing" (stem "invest"), not "investors"
    ("the", {}, False),  # a stop word alone: nothing, in both
    ("MSIT", {}, False),  # a body's acronym as a word
    ("FCO", {}, False),  # a merged body's acronym: not every FCDO report
    ("open data", {"sector": ["health-data", "open-data"], "country": ["KR", "JP"]}, False),
    ("", {"ministry": ["msip"], "sector": ["health-data"], "type": ["country-update"]}, False),
]
OPTIONS = {
    "sector": "--sector",
    "country": "--country",
    "ministry": "--ministry",
    "organisation": "--organisation",
    "project": "--project",
    "type": "--type",
}


def cli_titles(root: Path, words: str, selected: dict[str, list[str]], former: bool) -> set[str]:
    args = [words] if words else []
    for key, values in selected.items():
        for value in values:
            args += [OPTIONS[key], value]
    if former:
        args.append("--with-predecessors")
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "search", *args, "--limit", "0", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["include_internal"] is False
    return {hit["title"] for hit in data["results"]}


@pytest.fixture(scope="module")
def base(sample_site, browser):
    with StaticServer(sample_site / "site") as server:
        yield server.url


def test_the_former_bodies_choice_is_on_the_find_page(page, base):
    open_find(page, base)
    box = page.get_by_label("Also include former bodies")
    assert box.is_visible() and not box.is_checked()


@pytest.mark.parametrize(
    "words, selected, former",
    QUESTIONS,
    ids=[
        f"{q.values[0] or '-'}|{q.values[1]}" if hasattr(q, "values") else f"{q[0] or '-'}|{q[1]}|{q[2]}"
        for q in QUESTIONS
    ],
)
def test_the_cli_and_the_find_page_give_the_same_reports(sample_site, page, base, words, selected, former):
    expected = cli_titles(sample_site, words, selected, former)
    query = [("words", words)] if words else []
    query += [(key, value) for key, values in selected.items() for value in values]
    if former:
        query.append(("former", "1"))
    open_find(page, base, "?" + urlencode(query))
    assert set(titles(page)) == expected
    assert page.get_by_label("Also include former bodies").is_checked() == former


def test_ticking_former_bodies_widens_a_split_bodys_reports(sample_site, page, base):
    open_find(page, base, "?organisation=dsit")
    alone = set(titles(page))
    page.get_by_label("Also include former bodies").check()
    open_find(page, base, "?organisation=dsit&former=1")
    wider = set(titles(page))
    assert alone < wider
    assert wider == cli_titles(sample_site, "", {"organisation": ["dsit"]}, True)


@pytest.mark.parametrize("words, selected", [("", {}), ("", {"country": ["KR"]}), ("MSIT", {})])
def test_the_cli_and_the_find_page_count_the_same_reports_per_value(sample_site, page, base, words, selected):
    """A renamed ministry's names (MSIP, MSIT) count the reports of the one ministry, in both."""
    args = [words] if words else []
    for key, values in selected.items():
        args += [OPTIONS[key], *values]
    result = CliRunner().invoke(
        main,
        ["--root", str(sample_site), "search", *args, "--limit", "0", "--format", "json"],
        catch_exceptions=False,
    )
    facets = json.loads(result.stdout)["facets"]
    query = [("words", words)] if words else []
    query += [(key, value) for key, values in selected.items() for value in values]
    open_find(page, base, "?" + urlencode(query) if query else "")
    shown = counts(page)
    for cli_name, key in (("ministries", "ministry"), ("sectors", "sector"), ("countries", "country")):
        if key in selected:
            continue  # a ticked filter's own counts are counted without it on the page
        assert shown[key] == {f["value"]: f["count"] for f in facets[cli_name]}, key


def _succession_bodies() -> list[tuple[str, str]]:
    """(Find page key, id) of every body in a rename, split or merger of the sample registry
    (the same list tests/test_lineage.py checks through the CLI)."""
    from test_lineage import BODIES, KINDS, REGISTRY

    return [("ministry" if KINDS[REGISTRY[i]["kind"]] == "ministries" else "organisation", i) for i in BODIES]


def test_every_body_of_a_succession_gives_the_same_reports_on_the_find_page(sample_site, page, base):
    """The issue's done-when: for every rename, split and merger in the sample registry, a body
    filter on the Find page gives the reports kb search gives, with and without former bodies."""
    bodies = _succession_bodies()
    assert len(bodies) >= 10
    for key, entity_id in bodies:
        for former in (False, True):
            expected = cli_titles(sample_site, "", {key: [entity_id]}, former)
            query = [(key, entity_id)] + ([("former", "1")] if former else [])
            open_find(page, base, "?" + urlencode(query))
            assert set(titles(page)) == expected, (entity_id, former)
