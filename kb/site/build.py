"""Generating the site's pages and building them with MkDocs (strict: any warning fails).

Public build (the default): pages are generated from the redacted public reports
into ``site_pages/kb/`` (and ``site_pages/index.md``), next to the hand-written public pages, and
built into ``site/`` with the project's ``mkdocs.yml``; the same tree builds with
Zensical. Internal build: hand-written and generated pages go to a separate tree,
``.kb/site-internal-docs/``, built with a derived config into ``site-internal/``,
so public and internal pages never share a folder. Each build then indexes its own report
pages with Pagefind, for the Find reports page (see :mod:`kb.site.find`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.errors import BuildError
from kb.problems import Problem
from kb.project import Project
from kb.site import paths
from kb.site.children import python_module
from kb.site.settings import SiteSettings, read_settings, settings_path

CONFIG = "mkdocs.yml"
INTERNAL_DOCS = "site-internal-docs"
OFFLINE_DOCS = "site-offline-docs"
#: The theme overrides (mkdocs.yml's theme.custom_dir). A derived config repeats it as an
#: absolute path: MkDocs resolves an inherited config's paths against the derived file.
THEME_DIR = "overrides"
SERVE_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Generated:
    docs_dir: Path
    config_file: Path
    reports: int
    files: int
    written: int
    removed: int
    left_out: list[Problem] = field(default_factory=list)
    removed_files: tuple[str, ...] = ()  # docs paths no longer generated (deleted just now)
    held_for_review: tuple[str, ...] = ()  # public reports left out because review points are open
    registry_prefix: str = "reports/registry/"
    settings: SiteSettings = field(default_factory=SiteSettings)
    internal_left_out: int = 0  # internal reports, which the public site leaves out on purpose

    def left_out_files(self) -> tuple[list[str], list[str]]:
        """The report files and the registry files that have errors, each sorted."""
        files = sorted({p.path for p in self.left_out})
        registry = [f for f in files if f.replace("\\", "/").startswith(self.registry_prefix)]
        return [f for f in files if f not in registry], registry

    def first_problems(self) -> list[Problem]:
        """The first error of each report file left out (registry files are not reports)."""
        reports = set(self.left_out_files()[0])
        first: dict[str, Problem] = {}
        for problem in sorted(self.left_out, key=lambda p: (p.path, p.line, p.column)):
            if problem.path in reports:
                first.setdefault(problem.path, problem)
        return list(first.values())

    def left_out_line(self) -> str:
        """The line ``kb build`` ends with: which reports the site leaves out, and why."""
        parts = []
        if self.internal_left_out:
            parts.append(f"{self.internal_left_out} internal report(s) (visibility: internal)")
        errors = self.first_problems()
        if errors:
            named = "; ".join(f"{p.path}:{p.line}: {p.message}" for p in errors)
            parts.append(f"{len(errors)} report(s) with errors ({named})")
        if self.held_for_review:
            parts.append(
                f"{len(self.held_for_review)} public report(s) with open review points "
                f"({', '.join(self.held_for_review)})"
            )
        return "left out: " + ("; ".join(parts) if parts else "nothing")

    def refuse_left_out(self) -> None:
        """``kb build --strict``: a report left out by mistake (errors, open review points) fails
        the build before anything is replaced; internal reports are left out on purpose."""
        errors = self.first_problems()
        if errors or self.held_for_review:
            count = len(errors) + len(self.held_for_review)
            raise BuildError(
                f"--strict: {count} report(s) would be left out of the site; nothing was built",
                path=errors[0].path if errors else self.held_for_review[0],
                line=errors[0].line if errors else None,
                hint="fix the problems kb check lists (or resolve the review points), then build again",
            )


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    generated: Generated


def mkdocs_setting(project: Project, key: str, default: str | None = None) -> str | None:
    """A top-level scalar of mkdocs.yml (site_url, site_name), read without running YAML tags."""
    config = project.root / CONFIG
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        raise BuildError(
            "cannot read the site configuration",
            path=project.show(config),
            hint="run kb in the project's top folder",
        ) from None
    match = re.search(rf"^{key}:\s*['\"]?([^'\"\n#]+?)['\"]?\s*(?:#.*)?$", text, re.MULTILINE)
    return match.group(1).strip() if match else default


def lock_outputs(project: Project, internal: bool, *, offline: Path | None = None):
    """One build (or page generation) of each site at a time; a second fails at once, in one line.
    ``offline``: the folder of an offline copy, which has a lock of its own."""
    from kb.util.folders import locked

    name = "site-offline" if offline else f"site{'-internal' if internal else ''}"
    return locked(
        project.state_dir / f"{name}.lock",
        "kb build --offline" if offline else f"kb build{' --internal' if internal else ''}",
        project.show(offline or project.site_dir(internal)),
        hint="wait for it to finish, then build again",
    )


def _handwritten(project: Project) -> dict[str, bytes]:
    """The hand-written docs pages and assets (everything but the generated ones)."""
    files = {}
    docs = project.docs_dir
    for path in sorted(docs.rglob("*")):
        relative = path.relative_to(docs).as_posix()
        if path.is_file() and not _is_generated(relative) and not relative.startswith("."):
            files[relative] = path.read_bytes()
    return files


def _is_generated(relative: str) -> bool:
    return relative == paths.HOME or relative.startswith(paths.GENERATED + "/")


def _internal_config(project: Project, settings: SiteSettings) -> Path:
    """A config inheriting mkdocs.yml, pointed at the internal tree and site-internal/."""
    config = project.state_dir / "mkdocs-internal.yml"
    text = (
        f"# Written by kb build --internal; do not edit.\n"
        f"INHERIT: {_quoted(project.root / CONFIG)}\n"
        + _identity(settings, internal=True)
        + f"docs_dir: {_quoted(project.state_dir / INTERNAL_DOCS)}\n"
        f"site_dir: {_quoted(project.site_dir(True))}\n" + _theme(project)
    )
    _write_if_changed(config, text)
    return config


def _identity(settings: SiteSettings, *, internal: bool) -> str:
    """The site's name, description and footer line from reports/site.yml, for a derived config.
    The theme prints ``site_name`` and ``copyright`` as HTML: both are written escaped here."""
    from kb.site.html import attribute

    name = settings.name + (" (staff)" if internal else "")
    lines = f"site_name: {_quoted(attribute(name))}\n"
    if settings.description:
        lines += f"site_description: {_quoted(attribute(settings.description))}\n"
    footer = []
    if settings.organisation:
        footer.append(f"Published by {_link_html(settings.organisation)}.")
    if settings.licence:
        footer.append(f"Published under the {_link_html(settings.licence)}, unless a report says otherwise.")
    if footer:
        lines += f"copyright: {_quoted(' '.join(footer))}\n"
    return lines


def _link_html(link) -> str:
    from kb.site.html import attribute

    if link.url:
        return f'<a href="{attribute(link.url)}">{attribute(link.name)}</a>'
    return attribute(link.name)


def _theme(project: Project) -> str:
    folder = project.root / THEME_DIR
    return f"theme:\n  custom_dir: {_quoted(folder)}\n" if folder.is_dir() else ""


def _quoted(value) -> str:
    """A YAML string (JSON is YAML)."""
    return json.dumps(str(value))


def _write_if_changed(path: Path, text: str) -> None:
    """Atomically, so a run killed mid-write never leaves half a config for the next one."""
    from kb.util.atomic import write_text

    try:
        if path.read_bytes() == text.encode("utf-8"):
            return
    except OSError:
        pass
    write_text(path, text, overwrite=True)


def generate(
    project: Project, *, internal: bool = False, today: date | None = None, keep_bodies: bool = False
) -> Generated:
    """Write the site's pages, feeds and open data for the public or the internal build."""
    with lock_outputs(project, internal):
        return generate_locked(project, internal, today, keep_bodies)


def generate_locked(
    project: Project,
    internal: bool,
    today: date | None,
    keep_bodies: bool = False,
    *,
    offline: bool = False,
    country: str | None = None,
) -> Generated:
    """:func:`generate`, for a caller that holds the site's lock. ``keep_bodies``: reuse and keep
    rendered bodies between runs (``kb serve``, see :mod:`kb.site.bodycache`). ``offline``: the
    pages of the copy read from disk (:mod:`kb.site.offline`), in a folder of their own, of the
    reports about ``country`` only when one is given."""
    from kb.checks.knowledgebase import load
    from kb.site.context import Site
    from kb.site.generate import site_files, sync
    from kb.util.workers import cpus_available

    refuse_outputs_in_docs(project)
    settings = read_settings(
        project.reports_dir, project.show(settings_path(project.reports_dir)), project.readable_roots
    )
    # Only errors leave a report out of the site; the untagged-mention check can only warn.
    kb = load(project, mentions=False)
    site_url = mkdocs_setting(project, "site_url") or "http://127.0.0.1:8000/"
    cached: dict[str, str] | None = None
    if keep_bodies:
        from kb.site import bodycache

        cache_file = bodycache.cache_file(project.state_dir, internal)
        cache_key = bodycache.fingerprint(project.registry_dir, site_url)
        cached = bodycache.load(cache_file, cache_key)
    reports = kb.visible(internal)
    if country is not None:
        reports = [r for r in reports if country in r.countries]
    site = Site(
        kb.registry,
        reports,
        internal,
        today or date.today(),
        site_url=site_url,
        settings=settings,
        offline=offline,
        body_cache=cached,
    )
    files = site_files(site, workers=cpus_available())
    if keep_bodies and cached is not None and site.renderer.added:
        project.state_dir.mkdir(parents=True, exist_ok=True)
        bodycache.save(
            cache_file, cache_key, cached, {bodycache.body_key(r.body) for r in site.reports} | site.page_keys
        )
    if internal or offline:
        files.update(_handwritten(project))
        folder = project.state_dir / (OFFLINE_DOCS if offline else INTERNAL_DOCS)
        result = sync(folder, files, managed=lambda _relative: True)
        config = _internal_config(project, settings) if internal else project.root / CONFIG
    else:
        folder = project.docs_dir
        result = sync(folder, files, managed=_is_generated)
        config = project.root / CONFIG
    left_out = [p for p in kb.problems if p.level == "error"]
    held = () if internal else tuple(r.shown for r in kb.reports if r.held_for_review)
    internal_left_out = (
        0
        if internal
        else sum(r.visibility != "public" and (country is None or country in r.countries) for r in kb.reports)
    )
    return Generated(
        folder,
        config,
        len(site.reports),
        result.total,
        result.written,
        result.removed,
        left_out,
        result.removed_files,
        held,
        project.show(project.registry_dir).replace("\\", "/") + "/",
        settings,
        internal_left_out,
    )


def refuse_outputs_in_docs(project: Project) -> None:
    """Fail closed on what kb writes elsewhere (an index, an export, anything with kb's output
    marker) found in the site's pages folder (``site_pages/``), outside the pages generated into
    its ``kb/``: MkDocs would publish it, and it may be the staff index or the staff export."""
    from kb.export import CORE_TABLES
    from kb.search.store import MANIFEST, STATE
    from kb.util.folders import MARKER, read_marker

    generated = os.path.realpath(project.docs_dir / paths.GENERATED)
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(project.docs_dir, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen or real == generated:  # a link loop, or what generation rewrites whole
            dirnames[:] = []
            continue
        seen.add(real)
        if MARKER in filenames:
            found = f"the output of {read_marker(Path(dirpath)) or 'kb'}"
        elif {MANIFEST, STATE} & set(filenames):  # a generation of an index
            found = "a search index"
        elif all(f"{table}.json" in filenames for table in CORE_TABLES):
            found = "an open data export"
        else:
            continue
        raise BuildError(
            f"the folder holds {found}; MkDocs would publish it with the site, so nothing was built",
            path=project.show(Path(dirpath)),
            hint=f"move it out of {project.show(project.docs_dir)}/; the site publishes its own open data "
            "under kb/api/",
        )


def sources_fingerprint(project: Project) -> str:
    """What generation reads, by name, time and size of each file: reports, registry and the
    site configuration. ``kb serve`` regenerates when it changed."""
    import hashlib

    digest = hashlib.sha256()
    for path in [project.root / CONFIG, *sorted(project.reports_dir.rglob("*"))]:
        try:
            info = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def build_site(
    project: Project, *, internal: bool = False, today: date | None = None, strict: bool = False
) -> BuildResult:
    """``kb build``: generate, build with ``mkdocs build --strict`` and index with Pagefind into a
    new folder, then swap it in for site/ (or site-internal/) as a whole (see :mod:`kb.util.folders`).

    The lock is held from generation to swap; a killed or failed build leaves the
    previous site live and whole. ``strict``: a report left out by mistake fails the build
    (:meth:`Generated.refuse_left_out`), before the site is touched.
    """
    from kb.site.pagefind import Indexing
    from kb.util.folders import check_ownership, replacing

    out = project.site_dir(internal)
    made_by = f"kb build{' --internal' if internal else ''}"
    check_ownership(out, made_by, project.show(out), ours=_older_site)
    with lock_outputs(project, internal):
        generated = generate_locked(project, internal, today)
        if strict:
            generated.refuse_left_out()
        with replacing(out, project.show(out), made_by) as staged:
            # MkDocs builds while Pagefind indexes the generated report pages (kb.site.pagefind).
            mkdocs = start_mkdocs_build(project, generated, staged, internal)
            try:
                indexing = Indexing(
                    generated.docs_dir, project.state_dir / f"pagefind{'-internal' if internal else ''}"
                )
            except BaseException:
                mkdocs.stop()
                raise
            try:
                mkdocs.finish()
            except BaseException:
                indexing.stop()
                raise
            indexing.finish(staged)
    return BuildResult(out, generated)


def _older_site(names: list[str]) -> bool:
    """A site folder built before folders were marked: it holds the home page and kb's pages."""
    return "index.html" in names and paths.GENERATED in names


def start_mkdocs_build(
    project: Project,
    generated: Generated,
    out: Path,
    internal: bool,
    *,
    purpose: str = "build",
    extra: str = "",
) -> MkdocsBuild:
    """``mkdocs build`` of ``generated`` into ``out``, started in the background."""
    config_file = _hooked_config(project, generated, purpose, (), extra, internal=internal)
    command = python_module("mkdocs", "build", "--strict", "--clean", "-f", str(config_file), "-d", str(out))
    process = subprocess.Popen(
        command,
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    return MkdocsBuild(process, config_file)


@dataclass(frozen=True)
class MkdocsBuild:
    """A running ``mkdocs build``, and the config it was given (named in the hint of a failure)."""

    process: subprocess.Popen[str]
    config_file: Path

    def stop(self) -> None:
        self.process.kill()
        self.process.communicate()

    def finish(self) -> None:
        """Wait for it; a failure is a :class:`BuildError` with MkDocs' own message."""
        stdout, stderr = self.process.communicate()
        if self.process.returncode != 0:
            raise BuildError(
                "mkdocs build failed: " + _failure(stderr or stdout),
                hint=f"run '{sys.executable} -m mkdocs build --strict -f {self.config_file}' "
                "to see every message",
            )


def _hooked_config(
    project: Project,
    generated: Generated,
    purpose: str,
    hooks: tuple[str, ...],
    extra: str = "",
    *,
    internal: bool,
) -> Path:
    """A config inheriting the build's own (mkdocs.yml, or the internal one) that loads kb's
    MkDocs hooks: :mod:`kb.site.passthrough` always, and ``hooks`` (modules of kb.site)."""
    config = project.state_dir / f"mkdocs-{purpose}{'-internal' if internal else ''}.yml"
    here = Path(__file__).parent
    listed = "".join(f"  - {_quoted(here / f'{name}.py')}\n" for name in ("passthrough", *hooks))
    text = (
        f"# Written by kb {purpose}; do not edit.\n"
        f"INHERIT: {_quoted(generated.config_file)}\n"
        f"docs_dir: {_quoted(generated.docs_dir)}\n"
        + _identity(generated.settings, internal=internal)
        + _theme(project)
        + f"hooks:\n{listed}"
        + extra
    )
    _write_if_changed(config, text)
    return config


def _failure(output: str) -> str:
    """The first warning or error MkDocs printed (strict mode stops on any)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("WARNING", "ERROR")) or "Error" in line:
            return re.sub(r"\s+", " ", line)
    return lines[-1] if lines else "no output"
