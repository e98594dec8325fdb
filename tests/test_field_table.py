"""The field table drives reading a report: every field has a row, every row a reader."""

from __future__ import annotations

import dataclasses

from kb.report.front_matter import READERS
from kb.report.model import FIELDS, REPORT_FIELDS, REQUIRED_FIELDS, TAG_LISTS, Report

#: Attributes of a Report that are not front-matter fields.
NOT_FIELDS = {"path", "shown", "body", "body_line", "tags", "content_hash", "located"}


def test_every_report_attribute_is_a_row_of_the_table_and_back():
    attributes = {f.name for f in dataclasses.fields(Report)} - NOT_FIELDS
    assert attributes | set(TAG_LISTS) == set(REPORT_FIELDS)
    assert len(REPORT_FIELDS) == len(set(REPORT_FIELDS))


def test_every_kind_of_field_has_a_reader_and_every_reader_a_field():
    assert {f.kind for f in FIELDS} == set(READERS)


def test_required_fields_say_what_to_write():
    assert REQUIRED_FIELDS == ("title", "date", "countries", "type", "visibility")
    assert all(f.hint for f in FIELDS if f.required)
