"""Where the search index lives on disk, and how it changes without ever being half-written.

The index folder (default ``.kb/index``) holds generation folders ``g000001``,
``g000002``... and a pointer file ``CURRENT`` naming the live one. A run never
writes into the live generation: it builds a new one in a ``tmp-*`` folder
(a full build from scratch, or hard links to the live files plus the changes:
Whoosh never rewrites a file in place), fsyncs it, renames it to the next
generation and only then replaces ``CURRENT`` atomically. A crash, Ctrl-C or
``kill -9`` at any moment leaves ``CURRENT`` naming a complete generation; the
next run deletes the leftovers. One lock (``index.lock`` next to the folder)
lets a single run change the index at a time.

Freshness is checked without reading reports: a digest of every report's and
registry file's path, modification time and size (and, for files modified
within two seconds of the last run, their content hash, as git does for
"racy" files) is compared with the digest stored with the generation.

No Whoosh here: this module only moves folders and small JSON files.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.project import REPORT_SUFFIXES, Project
from kb.util.atomic import fsync_path, write_text

if TYPE_CHECKING:
    from kb.report.model import Report

POINTER = "CURRENT"
MANIFEST = "kb-manifest.json"
STATE = "kb-state.json"
#: The registry as searches need it (see :func:`kb.search.documents.entity_snapshot`).
ENTITIES = "kb-entities.json"
#: Each facet value's documents, saved in a live generation by the first search that needs them
#: (see kb.search.matching); never copied into the next generation, whose documents differ.
FACET_CACHE = "kb-facets.json"
#: The documents newest first, saved likewise by the first search sorted by date (kb.search.facets).
ORDER_CACHE = "kb-order.json"
#: Files modified this close to a run's start are compared by content, not only by time and size.
RACY_NS = 2_000_000_000
#: Whoosh's own writer lock; never copied into a new generation.
WHOOSH_LOCKS = ("MAIN_WRITELOCK",)


class GenerationGone(KbError):
    """The generation a search was about to read was replaced and removed meanwhile."""


def read_entities(generation: Path) -> dict:
    """The registry copy stored with a generation."""
    try:
        return json.loads((generation / ENTITIES).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GenerationGone(f"the index changed while opening it ({exc.strerror})") from None


@dataclass(frozen=True)
class FileEntry:
    """What the index knows about one report file: its stat and hash, what the rules across
    reports read of its report (id, ``supersedes``, public or not), and whether it is indexed."""

    mtime_ns: int
    size: int
    sha256: str
    report_id: str | None = None
    supersedes: str | None = None
    indexed: bool = False
    public: bool = False

    def as_list(self) -> list:
        return [
            self.mtime_ns,
            self.size,
            self.sha256,
            self.report_id,
            self.supersedes,
            self.indexed,
            self.public,
        ]

    @classmethod
    def of_report(
        cls, mtime_ns: int, size: int, sha256: str, report: Report | None, indexed: bool
    ) -> FileEntry:
        """The entry of a report file (``report`` None: it could not be read)."""
        if report is None:
            return cls(mtime_ns, size, sha256, indexed=indexed)
        return cls(mtime_ns, size, sha256, report.id, report.supersedes, indexed, report.is_public)

    @classmethod
    def from_list(cls, item: list) -> FileEntry:
        # A manifest written before 'public' was recorded belongs to an older index format,
        # which is rebuilt (SCHEMA_VERSION) before its entries are used.
        public = bool(item[6]) if len(item) > 6 else False
        return cls(int(item[0]), int(item[1]), str(item[2]), item[3], item[4], bool(item[5]), public)


@dataclass
class Manifest:
    """Per-generation record of what was indexed, and from which files."""

    schema_version: int
    registry_digest: str
    files: dict[str, FileEntry] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema_version": self.schema_version,
                "registry_digest": self.registry_digest,
                "files": {k: v.as_list() for k, v in sorted(self.files.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            int(data["schema_version"]),
            str(data["registry_digest"]),
            {k: FileEntry.from_list(v) for k, v in data["files"].items()},
        )


@dataclass(frozen=True)
class Scan:
    """Every report and registry file with its modification time and size, as of ``started_ns``."""

    started_ns: int
    reports: dict[str, tuple[str, int, int]]  # key -> (path, mtime_ns, size)
    registry: dict[str, tuple[str, int, int]]


def walk_order(key: str) -> tuple:
    """A sort key that puts report keys in the order of :meth:`Project.report_files` (a folder's
    files by name, then its subfolders by name), which decides which of two reports with one id
    is "first" (a test holds them equal)."""
    *folders, name = key.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def file_key(project: Project, path: Path) -> str:
    """A report's key in the index: its path relative to the project, with forward slashes."""
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()


def scan(project: Project) -> Scan:
    """Stat every report file, by the rules of :meth:`Project.report_files` (a test holds them
    equal), with plain strings: every search runs this, so it must stay cheap."""
    project.require_reports()
    started = time.time_ns()
    reports: dict[str, tuple[str, int, int]] = {}
    _walk(str(project.reports_dir), str(project.registry_dir), "reports/", reports)
    registry = {}
    folder = project.registry_dir
    if folder.is_dir():
        for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            try:
                info = path.stat()
            except OSError:  # a link loop or a dangling link: kb check reports it
                info = path.lstat()
            registry[file_key(project, path)] = (str(path), info.st_mtime_ns, info.st_size)
    return Scan(started, reports, registry)


def _walk(folder: str, registry: str, prefix: str, out: dict) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:  # a link loop: os.walk lists it as a file, and so does the scan
            is_dir = False
        if is_dir:
            if not name.startswith((".", "_")) and entry.path != registry and not entry.is_symlink():
                _walk(entry.path, registry, f"{prefix}{name}/", out)
        elif (
            name.endswith(REPORT_SUFFIXES) and not name.startswith(("_", ".")) and name.lower() != "readme.md"
        ):
            try:
                info = entry.stat()
            except OSError:
                try:
                    info = entry.stat(follow_symlinks=False)  # a link loop: listed, and refused when read
                except OSError:
                    continue  # deleted while we looked: it is simply not there
            out[prefix + name] = (entry.path, info.st_mtime_ns, info.st_size)


def sha256_file(path: Path | str) -> str:
    """The file's SHA-256; OSError for anything but a regular file, which is never opened (reading
    a named pipe would wait forever for a writer)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a pipe since the check
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return hashlib.file_digest(handle, "sha256").hexdigest()


def registry_digest(found: Scan) -> str:
    digest = hashlib.sha256()
    for key, (path, _mtime, _size) in sorted(found.registry.items()):
        try:
            content = sha256_file(path)
        except OSError:  # a link loop or a named pipe: kb check reports it; the digest just notes it
            content = "unreadable"
        digest.update(f"{key}\0{content}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def scan_digest(found: Scan, since_ns: int, schema_version: int) -> str:
    """A digest that changes whenever a report or registry file is added, removed or edited.

    Files modified after ``since_ns - RACY_NS`` are hashed by content: their
    timestamps may not have ticked between an edit and the run that indexed them.
    """
    racy = since_ns - RACY_NS
    lines = [f"schema {schema_version}\n"]
    for kind, files in (("R", found.reports), ("G", found.registry)):
        for key, (path, mtime, size) in sorted(files.items()):
            if mtime >= racy:
                try:
                    lines.append(f"{kind}\0{key}\0#{sha256_file(path)}\n")
                except OSError:
                    lines.append(f"{kind}\0{key}\0gone\n")
            else:
                lines.append(f"{kind}\0{key}\0{mtime}\0{size}\n")
    # One block: the same digest as hashing line by line, for a fraction of the calls.
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def generation_state(found: Scan, schema_version: int, reports: int, documents: int) -> dict:
    """What a generation records of the run that made it: the scan it reflects (for the
    freshness check), when, and how many reports and documents it holds."""
    from datetime import datetime

    return {
        "schema_version": schema_version,
        "since_ns": found.started_ns,
        "scan_digest": scan_digest(found, found.started_ns, schema_version),
        "built": datetime.now().isoformat(timespec="seconds"),
        "reports": reports,
        "documents": documents,
    }


# -- generations -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Store:
    """The index folder and its lock."""

    root: Path

    @property
    def lock_path(self) -> Path:
        return self.root.with_name(self.root.name + ".lock")

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def current(self) -> Path | None:
        """The live generation folder, or None when there is no usable index."""
        try:
            data = json.loads(self.pointer.read_text(encoding="utf-8"))
            folder = self.root / str(data["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return folder if (folder / STATE).is_file() else None

    def previous(self) -> str | None:
        try:
            return json.loads(self.pointer.read_text(encoding="utf-8")).get("previous")
        except (OSError, ValueError, AttributeError):
            return None

    def read_state(self, generation: Path) -> dict:
        return json.loads((generation / STATE).read_text(encoding="utf-8"))

    def read_manifest(self, generation: Path) -> Manifest | None:
        try:
            return Manifest.from_json((generation / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def new_folder(self, copy_from: Path | None = None) -> Path:
        """A fresh ``tmp-*`` folder; with ``copy_from``, hard links to that generation's files."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="tmp-", dir=self.root))
        if copy_from is not None:
            for entry in os.scandir(copy_from):
                if (
                    not entry.is_file()
                    or entry.name in WHOOSH_LOCKS
                    or entry.name in (FACET_CACHE, ORDER_CACHE)
                ):
                    continue
                target = folder / entry.name
                try:
                    os.link(entry.path, target)
                except OSError:  # no hard links on this file system: copy instead
                    shutil.copy2(entry.path, target)
        return folder

    def publish(self, folder: Path, manifest: Manifest, state: dict) -> Path:
        """Make ``folder`` the live generation: write its manifest, fsync, rename, swap the pointer."""
        write_text(folder / MANIFEST, manifest.to_json(), overwrite=True)
        write_text(folder / STATE, json.dumps(state, indent=1, sort_keys=True), overwrite=True)
        for entry in os.scandir(folder):
            if entry.is_file():
                fsync_path(entry.path)
        fsync_path(folder)
        live = self.current()
        number = 1 + max((_generation_number(p.name) for p in self.root.iterdir()), default=0)
        final = self.root / f"g{number:06d}"
        os.rename(folder, final)
        fsync_path(self.root)
        pointer = {"generation": final.name, "previous": live.name if live else None}
        write_text(self.pointer, json.dumps(pointer), overwrite=True)
        self.clean()
        return final

    def clean(self) -> None:
        """Delete generations other than the live and previous one, and leftovers of killed runs.

        The previous generation is kept so that a search that read the old
        pointer a moment ago can still open it.
        """
        if not self.root.is_dir():
            return
        live = self.current()
        keep = {live.name if live else None, self.previous()}
        for child in self.root.iterdir():
            if (
                child.is_dir()
                and child.name not in keep
                and (child.name.startswith("tmp-") or _generation_number(child.name))
            ):
                shutil.rmtree(child, ignore_errors=True)

    def mark(self) -> None:
        """Mark the folder as the index's (see :func:`kb.util.folders.check_output_folder`), once."""
        from kb.util.folders import MARKER, write_marker

        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / MARKER).exists():
            write_marker(self.root, "kb index")

    def locked(self, wait: float):
        """Hold the index lock; wait up to ``wait`` seconds for another run to finish."""
        from kb.util.folders import locked

        return locked(
            self.lock_path,
            "kb index",
            None,
            f"wait for it, or remove {self.lock_path} if it is stale",
            wait=wait,
        )


def older_index(names: list[str]) -> bool:
    """An index folder made before folders were marked: the pointer and generation folders only."""
    return POINTER in names and all(
        n == POINTER or n.startswith("tmp-") or _generation_number(n) for n in names
    )


def _generation_number(name: str) -> int:
    return int(name[1:]) if name.startswith("g") and name[1:].isdigit() else 0
