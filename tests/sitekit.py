"""A small knowledge base for the site, open data and leak tests, and helpers to read built output.

Internal content carries marker strings (``zqxleak`` plus a field name) in every
internal field and section; the public output must contain none of them, the
internal output all of them. One public report has a hostile title and body. Review
points sit in the internal report: a public report with open review points is not
published at all (tests/test_review_publication.py).
"""

from __future__ import annotations

import gzip
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import yaml
from conftest import REGISTRY, REPO, write

from kb.project import SITE_PAGES

MARKER = "zqxleak"
GZIP_MAGIC = b"\x1f\x8b"

EXTRA_REGISTRY = """\
entities:
  - {id: meti, name: Ministry of Economy Trade and Industry, kind: ministry, acronyms: [METI], country: JP}
  - {id: robotics, name: Robotics, kind: sector, description: Robots and automation.}
  - {id: expo-2025, name: Expo 2025 Osaka, kind: event, country: JP}
  - id: evil-corp
    name: "<b onmouseover=alert(2)>Evil Corp</b>"
    kind: organisation
    country: GB
    description: "A <script>alert(3)</script> description [link](javascript:alert(4))."
"""

REPORTS = {
    "kr/2014-07-03-korea-open-data.md": """\
---
title: "Korea: open data"
date: 2014-07-03
countries: [KR]
type: country-update
visibility: public
summary: Open data and health big data in Seoul.
visit: {start: 2014-06-23, end: 2014-06-25, places: [Seoul]}
authors:
  - {name: Science Team}
  - {name: zqxleak-author-name, role: zqxleak-author-role, internal: true}
visitors:
  - {name: zqxleak-visitor-name, internal: true}
ministries: [msip, nia]
sectors: [health-data]
opportunities:
  - {id: kr-health, title: Health big data, sectors: [health-data], partners: [msip], status: identified}
  - id: zqxleak-opp-id
    title: zqxleak-opp-title
    status: discussed
    next_step: zqxleak-opp-next
    description: zqxleak-opp-description
    internal: true
targets:
  - {id: kr-open-sets, what: Open data sets, value: 60, unit: "%", deadline: 2016, owner: msip, status: announced}
  - {id: zqxleak-target-id, what: zqxleak-target-what, unit: zqxleak-target-unit, internal: true}
source: {url: "https://www.gov.uk/example", publisher: UK Trade & Investment, licence: OGL-UK-3.0}
internal_notes: zqxleak-internal-notes
disclaimer: standard
---

## Detail

Officials of MSIP and the National Information Society Agency explained their plans. MSIP again.

<!-- internal -->
zqxleak-internal-section: staff only.
<!-- /internal -->

The end.
""",
    "kr/2018-05-01-korea-health-data.md": """\
---
title: "Korea: health data agreed"
date: 2018-05-01
countries: [KR]
type: visit-report
visibility: public
supersedes: 2014-07-03-korea-open-data
ministries: [msit]
sectors: [health-data, energy]
opportunities:
  - {id: kr-health, title: Health big data, sectors: [health-data], partners: [msit], status: agreed,
     next_step: Sign the MoU}
targets:
  - {id: kr-health-pilots, what: Health data pilots, value: 3, deadline: 2099, owner: msit, status: on-track}
  - {id: kr-open-sets, what: Open data sets, value: 60, unit: "%", deadline: 2016, owner: msip, status: met}
---

MSIT and the Open Data Institute met.
""",
    "jp/2019-03-01-japan-robots.md": """\
---
title: "Japan: robots <and> *stars*"
date: 2019-03-01
countries: [JP]
type: trade-mission
visibility: public
ministries: [meti]
organisations: [open-data-institute, evil-corp]
sectors: [robotics, energy]
events: [expo-2025]
targets:
  - {id: jp-robots, what: Robots in care homes, value: 1000}
  - {id: jp-old, what: Factory robots, deadline: 2018-06, owner: meti, status: announced}
---

METI set out its robot strategy ahead of Expo 2025 Osaka.
""",
    "jp/2019-04-01-hostile.md": """\
---
title: "<img src=x onerror=alert(1)>"
date: 2019-04-01
countries: [JP]
type: briefing
visibility: public
summary: "<script>alert('summary')</script> and \\"quotes\\""
sectors: [robotics]
---

Hello <script>alert('body')</script> and <img src=x onerror="alert('img')">.

[click](javascript:alert('link')) and ![pixel](data:image/png;base64,AAAA) and
<a href="javascript:alert('raw')">raw</a> <a href="https://example.org/" onclick="alert('click')">fine</a>
<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>
""",
    "kr/2020-01-01-zqxleak-internal-report.md": """\
---
title: zqxleak-internal-title
date: 2020-01-01
countries: [KR, FR]
type: meeting-note
visibility: internal
classification: OFFICIAL-SENSITIVE
summary: zqxleak-internal-summary
visit: {places: [zqxleak-internal-place]}
authors: [{name: zqxleak-internal-author}]
ministries: [msit, nia]
sectors: [energy]
opportunities:
  - {id: kr-health, title: zqxleak-update-title, status: closed, next_step: zqxleak-update-next}
  - {id: zqxleak-internal-opp, title: zqxleak-internal-opp-title, status: identified}
targets:
  - {id: kr-health-pilots, what: zqxleak-internal-target-update, status: missed}
source: {url: "https://intranet.example/zqxleak-source", publisher: zqxleak-publisher}
internal_notes: zqxleak-internal-report-notes
review: [zqxleak-review-point]
supersedes: 2018-05-01-korea-health-data
---

zqxleak-internal-body with MSIT.
""",
}

#: Every marker the internal build must show and the public build must not.
MARKERS = sorted(set(re.findall(r"zqxleak[a-z-]*", "\n".join(REPORTS.values()))))
PUBLIC_IDS = [
    "2014-07-03-korea-open-data",
    "2018-05-01-korea-health-data",
    "2019-03-01-japan-robots",
    "2019-04-01-hostile",
]
INTERNAL_ID = "2020-01-01-zqxleak-internal-report"


def make_tree(root: Path) -> Path:
    """A project at ``root``: registry, reports, and the site's config, hand-written docs and theme."""
    write(root / "reports" / "registry" / "entities.yml", REGISTRY)
    write(root / "reports" / "registry" / "extra.yml", EXTRA_REGISTRY)
    for relative, text in REPORTS.items():
        write(root / "reports" / relative, text)
    return copy_site_files(root)


def copy_site_files(root: Path) -> Path:
    """The site's config, hand-written public pages and theme overrides, copied into a project at
    ``root`` (not the generated pages)."""
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for path in (REPO / SITE_PAGES).rglob("*"):
        relative = path.relative_to(REPO / SITE_PAGES)
        if path.is_file() and relative.parts[0] != "kb" and relative.as_posix() != "index.md":
            (root / SITE_PAGES / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / SITE_PAGES / relative)
    shutil.copytree(REPO / "overrides", root / "overrides")
    return root


def front_matter(relative: str) -> dict:
    """A report's front matter read with plain PyYAML: independent of kb's own reader."""
    text = REPORTS[relative]
    return yaml.safe_load(text.split("---\n")[1])


def tagged_ids(meta: dict) -> set[str]:
    """Every registry id a report's front matter names (tags, opportunity sectors and partners,
    target owners), computed without kb."""
    found = set()
    for name in ("ministries", "organisations", "sectors", "projects", "events", "people"):
        found.update(meta.get(name) or [])
    for opportunity in meta.get("opportunities") or []:
        found.update(opportunity.get("sectors") or [])
        found.update(opportunity.get("partners") or [])
    for target in meta.get("targets") or []:
        if target.get("owner"):
            found.add(target["owner"])
    return found


def public_reports() -> dict[str, dict]:
    """Report id -> front matter, public reports only, public items only."""
    out = {}
    for relative in REPORTS:
        meta = front_matter(relative)
        if meta["visibility"] != "public":
            continue
        for key in ("opportunities", "targets"):
            meta[key] = [i for i in meta.get(key) or [] if not i.get("internal")]
        out[Path(relative).stem] = meta
    return out


def every_file_text(folder: Path) -> dict[str, str]:
    """Path -> text of every file under ``folder`` (gzip files decompressed, whatever their name,
    such as Pagefind's index files; binary decoded loosely), including the file's own path so
    names leak too."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == GZIP_MAGIC:
            data = gzip.decompress(data)
        out[path.relative_to(folder).as_posix()] = data.decode("utf-8", errors="replace")
    return out


class Page(HTMLParser):
    """Links, elements and text of one HTML page."""

    def __init__(self, html: str, url: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.url = url.strip("/") + "/" if url.strip("/") else ""
        self.links: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self.headings: list[tuple[str, str]] = []  # (id, text)
        self._in_heading: str | None = None
        self._sections: list[tuple[str, list[str]]] = []  # heading id -> links after it
        self._title: list[str] = []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
            if self._sections:
                self._sections[-1][1].append(self.resolve(attributes["href"]))
        if tag in ("h1", "h2", "h3"):
            self._in_heading = attributes.get("id", "")
            self._sections.append((self._in_heading, []))
            self.headings.append((self._in_heading, ""))
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self._in_heading = None
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._in_heading is not None and self.headings:
            heading_id, text = self.headings[-1]
            self.headings[-1] = (heading_id, text + data)
        if self._in_title:
            self._title.append(data)

    def resolve(self, href: str) -> str:
        """A link as a path from the site root (``kb/reports/x/``); external links unchanged."""
        if re.match(r"^[a-z]+:", href) or href.startswith("#"):
            return href
        if href.startswith("/"):
            return href.lstrip("/")
        joined = posixpath.normpath(posixpath.join(self.url, href))
        return joined + "/" if href.endswith("/") else joined

    @property
    def targets(self) -> list[str]:
        return [self.resolve(link) for link in self.links]

    @property
    def title(self) -> str:
        return "".join(self._title).strip()

    @property
    def text(self) -> str:
        return " ".join(self.text_parts)

    def section_links(self, heading_prefix: str) -> list[str]:
        """Links (resolved) between the heading whose id starts with ``heading_prefix`` and the next one."""
        for heading_id, links in self._sections:
            if heading_id.startswith(heading_prefix):
                return links
        return []


def ids_in(links: list[str], folder: str) -> set[str]:
    """Ids of pages under ``folder`` (e.g. 'kb/reports') that resolved links point to."""
    return {m.group(1) for link in links if (m := re.match(rf"^{folder}/([a-z0-9-]+)/$", link))}


def page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"), url)


def crawl(site: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """Follow every local link from the home page: (pages never reached, broken links)."""
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    seen: set[str] = set()
    todo, broken = ["index.html"], []
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parsed = Page((site / current).read_text(encoding="utf-8"), posixpath.dirname(current))
        for link in parsed.links:
            url = urlparse(link)
            if url.scheme or url.netloc or not url.path:
                continue
            target = parsed.resolve(url.path)
            if target.endswith("/") or target in ("", "."):
                target = (target.rstrip("/") + "/index.html").lstrip("/").removeprefix("./")
            if not (site / target).is_file():
                broken.append((current, link))
            elif target.endswith(".html"):
                todo.append(target)
    return pages - seen, broken
