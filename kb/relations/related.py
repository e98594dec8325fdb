"""How reports and entities relate: related reports, co-occurring entities, reports about an entity.

Shared by ``kb related``, ``kb show`` and the site, so the CLI and the web pages
always agree. Work is bounded by an inverted index over entities: a report is
only compared with reports that share an entity or a rarer word, so the cost
stays near-linear in the number of reports.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from kb.registry.model import Registry
from kb.report.markers import public_body
from kb.report.model import Report

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "was",
        "were",
        "are",
        "has",
        "have",
        "had",
        "its",
        "their",
        "they",
        "them",
        "than",
        "then",
        "also",
        "into",
        "such",
        "been",
        "more",
        "most",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "both",
        "each",
        "other",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "while",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "not",
        "but",
        "all",
        "any",
        "our",
        "out",
        "his",
        "her",
        "she",
        "him",
        "very",
        "much",
        "some",
        "per",
        "via",
        "well",
        "new",
        "year",
        "years",
        "said",
        "says",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
    ]
)
TEXT_WEIGHT = 0.35
MAX_TERMS = 40


@dataclass(frozen=True)
class Related:
    report: Report
    score: float
    shared: tuple[str, ...]  # entity ids both reports name (after following renames)


def _terms(report: Report) -> Counter:
    text = f"{report.title} {report.summary or ''} {public_body(report.body)}".lower()
    counts = Counter(w for w in _WORD.findall(text) if w not in STOPWORDS)
    return Counter(dict(counts.most_common(MAX_TERMS)))


class Relations:
    """Precomputed relations over a set of reports (build once per command or site build)."""

    def __init__(
        self,
        reports: list[Report],
        registry: Registry,
        kept_terms: dict[tuple[str, str, str], Counter] | None = None,
    ) -> None:
        """``kept_terms``: each report's terms by its title, summary and body, kept between the
        rebuilds of ``kb serve``."""
        self.reports = reports
        self._related: dict[tuple[str, int, int | None], list[Related]] = {}
        self._candidates: dict[str, frozenset[str]] = {}
        self.registry = registry
        # An entity and all its names over time count as one: a 2014 report on MSIP
        # and a 2019 report on MSIT are about the same ministry.
        self._canonical: dict[str, str] = {}
        self._entities: dict[str, set[str]] = {}
        self._by_entity: dict[str, list[Report]] = defaultdict(list)
        for report in reports:
            canon = {self.canonical(e) for e in report.entity_ids()}
            self._entities[report.id] = canon
            for entity in canon:
                self._by_entity[entity].append(report)
        self._terms: dict[str, Counter] = {}
        self._vectors: dict[str, tuple[dict[str, float], float]] = {}
        self._dated: dict[tuple, tuple[list, list[Report]]] = {}
        self._df: Counter = Counter()
        self._by_term: dict[str, list[Report]] = defaultdict(list)
        for report in reports:
            key = (report.title, report.summary or "", report.body)
            terms = kept_terms.get(key) if kept_terms is not None else None
            if terms is None:
                terms = _terms(report)
                if kept_terms is not None:
                    kept_terms[key] = terms
            self._terms[report.id] = terms
            for term in terms:
                self._df[term] += 1
                self._by_term[term].append(report)

    def candidates(self, report_id: str) -> frozenset[str] | None:
        """The reports scored by the last :meth:`related` of this report with ``max_candidates``
        (None when there was none): they depend only on its own words and on which reports name
        which entities and words, and when, never on the other reports' word counts."""
        return self._candidates.get(report_id)

    def terms(self, report_id: str) -> Counter:
        """The words a report is compared by (its most frequent ones, with their counts)."""
        return self._terms.get(report_id, Counter())

    def rare(self, term: str) -> bool:
        """Whether a word is rare enough to bring candidates to :meth:`related` (see there)."""
        return self._df[term] <= max(3, len(self.reports) // 20)

    def reports_with_term(self, term: str) -> list[Report]:
        return self._by_term.get(term, [])

    def canonical(self, entity_id: str) -> str:
        if entity_id not in self._canonical:
            lineage = self.registry.lineage(entity_id) if self.registry.get(entity_id) else []
            self._canonical[entity_id] = lineage[-1] if lineage else entity_id
        return self._canonical[entity_id]

    def _idf(self, term: str) -> float:
        return math.log((1 + len(self.reports)) / (1 + self._df[term])) + 1

    def _vector(self, report_id: str) -> dict[str, float]:
        return self._weighted(report_id)[0]

    def _weighted(self, report_id: str) -> tuple[dict[str, float], float]:
        """The report's tf-idf vector and its norm, computed once per report."""
        found = self._vectors.get(report_id)
        if found is None:
            vector = {t: c * self._idf(t) for t, c in self._terms[report_id].items()}
            found = self._vectors[report_id] = (vector, math.sqrt(sum(v * v for v in vector.values())) or 1.0)
        return found

    def related(self, report: Report, limit: int = 5, *, max_candidates: int | None = None) -> list[Related]:
        """The reports most like ``report`` (see :meth:`_find_related`), found once per report."""
        key = (report.id, limit, max_candidates)
        found = self._related.get(key)
        if found is None:
            found = self._related[key] = self._find_related(report, limit, max_candidates)
        return list(found)

    def _find_related(self, report: Report, limit: int, max_candidates: int | None) -> list[Related]:
        """Reports sharing entities (weighted by rarity) and distinctive words with ``report``.

        Every report sharing an entity or a rarer word is scored, which costs O(n)
        per report when entities are common. With ``max_candidates`` (the site,
        which asks for every report) only that many are scored: the best by a
        cheap pre-score, drawn from the reports nearest in date in each shared
        entity's and word's list, so the cost per report stays constant.
        """
        mine = self._entities.get(report.id, set())
        vector = self._vector(report.id) if report.id in self._terms else {}
        rare_terms = [
            t for t in sorted(vector, key=lambda term: vector[term], reverse=True)[:10] if self.rare(t)
        ]
        if max_candidates is None:
            candidates: dict[str, Report] = {}
            for entity in mine:
                for other in self._by_entity[entity]:
                    candidates[other.id] = other
            for term in rare_terms:
                for other in self._by_term[term]:
                    candidates[other.id] = other
        else:
            candidates = self._bounded_candidates(report, mine, vector, rare_terms, max_candidates)
            self._candidates[report.id] = frozenset(candidates)
        candidates.pop(report.id, None)
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        scored = []
        for other in candidates.values():
            theirs = self._entities.get(other.id, set())
            shared = mine & theirs
            entity_score = sum(1 / math.log(2 + len(self._by_entity[e])) for e in shared)
            entity_score /= math.sqrt(max(len(mine), 1) * max(len(theirs), 1))
            other_vector, other_norm = self._weighted(other.id)
            dot = sum(v * other_vector.get(t, 0.0) for t, v in vector.items())
            score = (1 - TEXT_WEIGHT) * entity_score + TEXT_WEIGHT * dot / (norm * other_norm)
            if score > 0:
                scored.append(Related(other, round(score, 4), tuple(sorted(shared))))
        scored.sort(key=lambda r: (-r.score, -r.report.date.toordinal(), r.report.id))
        return scored[:limit]

    def _bounded_candidates(
        self, report: Report, mine: set[str], vector: dict[str, float], rare_terms: list[str], limit: int
    ) -> dict[str, Report]:
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        pre_score: dict[str, float] = defaultdict(float)
        found: dict[str, Report] = {}
        lists = [(("entity", e), self._by_entity[e], 1 / math.log(2 + len(self._by_entity[e]))) for e in mine]
        lists += [(("term", t), self._by_term[t], TEXT_WEIGHT * vector[t] / norm) for t in rare_terms]
        for key, postings, weight in lists:
            for other in self._near_in_date(key, postings, report, limit):
                pre_score[other.id] += weight
                found[other.id] = other
        pre_score.pop(report.id, None)
        best = sorted(pre_score, key=lambda i: (-pre_score[i], abs((found[i].date - report.date).days), i))
        return {i: found[i] for i in best[:limit]}

    def _near_in_date(self, key: tuple, postings: list[Report], report: Report, count: int) -> list[Report]:
        """The ``count`` reports of a list nearest in date to ``report`` (all of a short list)."""
        if len(postings) <= count:
            return postings
        dated = self._dated.get(key)
        if dated is None:
            ordered = sorted(postings, key=lambda r: (r.date, r.id))
            dated = self._dated[key] = ([r.date for r in ordered], ordered)
        dates, ordered = dated
        middle = bisect.bisect_left(dates, report.date)
        start = max(0, min(middle - count // 2, len(ordered) - count))
        return ordered[start : start + count]

    def reports_about(self, entity_id: str, *, follow_renames: bool = True) -> list[Report]:
        """Reports tagging the entity (or, by default, any of its names over time), oldest first."""
        if follow_renames:
            found = self._by_entity.get(self.canonical(entity_id), [])
        else:
            found = [r for r in self.reports if entity_id in r.entity_ids()]
        return sorted(found, key=lambda r: (r.date, r.id))

    def seen_with(self, entity_id: str, limit: int = 10) -> list[tuple[str, int]]:
        """Entities most often tagged in the same reports, as ``(entity_id, count)``."""
        me = self.canonical(entity_id)
        counts: Counter = Counter()
        for report in self._by_entity.get(me, []):
            for other in report.entity_ids():
                if self.canonical(other) != me:
                    counts[other] += 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
