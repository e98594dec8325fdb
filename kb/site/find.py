"""Faceted search of the reports: the "Find reports" page, and what report pages tell Pagefind.

``kb build`` runs Pagefind on the built site (see :mod:`kb.site.build`). Only report pages
are indexed: each wraps its own content (title, facts, summary, tags, body, opportunities,
targets) in ``data-pagefind-body``; related reports and the disclaimer stay outside. A hidden
block on each report page gives Pagefind

- the filter values, as ids (``sector:health-data``, ``country:KR``, ``year:2014``): ids keep
  shared links stable when a name changes; the Find page holds their labels;
- the sort key (date, then id) and metadata shown with each result (title, date, countries,
  type, summary);
- every name of every entity the report tags, over its whole rename lineage
  (``Registry.all_names``), so a search for an acronym or a former name finds the report as
  ``kb search`` does (``MSIP`` finds a report tagged with its successor ``msit``);
- a word every report holds (:data:`EVERY_REPORT`), searched for when no words are typed;
- the index words of what ``kb search`` matches in the report (:mod:`kb.site.words`), which
  find.js asks for, so that words match by ``kb search``'s rule and not Pagefind's.

The Find page is written showing the newest reports and every filter value with its count,
as find.js would show them with nothing typed or ticked, so it opens without downloading any
of the index. ``docs/javascripts/find.js`` then runs each search in the browser with the
Pagefind JS API: OR within a filter, AND across filters, counts updated after every change,
the whole state in the address.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter

from kb.registry.model import Registry
from kb.report.dates import human_date
from kb.report.model import Report
from kb.site import paths
from kb.site.context import Site, country_label, front_matter, type_label
from kb.site.html import attribute
from kb.site.page import REPORTS_TAB, breadcrumbs

#: Filter key (in the index and the address) -> legend, in the order the page shows them.
FILTERS: tuple[tuple[str, str], ...] = (
    ("sector", "Sector"),
    ("country", "Country"),
    ("ministry", "Ministry or agency"),
    ("organisation", "Organisation"),
    ("project", "Project or programme"),
    ("type", "Type of report"),
    ("year", "Year"),
)
#: Entity filters: key -> the report's tag list (as in ``kb search --sector`` etc.).
TAG_LISTS = {
    "sector": "sectors",
    "ministry": "ministries",
    "organisation": "organisations",
    "project": "projects",
}
#: Results shown at first and added by "Show more reports" (each costs one small download).
PAGE_SIZE = 10
#: A word every report page holds (in an attribute, so only Pagefind reads it). Browsing with
#: no words searches for it: Pagefind answers a search without words by downloading every
#: chunk of its word index (10 MB at 5,000 reports), a search for one word by downloading one.
EVERY_REPORT = "kbeveryreport"
#: Words of the body shown for a report without a summary.
INTRO_WORDS = 30
_TAG = re.compile(r"<[^>]+>")
#: Weight of the hidden entity names against ordinary text (1.0): a match counts, the body first.
NAMES_WEIGHT = "0.5"


def filter_values(report: Report, registry: Registry) -> dict[str, tuple[str, ...]]:
    """Filter key -> the report's values: tagged ids with every name of their renames (as
    ``kb search --ministry msit`` matches a report tagged ``msip``; never a split's or merger's
    other bodies), country codes, type, year."""
    values = {
        key: tuple(
            dict.fromkeys(
                other
                for entity_id in report.tags.get(tag_list, ())
                for other in registry.lineage(entity_id) or [entity_id]
            )
        )
        for key, tag_list in TAG_LISTS.items()
    }
    values["country"] = tuple(report.countries)
    values["type"] = (report.type,)
    values["year"] = (str(report.year),)
    return {key: values[key] for key, _legend in FILTERS}


def value_label(site: Site, key: str, value: str) -> str:
    if key in TAG_LISTS:
        entity = site.registry.get(value)
        return entity.label if entity else value
    if key == "country":
        return country_label(value)
    if key == "type":
        return type_label(value)
    return value


def entity_names(site: Site, report: Report) -> list[str]:
    """Every name, acronym and alias of each entity the report names, and of their renames."""
    names: list[str] = []
    for entity_id in report.entity_ids():
        for name in site.registry.all_names(entity_id) or [entity_id]:
            if name not in names:
                names.append(name)
    return names


def sort_key(report: Report) -> str:
    """Newest first is this, descending: the date, then the id, so that reports of the same day
    come in the same order from Pagefind and on the page as written here."""
    return f"{report.date.isoformat()} {report.id}"


def intro(report: Report, body_html: str) -> str:
    """What a result shows when no words were typed: the summary, or the start of the body."""
    if report.summary:
        return report.summary
    words = html.unescape(_TAG.sub(" ", body_html)).split()
    return " ".join(words[:INTRO_WORDS]) + (" …" if len(words) > INTRO_WORDS else "")


def search_data(site: Site, report: Report, body_html: str) -> str:
    """The hidden block of a report page that feeds the Pagefind index (inside its body)."""
    spans = [
        f'<span data-pagefind-filter="{key}:{attribute(value)}"></span>'
        for key, values in filter_values(report, site.registry).items()
        for value in values
    ]
    meta = {
        "title": report.title,
        "date": report.date.isoformat(),
        "countries": ", ".join(country_label(c) for c in report.countries),
        "type": type_label(report.type),
        "summary": intro(report, body_html),
    }
    captures = ", ".join(f"{name}[data-kb-{name}]" for name, value in meta.items() if value)
    values = " ".join(f'data-kb-{name}="{attribute(value)}"' for name, value in meta.items() if value)
    spans.append(f'<span data-pagefind-meta="{captures}" {values}></span>')
    spans.append(
        f'<span data-pagefind-sort="date[data-kb-sort]" data-kb-sort="{attribute(sort_key(report))}" '
        f'data-pagefind-index-attrs="data-kb-every" data-kb-every="{EVERY_REPORT}"></span>'
    )
    # What kb search matches in the report, as index words (kb.site.words; find.js asks for them).
    spans.append(
        '<span data-pagefind-index-attrs="data-kb-words" data-kb-words="'
        + attribute(site.find_words.index_words(report, site.registry))
        + '"></span>'
    )
    names = entity_names(site, report)
    if names:
        spans.append(
            f'<p data-pagefind-weight="{NAMES_WEIGHT}">Names: '
            + "; ".join(attribute(n) for n in names)
            + "</p>"
        )
    facts = fact_words(report)
    if facts:
        spans.append(
            f'<p data-pagefind-weight="{NAMES_WEIGHT}">' + "; ".join(attribute(f) for f in facts) + "</p>"
        )
    return '<div class="kb-search-data" hidden>\n' + "\n".join(spans) + "\n</div>\n"


def fact_words(report: Report) -> list[str]:
    """The words of a report's facts (countries, type, people, places), which its page shows
    outside the text Pagefind reads (so that no snippet is made of them): searchable all the same."""
    words = [country_label(c) for c in report.countries] + [type_label(report.type)]
    for person in (*report.authors, *report.visitors):
        words += [person.name, person.role or ""]
    if report.visit:
        words += list(report.visit.places)
    return [w for w in words if w]


def find_page(site: Site) -> str:
    """The "Find reports" page, showing what it shows before anything is typed or ticked (the newest
    reports, every filter value with its count), so it opens complete without downloading any of
    the search index; find.js loads Pagefind when the reader first uses the form."""
    if not site.reports:
        return _empty_find_page(site)
    if site.offline:
        return _offline_find_page(site)
    counts: dict[str, Counter] = {key: Counter() for key, _legend in FILTERS}
    for report in site.reports:
        for key, values in filter_values(report, site.registry).items():
            counts[key].update(values)
    total = len(site.reports)
    groups = [_group(site, key, legend, counts[key]) for key, legend in FILTERS if counts[key]]
    former = former_bodies(site, {v for key in TAG_LISTS for v in counts[key]})
    newest = sorted(site.reports, key=sort_key, reverse=True)[:PAGE_SIZE]
    results = [_result(site, report) for report in newest]
    out = [
        front_matter(
            "Find reports",
            description="Search the reports, and filter them by sector, country, "
            "ministry, organisation, project, type and year.",
            hide=("navigation", "toc"),
            extra=("kb_find: true", "search:", "  exclude: true"),
            tab=REPORTS_TAB,
        ),
        breadcrumbs(site, REPORTS_TAB, ("Find reports", None)),
        "# Find reports\n",
        f"Search {_reports(total)} by words and names, and narrow them with the filters: reports must match "
        "one of the ticked values of each filter. A search for a ministry's acronym or a former name also "
        "finds the reports that use its full or current name.\n",
        _form(groups, results, total, former) + "\n",
        # Raw HTML: root-relative links, which MkDocs and Zensical both leave alone (see paths.rooted).
        f"<noscript><p>Searching needs JavaScript. Browse the reports "
        f'<a href="{paths.rooted(site.base_path, paths.YEARS_INDEX)}">year by year</a>, '
        f'<a href="{paths.rooted(site.base_path, paths.COUNTRIES_INDEX)}">by country</a> or '
        f'<a href="{paths.rooted(site.base_path, paths.SECTORS_INDEX)}">by sector</a> instead.</p></noscript>\n',
    ]
    return "\n".join(out)


def _empty_find_page(site: Site) -> str:
    """The Find page of a site without reports: nothing to search, so neither the form nor its
    script, and no search index (``kb build`` skips Pagefind: it refuses to index no pages)."""
    from kb.site.browse_pages import no_reports_yet

    return "\n".join(
        [
            front_matter(
                "Find reports",
                description="Search the reports.",
                hide=("navigation", "toc"),
                extra=("search:", "  exclude: true"),
                tab=REPORTS_TAB,
            ),
            breadcrumbs(site, REPORTS_TAB, ("Find reports", None)),
            "# Find reports\n",
            no_reports_yet(site, paths.FIND),
        ]
    )


def _offline_find_page(site: Site) -> str:
    """The Find page of the copy read from disk: Pagefind needs a server, so the search there is
    the theme's own, in the header, over every page and report."""
    return "\n".join(
        [
            front_matter("Find reports", description="Search the reports.", tab=REPORTS_TAB),
            breadcrumbs(site, REPORTS_TAB, ("Find reports", None)),
            "# Find reports\n",
            f"This copy of the site is for reading without a connection. Search its {_reports(len(site.reports))} "
            "with the search box at the top of every page: it searches every report and page of this copy. "
            "The reports are also listed "
            f'<a href="{paths.rooted(site.base_path, paths.YEARS_INDEX)}">year by year</a> and '
            f'<a href="{paths.rooted(site.base_path, paths.COUNTRIES_INDEX)}">by country</a>.\n',
        ]
    )


def _reports(count: int) -> str:
    return f"{count:,} report{'' if count == 1 else 's'}"


def _result(site: Site, report: Report) -> str:
    """One result as find.js writes it for a search without words."""
    href = paths.rooted(site.base_path, paths.report(report.id))
    facts = [f'<time datetime="{report.date.isoformat()}">{human_date(report.date)}</time>']
    countries = ", ".join(country_label(c) for c in report.countries)
    facts += [attribute(part) for part in (countries, type_label(report.type)) if part]
    snippet = intro(report, site.renderer.render(report.body) if not report.summary else "")
    return (
        f'<li class="kb-find__result"><h3><a href="{href}">{attribute(report.title)}</a></h3>'
        f'<p class="kb-find__facts">{" · ".join(facts)}</p>'
        f'<p class="kb-find__snippet">{attribute(snippet)}</p></li>'
    )


def _group(site: Site, key: str, legend: str, counts: Counter) -> str:
    if key == "year":
        values = sorted(counts, reverse=True)
    else:
        values = sorted(counts, key=lambda v: (value_label(site, key, v).casefold(), v))
    options = []
    for number, value in enumerate(values):
        control = f"kb-find-{key}-{number}"
        options.append(
            f'<div class="kb-find__option" data-kb-value="{attribute(value)}">'
            f'<input type="checkbox" id="{control}" name="{key}" value="{attribute(value)}">'
            f'<label for="{control}">{attribute(value_label(site, key, value))} '
            f'<span class="kb-find__count">({counts[value]:,})</span></label></div>'
        )
    return (
        f'<fieldset class="kb-find__group" data-kb-filter="{key}">\n<legend>{attribute(legend)}</legend>\n'
        f'<div class="kb-find__options">\n' + "\n".join(options) + "\n</div>\n</fieldset>"
    )


def former_bodies(site: Site, ids: set[str]) -> dict[str, list[str]]:
    """Filter value -> the bodies it was split or merged from (:meth:`Registry.former_bodies`),
    for those of ``ids`` that have some: what "Also include former bodies" adds to a ticked value,
    as ``kb search --with-predecessors`` does. Registry ids only (the registry is public)."""
    out = {}
    for entity_id in sorted(ids):
        former = site.registry.former_bodies(entity_id)
        if former:
            out[entity_id] = former
    return out


def _form(groups: list[str], results: list[str], total: int, former: dict[str, list[str]]) -> str:
    """One raw HTML block (no blank lines, so Markdown leaves it alone)."""
    more = total - len(results)
    former_json = json.dumps(former, separators=(",", ":"), sort_keys=True)
    lines = [
        f'<form class="kb-find" data-kb-find data-kb-page-size="{PAGE_SIZE}" data-kb-every="{EVERY_REPORT}" '
        f'data-kb-former="{attribute(former_json)}" '
        'role="search" aria-label="Find reports" autocomplete="off" action="" method="get">',
        '<div class="kb-find__query">',
        '<label for="kb-find-q">Words or names</label>',
        '<div class="kb-find__row">',
        '<input type="search" id="kb-find-q" name="words" autocomplete="off" spellcheck="false" '
        'aria-describedby="kb-find-q-hint">',
        '<button type="submit" class="md-button md-button--primary">Search</button>',
        "</div>",
        '<p id="kb-find-q-hint" class="kb-find__hint">For example <em>health data</em>, <em>MSIT</em> or '
        "<em>Newton Fund</em>. Leave it empty to browse with the filters alone.</p>",
        "</div>",
        '<div class="kb-find__layout">',
        '<div class="kb-find__side">',
        '<button type="button" class="kb-find__toggle md-button" aria-expanded="false" '
        'aria-controls="kb-find-filters">Filters</button>',
        '<div id="kb-find-filters" class="kb-find__filters">',
        '<div class="kb-find__panel-bar"><h2 class="kb-find__heading">Filters</h2>'
        '<button type="button" class="kb-find__done md-button md-button--primary">Show results</button></div>',
        *groups,
        *(
            [
                '<div class="kb-find__former"><input type="checkbox" id="kb-find-former" name="former" value="1" '
                'aria-describedby="kb-find-former-hint"><label for="kb-find-former">Also include former bodies'
                "</label>",
                '<p id="kb-find-former-hint" class="kb-find__hint">A ticked ministry or organisation also finds the '
                "reports about the bodies it was split or merged from. Former names are always included.</p></div>",
            ]
            if former
            else []
        ),
        '<button type="reset" class="kb-find__clear md-button">Clear search and filters</button>',
        "</div>",
        "</div>",
        '<div class="kb-find__main">',
        '<div class="kb-find__bar">',
        '<p id="kb-find-status" class="kb-find__status" role="status" aria-live="polite" aria-atomic="true">'
        + (f"{_reports(total)} found" if total else "No reports yet.")
        + "</p>",
        '<div class="kb-find__sort"><label for="kb-find-sort">Sort by</label>',
        '<select id="kb-find-sort" name="sort">',
        '<option value="">Best match</option>',
        '<option value="newest">Newest first</option>',
        '<option value="oldest">Oldest first</option>',
        "</select></div>",
        "</div>",
        '<div class="kb-find__chosen" hidden><span class="kb-find__chosen-label">Ticked:</span> <ul></ul></div>',
        '<h2 class="kb-find__heading kb-visually-hidden" id="kb-find-results-heading">Results</h2>',
        '<ol id="kb-find-results" class="kb-find__results" aria-labelledby="kb-find-results-heading">',
        *results,
        "</ol>",
        f'<button type="button" class="kb-find__more md-button"{"" if more > 0 else " hidden"}>'
        f"Show more reports ({more:,} more)</button>",
        "</div>",
        "</div>",
        "</form>",
    ]
    return "\n".join(lines)
