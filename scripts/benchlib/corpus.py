"""A deterministic synthetic knowledge base: registry files, reports, mkdocs.yml and site_pages/.

``write_corpus(out, reports=N, seed=S)`` always writes the same bytes for the
same arguments: one ``random.Random(seed)`` drives everything, nothing depends
on set order, hash seeds, the clock or the machine.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .prose import Writer
from .prose import body as prose_body
from .registry_gen import REPORT_FIRST, REPORT_LAST, Country, Entity, Registry, build_registry, slug
from .words import Vocabulary

REPO = Path(__file__).resolve().parents[2]
MARKER = ".kb-bench-corpus"

REPORT_TYPES = [
    "country-update",
    "visit-report",
    "ministerial-visit",
    "joint-statement",
    "trade-mission",
    "meeting-note",
    "briefing",
]
TYPE_WEIGHTS = [30, 30, 10, 5, 10, 10, 5]
OPPORTUNITY_STATUSES = ["identified", "discussed", "agreed", "active", "closed"]
TARGET_STATUSES = ["announced", "on-track", "met", "missed", "dropped"]

TOPIC_NOUNS = [
    "cooperation",
    "partnership",
    "opportunities",
    "market update",
    "policy update",
    "mission",
    "dialogue",
    "investment",
    "new plans",
    "progress",
    "priorities",
]
TARGET_TEMPLATES = [
    ("Share of electricity from renewable sources", "%", (20, 80)),
    ("Offshore wind capacity installed", "GW", (2, 40)),
    ("Electric vehicles on the road", "vehicles", (100000, 5000000)),
    ("Data scientists trained", "people", (1000, 50000)),
    ("Smart cities designated", "cities", (5, 100)),
    ("Exports to the UK", "USD bn", (2, 60)),
    ("Hospitals with digital records", "hospitals", (50, 2000)),
    ("Start-ups supported", "companies", (100, 10000)),
    ("Public spending on research and development", "% of GDP", (1, 5)),
    ("Hydrogen production capacity", "tonnes a year", (10000, 2000000)),
    ("Teachers trained in English", "teachers", (1000, 100000)),
    ("Government data sets opened", "%", (20, 90)),
    ("Reduction in greenhouse gas emissions", "%", (10, 60)),
    ("Households connected to broadband", "%", (50, 99)),
    ("New rail track built", "km", (100, 5000)),
]
OPPORTUNITY_TEMPLATES = [
    "Cooperation on {s}",
    "Joint research on {s}",
    "UK supply chain in {s}",
    "Regulatory dialogue on {s}",
    "Skills partnership for {s}",
    "Investment in {s}",
    "Pilot project in {s}",
    "Standards cooperation on {s}",
]
NEXT_STEPS = [
    "Agree the scope of a first joint workshop",
    "Share UK guidance with the ministry",
    "Invite a delegation to the UK next year",
    "Map UK suppliers against the tender plan",
    "Follow up with a note to the ministry",
    "Set up a call between the two teams",
    "Propose a memorandum of understanding",
    "Brief UK companies at a webinar",
]


@dataclass
class Opportunity:
    id: str
    title: str
    sector: str
    country: str


@dataclass
class Target:
    id: str
    what: str
    unit: str
    value: int
    deadline: str
    slot: int
    country: str


@dataclass
class Pools:
    opportunities: dict[str, list[Opportunity]] = field(default_factory=dict)
    targets: dict[str, list[Target]] = field(default_factory=dict)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def zipf_pick(rng: random.Random, items: list, exponent: float = 1.0):
    weights = [1.0 / (rank**exponent) for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights)[0]


def zipf_sample(rng: random.Random, items: list, k: int, exponent: float = 1.0) -> list:
    """``k`` distinct items, the first ones far more often (tags are skewed in real corpora)."""
    k = min(k, len(items))
    chosen: list = []
    while len(chosen) < k:
        item = zipf_pick(rng, items, exponent)
        if item not in chosen:
            chosen.append(item)
    return chosen


def _report_date(rng: random.Random) -> date:
    # Posts write more each year: weight later years up.
    years = list(range(REPORT_FIRST.year, REPORT_LAST.year + 1))
    year = rng.choices(years, weights=[1 + (y - years[0]) * 0.4 for y in years])[0]
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), REPORT_LAST)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _pools(rng: random.Random, registry: Registry) -> Pools:
    pools = Pools()
    for country in registry.countries:
        cc = country.code.lower()
        opps, seen = [], set()
        for sector in rng.sample(registry.sectors, 18):
            template = rng.choice(OPPORTUNITY_TEMPLATES)
            title = template.format(s=registry.entities[sector].name.lower())
            oid = f"{cc}-{slug(title)}"[:70].rstrip("-")
            if oid not in seen:
                seen.add(oid)
                opps.append(Opportunity(oid, title, sector, country.code))
        pools.opportunities[country.code] = opps
        targets, seen = [], set()
        for what, unit, (low, high) in rng.sample(TARGET_TEMPLATES, 10):
            deadline = str(rng.randint(2015, 2035))
            tid = f"{cc}-{slug(what)}-{deadline}"[:75].rstrip("-")
            if tid not in seen:
                seen.add(tid)
                targets.append(
                    Target(
                        tid,
                        what,
                        unit,
                        rng.randint(low, high),
                        deadline,
                        rng.randrange(len(country.slots)),
                        country.code,
                    )
                )
        pools.targets[country.code] = targets
    return pools


def _report(
    rng: random.Random,
    writer: Writer,
    registry: Registry,
    pools: Pools,
    country: Country,
    day: date,
    report_id_taken: set[str],
    earlier: list[tuple[str, str, bool]],
) -> tuple[str, str]:
    """One report: ``(relative path, text)``."""
    ents = registry.entities
    others = [c for c in registry.countries if c is not country]
    countries = [country] + ([rng.choice(others)] if rng.random() < 0.05 else [])

    ministries_now = country.ministries_on(day)
    ministries = zipf_sample(rng, ministries_now, rng.randint(1, 4), 0.6)
    ministries += rng.sample(country.agencies, rng.randint(0, min(2, len(country.agencies))))
    uk_now = registry.uk_bodies_on(day)
    organisations = zipf_sample(rng, uk_now, rng.randint(1, 3), 0.5)
    sectors = zipf_sample(rng, registry.sectors, rng.randint(1, 4), 1.1)
    projects = [p for p in country.programmes if rng.random() < 0.3]
    projects += [p for p in registry.uk_programmes if rng.random() < 0.12]
    projects = list(dict.fromkeys(p for p in projects if _valid(ents[p], day)))
    events = [eid for year, eid in country.events if year in (day.year, day.year - 1) and rng.random() < 0.6]
    visitors = rng.sample(registry.uk_people, rng.randint(0, 2))
    partner_people = [p for p in country.people if rng.random() < 0.25]
    people = visitors + partner_people

    sector_name = ents[sectors[0]].name
    topic = rng.choice(
        [
            f"{sector_name.lower()} {rng.choice(TOPIC_NOUNS)}",
            f"{sector_name.lower()} and {ents[zipf_pick(rng, registry.sectors)].name.lower()}",
            f"{rng.choice(TOPIC_NOUNS)} in {rng.choice(country.cities)}",
        ]
    )
    title = f"{country.name}: {topic}"
    base = f"{day.isoformat()}-{slug(topic)[:50].rstrip('-')}"
    report_id, n = base, 2
    while report_id in report_id_taken:
        report_id, n = f"{base}-{n}", n + 1
    report_id_taken.add(report_id)

    internal = rng.random() < 0.10
    lines = [
        "---",
        f"title: {q(title)}",
        f"date: {day.isoformat()}",
        f"countries: {flow([c.code for c in countries])}",
        f"type: {rng.choices(REPORT_TYPES, weights=TYPE_WEIGHTS)[0]}",
        f"visibility: {'internal' if internal else 'public'}",
    ]
    if internal and rng.random() < 0.3:
        lines.append("classification: OFFICIAL-SENSITIVE")
    elif rng.random() < 0.6:
        lines.append("classification: OFFICIAL")
    lines.append(f"summary: {q(writer.filler(14, 30))}")
    if rng.random() < 0.6:
        end = day - timedelta(days=rng.randint(2, 40))
        start = end - timedelta(days=rng.randint(0, 4))
        places = rng.sample(country.cities, rng.randint(1, min(2, len(country.cities))))
        lines += [
            "visit:",
            f"  start: {start.isoformat()}",
            f"  end: {end.isoformat()}",
            f"  places: {flow([q(p) for p in places])}",
        ]
    lines += [
        "authors:",
        f"  - {{name: {q(country.name + ' Science and Innovation Network')}, "
        f"organisation: {'fcdo' if day >= date(2020, 9, 2) else 'fco'}}}",
    ]
    if visitors:
        lines.append("visitors:")
        for pid in visitors:
            person = ents[pid]
            lines.append(
                f"  - {{name: {q(person.name)}, role: {q(person.role or 'Official')}, "
                f"organisation: {rng.choice(uk_now)}}}"
            )
    for list_name, values in (
        ("ministries", ministries),
        ("organisations", organisations),
        ("sectors", sectors),
        ("projects", projects),
        ("events", events),
        ("people", people),
    ):
        if values:
            lines.append(f"{list_name}: {flow(values)}")

    lines += _opportunity_lines(rng, pools, country, ministries, internal)
    lines += _target_lines(rng, pools, country, ministries, internal, day)
    if rng.random() < 0.4:
        lines += [
            "source:",
            f"  url: https://www.gov.uk/government/publications/{report_id}",
            "  publisher: Foreign, Commonwealth & Development Office",
            "  licence: OGL-UK-3.0",
        ]
    # A public report may supersede only a public one (kb check refuses the rest).
    replaceable = [e for e in earlier if internal or e[2]]
    if replaceable and rng.random() < 0.01:
        lines.append(f"supersedes: {rng.choice(replaceable)[0]}")
    if rng.random() < 0.7:
        lines.append(f"disclaimer: {rng.choice(('fco-country-update', 'standard'))}")
    if rng.random() < 0.05:
        lines.append(f"internal_notes: {q(writer.filler())}")
    lines.append("---")

    body = prose_body(
        rng, writer, registry, country, ministries + organisations + projects + events + people, internal
    )
    return f"reports/{country.code.lower()}/{report_id}.md", "\n".join(lines) + "\n\n" + body


def _opportunity_lines(
    rng: random.Random, pools: Pools, country: Country, ministries: list[str], internal: bool
) -> list[str]:
    lines: list[str] = []
    opportunities = zipf_sample(rng, pools.opportunities[country.code], rng.choice((0, 1, 1, 2, 3)), 0.9)
    if opportunities:
        lines.append("opportunities:")
        for opp in opportunities:
            lines += [
                f"  - id: {opp.id}",
                f"    title: {q(opp.title)}",
                f"    sectors: [{opp.sector}]",
                f"    partners: {flow(ministries[: rng.randint(1, min(2, len(ministries)))])}",
                f"    status: {rng.choices(OPPORTUNITY_STATUSES, weights=(4, 4, 2, 2, 1))[0]}",
                f"    next_step: {q(rng.choice(NEXT_STEPS))}",
            ]
            if not internal and rng.random() < 0.08:
                lines.append("    internal: true")
    return lines


def _target_lines(
    rng: random.Random, pools: Pools, country: Country, ministries: list[str], internal: bool, day: date
) -> list[str]:
    lines: list[str] = []
    targets = zipf_sample(rng, pools.targets[country.code], rng.choice((0, 0, 1, 2)), 0.9)
    if targets:
        lines.append("targets:")
        for target in targets:
            owner = _slot_holder(country, target.slot, day) or ministries[0]
            lines += [
                f"  - id: {target.id}",
                f"    what: {q(target.what)}",
                f"    value: {target.value}",
                f"    unit: {q(target.unit)}",
                f"    deadline: {target.deadline}",
                f"    owner: {owner}",
                f"    status: {rng.choices(TARGET_STATUSES, weights=(6, 3, 1, 1, 1))[0]}",
            ]
            if rng.random() < 0.3:
                lines.append(
                    f"    progress: {{value: {max(1, target.value * rng.randint(5, 60) // 100)}, "
                    f"as_of: {day.year}-{day.month:02d}}}"
                )
            if not internal and rng.random() < 0.05:
                lines.append("    internal: true")
    return lines


def _valid(entity: Entity, day: date) -> bool:
    from .registry_gen import _day

    start, end = _day(entity.valid_from), _day(entity.valid_to)
    return (start is None or day >= start) and (end is None or day <= end)


def _slot_holder(country: Country, slot: int, day: date) -> str | None:
    for link in country.slots[slot]:
        if link.covers(day):
            return link.entity_id
    return None


def _registry_file(entity: Entity) -> str:
    """The registry file an entity is written to."""
    if entity.kind == "sector":
        return "sectors.yml"
    if entity.kind == "person":
        return "people.yml"
    if entity.kind in ("department", "organisation"):
        return "uk-government.yml" if entity.kind == "department" else "organisations.yml"
    if entity.kind in ("programme", "project") and entity.country == "GB":
        return "programmes.yml"
    if entity.kind == "event":
        return "events.yml"
    return f"{entity.country.lower()}-government.yml"


def _entity_lines(entity: Entity) -> list[str]:
    """One entity's YAML entry: the fields it has, in the registry's order."""
    lines = ["", f"  - id: {entity.id}", f"    name: {q(entity.name)}", f"    kind: {entity.kind}"]
    optional = (
        ("acronyms", entity.acronyms and flow([q(a) for a in entity.acronyms])),
        ("aliases", entity.aliases and flow([q(a) for a in entity.aliases])),
        ("country", entity.country),
        ("parent", entity.parent),
        ("valid_from", entity.valid_from),
        ("valid_to", entity.valid_to),
        (
            "superseded_by",
            entity.superseded_by
            and (
                f"{{kind: {entity.succession}, by: {flow(entity.superseded_by)}}}"
                if entity.succession
                else flow(entity.superseded_by)
            ),
        ),
        ("renamed_from", entity.renamed_from and flow(entity.renamed_from)),
        ("website", entity.website),
        ("keywords", entity.keywords and flow([q(k) for k in entity.keywords])),
        ("description", entity.description and q(entity.description)),
    )
    lines += [f"    {name}: {value}" for name, value in optional if value]
    return lines


def _registry_files(registry: Registry) -> dict[str, str]:
    files: dict[str, list[str]] = {}
    for entity in registry.entities.values():
        lines = files.setdefault(
            _registry_file(entity), ["# Synthetic registry written by scripts/gen_corpus.", "", "entities:"]
        )
        lines += _entity_lines(entity)
    files["disclaimers.yml"] = [
        "disclaimers:",
        "",
        "  - id: fco-country-update",
        "    title: Country update for business",
        "    text: >-",
        "      This country update is provided for information only, to help readers reach",
        "      their own business decisions. No warranty is given about its accuracy.",
        "",
        "  - id: standard",
        "    title: Disclaimer",
        "    text: This report is published for information and may since have become out of date.",
    ]
    return {name: "\n".join(lines) + "\n" for name, lines in sorted(files.items())}


def generate(reports: int, seed: int = 1) -> dict[str, str | bytes]:
    """Every file of the corpus as ``{relative path: text}`` (bytes for copied site files)."""
    rng = random.Random(seed)
    registry = build_registry(rng)
    vocabulary = Vocabulary(rng)
    _drop_accidental_names(vocabulary, registry)
    writer = Writer(rng, vocabulary)
    pools = _pools(rng, registry)
    files = {f"reports/registry/{name}": text for name, text in _registry_files(registry).items()}
    taken: set[str] = set()
    earlier: list[tuple[str, str, bool]] = []  # (report id, country, public)
    countries = registry.countries
    for _ in range(reports):
        country = zipf_pick(rng, countries, 0.8)
        day = _report_date(rng)
        path, text = _report(
            rng,
            writer,
            registry,
            pools,
            country,
            day,
            taken,
            [e for e in earlier if e[1] == country.code][-200:],
        )
        files[path] = text
        earlier.append((Path(path).stem, country.code, "\nvisibility: public\n" in text))
    files["mkdocs.yml"] = (REPO / "mkdocs.yml").read_bytes()
    files.update(_site_sources())
    return files


def _site_sources() -> dict[str, bytes]:
    """The repository's hand-written public pages, styles, scripts and theme overrides, which
    `kb build` needs next to mkdocs.yml (not the generated site_pages/index.md and site_pages/kb/)."""
    files = {}
    for folder in ("site_pages", "overrides"):
        for path in sorted((REPO / folder).rglob("*")):
            relative = path.relative_to(REPO).as_posix()
            if (
                not path.is_file()
                or relative == "site_pages/index.md"
                or relative.startswith("site_pages/kb/")
                or path.name.startswith(".")
            ):
                continue
            files[relative] = path.read_bytes()  # images and fonts too
    return files


def _drop_accidental_names(vocabulary: Vocabulary, registry: Registry) -> None:
    """Random prose must never spell an entity's name by chance: when every word of a name is
    in the vocabulary (``Cabinet Office``), its first word leaves the vocabulary."""
    known = set(vocabulary.words)
    drop = set()
    for entity in registry.entities.values():
        if entity.kind == "sector":
            continue
        for name in (entity.name, *entity.aliases):
            tokens = [t.lower() for t in name.replace(",", " ").split()]
            if tokens and all(t in known for t in tokens):
                drop.add(tokens[0])
    if drop:
        vocabulary.remove(drop)


def write_corpus(out: Path, reports: int, seed: int = 1) -> int:
    """Write the corpus into ``out`` (empty, or a corpus written before); return the file count."""
    out = out.resolve()
    try:
        out.relative_to(REPO)
    except ValueError:
        pass
    else:
        raise SystemExit(f"refusing to write a corpus inside the repository ({out}); use e.g. /tmp/kb-bench")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and was not written by gen_corpus; choose another folder")
        for child in (
            "reports",
            "docs",
            "site_pages",
            "overrides",
            "site",
            "site-internal",
            ".kb",
            "mkdocs.yml",
        ):
            target = out / child
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(f"reports={reports} seed={seed}\n", encoding="utf-8")
    files = generate(reports, seed)
    for relative, content in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return len(files)
