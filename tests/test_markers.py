"""Internal markers: the exact form hides text, variants still hide it but are refused, near misses
are refused, and a code sample showing a near miss is published as code."""

from __future__ import annotations

import pytest
from bad_inputs import INEXACT_MARKERS, NEAR_MISSES, marked_body, staff_text

from kb.report.markers import marker_problems, split_body
from kb.site.html import BodyRenderer


@pytest.mark.parametrize("name", sorted(INEXACT_MARKERS))
def test_inexact_markers_still_hide_their_text(name):
    """Refused by the check, yet a public view made anyway would still leave the text out."""
    public, internal = split_body(marked_body(INEXACT_MARKERS[name][0], name))
    assert staff_text(name) not in public and staff_text(name) in internal


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_each_near_miss_is_an_error_once_per_line(name):
    body = marked_body(NEAR_MISSES[name][0], name)
    problems = marker_problems(body, 9, "r.md")
    assert problems and min(problems, key=lambda p: p.line).code == "near-miss-marker"
    assert {p.level for p in problems} == {"error"}
    assert len({p.line for p in problems}) == len(problems)  # one problem per line, not a cascade


def test_a_near_miss_in_a_code_sample_is_shown_as_code():
    body = "Do not write:\n\n```\n<!-- internal start -->\n```\n"
    assert marker_problems(body, 9, "r.md") == []
    html = BodyRenderer(None).render(split_body(body)[0])
    assert "<code>&lt;!-- internal start --&gt;" in html


def test_exact_markers_in_a_code_block_still_hide_what_they_enclose():
    """The code-block exception is for near misses only: the exact markers hide text anywhere."""
    body = "```\n<!-- internal -->\nzqx-staff\n<!-- /internal -->\n```\n"
    assert marker_problems(body, 9, "r.md") == []
    assert "zqx-staff" not in split_body(body)[0]


def test_a_section_opened_by_a_near_miss_is_checked_as_text_not_code():
    """A fence inside an internal section does not pair with one outside it: the public build
    never sees the first, so the near miss after the second is text there, and an error here."""
    body = "<!-- internal -->\n```\n<!-- /internal -->\n<!-- staff only -->\nzqx\n```\n"
    codes = [p.code for p in marker_problems(body, 1, "r.md")]
    assert codes == ["near-miss-marker"]


@pytest.mark.parametrize(
    "text",
    [
        "The internal market grew.",
        "## Internal reforms",
        "Staff exchanges: 12 a year.",
        "[audit](https://example.org/internal-audit)",
        "<https://gov.uk/internal>",
        "Mail <staff@example.org>.",
        "The ministry's (internal) review.",
        "<!-- check with the Secretary of State -->",
        "| Staff | 12 |",
        "Sensitivity analysis: see annex.",
    ],
)
def test_ordinary_words_are_not_markers(text):
    assert marker_problems(text + "\n", 1, "r.md") == []
