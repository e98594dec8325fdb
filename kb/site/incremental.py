"""Regenerating the site after an edit: only the pages the edit can change (``kb serve``).

A :class:`Preview` lives as long as ``kb serve``. Its first :meth:`Preview.update` generates
every page (as ``kb build`` does) and keeps what it read: the parsed report files (each parsed
again only when its ``stat`` changes), the :class:`~kb.site.context.Site`, every generated
file's content, each report's related reports, the rendered bodies and pages. A later update
re-reads only the files that changed and runs the checks across reports again, then compares
each report with the one before to find the reports the edit changed (added, deleted, edited,
made internal or left out for an error all count), and regenerates:

* the pages of those reports, and of the reports whose page shows one of them: related reports
  (recomputed for every report whose list can change, see :func:`_related_to_redo`), the report
  it replaces or that replaces it, the other reports about the same opportunity;
* the pages of the entities (with every name of their lineage), countries and years any of
  them tags now *or tagged before* the edit, and those of the sectors, partners, owners and
  countries of the opportunities and targets they mention, before and after;
* every page made from all reports (home, indexes, the opportunities and targets pages, feeds,
  spelling lists, open data).

The pages of the (at most :data:`FIRST_AT_MOST`) reports just edited are written first, so the
page being previewed does not wait for the rest. Only files whose content changed are written,
and files no longer generated are deleted, so MkDocs' dirty rebuild renders little. A change to
the registry, ``reports/site.yml``, ``mkdocs.yml``, the date, or anything the rules above do not
cover (a page missing from the kept files, a kept page of a kind they do not make, or a change
to the people's words, which every report page's Find index words use) makes a full regeneration: correctness over speed, and an update that fails makes the next one full. ``tests/test_incremental.py``
checks, after several kinds of edits, that the tree is byte for byte what a full generation
from scratch writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.problems import Problem
from kb.project import Project
from kb.registry.loading import project_registry
from kb.registry.model import Registry
from kb.report.model import Parsed, Report
from kb.site import bodycache, paths
from kb.site.build import (
    CONFIG,
    INTERNAL_DOCS,
    Generated,
    _handwritten,
    _internal_config,
    _is_generated,
    lock_outputs,
    mkdocs_setting,
    refuse_outputs_in_docs,
)
from kb.site.context import RegistryParts, Site
from kb.site.settings import read_settings, settings_path

Related = dict[str, tuple[str, ...]]
Candidates = dict[str, frozenset[str]]


@dataclass
class _Kept:
    """What the last generation made, for the next one to compare with."""

    inputs: str  # registry, settings and mkdocs.yml (see _inputs)
    today: date
    site: Site
    files: dict[str, str | bytes]
    related: Related
    candidates: Candidates  # each report's candidates for related reports
    handwritten: frozenset[str] = frozenset()  # the staff tree's copies of hand-written pages


@dataclass
class Preview:
    """The site of ``project`` kept up to date in this process (see the module's text)."""

    project: Project
    internal: bool = False
    today: date | None = None  # fixed for tests; else the day of each update
    workers: int = 1  # processes for a full generation (only where forking is safe)
    kept: _Kept | None = None
    parsed: dict[Path, tuple[tuple[int, ...], Parsed]] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)
    words: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    terms: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)  # see kb.site.words.Vocabulary
    #: Each public report's public view, kept while its parsed report is (see KnowledgeBase.visible).
    views: dict[int, tuple[Report, Report]] = field(default_factory=dict)
    #: The registry read for the inputs digest (see _inputs), its problems and its parts.
    registry_kept: tuple[str, tuple[Registry, list[Problem]], RegistryParts] | None = None
    #: How the last update went: "full", "incremental" or "unchanged" (for tests and the log).
    last: str = ""

    def update(self) -> Generated:
        with lock_outputs(self.project, self.internal):
            try:
                return self._update()
            except BaseException:
                self.kept = None  # the files may be half written: the next update is a full one
                raise

    def _update(self) -> Generated:
        from kb.checks.knowledgebase import load

        project = self.project
        refuse_outputs_in_docs(project)
        inputs = _inputs(project)
        today = self.today or date.today()
        settings = read_settings(
            project.reports_dir, project.show(settings_path(project.reports_dir)), project.readable_roots
        )
        # The registry is read again only when its files changed (inputs covers them).
        parts: RegistryParts | None = None
        if self.registry_kept is not None and self.registry_kept[0] == inputs:
            _inputs_read, registry_read, parts = self.registry_kept
        else:
            registry_read = project_registry(project)
        kb = load(project, mentions=False, kept=self.parsed, registry_read=registry_read)
        site_url = mkdocs_setting(project, "site_url") or "http://127.0.0.1:8000/"
        kept = self.kept
        if kept is None or kept.inputs != inputs or kept.today != today:
            # Rendered with another registry or address, perhaps: start from the bodies saved
            # for this registry and address, if any (see kb.site.bodycache).
            self.bodies.clear()
            self.bodies.update(
                bodycache.load(self._bodies_file(), bodycache.fingerprint(project.registry_dir, site_url))
            )
        site = Site(
            kb.registry,
            kb.visible(self.internal, self.views),
            self.internal,
            today,
            site_url=site_url,
            settings=settings,
            body_cache=self.bodies,
            kept_terms=self.terms,
            kept_people=self.people,
            registry_parts=parts,
        )
        self.registry_kept = (inputs, registry_read, site.parts)
        folder = project.state_dir / INTERNAL_DOCS if self.internal else project.docs_dir
        files: dict[str, str | bytes] | None = None
        related: Related | None = None
        first: dict[str, str] = {}
        if kept is not None and kept.inputs == inputs and kept.today == today:
            first = _first_pages(kept, site, folder)
            found = _incremental(kept, site, self.words)
            if found is not None:
                files, related = found
                self.last = "incremental"
        if files is None or related is None:
            files, related = self._full(site)
            self.last = "full"
        handwritten = _handwritten(project) if self.internal else {}
        files.update(handwritten)
        result = self._write(folder, files, first)
        if self.last == "full":
            wanted = {bodycache.body_key(r.body) for r in site.reports} | site.page_keys
            project.state_dir.mkdir(parents=True, exist_ok=True)
            key = bodycache.fingerprint(project.registry_dir, site_url)
            bodycache.save(self._bodies_file(), key, self.bodies, wanted)
        if self.last == "incremental" and not result.written and not result.removed:
            self.last = "unchanged"
        candidates = dict(kept.candidates) if kept is not None and self.last != "full" else {}
        for report_id in related:
            chosen = site.relations.candidates(report_id)
            if chosen is not None:
                candidates[report_id] = chosen
        self.kept = _Kept(
            inputs,
            today,
            site,
            files,
            related,
            {k: candidates[k] for k in related if k in candidates},
            frozenset(handwritten),
        )
        left_out: list[Problem] = [p for p in kb.problems if p.level == "error"]
        held = () if self.internal else tuple(r.shown for r in kb.reports if r.held_for_review)
        return Generated(
            folder,
            _internal_config(project, settings) if self.internal else project.root / CONFIG,
            len(site.reports),
            len(files),
            result.written,
            result.removed,
            left_out,
            result.removed_files,
            held,
            project.show(project.registry_dir).replace("\\", "/") + "/",
            settings,
            0 if self.internal else sum(r.visibility != "public" for r in kb.reports),
        )

    def _bodies_file(self) -> Path:
        return bodycache.cache_file(self.project.state_dir, self.internal)

    def _full(self, site: Site) -> tuple[dict[str, str | bytes], Related]:
        from kb.site.generate import site_files

        files = site_files(site, workers=self.workers, words=self.words)
        return files, {r.id: _related_ids(site, r) for r in site.reports}

    def _write(self, folder: Path, files: dict[str, str | bytes], first: dict[str, str]):
        import dataclasses

        from kb.site.generate import apply_changes, sync

        kept = self.kept
        managed = (lambda _relative: True) if self.internal else _is_generated
        if kept is None or self.last == "full":
            return sync(folder, files, managed=managed)
        changed = {k: v for k, v in files.items() if kept.files.get(k) != v and first.get(k) != v}
        removed = [k for k in kept.files if k not in files]
        result = apply_changes(folder, changed, removed)
        return dataclasses.replace(result, written=result.written + len(first), total=len(files))


#: An edit of at most this many reports has their own pages written first (see _first_pages).
FIRST_AT_MOST = 3


def _first_pages(kept: _Kept, site: Site, folder: Path) -> dict[str, str]:
    """The pages of the few reports just edited or added, written at once: the page being
    previewed shows while the other pages the edit changes are made (MkDocs rebuilds again when
    they are written). Each is the page the whole update makes (the same site, the same
    related reports), so the tree at the end is the same."""
    from kb.site.generate import apply_changes, report_pages

    changed = [r for r in site.reports if kept.site.by_id.get(r.id) != r]
    if not changed or len(changed) > FIRST_AT_MOST:
        return {}
    pages = {k: v for k, v in report_pages(site, changed).items() if kept.files.get(k) != v}
    apply_changes(folder, dict(pages), [])
    return pages


def _inputs(project: Project) -> str:
    """What makes every page change: the registry, the site's settings and mkdocs.yml, by name,
    time and size of each file (and the contents of the registry, which decides entity links)."""
    digest = hashlib.sha256()
    candidates = [project.root / CONFIG, settings_path(project.reports_dir)]
    candidates += sorted(p for p in project.registry_dir.rglob("*") if p.is_file())
    for path in candidates:
        try:
            info = path.stat()
            data = path.read_bytes()
        except OSError:
            digest.update(f"{path}\0missing\n".encode("utf-8", "surrogateescape"))
            continue
        digest.update(f"{path}\0{info.st_size}\0".encode("utf-8", "surrogateescape"))
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _related_ids(site: Site, report: Report) -> tuple[str, ...]:
    from kb.site.report_pages import RELATED, RELATED_CANDIDATES

    found = site.relations.related(report, limit=RELATED, max_candidates=RELATED_CANDIDATES)
    return tuple(r.report.id for r in found)


def _incremental(
    kept: _Kept, site: Site, words: dict[tuple[str, str, str], tuple[str, ...]]
) -> tuple[dict[str, str | bytes], Related] | None:
    """The files after an edit, regenerating only what it can change; None when unsure."""
    from kb.site.generate import (
        browse_pages,
        data_files,
        finish_pages,
        listing_pages,
        report_pages,
        tracked_pages,
    )
    from kb.site.spelling import spelling_files

    old = kept.site
    before, after = old.by_id, site.by_id
    changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
    if not changed:
        return dict(kept.files), dict(kept.related)
    if not site.offline and old.find_words.people != site.find_words.people:
        return None  # the people's words feed every report page's index words (kb.site.words)
    touched = [before[i] for i in changed if i in before] + [after[i] for i in changed if i in after]

    with_lineage, countries, years, pages = _reach(old, site, changed, touched)

    related = dict(kept.related)
    for report_id in changed - after.keys():
        related.pop(report_id, None)
    for report_id in _related_to_redo(kept, site, changed):
        report = after.get(report_id)
        if report is None:
            continue
        ids = _related_ids(site, report)
        if ids != kept.related.get(report_id):
            pages.add(report_id)
        related[report_id] = ids
    pages.update(i for i, ids in related.items() if changed.intersection(ids))
    pages &= after.keys()

    wanted_years = [y for y in sorted(years) if y in site.by_year]
    wanted_countries = [c for c in site.countries() if c in countries]
    made = listing_pages(site)
    made.update(tracked_pages(site))
    made.update(browse_pages(site, wanted_years, sorted(with_lineage), wanted_countries))
    files: dict[str, str | bytes] = dict(finish_pages(site, made))
    files.update(report_pages(site, [after[i] for i in sorted(pages)]))
    spelling = None if site.offline else spelling_files(site, words)
    files.update(data_files(site, spelling, (with_lineage, countries)))

    # Every file a full generation would write, from the kept ones where not made again.
    expected = {paths.report(r.id) for r in site.reports}
    expected.update(paths.year(y) for y in site.by_year)
    expected.update(paths.entity(e.kind, e.id) for e in site.registry.entities.values())
    expected.update(paths.country(c) for c in site.countries())
    expected.update(paths.country_feed(c) for c in site.countries())
    expected.update(paths.sector_feed(e.id) for e in site.sectors())
    out: dict[str, str | bytes] = {}
    for path in expected:
        content = files.get(path, kept.files.get(path))
        if content is None:
            return None  # a page the rules above did not make: unsure, so regenerate it all
        out[path] = content
    out.update(files)
    # A kept file neither made again nor expected must be a page of something gone (a report, a
    # year, a country); any other (a page kind these rules do not know) is not dropped unseen.
    if any(not path.startswith(_MAY_GO) for path in kept.files.keys() - out.keys() - kept.handwritten):
        return None
    return out, related


#: Folders of pages that go when what they are about goes (see _incremental's last step).
_MAY_GO = tuple(
    f"{folder}/"
    for folder in (
        paths.report("x").rsplit("/", 1)[0],
        paths.year(2000).rsplit("/", 1)[0],
        paths.country("XX").rsplit("/", 1)[0],
        paths.FEEDS,
        # Made whole every time: what is not made again is gone.
        paths.opportunity("x").rsplit("/", 1)[0],
        paths.target("x").rsplit("/", 1)[0],
        paths.SPELLING,
        paths.API,
    )
) + (paths.FIND_WORDS,)


def _reach(
    old: Site, site: Site, changed: set[str], touched: list[Report]
) -> tuple[set[str], set[str], set[int], set[str]]:
    """The entity ids, countries, years and report ids whose pages the changed reports (as they
    were and as they are) can change, related reports aside."""
    after = site.by_id
    entities: set[str] = set()
    countries: set[str] = set()
    years: set[int] = set()
    pages: set[str] = {i for i in changed if i in after}
    for report in touched:
        entities.update(report.entity_ids())
        countries.update(report.countries)
        years.add(report.year)
        for linked in (report.supersedes, *(r.id for r in old.replaced_by.get(report.id, []))):
            if linked:
                pages.add(linked)
        pages.update(r.id for r in site.replaced_by.get(report.id, []))
    for one in (old, site):
        for entry in (o for r in touched for o in r.opportunities):
            opportunity = one.opportunity_by_id.get(entry.id)
            if opportunity is not None:
                entities.update((*opportunity.sectors, *opportunity.partners))
                countries.update(opportunity.countries)
                pages.update(r.id for r in opportunity.reports)
        target_ids = {t.id for r in touched for t in r.targets}
        for target in one.targets:
            if target.id in target_ids:
                if target.owner:
                    entities.add(target.owner)
                countries.update(target.countries)
                pages.update(r.id for r in target.reports)
    registry = site.registry
    with_lineage = {
        other for e in entities for other in (e, *registry.lineage(e)) if other in registry.entities
    }
    # A country's page counts the reports naming each of its entities.
    countries.update(c for e in with_lineage if (c := registry.entities[e].country))

    return with_lineage, countries, years, pages


def _related_to_redo(kept: _Kept, site: Site, changed: set[str]) -> set[str]:
    """The reports whose related reports can differ after the edit (see
    :meth:`kb.relations.related.Relations.related`): every report when the set of reports or a
    changed report's date changed (every word's weight, or the candidates of any report, may
    move). Else the changed reports; those listing one; those naming an entity a changed report
    gained or lost (by any of its names); those whose words' weights moved (holding a word a
    changed report gained or lost: its number of reports changed), and every report one of those
    was a candidate of (see :meth:`kb.relations.related.Relations.candidates`: the candidates of
    a report whose words' weights did not move are the same)."""
    old, relations = kept.site.relations, site.relations
    before, after = kept.site.by_id, site.by_id
    everyone = set(after)
    if before.keys() != after.keys():
        return everyone
    redo = set(changed)
    moved: set[str] = set()  # reports whose words' weights moved
    for report_id in changed:
        if before[report_id].date != after[report_id].date:
            return everyone
        was_terms, now_terms = old.terms(report_id), relations.terms(report_id)
        for term in was_terms.keys() ^ now_terms.keys():
            moved.update(r.id for r in old.reports_with_term(term))
            moved.update(r.id for r in relations.reports_with_term(term))
        if was_terms != now_terms:
            moved.add(report_id)
        was = {old.canonical(e) for e in before[report_id].entity_ids()}
        now = {relations.canonical(e) for e in after[report_id].entity_ids()}
        for entity in was ^ now:
            redo.update(r.id for r in old.reports_about(entity))
            redo.update(r.id for r in relations.reports_about(entity))
    redo |= moved
    if moved:
        redo.update(other for other, chosen in kept.candidates.items() if not chosen.isdisjoint(moved))
    redo.update(i for i, ids in kept.related.items() if changed.intersection(ids))
    return redo & everyone
