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
    table = run("--width", "120", "entities", "ministry")  # wide enough for one line a row
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
    assert result.stderr == (
        f"error: no reports folder in {tmp_path} (run kb in the project's top folder, or pass --root)\n"
    )
    assert result.stdout == ""


def test_no_registry_folder_is_a_clear_error(tmp_path):
    (tmp_path / "reports").mkdir()
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no registry folder at reports/registry (create it, or run kb in the project's top folder)\n"
    )
    assert result.stdout == ""


def test_a_full_disk_is_a_clear_error_and_leaves_no_half_index(run, kb_tree, monkeypatch):
    """What the operating system refuses (here: no space left) is one line naming the file,
    exit status 1, never a traceback; the index run leaves no half-written generation."""
    import errno
    import importlib
    import pkgutil

    import kb.search

    def full_disk(folder, documents):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "MAIN_x.seg"))

    # Every search module imported first, then patched wherever it holds the function: a module
    # imported for the first time while patched would keep the full disk for the next tests.
    modules = [
        importlib.import_module(m.name) for m in pkgutil.iter_modules(kb.search.__path__, "kb.search.")
    ]
    for module in modules:
        if hasattr(module, "create_index"):
            monkeypatch.setattr(module, "create_index", full_disk)
    result = run("index")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].endswith(
        "MAIN_x.seg: error: No space left on device (check the free disk space and the "
        "permissions there, then run it again; kb writes its outputs whole or not at all)"
    )
    index = kb_tree / ".kb" / "index"
    assert [p.name for p in index.iterdir() if p.name != ".kb-output"] == [], (
        "no generation, not even half a one"
    )


@pytest.mark.parametrize(
    "address, why",
    [
        (
            "127.0.0.1:99999",
            ": port 99999 is not between 1 and 65535 (use 127.0.0.1:8000, or another free port)",
        ),
        ("127.0.0.1:0", ": port 0 is not between 1 and 65535 (use 127.0.0.1:8000, or another free port)"),
        ("127.0.0.1:\u0668\u0660", " (the site is served on this machine only: use 127.0.0.1:PORT)"),
    ],
)
def test_serve_refuses_a_port_that_is_not_one_in_one_line(run, kb_tree, address, why):
    result = run("serve", "--address", address)
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot serve on '{address}'{why}\n"
    assert not (kb_tree / "site_pages").exists(), "refused before generating anything"
