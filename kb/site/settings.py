"""The public site's own settings: its name, what it is, who publishes it and under which licence.

One file, ``reports/site.yml``, beside the reports it describes (the knowledge base's owner
owns it, not the tool's repository), read with the same strict YAML reader and typed
:class:`~kb.report.fields.Reader` as reports and registry files, so a wrong value gets
``path:line:col: error [code] message (hint)``. Every problem is reported, not the first only.
Without the file the site has a neutral name and says that no licence was given.

.. code-block:: yaml

    name: "UK Science and Innovation Network: country updates"
    description: Country updates and visit reports from the network's teams abroad.
    organisation: {name: UK Science and Innovation Network, url: https://www.gov.uk/...}
    licence: {name: Open Government Licence v3.0, url: https://www.nationalarchives.gov.uk/...}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.errors import InputError
from kb.problems import Problem
from kb.report.fields import Reader
from kb.report.yamlstrict import load
from kb.util.files import read_text

SETTINGS_FILE = "site.yml"
FIELDS = ("name", "description", "organisation", "licence")
LINK_FIELDS = ("name", "url")
DEFAULT_NAME = "Knowledge base"
#: Longer names overflow the header on a phone; the description holds the rest.
MAX_NAME = 80


@dataclass(frozen=True)
class Link:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class SiteSettings:
    name: str = DEFAULT_NAME
    description: str = ""
    organisation: Link | None = None
    licence: Link | None = None


class SettingsError(InputError):
    """``reports/site.yml`` has errors: each is shown as a problem line, as ``kb check`` shows them."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, path=first.path, line=first.line, hint=first.hint, code=first.code)
        self.problems = problems

    def render(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)


def settings_path(reports_dir: Path) -> Path:
    return reports_dir / SETTINGS_FILE


def read_settings(reports_dir: Path, shown: str, inside: tuple[Path, ...]) -> SiteSettings:
    """The settings of ``reports_dir/site.yml`` (``shown`` is its name in messages), or the
    defaults when there is no such file; :class:`SettingsError` with every problem otherwise."""
    path = settings_path(reports_dir)
    if not path.exists() and not path.is_symlink():
        return SiteSettings()
    problems: list[Problem] = []
    try:
        located = load(read_text(path, shown, inside=inside))
    except InputError as exc:
        column = getattr(exc, "column", 1)
        raise SettingsError(
            [Problem(shown, exc.line or 1, column, "error", exc.code, exc.message, exc.hint)]
        ) from None
    for problem in located.problems:
        problems.append(
            Problem(
                shown, problem.line or 1, problem.column, "error", problem.code, problem.message, problem.hint
            )
        )
    reader = Reader(located, shown, problems)
    settings = _settings(reader) if reader.mapping(()) is not None else SiteSettings()
    if problems:
        raise SettingsError(sorted(problems))
    return settings


def _settings(reader: Reader) -> SiteSettings:
    reader.known_fields((), FIELDS, "the site settings")
    name = reader.string(("name",), example='name: "Country updates"')
    if name is not None and len(name) > MAX_NAME:
        reader.report(
            ("name",),
            "too-long",
            f"name is {len(name)} characters long; at most {MAX_NAME} fit the header",
            "put the rest in 'description'",
        )
    written = reader.get(("name",))
    if reader.has(("name",)) and (written is None or (isinstance(written, str) and not written.strip())):
        reader.report(("name",), "empty-field", "empty field 'name' in the site settings", "name the site")
    description = reader.string(("description",), example="description: Country updates from ...")
    return SiteSettings(
        name=name or DEFAULT_NAME,
        description=description or "",
        organisation=_link(reader, "organisation"),
        licence=_link(reader, "licence"),
    )


def _link(reader: Reader, key: str) -> Link | None:
    """A name with an optional address, written ``{name: ..., url: ...}`` or as the name alone."""
    value = reader.get((key,))
    if value is None:
        return None
    if isinstance(value, str):
        name = reader.string((key,))
        return Link(name) if name else None
    if not isinstance(value, dict):
        reader.wrong_type(
            (key,), "a name, or a mapping of name and url", f"{key}: {{name: ..., url: https://...}}"
        )
        return None
    reader.known_fields((key,), LINK_FIELDS, f"'{key}'")
    reader.required((key,), ("name",), f"'{key}'", {"name": f"give the {key}'s name"})
    name = reader.string((key, "name"))
    url = reader.url((key, "url"))
    return Link(name, url) if name else None
