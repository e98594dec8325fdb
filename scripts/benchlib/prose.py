"""Report prose: sentences of Zipf-distributed words, and deliberate mentions of the entities a
report tags (by name and acronym), laid out in the sections posts write."""

from __future__ import annotations

import random

from .registry_gen import Country, Entity, Registry
from .words import Vocabulary


class Writer:
    """Prose with Zipf-distributed words and deliberate entity mentions."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary) -> None:
        self.rng = rng
        self.vocabulary = vocabulary

    def filler(self, low: int = 8, high: int = 24) -> str:
        rng = self.rng
        words = self.vocabulary.words_n(rng.randint(low, high))
        if rng.random() < 0.25:
            words.insert(
                rng.randrange(1, len(words)),
                rng.choice(
                    [
                        f"{rng.randint(2, 95)}%",
                        f"USD {rng.randint(1, 40)} billion",
                        f"{rng.randint(2, 900):,}",
                        f"{rng.randint(1000, 99000):,}",
                        f"by {rng.randint(2015, 2040)}",
                    ]
                ),
            )
        if len(words) > 10 and rng.random() < 0.4:
            cut = rng.randrange(4, len(words) - 4)
            words[cut] += ","
        words[0] = words[0][0].upper() + words[0][1:]
        return " ".join(words) + "."

    def topic(self) -> str:
        return " ".join(self.rng.sample(self.vocabulary.domain, 2))


def mention(writer: Writer, entity: Entity, first: bool, country: Country) -> str:
    rng = writer.rng
    label = (
        f"the {entity.name} ({entity.acronym})"
        if entity.acronym and first
        else (entity.acronym if entity.acronym and rng.random() < 0.6 else f"the {entity.name}")
    )
    if entity.kind == "person":
        role = entity.role or "official"
        return rng.choice(
            [
                f"{entity.name}, {role}, set out the UK position on {writer.topic()}.",
                f"We also met {entity.name} ({role}) to discuss {writer.topic()}.",
                f"{entity.name} said there was strong interest in {writer.topic()}.",
            ]
        )
    if entity.kind == "event":
        return rng.choice(
            [
                f"The visit was timed to coincide with the {entity.name}.",
                f"Both sides prepared for the {entity.name} in {rng.choice(country.cities)}.",
            ]
        )
    if entity.kind in ("programme", "project"):
        return rng.choice(
            [
                f"Through the {entity.name}, partners are working on {writer.topic()}.",
                f"The {entity.name} has funded work on {writer.topic()} since it began.",
            ]
        )
    start = label[0].upper() + label[1:]
    return rng.choice(
        [
            f"Officials from {label} set out their plans for {writer.topic()}.",
            f"{start} confirmed that it will publish new plans on {writer.topic()} this year.",
            f"We met {label} to discuss {writer.topic()} and {writer.topic()}.",
            f"{start} is leading work on {writer.topic()}, with a budget agreed last year.",
            f"According to {label}, demand for {writer.topic()} is rising quickly.",
        ]
    )


def _paragraph(writer: Writer, mentions: list[str], sentences: int) -> str:
    parts = [writer.filler() for _ in range(sentences)]
    for mention in mentions:
        parts.insert(writer.rng.randrange(len(parts) + 1), mention)
    return " ".join(parts)


def body(
    rng: random.Random,
    writer: Writer,
    registry: Registry,
    country: Country,
    tagged: list[str],
    internal_report: bool,
) -> str:
    ents = registry.entities
    target_words = rng.randint(600, 900)
    mentioned = [ents[t] for t in tagged if rng.random() < 0.8]
    mention_texts = []
    for entity in mentioned:
        mention_texts.append(mention(writer, entity, True, country))
        if rng.random() < 0.4:
            mention_texts.append(mention(writer, entity, False, country))
    rng.shuffle(mention_texts)
    # Sections in the shape posts write: Detail (most of it), Comment, sometimes Next steps.
    next_steps = rng.random() < 0.5
    plan = [("## Detail", 0.6), ("## Comment", 0.9 if next_steps else 1.0)]
    out: list[str] = []
    words = 0
    per_paragraph = max(1, len(mention_texts) // 5 + 1)
    for heading, until in plan:
        out += [heading, ""]
        budget = target_words * until
        first = True
        while words < budget or first:
            if heading == "## Detail" and not first and rng.random() < 0.15:
                sector = ents[rng.choice(registry.sectors)].name
                out += [f"### {sector}", ""]
            first = False
            mentions, mention_texts = mention_texts[:per_paragraph], mention_texts[per_paragraph:]
            left = max(1, int((budget - words) / 16))
            paragraph = _paragraph(writer, mentions, min(rng.randint(2, 5), left))
            out += [paragraph, ""]
            words += len(paragraph.split())
        if heading == "## Comment" and mention_texts:
            paragraph = _paragraph(writer, mention_texts, 1)
            out += [paragraph, ""]
            words += len(paragraph.split())
            mention_texts = []
    if not internal_report and rng.random() < 0.12:
        out += [
            "<!-- internal -->",
            "Staff only: " + writer.filler() + " " + writer.filler(),
            "<!-- /internal -->",
            "",
        ]
    if next_steps:
        out += ["## Next steps", ""]
        while words < target_words or out[-1] == "":
            item = "- " + writer.filler(6, 14)
            out.append(item)
            words += len(item.split()) - 1
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
