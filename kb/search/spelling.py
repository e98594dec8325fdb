"""Spelling suggestions ("did you mean") from the words of the open index itself."""

from __future__ import annotations

from typing import Any, Protocol


class WordSource(Protocol):
    """What spelling needs of an open index (:class:`kb.search.matching.OpenIndex` is one): its
    reader, searcher and schema, and which documents hold a term."""

    reader: Any
    searcher: Any
    schema: Any

    def docs_with(self, fieldname: str, term: str) -> Any: ...

    def public_docs(self) -> set[int]: ...


def spelling_suggestions(index: WordSource, words: tuple[str, ...], staff: bool) -> dict[str, str]:
    """For each query word that no visible document contains, the nearest word that one does.

    Works on the stemmed terms of the stored text fields (no extra field to
    index), then shows the suggestion as it is written in a visible document:
    "hospitls" -> stem "hospitl" -> nearest stem "hospit" -> "hospitals".
    """
    reader = index.reader
    searcher = index.searcher
    analyzer = index.schema["body"].analyzer
    fields = ("title", "summary", "body", "private") if staff else ("title", "summary", "body")

    def docs(fieldname: str, term: str) -> set[int]:
        if (fieldname, term) not in reader:
            return set()
        found = index.docs_with(fieldname, term)
        return set(found) if staff else found & index.public_docs()

    def surface(stem: str, typed: str) -> str:
        from rapidfuzz.distance import Levenshtein

        for fieldname in fields:
            for docnum in sorted(docs(fieldname, stem))[:3]:
                stored = searcher.stored_fields(docnum).get(fieldname) or ""
                forms = [
                    stored[t.startchar : t.endchar].lower()
                    for t in analyzer(stored, chars=True)
                    if t.text == stem
                ]
                if forms:
                    return min(forms, key=lambda form: (Levenshtein.distance(form, typed), form))
        return stem

    found: dict[str, str] = {}
    for word in dict.fromkeys(w.lower() for w in words):
        stems = [t.text for t in analyzer(word)]
        if len(word) < 3 or len(stems) != 1 or any(docs(f, stems[0]) for f in fields):
            continue
        for distance in (1, 2):
            counts: dict[str, int] = {}
            for fieldname in fields:
                for candidate in reader.terms_within(fieldname, stems[0], distance, prefix=1):
                    number = len(docs(fieldname, candidate))
                    if number and candidate != stems[0]:
                        counts[candidate] = counts.get(candidate, 0) + number
            if counts:
                best = min(counts, key=lambda c: (-counts[c], c))
                found[word] = surface(best, word)
                break
    return found
