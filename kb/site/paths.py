"""Where every generated page and file lives in the docs tree, and links between them.

Pages are Markdown files relative to the docs folder (``kb/reports/<id>.md``);
Markdown links between them use those paths, which the builder checks and
rewrites. Links inside raw HTML (report bodies) get their final, root-relative
URL instead, computed here for directory URLs (``/kb/reports/<id>/``, the
default of both MkDocs and Zensical, set explicitly in mkdocs.yml).
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

GENERATED = "kb"
HOME = "index.md"
REPORTS_INDEX = "kb/reports/index.md"
YEARS_INDEX = "kb/years/index.md"
COUNTRIES_INDEX = "kb/countries/index.md"
SECTORS_INDEX = "kb/sectors/index.md"
ENTITIES_INDEX = "kb/entities/index.md"
OPPORTUNITIES = "kb/opportunities.md"
TARGETS = "kb/targets.md"
FIND = "kb/find.md"
ABOUT = "kb/about.md"
#: The hand-written accessibility statement (site_pages/accessibility.md).
ACCESSIBILITY = "accessibility.md"
#: The guide to writing and publishing a report: developer documentation, in the repository.
WRITING_GUIDE = "docs/writing-a-report.md"
API = "kb/api"
FEEDS = "kb/feeds"
ALL_FEED = "kb/feeds/all.xml"
#: The theme fetches ``sitemap.xml`` beside every ``rel=alternate`` link of a page (for its
#: language switcher): beside the feeds too. An empty one answers it (see kb.site.feeds).
FEEDS_SITEMAP = "kb/feeds/sitemap.xml"
#: Words of the public reports, one file per first letter, for "did you mean" (kb.site.spelling).
SPELLING = "kb/spelling"
#: What find.js turns a query into index words with (kb.site.words), fetched at the first search.
FIND_WORDS = "kb/find-words.json"


def report(report_id: str) -> str:
    return f"kb/reports/{report_id}.md"


def opportunity(opportunity_id: str) -> str:
    return f"kb/opportunities/{opportunity_id}.md"


def target(target_id: str) -> str:
    return f"kb/targets/{target_id}.md"


def entity(kind: str, entity_id: str) -> str:
    return f"kb/entities/{kind}/{entity_id}.md"


def country(code: str) -> str:
    return f"kb/countries/{code.lower()}.md"


def year(number: int) -> str:
    return f"kb/years/{number}.md"


def sector_feed(sector_id: str) -> str:
    return f"kb/feeds/sector-{sector_id}.xml"


def opportunity_feed(opportunity_id: str) -> str:
    return f"kb/feeds/opportunity-{opportunity_id}.xml"


def country_feed(code: str) -> str:
    return f"kb/feeds/country-{code.lower()}.xml"


def link(source: str, target: str, anchor: str = "") -> str:
    """A relative Markdown link from page ``source`` to file ``target`` (both docs paths)."""
    return quote(_relative(target, posixpath.dirname(source))) + (f"#{anchor}" if anchor else "")


def _relative(target: str, folder: str) -> str:
    """``target`` relative to ``folder``, both relative to the same root (pure string work:
    no file system, unlike posixpath.relpath, which asks for the working directory)."""
    to_parts = [p for p in target.split("/") if p]
    from_parts = [p for p in folder.split("/") if p]
    common = 0
    while common < min(len(to_parts), len(from_parts)) and to_parts[common] == from_parts[common]:
        common += 1
    parts = [".."] * (len(from_parts) - common) + to_parts[common:]
    return "/".join(parts) or "."


def url(page: str) -> str:
    """The site URL of a docs file, relative to the site root (directory URLs)."""
    if not page.endswith(".md"):
        return page
    stem = page[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def rooted(base_path: str, page: str) -> str:
    """A root-relative URL (``/kb/entities/agency/nia/``) for raw HTML.

    Builders disagree on relative links inside raw HTML (MkDocs leaves them as
    written, Zensical resolves them against the source file), but both leave a
    root-relative link alone. ``base_path`` is the path of ``site_url``.
    """
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    return base + quote(url(page))


def absolute(site_url: str, page: str) -> str:
    return site_url.rstrip("/") + "/" + quote(url(page))


def external(address: str) -> str:
    """An http(s) address (checked when the report or registry was read) made safe inside a
    Markdown link: spaces, parentheses, quotes and angle brackets percent-encoded."""
    return quote(address, safe=":/?#&=%+@~,;!$*")
