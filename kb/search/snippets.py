"""Snippets: the passage of a hit around the words it matched, with those words as ``**word**``.

The same snippet Whoosh's highlighter gives (ContextFragmenter with 200
characters and 60 around the matches, BasicFragmentScorer, the top fragment),
made at a fraction of the cost: see :class:`Snippets`. ``kb search`` shows it
under each hit, and in the JSON and CSV ``snippet``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

#: Whoosh's ContextFragmenter settings (characters of a fragment, context around matches).
SNIPPET_CHARS = 200
SNIPPET_SURROUND = 60
#: Whoosh's highlighter looks no further than this into a field.
SNIPPET_CHARLIMIT = 2**15


class Snippets:
    """Whoosh's highlighter as ``kb search`` used it, without its cost: the same snippet, text for text.

    Whoosh re-analyses the whole stored text of every hit shown, through a chain
    of generators (tokenise, lower-case, stop words, stem), and builds every
    fragment to keep one. Here the words of the text are listed by the
    analyser's own pattern (one C-level ``findall``), each distinct word is
    stemmed once per open index, and the matched words are found with one
    regular expression; Whoosh's ContextFragmenter then runs only over the words
    around each match (see :func:`_best_fragment`). ``tests/test_search_api.py``
    compares the result with Whoosh's. An analyser of another shape falls back
    to Whoosh's highlighter.
    """

    def __init__(self, analyzer):
        from kb.search.engine import stemming_chain

        self._analyzer = analyzer
        self._stems: dict[str, str] = {}  # a word as written -> as indexed
        self._surfaces: dict[str, set[str]] = {}  # the other way round
        self._read: set = set()  # texts whose words are all in those two
        self._finders: dict[frozenset, re.Pattern] = {}
        self._chain = stemming_chain(analyzer)
        if self._chain is not None:
            flags = self._chain.tokens.flags
            self._words = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", flags)
            # Text just before a word that makes it the middle of a token: a word character, or one
            # and a dot (matched against the two characters before the word).
            self._inside = re.compile(r"(?:.|^)[\w*]\Z|[\w*]\.\Z", flags | re.DOTALL)

    def indexed(self, word: str) -> str:
        """``word`` as the analyser indexes it (lower-cased; stemmed unless a stop word)."""
        found = self._stems.get(word)
        if found is None:
            chain = self._chain
            assert chain is not None, "only with the fast path"
            found = word.lower()
            if (
                len(found) >= chain.minsize
                and (chain.maxsize is None or len(found) <= chain.maxsize)
                and found not in chain.stoplist
                and found not in chain.ignore
            ):
                found = chain.stem(found)
            self._stems[word] = found
        return found

    def make(self, text: str, words: frozenset, source=None) -> str:
        """The snippet of ``text`` for the indexed ``words``; ``source`` names the text (document
        and field) so that its words are listed only the first time."""
        if not text or not words:
            return ""
        if self._chain is None:
            return _whoosh_snippet(self._analyzer, text, words)
        tokens = self._chain.tokens
        if source is None or source not in self._read:
            for word in set(self._words.findall(text)).difference(self._stems):
                self._surfaces.setdefault(self.indexed(word), set()).add(word)
            if source is not None:
                self._read.add(source)
        # Every way the words are written in the texts read so far, this one included.
        forms = frozenset().union(*[self._surfaces.get(w, ()) for w in words])
        if not forms:
            return ""
        finder = self._finders.get(forms)
        if finder is None:
            if len(self._finders) > 1000:
                self._finders.clear()
            alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            # A word that is not continued; whether it starts a token is checked below (a
            # look-behind here would be tried at every position of the text).
            finder = self._finders[forms] = re.compile(
                rf"(?:{alternatives})(?![\w*])(?!\.[\w*])", tokens.flags
            )
        inside = self._inside
        starts = [
            m.start()
            for m in finder.finditer(text, 0, SNIPPET_CHARLIMIT)
            if not inside.match(text, max(0, m.start() - 2), m.start())
        ]
        if not starts:
            return ""
        return _format(text, _best_fragment(text, tokens, starts, words, self.indexed))


def _token_start_before(text: str, position: int) -> int:
    """A position at or before ``position`` where a token can start (after whitespace, or 0)."""
    if position <= 0:
        return 0
    space = text.rfind(" ", 0, position)
    space = max(space, text.rfind("\n", max(space, 0), position))
    return space + 1 if space >= 0 else 0


def _best_fragment(text: str, tokens: re.Pattern, starts: list[int], words: frozenset, indexed):
    """Whoosh's ContextFragmenter, scored by its BasicFragmentScorer, keeping the top fragment
    (on a tie, the later one, as Whoosh's ``nlargest`` does); ``starts`` are the matched tokens.

    Between fragments the fragmenter only remembers where the words of the last
    SNIPPET_SURROUND characters start, so each fragment is made from the words
    just before its first match and those after it, not from the whole text.
    """
    best = None
    best_score = 0.0
    reset = 0  # the fragmenter starts afresh from here (the end of the last fragment)
    for begin in starts:
        if begin < reset:
            continue
        context = _context_before(text, tokens, begin, reset)
        fragment = _fragment_at(text, tokens, begin, context, words, indexed)
        if fragment.matches:
            score = _fragment_score(fragment.matches)
            if best is None or score >= best_score:
                best, best_score = (fragment.first, fragment.end, fragment.matches), score
        restart = _restart_after(fragment, words, indexed)
        if restart is None:
            break
        reset = restart
    return best


@dataclass
class _Fragment:
    """One fragment as Whoosh's ContextFragmenter makes it."""

    first: int | None  # where it starts (None: no match in it)
    end: int
    matches: list  # (start, end, indexed word) of each match
    emitted: bool  # ended by its countdown, not by the end of the text
    countdown: int
    rest: Iterator[re.Match]  # the tokens after it


def _context_before(text: str, tokens: re.Pattern, begin: int, reset: int) -> deque[int]:
    """Where the idle words before the match at ``begin`` start, as far back as the fragmenter
    remembers them (the last one's end decides which)."""
    window = max(reset, begin - SNIPPET_SURROUND - 20)
    while True:
        before = [
            m.span()
            for m in tokens.finditer(text, _token_start_before(text, window), begin)
            if m.start() >= reset
        ]
        if window <= reset or (before and window < before[-1][1] - SNIPPET_SURROUND):
            break
        window = max(reset, (before[-1][1] if before else window) - 4 * SNIPPET_SURROUND)
    last_end = before[-1][1] if before else 0
    return deque(start for start, _end in before if last_end - start <= SNIPPET_SURROUND)


def _fragment_at(
    text: str, tokens: re.Pattern, begin: int, firsts: deque[int], words: frozenset, indexed
) -> _Fragment:
    """The fragment from the match at ``begin`` on, exactly as Whoosh's loop makes it (tokens
    only; gaps are not counted); ``firsts`` are the starts of the context words before it."""
    first = None
    countdown = -1
    matches: list = []
    currentlen = 0
    endchar = begin
    found = tokens.finditer(text, begin)
    for m in found:
        startchar, endchar = m.span()
        if endchar > SNIPPET_CHARLIMIT:
            break
        length = endchar - startchar
        word = indexed(m.group())
        matched = word in words
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > SNIPPET_SURROUND:
                firsts.popleft()
        elif currentlen + length > SNIPPET_CHARS:
            countdown = 0
        elif matched:
            countdown = SNIPPET_SURROUND
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += SNIPPET_SURROUND
            matches.append((startchar, endchar, word))
        if countdown >= 0:
            currentlen += length
            countdown -= length
            if countdown <= 0:
                return _Fragment(first, endchar, matches, True, countdown, found)
    return _Fragment(first, endchar, matches, False, countdown, found)


def _restart_after(fragment: _Fragment, words: frozenset, indexed) -> int | None:
    """Where the fragmenter starts afresh after ``fragment``; None at the end of the text (or of
    what Whoosh looks at)."""
    if not fragment.emitted:
        return None
    if fragment.countdown != 0:
        return fragment.end
    # Whoosh leaves its countdown at 0 here, so the next word, unless a match, ends an empty
    # fragment and is not remembered as context.
    following = next(fragment.rest, None)
    if following is None or following.end() > SNIPPET_CHARLIMIT:
        return None
    return following.end() if indexed(following.group()) not in words else fragment.end


def _fragment_score(matches: list) -> float:
    return float(len(matches)) * ((len({m[2] for m in matches}) * 100) or 1)


def _format(text: str, fragment) -> str:
    """The fragment with matched words as ``**word**`` (readable in a terminal, a spreadsheet
    and Markdown)."""
    if fragment is None:
        return ""
    startchar, endchar, matches = fragment
    startchar = max(0, startchar)
    endchar = min(len(text), endchar)
    out = []
    index = startchar
    for start, end, _word in matches:
        if start < index:
            continue
        if start > index:
            out.append(text[index:start])
        out.append(f"**{text[start:end]}**")
        index = end
    out.append(text[index:endchar])
    return "".join(out)


def _whoosh_snippet(analyzer, text: str, words: frozenset) -> str:
    """Whoosh's own highlighter with the settings above: what :class:`Snippets` gives, slowly."""
    from whoosh import highlight

    class Marks(highlight.Formatter):
        between = " … "

        def format_token(self, text, token, replace=False):
            return f"**{highlight.get_text(text, token, replace)}**"

    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND)
    return highlight.highlight(text, words, analyzer, fragmenter, Marks(), top=1, mode="index")
