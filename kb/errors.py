"""The one exception family of the project.

The CLI turns every :class:`KbError` into ``path:line: error: message (hint)`` and
a non-zero exit; anything else escaping the library is a bug.
"""

from __future__ import annotations

from pathlib import Path


class KbError(Exception):
    """Base of every error the library raises on purpose.

    ``exit_code`` follows a common CLI convention: 1 for a failed run over
    valid input (bad reports, a failed build), 2 for a usage error (bad query,
    unknown filter value, bad option).
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def render(self) -> str:
        from kb.util.characters import printable, quote_name

        where = ""
        if self.path:
            where = f"{quote_name(self.path)}:{self.line}: " if self.line else f"{quote_name(self.path)}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}error: {printable(self.message + hint)}"

    def __str__(self) -> str:  # pragma: no cover - used in logs and reprs
        return self.render()


class UsageError(KbError):
    """The user asked for something impossible: bad query, unknown filter value."""

    exit_code = 2


class InputError(KbError):
    """A file could not be read or parsed at all (encoding, binary, size, YAML, not a regular file).

    ``code`` is the problem code ``kb check`` shows for it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        code: str = "bad-file",
    ) -> None:
        super().__init__(message, path=path, line=line, hint=hint)
        self.code = code


class ProjectError(KbError):
    """The project tree is not usable: no reports folder, unreadable registry."""


class ExistsError(KbError):
    """Refusing to overwrite a file that already exists."""


class LockedError(KbError):
    """Another run holds the lock of the index, site or export."""


class BuildError(KbError):
    """A site, index or export build failed."""
