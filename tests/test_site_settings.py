"""The public site's settings file, reports/site.yml: its name, description, publisher and licence,
read strictly (every problem, with path:line:col), and shown on the built site."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from sitekit import make_tree, page

from kb.cli import main
from kb.site.settings import DEFAULT_NAME, Link, SettingsError, SiteSettings, read_settings


def settings_of(tmp_path: Path, text: str | None) -> SiteSettings:
    if text is not None:
        (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    return read_settings(tmp_path, "reports/site.yml", (tmp_path,))


def test_the_samples_settings_are_read_as_written():
    settings = read_settings(REPO / "reports", "reports/site.yml", (REPO,))
    assert settings.name == "UK Science and Innovation Network: country updates"
    assert settings.organisation == Link(
        "UK Science and Innovation Network",
        "https://www.gov.uk/government/collections/science-and-innovation-network",
    )
    assert settings.licence == Link(
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    )
    assert settings.description.startswith("Country updates and visit reports")


def test_no_settings_file_gives_a_neutral_name_and_no_licence(tmp_path):
    assert settings_of(tmp_path, None) == SiteSettings(DEFAULT_NAME, "", None, None)


def test_a_name_alone_is_enough_for_organisation_and_licence(tmp_path):
    settings = settings_of(tmp_path, "name: Updates\norganisation: Our team\nlicence: CC BY 4.0\n")
    assert settings == SiteSettings("Updates", "", Link("Our team"), Link("CC BY 4.0"))


def test_every_problem_is_reported_with_its_line_and_column(tmp_path):
    text = (
        "name: [a list]\n"
        "description: fine\n"
        "organisation: {name: Org, url: ftp://x, colour: red}\n"
        "licence: {url: https://example.org/licence}\n"
        "extra: 1\n"
    )
    with pytest.raises(SettingsError) as caught:
        settings_of(tmp_path, text)
    assert caught.value.render().splitlines() == [
        "reports/site.yml:1:7: error [wrong-type] name must be text, not a list "
        '(write it like name: "Country updates")',
        "reports/site.yml:3:32: error [bad-url] organisation.url 'ftp://x' is not an http(s) address "
        "(give a full address starting with https://)",
        "reports/site.yml:3:41: error [unknown-field] unknown field 'colour' in 'organisation' "
        "(did you mean 'url'?)",
        "reports/site.yml:4:10: error [missing-field] missing required field 'name' in 'licence' "
        "(give the licence's name)",
        "reports/site.yml:5:1: error [unknown-field] unknown field 'extra' in the site settings "
        "(allowed: name, description, organisation, licence)",
    ]


def test_an_empty_or_too_long_name_is_refused(tmp_path):
    with pytest.raises(SettingsError) as caught:
        settings_of(tmp_path, 'name: ""\n')
    assert caught.value.render() == (
        "reports/site.yml:1:7: error [empty-field] empty field 'name' in the site settings (name the site)"
    )
    with pytest.raises(SettingsError) as caught:
        settings_of(tmp_path, f"name: {'x' * 81}\n")
    assert caught.value.render() == (
        "reports/site.yml:1:7: error [too-long] name is 81 characters long; at most 80 fit the header "
        "(put the rest in 'description')"
    )


def test_kb_build_stops_on_bad_settings_without_a_traceback_and_keeps_the_file(tmp_path):
    root = make_tree(tmp_path)
    settings = root / "reports" / "site.yml"
    settings.write_text('name: "unterminated\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 1
    assert result.output == (
        "reports/site.yml:2:1: error [yaml-syntax] YAML syntax: found unexpected end of stream "
        "(check indentation, colons and quotes on this line)\n"
    )
    assert settings.read_text(encoding="utf-8") == 'name: "unterminated\n'
    assert not (root / "site").exists()


def test_the_built_site_shows_the_settings(tmp_path):
    root = make_tree(tmp_path)
    (root / "reports" / "site.yml").write_text(
        "name: Example & Co updates\n"
        "description: What the <team> learnt abroad.\n"
        "organisation: {name: Example & Co, url: https://example.org/}\n"
        "licence: {name: CC BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--root", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    home = page(root / "site", "")
    assert home.title == "Example & Co updates"
    text = " ".join(home.text.split())
    assert "What the <team> learnt abroad." in text and "Published by Example & Co" in text
    assert (
        "https://example.org/" in home.links and "https://creativecommons.org/licenses/by/4.0/" in home.links
    )
    about = " ".join(page(root / "site", "kb/about").text.split())
    assert "published under the CC BY 4.0" in about
