"""Where kb writes: never into site_pages/ (the site's MkDocs source) or a site folder (MkDocs
would publish it), never over a folder it did not make, and a build refuses a site_pages/ tree
holding an index or an export. Developer documentation (docs/) is not published: writing there
is the user's choice.

A folder kb made holds the marker file ``.kb-output`` naming the command; folders made by
older versions, without it, are recognised by their content and keep working.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitekit import INTERNAL_ID, MARKER, every_file_text, make_tree

from kb.cli import main


def kb(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes: proof that nothing was written there."""
    return {str(p): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("outputs") / "kb")
    for args in (("build",), ("index",), ("export",)):
        assert kb(root, *args).exit_code == 0
    return root


@pytest.fixture
def tree(built, tmp_path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(built, root, symlinks=True)
    return root


# -- the index folder -----------------------------------------------------------------------------
def test_search_with_an_index_dir_holding_other_files_writes_nothing(tree, tmp_path):
    """`kb search --index-dir /etc x` wrote /etc/CURRENT, /etc/g000001/ and /etc.lock."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "passwd").write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    before = snapshot(etc)
    for args in (("search", "--index-dir", str(etc), "x"), ("index", "--index-dir", str(etc))):
        result = kb(tree, *args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{etc}: error: the folder holds files kb index did not write (passwd); "
            "not replacing it (choose a new or empty folder with --index-dir)\n"
        )
    assert snapshot(etc) == before and not (tmp_path / "etc.lock").exists()


@pytest.mark.parametrize("place", ["site_pages/search-index", "site_pages", "site/x", "site-internal"])
def test_index_dir_inside_docs_or_a_site_folder_is_refused(tree, place):
    result = kb(tree, "index", "--index-dir", place)
    assert result.exit_code == 2
    where = place.split("/")[0] + "/"
    assert result.stderr == (
        f"{place}: error: kb index does not write into {where}: everything there is "
        "published with the site (choose a folder outside site_pages/ and the site folders "
        "with --index-dir)\n"
    )
    assert not (tree / place / "CURRENT").exists()


def test_index_dir_inside_the_state_folder_is_fine_and_marked(tree):
    result = kb(tree, "index", "--index-dir", ".kb/other-index")
    assert result.exit_code == 0, result.output
    assert (tree / ".kb" / "other-index" / ".kb-output").read_text(encoding="utf-8") == "kb index\n"
    assert kb(tree, "search", "--index-dir", ".kb/other-index", "Korea").exit_code == 0


def test_an_index_made_before_folders_were_marked_keeps_working(tree):
    marker = tree / ".kb" / "index" / ".kb-output"
    marker.unlink()
    result = kb(tree, "search", "Korea")
    assert result.exit_code == 0, result.output
    assert kb(tree, "index").exit_code == 0
    assert marker.read_text(encoding="utf-8") == "kb index\n"  # marked by its next update


# -- the export folder ----------------------------------------------------------------------------
def test_staff_export_into_docs_is_refused_and_the_site_stays_public(tree, monkeypatch):
    monkeypatch.chdir(tree)
    result = kb(tree, "export", "--include-internal", "--out", "site_pages/data")
    assert result.exit_code == 2
    assert result.stderr == (
        "site_pages/data: error: kb export does not write into site_pages/: everything there is "
        "published with the site (choose a folder outside site_pages/ and the site folders "
        "with --out)\n"
    )
    assert not (tree / "site_pages" / "data").exists()
    assert kb(tree, "build").exit_code == 0
    assert [p for p, text in every_file_text(tree / "site").items() if MARKER in text.lower()] == []


def test_export_into_the_state_folder_is_fine(tree):
    result = kb(tree, "export", "--include-internal", "--out", str(tree / ".kb" / "staff-data"))
    assert result.exit_code == 0, result.output
    assert (tree / ".kb" / "staff-data" / ".kb-output").read_text(encoding="utf-8") == "kb export\n"


def test_an_export_made_before_folders_were_marked_is_replaced(tree):
    (tree / "export" / ".kb-output").unlink()
    result = kb(tree, "export")
    assert result.exit_code == 0, result.output
    assert (tree / "export" / ".kb-output").read_text(encoding="utf-8") == "kb export\n"


def test_export_never_replaces_another_commands_folder(tree):
    result = kb(tree, "export", "--out", str(tree / ".kb" / "index"))
    assert result.exit_code == 1
    assert result.stderr == (
        ".kb/index: error: the folder is the output of kb index; not replacing it "
        "(choose a new or empty folder with --out)\n"
    )
    assert (tree / ".kb" / "index" / "CURRENT").is_file()


# -- the site folder and docs/ --------------------------------------------------------------------
def test_a_site_folder_kb_did_not_make_is_not_replaced(tree):
    shutil.rmtree(tree / "site")
    (tree / "site").mkdir()
    (tree / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    result = kb(tree, "build")
    assert result.exit_code == 1
    assert result.stderr == (
        "site: error: the folder holds files kb build did not write (notes.txt); not "
        "replacing it (move it elsewhere: kb replaces this folder as a whole)\n"
    )
    assert sorted(p.name for p in (tree / "site").iterdir()) == ["notes.txt"]


def test_a_site_built_before_folders_were_marked_is_replaced(tree):
    (tree / "site" / ".kb-output").unlink()
    assert kb(tree, "build").exit_code == 0
    assert (tree / "site" / ".kb-output").read_text(encoding="utf-8") == "kb build\n"


@pytest.mark.parametrize("what", ["staff export", "index", "marked folder"])
def test_build_refuses_docs_holding_kb_output(tree, what):
    """Defence in depth: an export or index an older kb wrote into site_pages/ is never published."""
    site_before = snapshot(tree / "site")
    if what == "staff export":
        assert kb(tree, "export", "--include-internal", "--out", str(tree / "staff")).exit_code == 0
        shutil.copytree(tree / "staff", tree / "site_pages" / "data")
        (tree / "site_pages" / "data" / ".kb-output").unlink()  # as an older kb left it
        found, where = "an open data export", "site_pages/data"
    elif what == "index":
        shutil.copytree(tree / ".kb" / "index", tree / "site_pages" / "search-index")
        (tree / "site_pages" / "search-index" / ".kb-output").unlink()
        generation = sorted(p.name for p in (tree / "site_pages" / "search-index").iterdir() if p.is_dir())[0]
        found, where = "a search index", f"site_pages/search-index/{generation}"
    else:
        (tree / "site_pages" / "notes").mkdir()
        (tree / "site_pages" / "notes" / ".kb-output").write_text("kb export\n", encoding="utf-8")
        found, where = "the output of kb export", "site_pages/notes"
    for args in (("build",), ("build", "--internal")):
        result = kb(tree, *args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{where}: error: the folder holds {found}; MkDocs would publish it with the "
            "site, so nothing was built (move it out of site_pages/; the site publishes its own "
            "open data under kb/api/)\n"
        )
    assert snapshot(tree / "site") == site_before
    assert INTERNAL_ID not in "".join(every_file_text(tree / "site").values())
