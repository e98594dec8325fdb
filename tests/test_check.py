"""`kb check` end to end: one broken report per check, exact message and exit code."""

from __future__ import annotations

import json

import pytest
from conftest import GOOD_REPORT, write

PATH = "reports/kr/2014-07-03-korea-open-data.md"


def check_with(run, kb_tree, text: str, *args: str):
    write(kb_tree / PATH, text)
    return run("check", *args)


def test_clean_report_passes(run):
    result = run("check", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "no problems in 1 report\n"  # the registry is not counted as a report


CASES = [
    # (replace this, with this, expected line, exit code)
    pytest.param(
        'title: "Korea: open data"\n',
        "",
        f"{PATH}:2:1: error [missing-field] missing required field "
        "'title' in a report (the report's headline, e.g. 'South Korea: innovation and openness')",
        id="missing-field",
    ),
    pytest.param(
        "visibility: public\n",
        "",
        f"{PATH}:2:1: error [missing-field] missing required field "
        "'visibility' in a report ('public' to publish, 'internal' for staff only (publishing fails closed))",
        id="missing-visibility",
    ),
    pytest.param(
        "type: country-update\n",
        "type: country-update\ncolour: red\n",
        f"{PATH}:6:1: error [unknown-field] unknown field 'colour' in a report (did you mean 'countries'?)",
        id="unknown-field",
    ),
    pytest.param(
        "countries: [KR]\n",
        "countries: KR\n",
        f"{PATH}:4:12: error [wrong-type] countries must be a list, not 'KR' (write it like [KR, JP])",
        id="wrong-type",
    ),
    pytest.param(
        "date: 2014-07-03\n",
        "date: 2014-02-30\n",
        f"{PATH}:3:7: error [bad-date] date: '2014-02-30' is not a real date (February 2014 has 28 days) "
        "(use YYYY-MM-DD)",
        id="impossible-date",
    ),
    pytest.param(
        "date: 2014-07-03\n",
        "date: 2014-07-03T10:00:00+09:00\n",
        f"{PATH}:3:7: error [bad-date] date: '2014-07-03T10:00:00+09:00' is a date and time; give the date "
        "only, like 2014-07-03 (use YYYY-MM-DD)",
        id="datetime",
    ),
    pytest.param(
        "type: country-update\n",
        "type: country-update\nvisit: {start: 2014-06-25, end: 2014-06-23}\n",
        f"{PATH}:6:33: error [visit-order] visit ends (2014-06-23) before it starts (2014-06-25) "
        "(swap the dates or fix the year)",
        id="visit-order",
    ),
    pytest.param(
        "countries: [KR]\n",
        "countries: [KR, XX]\n",
        f"{PATH}:4:17: error [unknown-country] unknown country code 'XX' (did you mean AX or CX or MX?)",
        id="unknown-country",
    ),
    pytest.param(
        "sectors: [health-data]\n",
        "sectors: [helth-data]\n",
        f"{PATH}:8:11: error [unknown-entity] unknown sector id: 'helth-data' (did you mean health-data?)",
        id="unknown-entity",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [MSIP, nia]\n",
        f"{PATH}:7:14: error [alias-tag] 'MSIP' is a name of Ministry of Science, ICT and Future Planning "
        "(MSIP), not an id (write its id: msip)",
        id="acronym-tag",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [msit, nia]\n",
        f"{PATH}:7:14: warning [name-not-current] 'msit' (Ministry of Science and ICT) was not the current "
        "name on 2014-07-03 (on 3 July 2014 it was Ministry of Science, ICT and Future Planning (MSIP): tag msip)",
        id="name-not-current",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [msip]\n",
        f"{PATH}:14:1: warning [untagged-mention] the body names 'NIA' (nia) but the report does not tag it "
        "(add nia to ministries)",
        id="untagged-mention",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [msip, nia]\nopportunities:\n  - {id: x, title: y, status: agreed, partners: [zzz]}\n",
        f"{PATH}:9:50: error [unknown-entity] unknown partner in opportunity x: 'zzz' "
        "(not in the registry: add it to reports/registry/entities.yml as '- {id: zzz, "
        "name: <its full English name>, kind: organisation, acronyms: [ZZZ]}', then check again)",
        id="opportunity-entity",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [msip, nia]\ntargets:\n  - {what: data sets, value: 60, owner: mosp}\n",
        f"{PATH}:9:41: error [unknown-entity] unknown owner of target 2014-07-03-korea-open-data-t1: 'mosp' "
        "(not in the registry: add it to reports/registry/entities.yml as '- {id: mosp, "
        "name: <its full English name>, kind: organisation, acronyms: [MOSP]}', then check again)",
        id="target-entity",
    ),
    pytest.param(
        "ministries: [msip, nia]\n",
        "ministries: [msip, nia]\ntargets:\n  - {what: data sets, value: 60%}\n",
        f"{PATH}:9:30: error [wrong-type] targets[0].value must be a plain number, not '60%' "
        "(write it like 60 or 2.5, with the unit in 'unit')",
        id="target-value",
    ),
    pytest.param(
        "date: 2014-07-03\n",
        "date: 2014-07-03\ndate: 2015-01-01\n",
        f"{PATH}:4:1: error [duplicate-key] duplicate key 'date' (first given on line 3) "
        "(only the first is used: merge the two into one)",
        id="duplicate-key",
    ),
    pytest.param(
        "visibility: public\n",
        "visibility: public\nclassification: OFFICIAL-SENSITIVE\n",
        f"{PATH}:7:17: error [sensitive-public] an OFFICIAL-SENSITIVE report cannot be public "
        "(set 'visibility: internal' or lower the classification)",
        id="sensitive-public",
    ),
    pytest.param(
        "disclaimer: standard\n",
        "disclaimer: standrd\n",
        f"{PATH}:9:13: error [unknown-disclaimer] unknown disclaimer 'standrd' (known disclaimers: standard)",
        id="unknown-disclaimer",
    ),
    pytest.param(
        'title: "Korea: open data"\n',
        "title: Korea: open data\n",
        f"{PATH}:2:13: error [yaml-syntax] YAML syntax: mapping values are not allowed here "
        "(quote a value that contains ': ')",
        id="yaml-syntax",
    ),
    pytest.param(
        "Officials",
        "<!-- internal -->\nOfficials",
        f"{PATH}:14:1: error [internal-marker] internal section is never closed "
        "(add <!-- /internal --> after the staff-only text)",
        id="internal-marker",
    ),
]


@pytest.mark.parametrize("old, new, expected", CASES)
def test_each_check_reports_exact_line(run, kb_tree, old, new, expected):
    assert old in GOOD_REPORT
    result = check_with(run, kb_tree, GOOD_REPORT.replace(old, new, 1))
    assert expected in result.stdout.splitlines(), result.stdout  # the whole line: message and hint
    is_warning = " warning [" in expected
    assert result.exit_code == (0 if is_warning else 1)
    if is_warning:
        assert run("check", "--strict").exit_code == 1


def test_every_problem_is_reported_not_only_the_first(run, kb_tree):
    broken = GOOD_REPORT.replace("countries: [KR]", "countries: [KR, XX, kor]").replace(
        "sectors: [health-data]", "sectors: [helth-data]\ncolour: red"
    )
    result = check_with(run, kb_tree, broken)
    codes = [line.split("[")[1].split("]")[0] for line in result.stdout.splitlines()]
    assert codes == ["unknown-country", "unknown-country", "unknown-entity", "unknown-field"]
    assert "4 errors, 0 warnings in 1 report" in result.stderr


def test_duplicate_report_ids(run, kb_tree):
    write(kb_tree / "reports" / "other" / "2014-07-03-korea-open-data.md", GOOD_REPORT)
    result = run("check")
    assert result.exit_code == 1
    assert (
        "error [duplicate-id] report id '2014-07-03-korea-open-data' is also used by "
        "reports/kr/2014-07-03-korea-open-data.md"
    ) in result.stdout


@pytest.mark.parametrize(
    "registry, expected",
    [
        (
            "entities:\n  - {id: a, name: A, kind: ministry}\n  - {id: a, name: B, kind: agency}\n",
            "reports/registry/entities.yml:3:10: error [duplicate-id] entity id 'a' is already used at "
            "reports/registry/entities.yml:2 (give each entity its own id)",
        ),
        (
            "entities:\n  - {id: a, name: A, kind: ministry, superseded_by: zz}\n",
            "reports/registry/entities.yml:2:1: error [unknown-entity] a: superseded_by names unknown entity 'zz' "
            "(add it to the registry)",
        ),
        (
            "entities:\n  - {id: a, name: A, kind: ministry, superseded_by: b}\n"
            "  - {id: b, name: B, kind: ministry, superseded_by: a}\n",
            "reports/registry/entities.yml:3:1: error [rename-cycle] rename cycle: a -> b -> a "
            "(a successor cannot also be a predecessor)",
        ),
        (
            "entities:\n  - {id: A-1, name: A, kind: ministry}\n",
            "reports/registry/entities.yml:2:10: error [bad-id] 'A-1' is not a valid id "
            "(use lower-case letters, digits and single hyphens, e.g. 'ministry-of-x')",
        ),
        (
            "entities:\n  - {id: a, name: A, kind: ministy}\n",
            "reports/registry/entities.yml:2:28: error [bad-value] entities[0].kind 'ministy' is not one of "
            "ministry, agency, department, organisation, programme, project, event, sector, person (did you mean 'ministry'?)",
        ),
    ],
)
def test_registry_errors(run, kb_tree, registry, expected):
    (kb_tree / "reports" / "registry" / "entities.yml").write_text(registry)
    write(
        kb_tree / PATH,
        GOOD_REPORT.replace("ministries: [msip, nia]\nsectors: [health-data]\n", "")
        .replace("disclaimer: standard\n", "")
        .replace("MSIP and NIA", "the ministry"),
    )
    result = run("check")
    assert result.exit_code == 1
    assert expected in result.stdout.splitlines(), result.stdout  # the whole line: message and hint


def test_json_format(run, kb_tree):
    result = check_with(
        run, kb_tree, GOOD_REPORT.replace("countries: [KR]", "countries: [XX]"), "--format", "json"
    )
    data = json.loads(result.stdout)
    assert data["errors"] == 1 and data["checked"] == 1
    assert data["problems"][0] == {
        "path": PATH,
        "line": 4,
        "column": 13,
        "level": "error",
        "code": "unknown-country",
        "message": "unknown country code 'XX'",
        "hint": data["problems"][0]["hint"],
    }


def test_check_given_paths_only(run, kb_tree):
    write(kb_tree / "reports" / "kr" / "2015-01-01-bad.md", "no front matter\n")
    result = run("check", str(kb_tree / PATH))
    assert result.exit_code == 0
    result = run("check")
    assert (
        "reports/kr/2015-01-01-bad.md:1:1: error [bad-file] no front matter at the top of the file"
        in result.stdout
    )


def test_missing_file_argument(run, kb_tree):
    result = run("check", "nope.md")
    assert result.exit_code == 1
    assert result.stderr.strip() == "nope.md: error: no such file or folder"
