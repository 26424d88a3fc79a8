"""The RDF dataset a query runs against, decided once for every store.

Three sources, the first one present wins:

1. the SPARQL 1.1 Protocol's ``default-graph-uri`` / ``named-graph-uri`` parameters
   (https://www.w3.org/TR/sparql11-protocol/#dataset): together they are the whole dataset, a half
   that is not given is empty, and the query's own FROM / FROM NAMED are ignored;
2. the query's dataset clause (SPARQL 1.1 Query section 13.2,
   https://www.w3.org/TR/sparql11-query/#specifyingDataset): FROM graphs merge into the default
   graph, FROM NAMED graphs are the named graphs; FROM alone means no named graphs, FROM NAMED
   alone an empty default graph; a graph the store lacks is an empty graph;
3. neither: this service's default dataset, the union of all graphs as the default graph and
   every graph as a named graph (``None`` here).

The stores cannot leave the clause to the engine: pyoxigraph ignores FROM when it is asked for the
union default graph, and so does ``oxigraph serve --union-default-graph``. So the clause is read
here and handed to the engine as an explicit dataset (pyoxigraph's ``default_graph`` /
``named_graphs``, or the protocol parameters of a remote server), which overrides the clause.

Reading the clause: FROM is a reserved word that the grammar allows only in a dataset clause, so a
scan for the bare word (not inside a string, IRI, comment, variable or prefixed name) finds every
clause. The scan is one pass of a regular expression whose every repetition is possessive, so its
time is linear in the text. The graph names are resolved by the engine itself: the query's
prologue (its PREFIX and BASE declarations, at the same offsets) followed by a VALUES block of
the names is parsed by an empty in-memory pyoxigraph store, so prefixes, relative IRIs and
escapes mean exactly what they mean in the query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Store

_TOKEN = re.compile(
    r"""
      \#[^\r\n]*+
    | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+(?:\"\"\"|\Z)
    | '''(?:[^'\\]++|\\.|'(?!''))*+(?:'''|\Z)
    | "(?:[^"\\\r\n]++|\\.)*+(?:"|(?=[\r\n])|\Z)
    | '(?:[^'\\\r\n]++|\\.)*+(?:'|(?=[\r\n])|\Z)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]++|\\[uU][0-9A-Fa-f]++)*+>)
    | (?P<word>(?:[^\s<>"'{}()\[\],;\#\\*=!&|/^+]++|\\.)++)
    | .
    """,
    re.VERBOSE | re.DOTALL,
)
_MENTIONS_FROM = re.compile(r"from", re.IGNORECASE)
_QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})


@dataclass(frozen=True)
class Dataset:
    """An explicit dataset: the graphs merged into the default graph, and the named graphs."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def dataset_clause(sparql: str) -> Dataset | None:
    """The dataset the query's FROM / FROM NAMED clauses describe, or None when it has none
    (or when they do not parse: then the query fails to parse as well, with the engine's message)."""
    mentions = [m.start() for m in _MENTIONS_FROM.finditer(sparql)]
    if not mentions:
        return None
    prologue_end: int | None = None
    names: list[tuple[bool, str]] = []  # (named?, the name as written)
    pending: str | None = None  # "FROM" after FROM, "NAMED" after FROM NAMED
    for match in _TOKEN.finditer(sparql):
        if pending is None and match.start() > mentions[-1]:
            break  # no FROM after the last "from" in the text
        text = match.group()
        if text.isspace() or text.startswith("#"):
            continue
        word = text.upper() if match.lastgroup == "word" else None
        if prologue_end is None:
            if word in _QUERY_FORMS:
                prologue_end = match.start()
            continue
        if pending == "FROM" and word == "NAMED":
            pending = "NAMED"
        elif pending is not None:
            names.append((pending == "NAMED", text))
            pending = None
        elif word == "FROM":
            pending = "FROM"
    if prologue_end is None or not names:
        return None
    return _resolve(sparql[:prologue_end], names)


def _resolve(prologue: str, names: list[tuple[bool, str]]) -> Dataset | None:
    rows = " ".join(f"({index} {name})" for index, (_, name) in enumerate(names))
    try:
        solutions = Store().query(f"{prologue}SELECT ?i ?g WHERE {{ VALUES (?i ?g) {{ {rows} }} }}")
        found = {int(row[0].value): row[1] for row in solutions}  # type: ignore[index,union-attr]
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return None
    terms = [found.get(index) for index in range(len(names))]
    if not all(isinstance(term, NamedNode) for term in terms):
        return None
    pairs = [(named, term.value) for (named, _), term in zip(names, terms, strict=True)]  # type: ignore[union-attr]
    return Dataset(tuple(iri for named, iri in pairs if not named), tuple(iri for named, iri in pairs if named))


def query_dataset(
    sparql: str, default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None
) -> Dataset | None:
    """The dataset to run ``sparql`` against: the protocol's if it gives one, else the query's
    FROM / FROM NAMED, else None (the union of all graphs, every graph named)."""
    if default_graphs or named_graphs:
        return Dataset(tuple(default_graphs or ()), tuple(named_graphs or ()))
    return dataset_clause(sparql)


def without_dataset_clause(sparql: str) -> str:
    """The query with its FROM / FROM NAMED clauses cut out, for a server that merges them with the
    protocol's dataset instead of letting the protocol win (Virtuoso); read as ``dataset_clause`` does."""
    if not _MENTIONS_FROM.search(sparql):
        return sparql
    spans: list[tuple[int, int]] = []
    started = False
    start: int | None = None
    named = False
    for match in _TOKEN.finditer(sparql):
        text = match.group()
        if text.isspace() or text.startswith("#"):
            continue
        word = text.upper() if match.lastgroup == "word" else None
        if not started:
            started = word in _QUERY_FORMS
            continue
        if start is not None and word == "NAMED" and not named:
            named = True
        elif start is not None:
            spans.append((start, match.end()))
            start, named = None, False
        elif word == "FROM":
            start = match.start()
    for begin, end in reversed(spans):
        sparql = sparql[:begin] + " " + sparql[end:]
    return sparql
