"""Which reports a word matches on the Find page: the rule of ``kb search``, as index words.

``kb search`` reads a plain query word by word (Whoosh's analyser: lower case, stop words and
one-letter words dropped). A word matches a report that holds its Porter stem in the title,
summary, body, opportunities or targets, or the word itself, unstemmed, among its people's
names, roles and organisations; a run of words that is an entity's name, acronym or alias
(``MSIT``, ``health data``) also matches every report tagged with that entity over its renames
(:func:`kb.search.rewrite.expand_entities`). Pagefind matches word starts (``health`` finds
``healthcare``), with its own stemmer.

So that the Find page gives the same reports, each report page carries, in an attribute only
Pagefind reads (``data-pagefind-index-attrs``), one index word for each

- stem of its text (``k`` words, :func:`stem_word`);
- people's word of the site (any report's) that it matches: held by its people, or its stem
  by its text (``p`` words);
- entity name that it matches (``g`` words, :func:`name_word`).

``find.js`` makes a plain query's index words the same way (words.js; its Porter stemmer is a
port of Whoosh's, compared with it by a browser test) and asks Pagefind for them. Each is a
letter, the UTF-8 bytes of the stem, word or name in hexadecimal and a ``z``: no index word
starts with another (Pagefind's word-start match finds only itself) and Pagefind's English
stemmer leaves it alone (no English suffix ends in ``z``). Pagefind still ranks the results
and makes the snippets, from a search for the words as typed.

Fail closed: everything comes from the reports the site shows, as its pages show them (on the
public site, ``redact``'s view), through :func:`kb.search.documents.report_document`'s
fields; the ``private`` field only on the staff site.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from kb.registry.model import Registry
from kb.report.model import Report

#: The fields ``kb search`` stems for free text (:data:`kb.search.engine.TEXT_FIELDS` but people).
STEMMED = ("title", "summary", "body", "opportunities", "targets")
PEOPLE = "authors"
#: The field only a staff search reads besides (``kb search --include-internal``).
PRIVATE = "private"
#: The letters of the three kinds of index word; ``z`` ends each.
STEM, PERSON, NAME, END = "k", "p", "g", "z"


def _word(kind: str, text: str) -> str:
    return kind + text.encode("utf-8").hex() + END


def stem_word(stem: str) -> str:
    """The index word of a stemmed term (words.js's ``stemWord``)."""
    return _word(STEM, stem)


def person_word(word: str) -> str:
    return _word(PERSON, word)


def name_word(key: str) -> str:
    """The index word of an entity name as the query table knows it (case-folded)."""
    return _word(NAME, key)


def stems(text: str, cache: dict[str, str] | None = None) -> set[str]:
    """The terms ``kb search`` indexes for ``text`` in a stemmed field (``cache``: word -> stem)."""
    from kb.search.engine import term_positions

    return set(term_positions(text, {} if cache is None else cache))


class Words:
    """What ``kb search`` matches in one report (a view: what its page shows): the stems of its
    text and the words of its people."""

    def __init__(
        self, report: Report, registry: Registry, internal: bool, cache: dict[str, str] | None = None
    ) -> None:
        from kb.search.documents import report_document
        from kb.search.engine import plain_terms

        document = report_document(report, registry, report.id)
        #: Each field's stems (a staff search also reads ``private``).
        self.fields = [
            stems(str(document.get(name) or ""), cache)
            for name in (*STEMMED, *([PRIVATE] if internal else []))
        ]
        self.stems: set[str] = set().union(*self.fields)
        self.people = plain_terms(str(document.get(PEOPLE) or ""))

    def match(self, terms: list[tuple[str, str]]) -> bool:
        """Does ``kb search`` find a query word here, given its terms (each analysed, and its
        stem)? One term: its stem in the text, or itself among the people. More (``e-commerce``,
        ``ai-safety-institute``): Whoosh wants them all in one field."""
        if len(terms) == 1:
            word, stem = terms[0]
            return stem in self.stems or word in self.people
        return any(all(s in field for _w, s in terms) for field in self.fields) or all(
            w in self.people for w, _s in terms
        )


class Names:
    """Every entity name ``kb search`` resolves (case-folded, as :meth:`EntityTable.resolve` reads
    them), with the ids it resolves to and its words: made from the registry alone, so that
    ``kb serve`` keeps it while the registry is unchanged."""

    def __init__(self, registry: Registry) -> None:
        from kb.registry.filters import EntityTable
        from kb.search.engine import plain_terms, porter_stem

        self.table = EntityTable.from_registry(registry)
        # Each name's words, as a query reads them: split at spaces, each word into its terms.
        self.names = {
            key: (
                frozenset(ids),
                [[(t, porter_stem(t)) for t in sorted(plain_terms(w))] for w in key.split()],
            )
            for key, ids in self.table.names().items()
        }
        # Where to look for the names a report may match: by entity, and by one term every
        # match needs (the longest of the name's last word), as a stem or as a people's word.
        self.by_entity: dict[str, list[str]] = defaultdict(list)
        self.by_stem: dict[str, list[str]] = defaultdict(list)
        self.by_word: dict[str, list[str]] = defaultdict(list)
        for key, (ids, parts) in self.names.items():
            for entity_id in ids:
                self.by_entity[entity_id].append(key)
            # Often the rarest ("ICT" of "Ministry of Science and ICT"), so few names are tried.
            last = next((part for part in reversed(parts) if part), None)
            if last:  # a name of stop words alone has no words: only its entities match (as in a query)
                word, stem = max(last, key=lambda term: (len(term[0]), term))
                self.by_stem[stem].append(key)
                self.by_word[word].append(key)
        # For the quick answer of Vocabulary.index_words: every stem a name's words need, whether
        # each of its words is one term, and its terms as people's words.
        self.needs = {
            key: (
                frozenset(s for part in parts for _w, s in part),
                all(len(part) <= 1 for part in parts),
                frozenset(w for part in parts for w, _s in part),
            )
            for key, (_ids, parts) in self.names.items()
        }


class Vocabulary:
    """The site's words a query is turned into index words with: the registry's :class:`Names`
    and every word of the people of the site's reports."""

    def __init__(
        self,
        registry: Registry,
        reports: Iterable[Report],
        internal: bool,
        names: Names | None = None,
        people_cache: dict[str, tuple[tuple[str, str], ...]] | None = None,
    ) -> None:
        """``names``: the registry's, made by an earlier site; ``people_cache``: each report's
        people's words and their stems by the text they come from, kept by ``kb serve``."""
        from kb.search.documents import people_text
        from kb.search.engine import plain_terms, porter_stem

        known = names or Names(registry)
        self.table = known.table
        self.names = known.names
        self.by_entity, self.by_stem, self.by_word = known.by_entity, known.by_stem, known.by_word
        self.needs = known.needs
        self.stem_cache: dict[str, str] = {}  # word -> Porter stem, for every page of the build
        self.internal = internal
        self.people: dict[str, list[str]] = defaultdict(list)  # stem -> the people's words with it
        cache = {} if people_cache is None else people_cache
        for report in reports:
            # Only what a page shows: on the public site, views without internal people.
            text = people_text(report)
            terms = cache.get(text)
            if terms is None:
                terms = cache[text] = tuple((word, porter_stem(word)) for word in plain_terms(text))
            for word, stem in terms:
                if word not in self.people[stem]:
                    self.people[stem].append(word)

    def index_words(self, report: Report, registry: Registry, *, quick: bool = True) -> str:
        """The hidden index words of a report page, space-separated, in a stable order.

        ``quick``: decide most names by set inclusion, not word by word (a third of the time of
        generating the site went on these); ``tests/test_find_words.py`` proves both the same."""
        words = Words(report, registry, self.internal, self.stem_cache)
        out = sorted(stem_word(s) for s in words.stems)
        people = set(words.people)
        for stem in words.stems:
            people.update(self.people.get(stem, ()))
        out += sorted(person_word(w) for w in people)
        tagged = {other for entity_id in report.entity_ids() for other in self.table.lineage(entity_id)}
        names = {key for entity_id in tagged for key in self.by_entity.get(entity_id, ())}
        maybe = {key for stem in words.stems for key in self.by_stem.get(stem, ())}
        maybe.update(key for word in words.people for key in self.by_word.get(word, ()))
        for key in maybe - names:
            if quick:
                # Every word of a name matches by its stem(s) in the text, or by its term(s)
                # among the people's words: with all its stems in the text a name of one-term
                # words matches; with a stem missing, only a name with a term among the people's
                # words can.
                need, one_term_words, terms = self.needs[key]
                if need <= words.stems:
                    if one_term_words:
                        names.add(key)
                        continue
                elif words.people.isdisjoint(terms):
                    continue
            if all(words.match(part) for part in self.names[key][1] if part):
                names.add(key)
        out += sorted(name_word(key) for key in names)
        return " ".join(out)

    def file(self) -> str:
        """``kb/find-words.json``, what find.js makes a query's index words with (fetched at the
        first search, not with the page): the names, the people's words and the stop words."""
        from kb.search.engine import STOP_WORDS

        people = {w for group in self.people.values() for w in group}
        data = {"names": sorted(self.names), "people": sorted(people), "stops": sorted(STOP_WORDS)}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
