"""The command line as a whole: help with examples, entities listing, clean errors."""

import json

import pytest
from click.testing import CliRunner

from kb.cli import main


def commands():
    return sorted(main.commands)


def test_top_level_help_has_examples():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output


@pytest.mark.parametrize("name", commands())
def test_every_command_help_explains_itself_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"kb {name}" in result.output


def test_entities_table_and_json(run):
    table = run("entities", "ministry")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "ACRONYMS", "KIND", "COUNTRY", "VALID"]
    assert [line.split()[0] for line in lines[2:]] == ["msit", "msip"]
    assert "2013-03 to 2017-07-26" in table.stdout
    data = json.loads(run("entities", "--format", "json").stdout)
    msip = next(e for e in data if e["id"] == "msip")
    assert msip["superseded_by"] == ["msit"] and msip["valid_to"] == "2017-07-26"
    assert {e["kind"] for e in data} == {"ministry", "agency", "sector", "organisation"}


def test_no_reports_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no registry folder at") or \
        result.stderr.strip().startswith("error: no reports folder")
