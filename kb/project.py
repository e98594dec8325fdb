"""Where things live in a knowledge-base tree; every path flows from here as an argument."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.errors import ProjectError, UsageError
from kb.util.folders import check_ownership

REPORT_SUFFIXES = (".md", ".markdown")
#: The public site's pages folder (mkdocs.yml's docs_dir): hand-written public pages and assets,
#: and the pages kb build generates. Developer documentation lives in docs/, never published.
SITE_PAGES = "site_pages"


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Project:
        path = Path(root or os.getcwd()).resolve()
        if not path.is_dir():
            raise ProjectError(f"project folder {path} does not exist")
        return cls(path)

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def registry_dir(self) -> Path:
        return self.reports_dir / "registry"

    @property
    def state_dir(self) -> Path:
        """Git-ignored working state: index, locks, caches."""
        return self.root / ".kb"

    @property
    def index_dir(self) -> Path:
        return self.state_dir / "index"

    @property
    def docs_dir(self) -> Path:
        """The site's MkDocs source folder (``site_pages/``): everything in it is published."""
        return self.root / SITE_PAGES

    def site_dir(self, internal: bool = False) -> Path:
        return self.root / ("site-internal" if internal else "site")

    def require_reports(self) -> None:
        if not self.reports_dir.is_dir():
            raise ProjectError(
                f"no reports folder in {self.root}", hint="run kb in the project's top folder, or pass --root"
            )

    @property
    def readable_roots(self) -> tuple[Path, ...]:
        """Folders whose files kb reads as reports or registry files: the project, and the real
        ``reports/`` when it is a link to a shared folder. A link in ``reports/`` that leads
        elsewhere is refused (see :func:`kb.util.files.regular_file`)."""
        return self.root, Path(os.path.realpath(self.reports_dir))

    def show(self, path: Path) -> str:
        """A path as users should see it: relative to the project when inside it."""
        # realpath, not Path.resolve: a link loop must give a message, not a RuntimeError.
        for candidate in (os.path.realpath(path), os.path.abspath(path)):
            try:
                return str(Path(candidate).relative_to(self.root))
            except ValueError:
                continue
        return str(path)

    def report_files(self) -> list[Path]:
        """Every report file under ``reports/``, except the registry and files starting with '_'."""
        self.require_reports()
        files = []
        for dirpath, dirnames, filenames in os.walk(self.reports_dir):
            current = Path(dirpath)
            dirnames[:] = sorted(
                d for d in dirnames if not d.startswith((".", "_")) and current / d != self.registry_dir
            )
            for name in sorted(filenames):
                if (
                    name.endswith(REPORT_SUFFIXES)
                    and not name.startswith(("_", "."))
                    and name.lower() != "readme.md"
                ):
                    files.append(current / name)
        return files


def check_output_folder(
    project: Project,
    folder: Path,
    made_by: str,
    shown: str,
    ours: Callable[[list[str]], bool] | None = None,
    option: str | None = None,
) -> None:
    """Refuse ``folder`` as the output of ``made_by`` (e.g. ``kb export``) when it is inside
    the site's pages folder (``site_pages/``) or a site folder (outside the state folder ``.kb/``), or when :func:`check_ownership`
    refuses it. ``option`` names the command-line option that chose the folder, for the hint."""
    real = Path(os.path.realpath(folder))
    if not real.is_relative_to(os.path.realpath(project.state_dir)):
        for place, forbidden in (
            (f"{SITE_PAGES}/", project.docs_dir),
            ("site/", project.site_dir(False)),
            ("site-internal/", project.site_dir(True)),
        ):
            if real.is_relative_to(os.path.realpath(forbidden)):
                raise UsageError(
                    f"{made_by} does not write into {place}: everything there is published with the site",
                    path=shown,
                    hint=f"choose a folder outside {SITE_PAGES}/ and the site folders"
                    f"{f' with {option}' if option else ''}",
                )
    check_ownership(
        folder,
        made_by,
        shown,
        ours,
        hint=f"choose a new or empty folder{f' with {option}' if option else ''}",
    )
