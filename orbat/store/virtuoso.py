"""What Virtuoso (7.2.5, Debian's ``virtuoso-opensource``) needs that the SPARQL standards do not say.

- An ``INSERT DATA`` with an empty ``GRAPH <g> { }`` block is a syntax error (SP030): such an
  operation becomes one that does nothing.
- One long ``INSERT DATA`` is refused ("SP031: SPARQL: Internal error: The length of generated SQL
  text has exceeded 10000 lines"): ``split_insert_data`` cuts every large INSERT DATA of an update
  into several operations of ``BATCH`` triples, in the same request, so a report's write (the
  manifest's one update, orbat.manifest) stays one request.
- A direct ``application/sparql-query`` POST is never answered, ASK answers in JSON as a solution
  binding ``__ASK_RETVAL``, some query errors are HTTP 500 with an SQL state, and the union default
  graph includes Virtuoso's own graphs (its RDF views): orbat.store.remote deals with those.
- There is no ``geof:distance``: orbat.geodistance computes great-circle distances instead.
- Writes need the ``-auth`` endpoints with digest authentication, or SPARQL_UPDATE granted to the
  ``SPARQL`` user; ``ResultSetMaxRows`` in virtuoso.ini caps every answer (raise it: the default,
  10,000, silently truncates larger results and exports).
"""

from __future__ import annotations

import re

from pyoxigraph import BlankNode, Quad, RdfFormat, parse

BATCH = 500  # triples per INSERT DATA
NOTHING = "https://w3id.org/orbat/graph/empty"  # never written (orbat.store.version.EMPTY_GRAPH)
_INSERT_DATA = re.compile(r"\bINSERT\s+DATA\s*\{", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)", re.IGNORECASE | re.MULTILINE)
_SKIP = re.compile(r"""\#[^\n]*|<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[{}]""")


def _closing(text: str, start: int) -> int | None:
    """The index of the ``}`` that closes the block opened just before ``start``."""
    depth = 1
    for match in _SKIP.finditer(text, start):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return match.start()
    return None


def _batches(prologue: str, block: str) -> str | None:
    """The block's quads as several INSERT DATA operations, or None to leave it as written."""
    try:
        quads = list(parse((prologue + "\n" + block).encode(), format=RdfFormat.TRIG))
    except SyntaxError:
        return None
    if not quads:  # Virtuoso refuses an empty block (GRAPH <g> { }): an operation that does nothing
        return f"CLEAR SILENT GRAPH <{NOTHING}>"
    if len(quads) <= BATCH or any(isinstance(t, BlankNode) for q in quads for t in (q.subject, q.object)):
        return None  # blank nodes must stay in one operation (each INSERT DATA makes them fresh)
    operations = []
    for start in range(0, len(quads), BATCH):
        lines = "\n".join(_quad(q) for q in quads[start : start + BATCH])
        operations.append(f"INSERT DATA {{\n{lines}\n}}")
    return " ;\n".join(operations)


def _quad(quad: Quad) -> str:
    return f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}"


def split_insert_data(update: str) -> str:
    """``update`` with each INSERT DATA of more than BATCH triples cut into operations of BATCH, and
    each empty one made an operation that does nothing."""
    prologue = "\n".join(m.group().strip() for m in _PREFIX.finditer(update))
    pieces: list[str] = []
    position = 0
    for match in _INSERT_DATA.finditer(update):
        if match.start() < position:
            continue
        end = _closing(update, match.end())
        if end is None:
            break
        replacement = _batches(prologue, update[match.end() : end])
        if replacement is not None:
            pieces += [update[position : match.start()], replacement]
            position = end + 1
    return "".join(pieces) + update[position:] if pieces else update
