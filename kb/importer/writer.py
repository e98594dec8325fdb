"""Turning a draft into a report file, and proposed entities into registry entries.

The report is checked with the same parser and checker as ``kb check`` before
anything is written: an import never leaves a report that fails the check.
"""

from __future__ import annotations

import re
from pathlib import Path

from kb.checks.rules import Checker
from kb.errors import InputError, KbError, ProjectError
from kb.importer.analyse import Draft
from kb.importer.entities import NewEntity
from kb.importer.extract import Section
from kb.project import Project
from kb.registry.model import Registry
from kb.report import yamlstrict
from kb.report.model import TAG_LISTS
from kb.report.parse import parse_report
from kb.util.atomic import write_text
from kb.util.files import MAX_FILE_BYTES
from kb.util.text import slugify

#: New entities go to ``reports/registry/imported-ID.yml``, one file each (see :func:`registry_additions`).
REGISTRY_FILE_PREFIX = "imported-"
REGISTRY_HEADER = """\
# An entity added by `kb import --accept-new-entities`. Check it (name, kind, country), add
# acronyms, aliases and dates, then move it to the registry file where it belongs.
entities:
"""


#: At most this many of each list go into the front matter, so that the front matter of a report
#: made from a very long text stays readable and within kb check's limit; the rest is a review note.
MAX_LISTED = {"targets": 100, "opportunities": 60, "review": 80}


def _capped(name: str, items: list, review: list[str]) -> list:
    limit = MAX_LISTED[name]
    if len(items) <= limit:
        return items
    review.append(
        f"{len(items) - limit} more {name} were found than the {limit} listed here: the text is long; "
        f"check it for the rest"
    )
    return items[:limit]


def front_matter(draft: Draft, registry: Registry) -> dict:
    """The draft's report as front matter (always internal), with every review point."""
    data: dict = {
        "title": draft.title,
        "date": draft.date.isoformat(),
        "countries": list(draft.countries),
        "type": draft.type,
        "visibility": "internal",
    }
    visit = _visit(draft)
    if visit:
        data["visit"] = visit
    visitors = _visitors(draft, registry)
    if visitors:
        data["visitors"] = visitors
    tags = draft.tag_ids(registry)
    data.update({name: tags[name] for name in TAG_LISTS if tags.get(name)})
    review = list(draft.review)
    opportunities = _capped("opportunities", _opportunities(draft, registry), review)
    if opportunities:
        data["opportunities"] = opportunities
    targets = _capped("targets", _targets(draft, registry, review), review)
    if targets:
        data["targets"] = targets
    if draft.source:
        data["source"] = draft.source
    if draft.disclaimer:
        data["disclaimer"] = draft.disclaimer
    review = list(dict.fromkeys(review))
    if len(review) > MAX_LISTED["review"]:
        limit = MAX_LISTED["review"] - 1
        review = review[:limit] + [
            f"{len(review) - limit} more points to review were left out of this list: read the whole text"
        ]
    if review:
        data["review"] = review
    return data


def _visit(draft: Draft) -> dict:
    visit: dict = {}
    if draft.visit.start:
        visit["start"] = draft.visit.start.isoformat()
    if draft.visit.end:
        visit["end"] = draft.visit.end.isoformat()
    if draft.visit.places:
        visit["places"] = list(draft.visit.places)
    return visit


def _visitors(draft: Draft, registry: Registry) -> list[dict]:
    """The visitors, each with the registry id of their organisation when it has one."""
    visitors = []
    for person in draft.people:
        if not person.visitor:
            continue
        entry: dict = {"name": person.name}
        if person.role:
            entry["role"] = person.role
        if person.organisation:
            found = registry.resolve(person.organisation) or registry.resolve(
                re.sub(r"^the\s+", "", person.organisation, flags=re.IGNORECASE)
            )
            entry["organisation"] = found[0].id if found else person.organisation
        visitors.append(entry)
    return visitors


def _opportunities(draft: Draft, registry: Registry) -> list[dict]:
    """The opportunities, with only the partners the registry has (no 'partners' if none is left)."""
    out = []
    for opportunity in draft.opportunities:
        if "partners" in opportunity:
            partners = [p for p in opportunity["partners"] if registry.get(p)]
            opportunity = dict(opportunity, partners=partners)  # in its place among the keys
            if not partners:
                del opportunity["partners"]
        out.append(opportunity)
    return out


def _targets(draft: Draft, registry: Registry, review: list[str]) -> list[dict]:
    """The targets, without an owner the registry does not have (a review point instead)."""
    targets = []
    for target in draft.targets:
        if target.get("owner") and registry.get(target["owner"]) is None:
            review.append(
                f"target '{target['what']}': its owner {target['owner']} is not in the registry; "
                f"set 'owner' once it is"
            )
            target = {k: v for k, v in target.items() if k != "owner"}
        targets.append(target)
    return targets


def accept_proposals(
    registry: Registry, proposals: list[NewEntity]
) -> tuple[list[NewEntity], list[tuple[NewEntity, str]]]:
    """Proposals safe to add to the registry, and those held for review with the reason.

    A proposal whose country is unknown, or whose id, name or acronym the registry already
    uses for another body, is never written: merging it would mislabel that body.
    """
    accepted: list[NewEntity] = []
    held: list[tuple[NewEntity, str]] = []
    for proposal in proposals:
        clash = registry.get(proposal.id)
        named = registry.resolve(proposal.name)
        short = registry.resolve(proposal.acronym) if proposal.acronym else []
        if proposal.country is None:
            held.append((proposal, "its country is unknown; add it by hand with the right country"))
        elif clash is not None:
            held.append((proposal, f"the id {proposal.id} is already {clash.name}"))
        elif named:
            held.append((proposal, f"the registry already has {named[0].id} by this name"))
        elif short:
            held.append(
                (proposal, f"the acronym {proposal.acronym} is already {short[0].id} ({short[0].name})")
            )
        else:
            accepted.append(proposal)
    return accepted, held


def _escape(text: str) -> str:
    """Plain text made safe as Markdown: no HTML, no accidental emphasis or headings."""
    text = text.replace("\\", "\\\\").replace("<", "&lt;").replace("*", "\\*").replace("`", "\\`")
    return re.sub(r"^(#|>|\d+[.)]\s|[-+]\s)", r"\\\1", text)


def body(sections: list[Section], markdown_source: bool) -> str:
    out: list[str] = []
    for section in sections:
        if section.heading:
            out.append(f"{'#' * section.level} {_escape(section.heading)}")
            out.append("")
        previous_item = False
        for block in section.blocks:
            if block.kind == "table" and block.markdown:
                out.extend([*([""] if previous_item else []), block.markdown, ""])
                previous_item = False
                continue
            text = block.markdown if markdown_source and block.markdown else _escape(block.text)
            if block.kind == "item":
                out.append(f"- {text}")
                previous_item = True
                continue
            if previous_item:
                out.append("")
            out.append(text)
            out.append("")
            previous_item = False
        if previous_item:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(draft: Draft, registry: Registry) -> str:
    """The report file: python-frontmatter joins the YAML (safe dumper, keys in our order) and body."""
    import frontmatter

    post = frontmatter.Post(
        body(draft.extracted.sections, draft.markdown_body), **front_matter(draft, registry)
    )
    return frontmatter.dumps(post, sort_keys=False, width=100) + "\n"


def target_path(project: Project, draft: Draft) -> Path:
    return (
        project.reports_dir
        / draft.countries[0].lower()
        / f"{draft.date.isoformat()}-{slugify(draft.title)}.md"
    )


def validate(text: str, path: Path, shown: str, registry: Registry) -> None:
    """The rendered report must fit a report file, parse and pass the registry checks (warnings allowed)."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"the report made from this text would be {size / 1_048_576:.1f} MB, over the "
            f"{MAX_FILE_BYTES // 1_048_576} MB limit of a report file",
            path=shown,
            line=1,
            hint="split the text into parts and import each",
        )
    parsed = parse_report(path, shown, text=text)
    problems = [p for p in parsed.problems if p.level == "error"]
    if parsed.report is not None:
        problems += [p for p in Checker(registry).check_report(parsed.report) if p.level == "error"]
    if problems:
        first = problems[0]
        raise KbError(
            f"the imported report would not pass kb check: {first.message}",
            path=shown,
            line=first.line,
            hint=first.hint or "report this as a bug of kb import",
        )


def registry_additions(project: Project, proposals: list[NewEntity]) -> list[tuple[Path, str]]:
    """Each proposal's own new registry file, ``reports/registry/imported-ID.yml``, and its text.

    One file per new entity, never an edit of an existing file: two branches that each add an
    entity then touch different files, and git merges them without a conflict on any hosting
    service (an entry appended at the end of one shared file conflicts; a ``union`` merge
    driver is not run by the hosts' merge buttons). The same id added on two branches is a
    real conflict, and git says so.
    """
    additions = []
    for proposal in proposals:
        path = project.registry_dir / f"{REGISTRY_FILE_PREFIX}{proposal.id}.yml"
        if path.exists():
            raise ProjectError(
                f"cannot add {proposal.id}: {project.show(path)} already exists",
                hint="check that file with kb check, then import again",
            )
        items = yamlstrict.dump([proposal.as_registry_item()])
        text = REGISTRY_HEADER + "".join(
            f"  {line}\n" if line else "\n" for line in items.rstrip("\n").split("\n")
        )
        entries = yamlstrict.load(text).value.get("entities")
        if not isinstance(entries, list) or [e.get("id") for e in entries] != [proposal.id]:
            raise ProjectError(
                f"cannot write the registry entry of {proposal.id}", hint="report this as a bug of kb import"
            )
        additions.append((path, text))
    return additions


def write_registry(project: Project, proposals: list[NewEntity]) -> list[Path]:
    additions = registry_additions(project, proposals)
    for path, text in additions:
        write_text(path, text, overwrite=False, shown=project.show(path))
    return [path for path, _text in additions]


def write_report(path: Path, text: str, shown: str) -> None:
    write_text(path, text, overwrite=False, shown=shown)
