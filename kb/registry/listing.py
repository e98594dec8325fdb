"""``kb entities``: the registry as a list, in each output format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.registry.loading import project_registry
from kb.registry.model import Entity

if TYPE_CHECKING:
    from kb.project import Project
    from kb.util.tables import Terminal

#: Every field of :meth:`Entity.as_row`: the CSV columns.
ENTITY_COLUMNS = (
    "id",
    "name",
    "acronyms",
    "aliases",
    "kind",
    "country",
    "parent",
    "valid",
    "valid_from",
    "valid_to",
    "superseded_by",
    "renamed_from",
    "website",
    "description",
)
#: The columns of the terminal table.
ENTITY_TABLE = ("id", "name", "acronyms", "kind", "country", "valid")


@dataclass
class EntityListing:
    """What ``kb entities`` prints, in each of its formats."""

    entities: list[Entity]

    def rows(self) -> list[dict[str, Any]]:
        return [e.as_row() for e in self.entities]

    columns = ENTITY_COLUMNS

    def as_json(self) -> list[dict[str, Any]]:
        return self.rows()

    def render_text(self, terminal: Terminal | None = None) -> str:
        from kb.util.tables import render_table

        return render_table(self.rows(), list(ENTITY_TABLE), terminal)


def list_entities(project: Project, kind: str | None = None) -> EntityListing:
    """Every entity of the registry (of one kind if given), by kind then name. Faulty entries are
    left out; ``kb check`` shows their problems."""
    registry, _problems = project_registry(project)
    return EntityListing(registry.of_kind(*([kind] if kind else [])))
