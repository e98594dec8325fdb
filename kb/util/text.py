"""Small text helpers shared by the scaffold, the importer and the site."""

from __future__ import annotations

import re
import unicodedata

#: Ids and slugs: lower-case ASCII words joined by single hyphens. Keeps URLs,
#: file names and index keys safe (no ``../``, no look-alike Unicode).


def slugify(text: str, max_length: int = 60) -> str:
    """A safe id from free text: ``Seoul: open data!`` -> ``seoul-open-data``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "report"
