"""Successions between bodies, beyond what :class:`~kb.registry.model.Registry` answers: the
history of a body (its splits, mergers and transfers, as events and as sentences, for ``kb show``
and entity pages) and the ``ambiguous-lineage`` check of the registry's successions."""

from __future__ import annotations

from collections.abc import Callable

from kb.problems import Problem
from kb.registry.model import Entity, Registry


def history(registry: Registry, entity_id: str) -> list[dict]:
    """Every succession into and out of this body's names that is not a rename, oldest first:
    ``{"from": [ids], "to": [ids], "kind", "date"}`` (for ``kb show`` and entity pages)."""
    own = registry.lineage(entity_id) or [entity_id]
    events: dict[tuple, dict] = {}
    for name in own:
        for new in registry.successors(name):
            kind = registry.kind_of(name, new)
            if kind == "rename":
                continue
            if kind == "merger":
                key: tuple = ("merger", new)
                olds = [o for o in registry.predecessors(new) if registry.kind_of(o, new) == "merger"]
                events[key] = {"from": olds, "to": [new], "kind": kind}
            else:
                news = [n for n in registry.successors(name) if registry.kind_of(name, n) == kind]
                events[(kind, name)] = {"from": [name], "to": news, "kind": kind}
        for old in registry.predecessors(name):
            kind = registry.kind_of(old, name)
            if kind == "rename":
                continue
            if kind == "merger":
                olds = [o for o in registry.predecessors(name) if registry.kind_of(o, name) == "merger"]
                events[("merger", name)] = {"from": olds, "to": [name], "kind": kind}
            else:
                news = [n for n in registry.successors(old) if registry.kind_of(old, n) == kind]
                events[(kind, old)] = {"from": [old], "to": news, "kind": kind}
    out = []
    for event in events.values():
        first = registry.entities[event["from"][0]]
        date_ = first.succession_date or first.valid_to
        out.append({**event, "date": str(date_) if date_ else None})
    return sorted(out, key=lambda e: (e["date"] or "", e["to"]))


def history_sentence(
    registry: Registry, event: dict, entity_id: str, name: Callable[[str], str] | None = None
) -> str:
    """One event of :func:`history` as a sentence about ``entity_id``'s body: ``split into
    DBT, DSIT and DESNZ on 2023-02-07``. ``name(id)`` renders each other body (the site
    passes a link maker that escapes; default: its label)."""
    own = set(registry.lineage(entity_id) or [entity_id])

    def label(other: str) -> str:
        entity = registry.entities.get(other)
        return entity.label if entity else other

    def names(ids: list[str]) -> str:
        shown = [(name or label)(i) for i in ids]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]

    when = f" on {event['date']}" if event["date"] else ""
    kind = event["kind"]
    if kind == "merger":
        others = [i for i in event["from"] if i not in own]
        if own & set(event["to"]):
            if len(event["from"]) == 1:
                return f"formed by a merger of {names(event['from'])} with parts of other bodies{when}"
            return f"formed by the merger of {names(event['from'])}{when}"
        with_ = f" with {names(others)}" if others else ""
        return f"merged{with_} into {names(event['to'])}{when}"
    if own & set(event["from"]):
        verb = "split into" if kind == "split" else "functions transferred to"
        return f"{verb} {names(event['to'])}{when}"
    verb = "formed in part from" if kind == "split" else "took on functions of"
    return f"{verb} {names(event['from'])}{when} ({kind})"


LINEAGE_CODE = "ambiguous-lineage"


def _lineage_problem(entity: Entity, message: str, hint: str, level: str = "error") -> Problem:
    return Problem(entity.path, entity.line, 1, level, LINEAGE_CODE, message, hint)  # type: ignore[arg-type]


def check_lineage(registry: Registry) -> list[Problem]:
    """Successions that contradict themselves or each other (errors), and plain ``superseded_by``
    lists whose kind had to be guessed (warnings asking for the explicit form)."""
    problems: list[Problem] = []
    ids = registry.entities
    for entity in ids.values():
        renamed = registry.renamed(entity.id)
        if len(renamed) > 1 and entity.succession != "rename":
            problems.append(
                _lineage_problem(
                    entity,
                    f"{entity.id}: renamed into {len(renamed)} bodies: {', '.join(renamed)} "
                    "(superseded_by here and renamed_from there)",
                    "one body takes one new name: if it was divided, write superseded_by: "
                    f"{{kind: split, by: [{', '.join(renamed)}]}} and drop renamed_from",
                )
            )
        known = [n for n in entity.superseded_by if n in ids and n != entity.id]
        kind = entity.succession
        if kind == "rename" and len(known) > 1:
            problems.append(
                _lineage_problem(
                    entity,
                    f"{entity.id}: a rename gives one new name, but superseded_by names {len(known)}: "
                    f"{', '.join(known)}",
                    "if it was divided between them, write kind: split",
                )
            )
        if kind in ("split", "merger") and known:
            wanted = "two or more successors" if kind == "split" else "one successor"
            wrong = len(known) < 2 if kind == "split" else len(known) > 1
            if wrong:
                other = "rename (one body, new name) or merger" if kind == "split" else "split"
                problems.append(
                    _lineage_problem(
                        entity,
                        f"{entity.id}: a {kind} has {wanted}, but superseded_by names {', '.join(known)}",
                        f"write kind: {other}",
                    )
                )
        if entity.succession_date and entity.valid_to:
            when, end = entity.succession_date, entity.valid_to
            if when.end < end.start or when.start > end.end:
                problems.append(
                    _lineage_problem(
                        entity,
                        f"{entity.id}: superseded_by is dated {when}, but valid_to is {end}",
                        "the succession ends the body: give both the same date",
                    )
                )
    for new_id in sorted(ids):
        olds = registry.predecessors(new_id)
        if len(olds) < 2:
            continue
        renames = [o for o in olds if registry.kind_of(o, new_id) == "rename"]
        for old in renames:
            problems.append(
                _lineage_problem(
                    ids[old],
                    f"{old}: '{new_id}' is given as its new name (a rename), but {new_id} also replaces "
                    f"{', '.join(o for o in olds if o != old)}",
                    f"a rename has one predecessor; if they merged, write superseded_by: "
                    f"{{kind: merger, by: {new_id}, date: ...}} on each",
                )
            )
        mergers = [o for o in olds if registry.kind_of(o, new_id) == "merger"]
        for old in mergers:
            if registry.inferred(old, new_id):
                problems.append(
                    _lineage_problem(
                        ids[old],
                        f"{old}: superseded_by: {new_id} is read as a merger, as {new_id} also replaces "
                        f"{', '.join(o for o in olds if o != old)}",
                        f"say so: superseded_by: {{kind: merger, by: {new_id}, date: "
                        f"{ids[old].valid_to or '...'}}}",
                        level="warning",
                    )
                )
        dated = {str(d) for o in mergers if (d := ids[o].succession_date or ids[o].valid_to)}
        if len(dated) > 1:
            problems.append(
                _lineage_problem(
                    ids[mergers[-1]],
                    f"the parts of the merger into {new_id} disagree on its date: "
                    + ", ".join(
                        f"{o} {ids[o].succession_date or ids[o].valid_to}"
                        for o in mergers
                        if ids[o].succession_date or ids[o].valid_to
                    ),
                    "a merger happens on one day: give each part the same date",
                )
            )
    return problems
