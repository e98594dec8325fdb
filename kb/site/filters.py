"""The filters of the Opportunities board and the targets tracker, without a server: a form of
sector, country and partner selects (:func:`filter_form`), hidden until
``javascripts/board.js`` shows it, over entries carrying their ids in ``data-`` attributes
(:func:`entry_data`). Pages using it set the front matter :data:`BOARD_PAGE` so that
``overrides/main.html`` loads the script; without the script every entry shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.site.context import Site, country_label
from kb.site.html import attribute

#: Front matter key of the board: overrides/main.html loads javascripts/board.js for it.
BOARD_PAGE = "kb_board"
#: The filters: (data attribute, label, what "any" says).
FILTERS = (
    ("sectors", "Sector", "Any sector"),
    ("countries", "Country", "Any country"),
    ("partners", "Partner", "Any partner"),
)


def filter_form(site: Site, values: dict[str, set[str]], noun: str) -> str:
    """The filter form over entries marked ``kb-board-entry`` with ``data-sectors``,
    ``data-countries`` and ``data-partners`` (:func:`entry_data`), one select per filter with
    ``values`` as choices; hidden until board.js shows it (progressive enhancement)."""
    fields = []
    for name, label, anything in FILTERS:
        ordered = sorted(values.get(name, ()), key=lambda v: (_label(site, name, v).casefold(), v))
        options = "".join(
            f'<option value="{attribute(v)}">{attribute(_label(site, name, v))}</option>' for v in ordered
        )
        fields.append(
            f'<label class="kb-board-filter">{label} '
            f'<select data-filter="{name}"><option value="">{anything}</option>{options}</select></label>'
        )
    return (
        f'<form class="kb-board-filters" hidden aria-label="Filter the {attribute(noun)}" '
        f'data-noun="{attribute(noun)}" data-search-exclude>\n'
        + "\n".join(fields)
        + '\n<p class="kb-board-count" aria-live="polite"></p>\n</form>'
    )


def entry_data(site: Site, sectors: Iterable[str], countries: Iterable[str], partners: Iterable[str]) -> str:
    """The ``data-`` attributes an entry is filtered by; a partner under all its names over time."""
    lineage = dict.fromkeys(i for p in partners for i in (site.registry.lineage(p) or [p]))
    return " ".join(
        f'data-{name}="{attribute(" ".join(dict.fromkeys(ids)))}"'
        for name, ids in (("sectors", sectors), ("countries", countries), ("partners", lineage))
    )


def _label(site: Site, name: str, value: str) -> str:
    if name == "countries":
        return country_label(value)
    entity = site.registry.get(value)
    return entity.label if entity else value
