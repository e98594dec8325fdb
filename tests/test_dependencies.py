"""Dependencies: no known-vulnerable or banned package installed, and pins that exclude them."""

import importlib.util
import re
import tomllib

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
    assert "whoosh" not in deps and "whoosh-reloaded" in deps
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
