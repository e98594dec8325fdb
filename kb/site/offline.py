"""``kb build --offline [--country KR]``: a copy of the public site that works opened from disk.

For staff travelling without a connection: a folder (``site-offline/``, or
``site-offline-kr/`` for one country's reports) and the same as a zip beside it, opened at
``index.html`` in any browser, with no server. What differs from the public site:

- **Search** is the theme's own (Material's ``search`` and ``offline`` plugins): Pagefind
  fetches its index and so needs a server. The theme's index then holds the report pages too
  (which the online site leaves to Pagefind), and it runs in a web worker, which a page opened
  from disk may start only through the ``iframe-worker`` shim, vendored in ``kb/assets/`` so that
  nothing is loaded from another site. The Find page says to use the box in the header.
- **Links** are relative, to ``.html`` files (``use_directory_urls: false``, as the offline
  plugin sets it): generated pages link root-relative (``/kb/reports/x/``, see
  :func:`kb.site.paths.rooted`), which from disk would lead to the root of the drive, so every
  such link of the built copy is rewritten to the file it leads to.
- No feeds are announced in pages (a feed reader needs the online address), and the copy is made
  from the public, redacted reports only, of one country when ``--country`` is given.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from kb.errors import UsageError
from kb.project import Project
from kb.site import build
from kb.site.build import Generated

OFFLINE_DIR = "site-offline"
#: The shim the offline plugin would load from a CDN, at the path the copy loads it from.
SHIM = "javascripts/iframe-worker.js"
SHIM_SOURCE = Path(__file__).resolve().parent.parent / "assets" / "iframe-worker.js"
#: Added to the build's configuration: the theme's search over every page, inlined for disk.
PLUGINS = (
    "plugins:\n  - search\n  - offline\n"
    f"extra:\n  kb_offline: true\n  polyfills:\n    - {SHIM}\n"
    "use_directory_urls: false\n"
)
_LINK = re.compile(r'(\s(?:href|src)=")(/[^"]*)(")')


@dataclass(frozen=True)
class OfflineResult:
    folder: Path
    archive: Path
    generated: Generated


def offline_dir(project: Project, country: str | None) -> Path:
    return project.root / (f"{OFFLINE_DIR}-{country.lower()}" if country else OFFLINE_DIR)


def country_code(value: str | None) -> str | None:
    """``--country``: an ISO 3166 code, in either case; a usage error names a wrong one."""
    from kb.report.countries import country_name

    if value is None:
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or country_name(code) is None:
        raise UsageError(
            f"'{value}' is not a country code",
            hint="give a two-letter ISO 3166 code, such as KR for South Korea",
        )
    return code


def build_offline(
    project: Project, *, country: str | None = None, today: date | None = None, strict: bool = False
) -> OfflineResult:
    """Generate and build the offline copy into its folder (replaced as a whole), then zip it."""
    from kb.util.folders import check_ownership, replacing

    code = country_code(country)
    out = offline_dir(project, code)
    made_by = "kb build --offline"
    check_ownership(out, made_by, project.show(out))
    with build.lock_outputs(project, False, offline=out):
        generated = build.generate_locked(project, False, today, offline=True, country=code)
        if code and not generated.reports:
            raise UsageError(
                f"no public report is about {code}: there is nothing to take offline",
                hint="check the code, or build the whole site with kb build --offline",
            )
        if strict:
            generated.refuse_left_out()
        with replacing(out, project.show(out), made_by) as staged:
            build.start_mkdocs_build(
                project, generated, staged, False, purpose="offline", extra=PLUGINS
            ).finish()
            (staged / SHIM).parent.mkdir(parents=True, exist_ok=True)
            (staged / SHIM).write_bytes(SHIM_SOURCE.read_bytes())
            relative_links(staged, urlparse(build.mkdocs_setting(project, "site_url") or "/").path or "/")
        archive = out.parent / f"{out.name}.zip"
        write_zip(out, archive)
    return OfflineResult(out, archive, generated)


def relative_links(site: Path, base_path: str) -> int:
    """Rewrite every root-relative link of the built pages to a relative link to the file it
    leads to (``/kb/reports/x/`` from ``kb/countries/kr.html`` is ``../reports/x.html``); returns
    how many links were rewritten."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rewritten: list[str] = []
        new = _LINK.sub(
            partial(_relative, site=site, base=base, folder=page.parent, rewritten=rewritten), text
        )
        if new != text:
            page.write_text(new, encoding="utf-8")
        changed += len(rewritten)
    return changed


def _relative(match: re.Match, site: Path, base: str, folder: Path, rewritten: list[str]) -> str:
    """One link of a page in ``folder``, made relative when it leads to a file of the copy (noted
    in ``rewritten``); left as it is otherwise."""
    link = match.group(2)
    if not link.startswith(base) or link.startswith("//"):
        return match.group(0)
    path, mark, rest = _split(link[len(base) :])
    target = _existing(site, path)
    if target is None:
        return match.group(0)
    rewritten.append(link)
    relative = Path(os.path.relpath(site / target, folder)).as_posix()
    return match.group(1) + relative + mark + rest + match.group(3)


def _split(link: str) -> tuple[str, str, str]:
    for mark in ("?", "#"):
        if mark in link:
            path, _, rest = link.partition(mark)
            return path, mark, rest
    return link, "", ""


def _existing(site: Path, path: str) -> str | None:
    """The file a directory URL is built as without directory URLs (``x/`` is ``x.html``, or
    ``x/index.html`` for an index), or the file itself."""
    from urllib.parse import unquote

    path = unquote(path)
    if path in ("", "/"):
        candidates = ["index.html"]
    elif path.endswith("/"):
        candidates = [path[:-1] + ".html", path + "index.html"]
    else:
        candidates = [path]
    return next((c for c in candidates if (site / c).is_file()), None)


def write_zip(folder: Path, archive: Path) -> None:
    """``folder`` as a zip, its files under one top folder of the same name; written beside and
    renamed into place, so a reader never finds half an archive."""
    from kb.util.folders import MARKER

    handle, temporary = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.name != MARKER:
                    out.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
        os.chmod(temporary, 0o644)
        os.replace(temporary, archive)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
