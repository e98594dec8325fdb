"""Property-based tests: parsing never crashes, and front matter round-trips losslessly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.checks.rules import Checker
from kb.errors import KbError
from kb.registry.model import Registry
from kb.report import yamlstrict
from kb.report.parse import parse_report

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_ish = st.text(
    alphabet=st.sampled_from(list("---\n :[]{}&*!|>'\"#,-?%@`\t\\abcNOYES0123.") + ["\u0456", "\ufeff"]),
    max_size=200,
)


@SETTINGS
@given(st.one_of(st.text(max_size=400), yaml_ish.map(lambda t: "---\n" + t + "\n---\nbody\n")))
def test_any_text_gives_problems_or_a_report_never_a_crash(text):
    try:
        parsed = parse_report(Path("reports/x/2014-01-01-a.md"), text=text)
    except KbError:
        return
    for problem in parsed.problems:
        assert problem.line >= 1 and problem.level in ("error", "warning")
    if parsed.report is not None:
        Checker(Registry()).check_report(parsed.report)


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_give_a_clean_error_or_a_report(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "2014-01-01-a.md"
    path.write_bytes(data)
    parsed = parse_report(path)
    assert parsed.report is not None or parsed.problems


# Cn (unassigned) holds the noncharacters (U+FDD0...), which a report rightly refuses.
safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s.strip()
)
ids = st.from_regex(r"\A[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}\Z").filter(
    lambda s: s not in {"con", "prn", "aux", "nul", "index", "api", "assets", "search"}
)
codes = st.sampled_from(["KR", "JP", "IN", "VN", "NO", "GB", "MX", "ON"]).filter(lambda c: c != "ON")
numbers = st.one_of(
    st.integers(-(10**9), 10**9),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(
        float
    ),
)


@st.composite
def report_data(draw):
    day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
    data = {
        "title": draw(safe_text),
        "date": day.isoformat(),
        "countries": draw(st.lists(codes, min_size=1, max_size=3, unique=True)),
        "type": draw(st.sampled_from(["country-update", "visit-report", "joint-statement"])),
        "visibility": draw(st.sampled_from(["public", "internal"])),
        "summary": draw(safe_text),
        "ministries": draw(st.lists(ids, max_size=4, unique=True)),
        "opportunities": [
            {
                "id": i,
                "title": draw(safe_text),
                "status": "agreed",
                "partners": draw(st.lists(ids, max_size=2, unique=True)),
            }
            for i in draw(st.lists(ids, max_size=3, unique=True))
        ],
        "targets": [
            {
                "what": draw(safe_text),
                "value": draw(numbers),
                "unit": draw(safe_text),
                "deadline": str(draw(st.integers(1990, 2040))),
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
    }
    return data


@SETTINGS
@given(
    report_data(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.just("\n"), max_size=200),
)
def test_front_matter_round_trips(tmp_path_factory, data, body):
    path = tmp_path_factory.mktemp("r") / "2014-01-01-round-trip.md"
    body = body.replace("\r", "")
    path.write_text("---\n" + yamlstrict.dump(data) + "---\n" + body, encoding="utf-8")
    parsed = parse_report(path)
    errors = [
        p
        for p in parsed.problems
        if p.level == "error" and p.code not in ("internal-marker", "near-miss-marker")
    ]
    assert not errors, errors
    report = parsed.report
    if report is None:  # an unbalanced or inexact <!-- internal --> marker in random body text
        return
    assert report.title == data["title"]
    assert report.date.isoformat() == data["date"]
    assert list(report.countries) == data["countries"]
    assert report.summary == data["summary"]
    assert list(report.tags["ministries"]) == data["ministries"]
    assert [(o.id, o.title, list(o.partners)) for o in report.opportunities] == [
        (o["id"], o["title"], o["partners"]) for o in data["opportunities"]
    ]
    assert [(t.what, t.value, t.unit, t.deadline.text) for t in report.targets] == [
        (t["what"], t["value"], t["unit"], t["deadline"]) for t in data["targets"]
    ]
