"""Rendered report bodies kept between the rebuilds of ``kb serve``.

Rendering a body (Markdown, entity links, sanitising) is the largest part of generating the
pages, and converting the short Markdown of the listing pages the next; while previewing, one
report changes at a time. Listing pages are kept under :func:`page_key`. ``kb serve`` keeps every rendered body
in ``.kb/site-bodies.json`` (``-internal`` for the staff build), under a hash of the body,
valid while the registry files (which decide the entity links), the site's address and this
file's :data:`VERSION` stay the same; anything else starts it afresh. ``kb build`` never uses
it: a build renders every body.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

#: Change when rendering changes, so that bodies rendered by an older kb are not reused.
VERSION = "1"


def cache_file(state_dir: Path, internal: bool) -> Path:
    return state_dir / f"site-bodies{'-internal' if internal else ''}.json"


def fingerprint(registry_dir: Path, site_url: str) -> str:
    digest = hashlib.sha256(f"{VERSION}\n{site_url}\n".encode())
    for path in sorted(registry_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(registry_dir).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(path: Path, key: str) -> dict[str, str]:
    """The cached bodies, or none when the file is missing, unreadable or made for another key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("bodies"), dict):
        return {}
    return {k: v for k, v in data["bodies"].items() if isinstance(k, str) and isinstance(v, str)}


def save(path: Path, key: str, bodies: dict[str, str], wanted: set[str]) -> None:
    """Keep the bodies of the current reports only (``wanted``: their hashes), atomically."""
    from kb.util.atomic import write_text

    kept = {k: v for k, v in bodies.items() if k in wanted}
    write_text(path, json.dumps({"key": key, "bodies": kept}, ensure_ascii=False), overwrite=True)


def body_key(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def page_key(path: str, text: str) -> str:
    """The key of a generated page's rendered HTML (see :mod:`kb.site.prerender`): a listing page
    an edit did not change is not converted again."""
    return "page:" + hashlib.sha256(f"{path}\0{text}".encode()).hexdigest()
