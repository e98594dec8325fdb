"""Each facet value's documents as bitmasks, and the documents' order by date, saved beside a live
index generation.

Reading every facet value's postings is the largest part of a one-off search with
many matches; a generation never changes once it is live, so the first search that
builds the masks (:meth:`kb.search.matching.OpenIndex.facet_masks`) saves them in
:data:`kb.search.store.FACET_CACHE`, under a key naming the generation and its
documents. The file is never copied into the next generation. A missing, damaged
or foreign file is ignored (and written again). The order by date (newest first, then by id),
which a search without words or sorted by date needs, is kept the same way in
:data:`kb.search.store.ORDER_CACHE`: reading the date and id of every document costs a one-off
browse most of its time.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from kb.errors import KbError
from kb.search.store import FACET_CACHE, ORDER_CACHE
from kb.util.atomic import write_text

Masks = dict[str, dict[str, int]]


def load_masks(generation: Path, key: list, facets: tuple[str, ...]) -> Masks | None:
    """The saved masks of ``generation`` if they were saved under ``key``, else None."""
    try:
        saved = json.loads((generation / FACET_CACHE).read_text(encoding="utf-8"))
        if saved["key"] != key or sorted(saved["masks"]) != sorted(facets):
            return None
        return {
            name: {value: int(mask, 16) for value, mask in values.items()}
            for name, values in saved["masks"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_masks(generation: Path, key: list, masks: Masks) -> None:
    """Save ``masks`` for the next process; quietly not, where the index cannot be written."""
    text = json.dumps(
        {
            "key": key,
            "masks": {
                name: {value: format(mask, "x") for value, mask in values.items()}
                for name, values in masks.items()
            },
        }
    )
    with contextlib.suppress(OSError, KbError):  # a read-only index, say: the next search builds them again
        write_text(generation / FACET_CACHE, text, overwrite=True)


def load_order(generation: Path, key: list, size: int) -> list[int] | None:
    """The saved order of the ``size`` documents of ``generation`` if it was saved under ``key`` and
    is an order of exactly those documents, else None."""
    try:
        saved = json.loads((generation / ORDER_CACHE).read_text(encoding="utf-8"))
        order = saved["order"]
        if saved["key"] != key or not isinstance(order, list) or sorted(order) != list(range(size)):
            return None
        return order
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_order(generation: Path, key: list, order: list[int]) -> None:
    """Save ``order`` for the next process; quietly not, where the index cannot be written."""
    text = json.dumps({"key": key, "order": order}, separators=(",", ":"))
    with contextlib.suppress(OSError, KbError):
        write_text(generation / ORDER_CACHE, text, overwrite=True)
