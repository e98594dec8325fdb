"""``kb search``: exact result sets for filters and queries, facets, errors and output formats.

Expected sets are computed here from the parsed reports, not from the index.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import write
from searchkit import ALL_IDS, PUBLIC_IDS, REPORTS, cli, make_tree

from kb.checks.knowledgebase import load
from kb.project import Project
from kb.util.formats import to_csv


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def reports(tree):
    """Public reports as parsed from the files: the independent source of expected answers."""
    return [r for r in load(Project.at(tree)).reports if r.is_public]


def search(root: Path, *args: str) -> dict:
    result = cli(root)("search", *args, "--format", "json", "--limit", "0")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def found(root: Path, *args: str) -> set[str]:
    return {hit["id"] for hit in search(root, *args)["results"]}


def tagged(reports, list_name: str, *ids: str) -> set[str]:
    return {r.id for r in reports if set(ids) & set(r.tags.get(list_name, ()))}


# -- filters: OR within one, AND across -------------------------------------------------------
def test_one_sector(tree, reports):
    assert (
        found(tree, "--sector", "health-data")
        == tagged(reports, "sectors", "health-data")
        == {"2014-07-03-korea-open-data", "2019-06-18-korea-ai-and-health"}
    )


def test_two_sectors_are_or(tree, reports):
    expected = tagged(reports, "sectors", "health-data") | tagged(reports, "sectors", "energy")
    assert found(tree, "--sector", "health-data", "--sector", "energy") == expected
    assert len(expected) == 5


def test_sector_and_country_are_and(tree, reports):
    expected = {r.id for r in reports if "energy" in r.tags["sectors"] and "JP" in r.countries}
    assert (
        found(tree, "--sector", "energy", "--country", "JP")
        == expected
        == {"2016-02-10-japan-solar", "2020-03-02-korea-energy-and-data"}
    )
    assert found(tree, "--sector", "energy", "--country", "jp") == expected


def test_date_range(tree, reports):
    from datetime import date

    expected = {r.id for r in reports if date(2015, 1, 1) <= r.date <= date(2016, 12, 31)}
    assert (
        found(tree, "--since", "2015", "--until", "2016")
        == expected
        == {"2015-05-01-korea-smart-grid", "2016-02-10-japan-solar"}
    )
    assert found(tree, "--since", "2019-06-18") == {r.id for r in reports if r.date >= date(2019, 6, 18)}
    assert found(tree, "--until", "2014-07-02") == set()


def test_type_and_project_filters(tree, reports):
    assert found(tree, "--type", "visit-report") == {r.id for r in reports if r.type == "visit-report"}
    assert found(tree, "--project", "newton-fund") == tagged(reports, "projects", "newton-fund")
    assert found(tree, "--organisation", "ODI") == tagged(reports, "organisations", "open-data-institute")


def test_ministry_filter_follows_renames_and_takes_any_name(tree, reports):
    expected = tagged(reports, "ministries", "msip", "msit")
    assert len(expected) == 4
    for value in ("msit", "msip", "MSIT", "Ministry of Science and ICT"):
        assert found(tree, "--ministry", value) == expected
    assert search(tree, "--ministry", "MSIP")["filters"]["ministries"] == ["msip"]


# -- entity-aware free text ---------------------------------------------------------------------
def test_new_name_finds_reports_under_the_old_name_and_back(tree):
    assert "2014-07-03-korea-open-data" in found(tree, "MSIT")  # tagged msip, text says MSIP
    assert "2019-06-18-korea-ai-and-health" in found(tree, "MSIP")  # tagged msit, text never says MSIP
    assert "2014-07-03-korea-open-data" in found(tree, '"Ministry of Science and ICT"')
    assert found(tree, "METI") == {"2016-02-10-japan-solar", "2020-03-02-korea-energy-and-data"}
    assert found(tree, '"Ministry of Economy Trade and Industry"') == found(tree, "METI")


def test_aliases_are_searchable(tree, reports):
    assert found(tree, '"artificial intelligence"') == tagged(reports, "sectors", "big-data")


# -- query syntax -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query,expected",
    [
        ('"smart grid"', {"2015-05-01-korea-smart-grid"}),
        ("hydrogen OR Jeju", {"2016-02-10-japan-solar", "2015-05-01-korea-smart-grid"}),
        ("hospitals NOT energy", {"2014-07-03-korea-open-data", "2019-06-18-korea-ai-and-health"}),
        ("sector:energy country:KR", {"2015-05-01-korea-smart-grid", "2020-03-02-korea-energy-and-data"}),
        ("title:solar", {"2016-02-10-japan-solar"}),
        ("hydro*", {"2016-02-10-japan-solar"}),
        ("year:2019", {"2019-06-18-korea-ai-and-health"}),
        ("date:2014", {"2014-07-03-korea-open-data"}),
        ("date:[2015 TO 2016]", {"2015-05-01-korea-smart-grid", "2016-02-10-japan-solar"}),
        ("Sector:energy type:joint-statement", {"2020-03-02-korea-energy-and-data"}),
        ("opportunity:kr-health-records", {"2014-07-03-korea-open-data", "2019-06-18-korea-ai-and-health"}),
    ],
)
def test_query_syntax(tree, query, expected):
    assert found(tree, query) == expected


def test_empty_query_browses_newest_first(tree, reports):
    data = search(tree)
    assert data["sort"] == "date"
    assert [h["id"] for h in data["results"]] == [
        r.id for r in sorted(reports, key=lambda r: r.date, reverse=True)
    ]


def test_title_matches_rank_first(tree):
    hits = search(tree, "data")["results"]
    assert {h["id"] for h in hits} == PUBLIC_IDS - {"2016-02-10-japan-solar"}
    assert hits[-1]["id"] == "2015-05-01-korea-smart-grid"  # the only one without 'data' in its title


def test_limit_shows_fewer_but_counts_all(tree):
    result = cli(tree)("search", "--limit", "2", "--format", "json")
    data = json.loads(result.stdout)
    assert data["total"] == len(PUBLIC_IDS) and data["shown"] == 2 and len(data["results"]) == 2


# -- internal content -------------------------------------------------------------------------
def test_internal_reports_only_with_include_internal(tree):
    assert found(tree) == PUBLIC_IDS
    assert found(tree, "--include-internal") == ALL_IDS
    assert found(tree, "zqxwombat") == set()
    assert found(tree, "zqxwombat", "--include-internal") == {"2020-01-15-japan-health-internal"}


def test_internal_sections_and_notes_of_public_reports_stay_out(tree):
    for word in ("zqxhidden", "zqxnotes", "zqxsecret", "zqxtarget"):
        data = search(tree, word)
        assert data["total"] == 0 and data["did_you_mean"] is None, word
        staff = search(tree, word, "--include-internal")
        assert [h["id"] for h in staff["results"]] == ["2019-06-18-korea-ai-and-health"], word
    public = search(tree, "hospital")
    assert all("zqx" not in json.dumps(h).lower() for h in public["results"])
    staff = search(tree, "zqxhidden", "--include-internal")["results"][0]
    assert "**zqxhidden**" in staff["snippet"]


def test_facets_leave_out_internal_reports(tree):
    facets = search(tree)["facets"]
    assert {f["value"]: f["count"] for f in facets["countries"]} == {"KR": 4, "JP": 2}
    staff = search(tree, "--include-internal")["facets"]
    assert {f["value"]: f["count"] for f in staff["countries"]} == {"KR": 4, "JP": 3}


# -- facets ------------------------------------------------------------------------------------
def expected_facets(chosen, root: Path) -> dict[str, dict[str, int]]:
    """A ministry (or sector) counts each report tagging it under any of its names over time
    (renames): MSIP and MSIT both count the reports of the one ministry (issue 15)."""
    registry = load(Project.at(root)).registry

    def bodies(ids) -> set[str]:
        return {name for i in ids for name in registry.lineage(i) or [i]}

    return {
        "sectors": dict(Counter(s for r in chosen for s in bodies(r.tags["sectors"]))),
        "countries": dict(Counter(c for r in chosen for c in r.countries)),
        "ministries": dict(Counter(m for r in chosen for m in bodies(r.tags["ministries"]))),
        "years": dict(Counter(str(r.date.year) for r in chosen)),
    }


def facet_counts(data: dict) -> dict[str, dict[str, int]]:
    return {name: {f["value"]: f["count"] for f in values} for name, values in data["facets"].items()}


@pytest.mark.parametrize(
    "args,keep",
    [
        ((), lambda r: True),
        (("--sector", "energy"), lambda r: "energy" in r.tags["sectors"]),
        (("hospitals",), lambda r: "hospital" in r.body.lower()),
    ],
)
def test_facet_counts_equal_counts_from_the_reports(tree, reports, args, keep):
    assert facet_counts(search(tree, *args)) == expected_facets([r for r in reports if keep(r)], tree)


def test_facets_are_labelled_and_ordered(tree):
    data = search(tree)
    sectors = data["facets"]["sectors"]
    assert sectors[0] == {"value": "energy", "label": "Energy", "count": 3}
    assert [f["count"] for f in sectors] == sorted((f["count"] for f in sectors), reverse=True)
    assert data["facets"]["countries"][0]["label"] == "South Korea"
    assert [f["value"] for f in data["facets"]["years"]] == ["2020", "2019", "2016", "2015", "2014"]


def test_table_shows_results_snippets_and_facets(tree):
    result = cli(tree)("search", "hospitals")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DATE", "TITLE", "COUNTRIES", "PATH"]
    # The snippet under each row is plain text (tests/test_cli_output.py): no ** around matches.
    assert any(line.startswith("    ") and "hospitals" in line for line in lines)
    assert "**" not in result.stdout
    assert "reports/kr/2014-07-03-korea-open-data.md" in result.stdout
    assert "3 reports (by relevance)" in result.stdout
    assert "sectors: " in result.stdout and "years: " in result.stdout


# -- did you mean -------------------------------------------------------------------------------
def test_did_you_mean_for_misspelt_words(tree):
    data = search(tree, "hospitls")
    assert data["total"] == 0 and data["did_you_mean"] == "hospitals"
    assert search(tree, '"smrt grid"')["did_you_mean"] == '"smart grid"'
    assert search(tree, "hospitals")["did_you_mean"] is None
    assert "did you mean: hospitals" in cli(tree)("search", "hospitls").stdout


def test_did_you_mean_never_suggests_internal_words_publicly(tree):
    assert search(tree, "zqxwombet")["did_you_mean"] is None
    assert search(tree, "zqxwombet", "--include-internal")["did_you_mean"] == "zqxwombat"


# -- errors: one line, a hint, exit 2 -----------------------------------------------------------
@pytest.mark.parametrize(
    "args,message,hint",
    [
        (('"smart grid',), "unbalanced quotes in the query", "close the phrase"),
        (("(energy OR",), "unbalanced brackets in the query", "each ( needs a )"),
        (("secter:energy",), "unknown field 'secter:' in the query", "did you mean 'sector'"),
        (("date:2014-13",), "bad date in 'date:2014-13'", "date:2014"),
        (("date:[2014 TO banana]",), "bad date in 'date:[2014 TO banana]'", "date:2014"),
        (
            ("--since", "2014-02-30"),
            "--since: '2014-02-30' is not a real date (February 2014 has 28 days)",
            "YYYY-MM-DD",
        ),
        (("--since", "2016", "--until", "2015"), "--since 2016 is after --until 2015", "swap"),
        (("--since", "0000"), "--since: '0000' is not a real date (there is no year 0)", "YYYY"),
        (("--until", "0000-01"), "--until: '0000-01' is not a real date (there is no year 0)", "YYYY"),
        (
            ("date:[0000 TO 2016]",),
            "bad date in 'date:[0000 TO 2016]': '0000' is not a real date (there is no year 0)",
            "date:2014",
        ),
        (
            ("(" * 1000 + "energy" + ")" * 1000,),
            "brackets nested 1000 deep in the query; at most 20 are allowed",
            "remove the brackets that group nothing",
        ),
        (("NOT " * 3000 + "energy",), "two NOTs in a row in the query ('NOT NOT')", "NOT NOT x means x"),
        (("energy ANDNOT NOT grid",), "two NOTs in a row in the query ('ANDNOT NOT')", "NOT NOT x means x"),
        (("--sector", "helth-data"), "unknown sector 'helth-data' in --sector", "did you mean health-data"),
        (("--sector", "msit"), "--sector 'msit' is a ministry", "use --ministry msit"),
        (("--ministry", "minstry-of-nothing"), "unknown ministry or agency 'minstry-of-nothing'", ""),
        (("--country", "XX"), "unknown country 'XX' in --country", ""),
        (("--country", "Korea"), "unknown country 'Korea' in --country", "did you mean KR"),
        (
            ("--type", "visit-reprot"),
            "unknown report type 'visit-reprot' in --type",
            "did you mean 'visit-report'",
        ),
        (("--format", "xml"), "--format 'xml' is not one of table, json, csv", ""),
        (("--sort", "newest"), "--sort 'newest' is not one of relevance, date", ""),
    ],
)
def test_bad_input_is_one_line_with_a_hint_and_exit_2(tree, args, message, hint):
    result = cli(tree)("search", *args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {message}")
    assert hint in result.stderr and result.stderr.rstrip().endswith(")")


def test_whoosh_failures_show_no_internal_text(tree, monkeypatch):
    """Whoosh raises bare errors (IndexError, RecursionError) on odd queries: the user sees one line."""
    from whoosh import qparser

    def broken(_self, _text, *args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(qparser.QueryParser, "process", broken)
    result = cli(tree)("search", "energy")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot read the query (check quotes, brackets and field:value pairs; see kb search --help)\n"
    )


def test_twenty_nested_brackets_and_separate_nots_still_work(tree):
    assert found(tree, "(" * 20 + "hospitals" + ")" * 20) == found(tree, "hospitals") != set()
    assert found(tree, "hospitals NOT (NOT hospitals)") == found(tree, "hospitals")


def test_a_real_country_without_reports_is_no_error(tree):
    assert found(tree, "--country", "FR") == set()


# -- formats -------------------------------------------------------------------------------------
def test_json_shape(tree):
    data = search(tree, "hospitals", "--sector", "health-data")
    assert set(data) == {
        "query",
        "filters",
        "include_internal",
        "sort",
        "total",
        "shown",
        "results",
        "facets",
        "did_you_mean",
        "notes",
    }
    assert data["filters"] == {
        "sectors": ["health-data"],
        "ministries": [],
        "organisations": [],
        "projects": [],
        "countries": [],
        "types": [],
        "since": None,
        "until": None,
        "with_predecessors": False,
    }
    hit = data["results"][0]
    assert set(hit) == {
        "id",
        "title",
        "date",
        "countries",
        "type",
        "visibility",
        "path",
        "score",
        "snippet",
        "sectors",
        "ministries",
        "organisations",
        "projects",
    }
    assert isinstance(hit["score"], float) and hit["countries"] == ["KR"]
    assert set(data["facets"]) == {"sectors", "countries", "ministries", "years"}


def test_csv_opens_in_a_spreadsheet(tree):
    result = cli(tree)("search", "--format", "csv", "--limit", "0")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert {r["id"] for r in rows} == PUBLIC_IDS
    first = next(r for r in rows if r["id"] == "2020-03-02-korea-energy-and-data")
    assert first["countries"] == "KR; JP" and first["date"] == "2020-03-02"
    assert first["path"] == "reports/kr/2020-03-02-korea-energy-and-data.md"


def test_csv_cells_never_run_as_formulas():
    data = to_csv(
        [{"title": '=HYPERLINK("http://x")', "n": -3, "names": ["@a", "b"]}], ["title", "n", "names"]
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-3", "'@a; b"]


# -- a larger knowledge base made here ----------------------------------------------------------
def many_reports() -> dict[str, str]:
    """Twenty-four public reports, 2012 to 2023: three sectors and two countries in turn, a
    second sector on every third; Korean reports tag the science ministry by the name it had that
    day (MSIP until its 2017 rename, MSIT after), Japanese ones METI."""
    sectors = ("health-data", "energy", "big-data")
    files = {}
    for i in range(24):
        year, month = 2012 + i // 2, 3 if i % 2 == 0 else 9
        country = ("KR", "JP")[i % 2 if i < 12 else (i // 2) % 2]
        ministry = "meti" if country == "JP" else ("msip" if (year, month) < (2017, 7) else "msit")
        tagged = [sectors[i % 3], *([sectors[(i + 1) % 3]] if i % 3 == 0 else [])]
        report_id = f"{year}-{month:02d}-0{1 + i % 9}-update-{i}"
        files[f"{country.lower()}/{report_id}.md"] = (
            f"---\ntitle: Update {i}\ndate: {report_id[:10]}\ncountries: [{country}]\n"
            f"type: country-update\nvisibility: public\nministries: [{ministry}]\n"
            f"sectors: [{', '.join(tagged)}]\n---\n\nNews of {', '.join(tagged)} from {country}.\n"
        )
    return files


@pytest.fixture(scope="module")
def larger(tmp_path_factory):
    """Made here, so that no test here depends on what the repository's sample holds."""
    root = tmp_path_factory.mktemp("many")
    make_tree(root)
    for name in REPORTS:
        (root / "reports" / name).unlink()
    for name, text in many_reports().items():
        write(root / "reports" / name, text)
    reports = [r for r in load(Project.at(root)).reports if r.is_public]
    assert len(reports) == 24, "every report made here is valid"
    return root, reports


def test_filters_match_the_reports_of_a_larger_base(larger):
    root, reports = larger
    sectors = Counter(s for r in reports for s in r.tags["sectors"]).most_common(2)
    first, second = sectors[0][0], sectors[1][0]
    assert found(root, "--sector", first) == tagged(reports, "sectors", first)
    assert found(root, "--sector", first, "--sector", second) == tagged(reports, "sectors", first, second)
    country = Counter(c for r in reports for c in r.countries).most_common(1)[0][0]
    assert found(root, "--sector", first, "--country", country) == {
        r.id for r in tagged_reports(reports, first) if country in r.countries
    }
    years = sorted({r.date.year for r in reports})
    middle = years[len(years) // 2]
    assert found(root, "--since", str(middle), "--until", str(middle + 2)) == {
        r.id for r in reports if middle <= r.date.year <= middle + 2
    }
    assert facet_counts(search(root)) == expected_facets(reports, root)
    assert facet_counts(search(root, "--sector", first)) == expected_facets(
        tagged_reports(reports, first), root
    )


def tagged_reports(reports, sector):
    return [r for r in reports if sector in r.tags["sectors"]]


def test_renamed_ministry_found_by_either_name_in_a_larger_base(larger):
    root, reports = larger
    old = {r.id for r in reports if "msip" in r.tags["ministries"]}
    new = {r.id for r in reports if "msit" in r.tags["ministries"]}
    assert (len(old), len(new)) == (6, 6)
    assert old <= found(root, "MSIT") and new <= found(root, "MSIP")
    assert found(root, "--ministry", "msit") == found(root, "--ministry", "MSIP") == old | new


# -- entity names in the query ---------------------------------------------------------------
def test_entity_names_in_a_query_become_entity_terms():
    from kb.registry.filters import EntityTable
    from kb.search.rewrite import expand_entities

    table = EntityTable(
        {
            "msit": {
                "name": "Ministry of Science and ICT",
                "kind": "ministry",
                "list": "ministries",
                "label": "MSIT",
                "names": ["Ministry of Science and ICT", "MSIT"],
                "lineage": ["msip", "msit"],
            },
            "energy": {
                "name": "Energy",
                "kind": "sector",
                "list": "sectors",
                "label": "Energy",
                "names": ["Energy"],
                "lineage": ["energy"],
            },
        }
    )
    assert expand_entities("MSIT", table) == ("(MSIT OR entities:msit)", {"msit"})
    assert (
        expand_entities("the Ministry of Science and ICT plans", table)[0]
        == "the ((Ministry of Science and ICT) OR entities:msit) plans"
    )
    assert (
        expand_entities('"ministry of science and ict" NOT energy', table)[0]
        == '("ministry of science and ict" OR entities:msit) NOT (energy OR entities:energy)'
    )
    # Field clauses, wildcards and operators are left alone.
    for text in ("title:MSIT", "sector:energy", "energ*", "AND", "MSIT^2"):
        assert expand_entities(text, table)[0] == text


@pytest.mark.parametrize(
    "args,keep",
    [
        ((), lambda r: True),
        (("--sector", "energy"), lambda r: "energy" in r.tags["sectors"]),
    ],
)
def test_facets_counted_from_postings_equal_the_reports(tree, reports, args, keep, monkeypatch):
    """Large result sets count facets from the postings instead of the stored fields."""
    import kb.search.matching

    monkeypatch.setattr(kb.search.matching, "FEW_MATCHES", 0)
    assert facet_counts(search(tree, *args)) == expected_facets([r for r in reports if keep(r)], tree)
