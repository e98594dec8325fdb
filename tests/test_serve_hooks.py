"""kb serve's MkDocs hooks that make a rebuild cheaper (kb.site.hooks): no sitemap in a preview,
and the theme's templates compiled once, not at every rebuild, yet compiled again when edited.
``kb build`` never loads these hooks: its site has a sitemap (tests/test_leak.py, test_crash_safety.py)."""

from __future__ import annotations

import jinja2
from mkdocs.config import load_config

from kb.site import hooks


def test_a_preview_renders_no_sitemap_and_a_plain_build_does(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme: mkdocs\n", encoding="utf-8")
    monkeypatch.delenv("KB_SITE_ROOT", raising=False)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert "sitemap.xml" in hooks.on_config(config).theme.static_templates
    monkeypatch.setenv("KB_SITE_ROOT", str(tmp_path))
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert "sitemap.xml" not in hooks.on_config(config).theme.static_templates
    assert "404.html" in config.theme.static_templates


def test_templates_are_compiled_once_across_rebuilds_and_again_when_edited(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_SITE_ROOT", str(tmp_path))
    templates = tmp_path / "overrides"
    templates.mkdir()
    page = templates / "main.html"
    page.write_text("first {{ x }}", encoding="utf-8")

    def rebuild() -> str:  # what each MkDocs rebuild does: a new environment, then on_env
        env = hooks.on_env(jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates))), config=None)
        return env.get_template("main.html").render(x=1)

    assert rebuild() == "first 1"
    cached = list((tmp_path / ".kb" / hooks.TEMPLATE_CACHE).iterdir())
    assert len(cached) == 1  # the compiled template, kept for the next rebuild
    compiled_at = cached[0].stat().st_mtime_ns
    assert rebuild() == "first 1"
    assert cached[0].stat().st_mtime_ns == compiled_at  # loaded, not compiled again
    page.write_text("second {{ x }}", encoding="utf-8")
    assert rebuild() == "second 1"
