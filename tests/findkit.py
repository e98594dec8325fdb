"""The Find reports page under test: answers computed from the reports, and helpers that drive the page.

:class:`Expected` computes every result list and count from the reports themselves
(``KnowledgeBase.visible(False)``), not from the site: tags, countries, types and years for
the filters; for the words, the reports ``kb search`` finds for them (public reports only):
the Find page matches words by its rule (kb/site/words.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

KEYS = ("sector", "country", "ministry", "organisation", "project", "type", "year")
TAG_LISTS = {
    "sector": "sectors",
    "ministry": "ministries",
    "organisation": "organisations",
    "project": "projects",
}
DESKTOP = {"width": 1280, "height": 900}


# -- what the reports say ------------------------------------------------------------------------
class Expected:
    """The public reports and the registry, and the answers a search must give."""

    def __init__(self, root: Path) -> None:
        from kb.checks.knowledgebase import load
        from kb.project import Project

        self.root = root
        self._found: dict[str, set[str]] = {}  # words -> ids of the reports kb search finds
        knowledge = load(Project.at(root))
        self.registry = knowledge.registry
        self.reports = knowledge.visible(False)
        assert len({r.date for r in self.reports}) == len(self.reports), "dates are distinct: order is exact"

    def facets(self, report) -> dict[str, set[str]]:
        """Each filter's values of a report: an entity's with every name of its renames (a report
        tagged msip is found by ticking MSIT), never a split's or merger's other bodies."""
        out = {
            key: {o for e in report.tags.get(tag_list, ()) for o in self.registry.lineage(e) or [e]}
            for key, tag_list in TAG_LISTS.items()
        }
        out["country"] = set(report.countries)
        out["type"] = {report.type}
        out["year"] = {str(report.date.year)}
        return out

    def names(self, report) -> list[str]:
        """Names, acronyms and aliases of each tagged entity and of every entity in its renames."""
        found = []
        for entity_id in report.entity_ids():
            for other in self.registry.lineage(entity_id) or [entity_id]:
                found.extend(self.registry.get(other).names())
        return found

    def found(self, words: str) -> set[str]:
        """Ids of the public reports ``kb search WORDS`` finds (every one, whatever the order)."""
        if words not in self._found:
            from kb.project import Project
            from kb.search.api import SearchRequest, search

            result = search(Project.at(self.root), SearchRequest(words, limit=0))
            self._found[words] = {hit.id for hit in result.hits}
        return self._found[words]

    def own_text(self, report) -> str:
        from kb.report.countries import country_name

        parts = [
            report.title,
            report.summary or "",
            report.body,
            report.type.replace("-", " "),
            *(country_name(c) or c for c in report.countries),
        ]
        for person in (*report.authors, *report.visitors):
            parts += [person.name, person.role or ""]
        if report.visit:
            parts += list(report.visit.places)
        for opportunity in report.opportunities:
            parts += [opportunity.title, opportunity.next_step or "", opportunity.description or ""]
        parts += [f"{t.what} {t.unit or ''}" for t in report.targets]
        return "\n".join(parts)

    def matching(self, words: str = "", **selected: list[str]) -> list:
        """Newest first: reports ``kb search`` finds for the words, with, for each filter, one of
        its selected values."""
        out = []
        found = self.found(words) if words.strip() else None
        for report in self.reports:
            if found is not None and report.id not in found:
                continue
            facets = self.facets(report)
            if all(facets[key] & set(values) for key, values in selected.items() if values):
                out.append(report)
        return sorted(out, key=lambda r: r.date, reverse=True)

    def titles(self, words: str = "", **selected: list[str]) -> list[str]:
        return [r.title for r in self.matching(words, **selected)]

    def counts(self, words: str = "", **selected: list[str]) -> dict[str, dict[str, int]]:
        """For each filter, each value's count among the reports matching the words and the other
        filters (OR within a filter: its own selection does not narrow its counts)."""
        out = {}
        for key in KEYS:
            others = {k: v for k, v in selected.items() if k != key}
            counted = Counter(v for r in self.matching(words, **others) for v in self.facets(r)[key])
            out[key] = dict(counted)
        return out


# -- driving the page ----------------------------------------------------------------------------
def new_page(browser, base: str, viewport: dict = DESKTOP):
    """A fresh browser context (own history) that may only reach the local server."""
    context = browser.new_context(viewport=viewport)
    context.route(lambda url: not url.startswith(base), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


@pytest.fixture
def page(browser, base):
    """A fresh page on the module's ``base`` server; fails the test on a script error or dialog."""
    page = new_page(browser, base)
    yield page
    errors = page.errors
    page.context.close()
    assert errors == [], "no script errors and no dialogs"


def settle(page) -> None:
    """Wait until the search for the current state is shown (the form is aria-busy meanwhile)."""
    page.wait_for_function(
        "() => { const f = document.querySelector('[data-kb-find]');"
        " return f && !f.hasAttribute('aria-busy'); }"
    )


def open_find(page, base: str, query: str = "") -> None:
    page.goto(f"{base}kb/find/{query}")
    settle(page)


def search_words(page, words: str) -> None:
    page.fill("#kb-find-q", words)
    page.press("#kb-find-q", "Enter")
    settle(page)


def tick(page, key: str, value: str) -> None:
    page.check(f'input[name="{key}"][value="{value}"]')
    settle(page)


def titles(page) -> list[str]:
    """Every result title, pressing "Show more reports" until all are shown."""
    more = page.locator(".kb-find__more")
    while more.is_visible():
        shown = page.locator("#kb-find-results > li").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#kb-find-results > li').length > {shown}")
    return page.locator("#kb-find-results h3 a").all_inner_texts()


def counts(page) -> dict[str, dict[str, int]]:
    """Filter -> value -> count, as shown (values and filters hidden for leaving nothing are left out)."""
    return page.evaluate("""() => {
        const out = {};
        for (const group of document.querySelectorAll('[data-kb-filter]')) {
            const values = out[group.dataset.kbFilter] = {};
            if (group.hidden) continue;
            for (const option of group.querySelectorAll('.kb-find__option')) {
                if (option.hidden) continue;
                const count = option.querySelector('.kb-find__count').textContent;
                values[option.querySelector('input').value] = Number(count.replace(/[^0-9]/g, ''));
            }
        }
        return out;
    }""")


def status(page) -> str:
    return page.inner_text("#kb-find-status")


def found(n: int) -> str:
    return f"{n} report{'' if n == 1 else 's'} found"


def address(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def with_zeros(expected: dict, ticked: dict[str, list[str]]) -> dict:
    """Ticked values stay shown even when they would leave nothing."""
    out = {key: dict(values) for key, values in expected.items()}
    for key, values in ticked.items():
        for value in values:
            out[key].setdefault(value, 0)
    return out


def state(page) -> dict:
    return {
        "words": page.input_value("#kb-find-q"),
        "sort": page.input_value("#kb-find-sort"),
        "ticked": sorted(
            page.eval_on_selector_all(
                ".kb-find input[type=checkbox]:checked", "boxes => boxes.map(b => b.name + '=' + b.value)"
            )
        ),
        "status": status(page),
        "titles": titles(page),
        "counts": counts(page),
    }


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const style = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', name: e.name || '', value: e.value || '',
                text: e.textContent.trim(), href: e.getAttribute('href') || '',
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }""")


def tab_to(page, wanted, limit: int = 250) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError("never reached by Tab")
