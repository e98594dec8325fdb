"""Reading a query with Whoosh's parser: the fields searched, their aliases and boosts, and
the private twins staff searches also read (see :mod:`kb.search.documents`)."""

from __future__ import annotations

from whoosh import qparser
from whoosh import query as wq
from whoosh.qparser import syntax

from kb.errors import UsageError
from kb.search.engine import FIELD_BOOSTS, PRIVATE_TWINS, QUERY_FIELDS, TEXT_FIELDS


def make_parser(schema, staff: bool = False) -> qparser.QueryParser:
    fields = [*TEXT_FIELDS, "private"] if staff else list(TEXT_FIELDS)
    found = qparser.MultifieldParser(fields, schema, fieldboosts=FIELD_BOOSTS)
    aliases: dict[str, list[str]] = {}
    for alias, name in QUERY_FIELDS.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    found.add_plugin(qparser.FieldAliasPlugin(aliases))
    return found


def parse_with(qp: qparser.QueryParser, text: str, staff: bool = False):
    """Whoosh's reading of ``text``; UsageError for what it cannot read."""
    hint = "check quotes, brackets and field:value pairs; see kb search --help"
    try:
        nodes = qp.process(text)
        problem = _first_error(nodes)
        if problem:
            raise UsageError(f"cannot read the query near {problem!r}", hint=hint)
        # What ``qp.parse(text)`` does, without processing the text a second time.
        q = (nodes.query(qp) or wq.NullQuery).normalize()
    except UsageError:
        raise
    except Exception:
        raise UsageError("cannot read the query", hint=hint) from None
    return _with_private(q) if staff else q


def _with_private(q):
    """Staff queries on a field also search its private twin (internal parts of public reports)."""
    if isinstance(q, wq.Term) and q.fieldname in PRIVATE_TWINS:
        return wq.Or([q, wq.Term(PRIVATE_TWINS[q.fieldname], q.text, boost=q.boost)])
    return q.apply(_with_private)


def _first_error(node) -> str | None:
    if isinstance(node, syntax.ErrorNode):
        return getattr(node.node, "original", None) or node.message
    if isinstance(node, syntax.GroupNode):
        for child in node:
            found = _first_error(child)
            if found:
                return found
    return None
