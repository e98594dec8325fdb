"""Shared fixtures: a small knowledge base written into tmp_path, and a CLI runner."""

from __future__ import annotations

import signal
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main

REPO = Path(__file__).resolve().parent.parent

REGISTRY = """\
defaults: {country: KR}
entities:
  - id: msip
    name: Ministry of Science, ICT and Future Planning
    kind: ministry
    acronyms: [MSIP]
    valid_from: 2013-03
    valid_to: 2017-07-26
    superseded_by: msit
  - id: msit
    name: Ministry of Science and ICT
    kind: ministry
    acronyms: [MSIT]
    valid_from: 2017-07-26
  - id: nia
    name: National Information Society Agency
    kind: agency
    acronyms: [NIA]
    aliases: [National Information Security Agency]
  - {id: health-data, name: Health data, kind: sector, country: null}
  - {id: energy, name: Energy, kind: sector, country: null}
  - {id: open-data-institute, name: Open Data Institute, kind: organisation, acronyms: [ODI], country: GB}
disclaimers:
  - {id: standard, title: Disclaimer, text: For information only.}
"""

GOOD_REPORT = """\
---
title: "Korea: open data"
date: 2014-07-03
countries: [KR]
type: country-update
visibility: public
ministries: [msip, nia]
sectors: [health-data]
disclaimer: standard
---

## Detail

Officials of MSIP and NIA explained their plans.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return path


@pytest.fixture
def kb_tree(tmp_path: Path) -> Path:
    """A project with a small registry and one clean report."""
    write(tmp_path / "reports" / "registry" / "entities.yml", REGISTRY)
    write(tmp_path / "reports" / "kr" / "2014-07-03-korea-open-data.md", GOOD_REPORT)
    return tmp_path


@pytest.fixture
def run(kb_tree: Path):
    """Run ``kb --root kb_tree ARGS``; returns the click Result (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, root: Path | None = None, input: str | None = None):
        return runner.invoke(
            main, ["--root", str(root or kb_tree), *args], input=input, catch_exceptions=False
        )

    return invoke


@contextmanager
def deadline(seconds: int):
    """Fail a test that would otherwise hang (a named pipe opened, a regular expression gone
    super-linear) after ``seconds``: a generous bound, not a timing test."""

    def expire(_signum, _frame):
        # Not TimeoutError: that is an OSError, which the CLI turns into an error line.
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample knowledge base (the repository's reports/, with its site.yml) built once with
    ``kb build``, for every test that reads or serves it (the Find page, the public site's pages)."""
    import shutil

    from sitekit import make_tree

    root = make_tree(tmp_path_factory.mktemp("sample"))
    shutil.rmtree(root / "reports")
    shutil.copytree(REPO / "reports", root / "reports")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--strict"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (root / "site" / "pagefind" / "pagefind.js").is_file()
    return root
