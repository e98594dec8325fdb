"""Measuring the importer on labelled cases: micro precision and recall per field.

A case is a source file ``NAME.txt|.md|.html`` beside ``NAME.expected.yml`` holding
the front matter a person would write (see tests/import_cases/README.md).
Proposed new entities count as accepted, so their ids can be labelled too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kb.importer.analyse import Analyser
from kb.importer.sources import read_source
from kb.importer.writer import front_matter
from kb.registry.model import Registry
from kb.report.yamlstrict import load
from kb.util.files import read_text

FIELDS = ("entities", "sectors", "dates", "targets", "countries", "opportunities")
ENTITY_LISTS = ("ministries", "organisations", "projects", "events", "people")
SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def count(self, right: int = 0, wrong: int = 0, missed: int = 0) -> None:
        """Add readings: ``right`` found, ``wrong`` found but not labelled, ``missed`` labelled only."""
        self.true_positive += right
        self.false_positive += wrong
        self.false_negative += missed

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def tally_table(tallies: dict[str, Tally], fields: tuple[str, ...], closing: str) -> str:
    """Precision, recall and counts per field, one line each, then ``closing``."""
    width = max(14, *(len(name) for name in fields))
    lines = [f"{'field':<{width}} {'precision':>9} {'recall':>7} {'found':>6} {'labelled':>8}"]
    for name in fields:
        tally = tallies[name]
        lines.append(
            f"{name:<{width}} {tally.precision:>9.2f} {tally.recall:>7.2f} "
            f"{tally.true_positive + tally.false_positive:>6} "
            f"{tally.true_positive + tally.false_negative:>8}"
        )
    lines.append(closing)
    return "\n".join(lines)


@dataclass
class CaseResult:
    name: str
    missing: dict[str, list] = field(default_factory=dict)
    extra: dict[str, list] = field(default_factory=dict)


@dataclass
class Quality:
    tallies: dict[str, Tally]
    cases: list[CaseResult]

    def table(self) -> str:
        return tally_table(self.tallies, FIELDS, f"({len(self.cases)} cases)")

    def misses(self) -> str:
        out = []
        for case in self.cases:
            for name in FIELDS:
                if case.missing.get(name) or case.extra.get(name):
                    out.append(
                        f"{case.name} {name}: missing {case.missing.get(name, [])} "
                        f"extra {case.extra.get(name, [])}"
                    )
        return "\n".join(out)


def case_files(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted(folder.glob("*.expected.yml")):
        stem = expected.name[: -len(".expected.yml")]
        sources = [p for p in folder.iterdir() if p.stem == stem and p.suffix in SOURCE_SUFFIXES]
        if sources:
            pairs.append((sources[0], expected))
    return pairs


def _number(value) -> float | None:
    if value in (None, ""):
        return None
    return round(float(str(value).replace(",", "")), 6)


def _target_key(item: dict) -> tuple:
    deadline = item.get("deadline")
    return (
        _number(item.get("value")),
        str(item.get("unit") or "").casefold(),
        str(deadline) if deadline not in (None, "") else None,
        item.get("owner") or None,
    )


def _items(data: dict) -> dict[str, Counter]:
    """The labelled or predicted items of each field, as multisets."""
    entities = data.get("entities")
    if entities is None:
        entities = [i for name in ENTITY_LISTS for i in data.get(name) or []]
    dates = [("date", str(data.get("date")))]
    visit = data.get("visit") or {}
    for part in ("start", "end"):
        if visit.get(part):
            dates.append((f"visit.{part}", str(visit[part])))
    return {
        "entities": Counter(entities),
        "sectors": Counter(data.get("sectors") or []),
        "dates": Counter(dates),
        "targets": Counter(_target_key(t) for t in data.get("targets") or []),
        "countries": Counter(data.get("countries") or []),
    }


def _opportunities(expected: list[dict], predicted: list[dict]) -> tuple[int, list, list]:
    """Greedy one-to-one match: same status, and the labelled 'about' phrase in the text."""
    left = list(predicted)
    matched, missing = 0, []
    for want in expected:
        about = str(want.get("about", "")).casefold()
        hit = next(
            (
                p
                for p in left
                if p.get("status") == want.get("status")
                and about in f"{p.get('title', '')} {p.get('description', '')}".casefold()
            ),
            None,
        )
        if hit is None:
            missing.append(f"{want.get('status')}: {about}")
        else:
            matched += 1
            left.remove(hit)
    return matched, missing, [f"{p['status']}: {p['title']}" for p in left]


def evaluate(folder: Path, registry: Registry, *, held_out_only: bool = False) -> Quality:
    analyser = Analyser(registry)
    tallies = {name: Tally() for name in FIELDS}
    results = []
    from kb.importer import with_proposals

    for source, expected_path in case_files(folder):
        expected = load(read_text(expected_path)).value or {}
        if held_out_only and expected.get("held_out") != "true":
            continue
        draft = analyser.analyse(read_source(source, source.name), accept_new=True)
        predicted = front_matter(draft, with_proposals(registry, draft.entities.new))
        want, got = _items(expected), _items(predicted)
        result = CaseResult(source.name)
        for name in FIELDS[:-1]:
            common = want[name] & got[name]
            tallies[name].true_positive += sum(common.values())
            tallies[name].false_positive += sum((got[name] - common).values())
            tallies[name].false_negative += sum((want[name] - common).values())
            result.missing[name] = sorted(map(str, (want[name] - common).elements()))
            result.extra[name] = sorted(map(str, (got[name] - common).elements()))
        matched, missing, extra = _opportunities(
            expected.get("opportunities") or [], predicted.get("opportunities") or []
        )
        tallies["opportunities"].true_positive += matched
        tallies["opportunities"].false_negative += len(missing)
        tallies["opportunities"].false_positive += len(extra)
        result.missing["opportunities"], result.extra["opportunities"] = missing, extra
        results.append(result)
    return Quality(tallies, results)
