"""Dependencies: no known-vulnerable or banned package installed, and pins that exclude them."""

import importlib.util
import re
import tomllib
from importlib import metadata
from pathlib import Path

from conftest import REPO

spec = importlib.util.spec_from_loader("audit_deps", loader=None)
audit = importlib.util.module_from_spec(spec)
audit.__file__ = str(REPO / "scripts" / "audit_deps")
exec((REPO / "scripts" / "audit_deps").read_text(), audit.__dict__)


def test_installed_set_has_no_known_advisory_or_banned_package():
    assert audit.findings() == []


def test_pins_exclude_vulnerable_versions():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = {re.split(r"[<>=!\[ ]", d, maxsplit=1)[0].lower(): d for d in project["dependencies"]}
    assert "whoosh3" in deps and ">=3.54" in deps["whoosh3"] and "<4" in deps["whoosh3"]
    assert "whoosh" not in deps and "whoosh-reloaded" not in deps
    assert ">=9.7.7" in deps["mkdocs-material"] and "<10" in deps["mkdocs-material"]
    assert "<2" in deps["mkdocs"]
    advisories = tomllib.loads((REPO / "scripts" / "advisories.toml").read_text())["advisory"]
    for advisory in advisories:
        pin = deps.get(advisory["package"])
        if pin:
            floor = re.search(r">=\s*([\d.]+)", pin)
            assert floor and audit.version_tuple(floor.group(1)) >= audit.version_tuple(advisory["fixed"]), (
                pin
            )


def test_audit_flags_an_old_version(tmp_path):
    fake = tmp_path / "adv.toml"
    fake.write_text('[[advisory]]\npackage = "click"\nfixed = "999.0"\nsummary = "test"\n')
    assert any(line.startswith("click ") for line in audit.findings(fake))


def _fake_distribution(site: Path, name: str, version: str, files: list[str]) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    record = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{path},,\n" for path in record))


def test_two_packages_that_import_as_whoosh_are_refused(tmp_path):
    """whoosh3, whoosh-reloaded and the old whoosh all install the ``whoosh`` package: beside
    whoosh3 either of the others is banned, and any two packages installing the same files are
    reported, whatever their names."""
    whoosh_files = ["whoosh/__init__.py", "whoosh/index.py"]
    _fake_distribution(tmp_path, "whoosh3", "3.54.0", [*whoosh_files, "whoosh/mcp.py"])
    _fake_distribution(tmp_path, "whoosh-reloaded", "2.7.5", [*whoosh_files, "whoosh/compat.py"])
    _fake_distribution(tmp_path, "whooshy", "2.8.13", whoosh_files)  # a fork the ban list does not name
    _fake_distribution(tmp_path, "click", "8.1.7", ["click/__init__.py"])
    found = audit.findings(distributions=metadata.distributions(path=[str(tmp_path)]))
    assert found == [
        "whoosh-reloaded is installed: whoosh-reloaded is no longer maintained; use whoosh3",
        "whoosh-reloaded and whoosh3 and whooshy install the same files "
        "(whoosh/__init__.py, whoosh/index.py): keep one of them",
    ]
    alone = tmp_path / "alone"
    _fake_distribution(alone, "whoosh3", "3.54.0", whoosh_files)
    assert audit.findings(distributions=metadata.distributions(path=[str(alone)])) == []
