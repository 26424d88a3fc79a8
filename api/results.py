"""Query answers as bytes, built inside a worker thread under a deadline and a size cap.

Runs in the query executor (see api.execution): rows are pulled one at a time with a deadline
check between them, at most ``limit`` of them, and only then serialized, so a query that runs out
of time raises ``QueryTimeout`` instead of producing a partial body, and one that has more rows
than the cap says so (``Answer.truncated``, sent as the ``X-Orbat-Truncated`` header).

SELECT rows are written as SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)
here, row by row; XML, CSV and TSV are pyoxigraph's serializers applied to that JSON, so every
format shows exactly the same capped rows. Graph answers (CONSTRUCT, DESCRIBE, graph downloads)
are sorted before serializing: Turtle groups a subject's triples, and equal data gives equal bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

from api.execution import Deadline
from api.negotiation import BOOLEAN_OFFERS, RDF_OFFERS, SOLUTION_OFFERS, Offer, negotiate
from orbat.namespaces import PREFIXES
from orbat.store import StoreError, TripleStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
PREFIX_FORMATS = {RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML}


@dataclass(frozen=True)
class Answer:
    body: bytes
    offer: Offer
    count: int  # rows, triples, or 1 for a boolean
    truncated: bool = False


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL JSON results encoding (section 3.2.2)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        encoded: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
            if term.direction is not None:
                encoded["its:dir"] = str(term.direction)
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING, RDF_DIR_LANG_STRING):
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def render_solutions(solutions: QuerySolutions, offer: Offer, deadline: Deadline, limit: int) -> Answer:
    names = [v.value for v in solutions.variables]
    bindings: list[dict[str, Any]] = []
    truncated = False
    for solution in solutions:
        deadline.check()
        if len(bindings) >= limit:
            truncated = True
            break
        pairs = zip(names, solution, strict=True)
        bindings.append({name: term_json(value) for name, value in pairs if value is not None})
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if offer.format != QueryResultsFormat.JSON:
        body = parse_query_results(body, format=QueryResultsFormat.JSON).serialize(format=offer.format) or b""
    deadline.check()
    return Answer(body, offer, len(bindings), truncated)


def collect(triples: Iterable[Triple], deadline: Deadline, limit: int | None) -> tuple[list[Triple], bool]:
    """Distinct triples in a stable order, at most ``limit`` of them (None: no cap), and whether more were left."""
    seen: dict[Triple, None] = {}
    for triple in triples:
        deadline.check()
        if limit is not None and len(seen) >= limit and triple not in seen:
            return sorted(seen, key=str), True
        seen[triple] = None
    return sorted(seen, key=str), False


def serialize_triples(
    triples: Sequence[Triple], offer: Offer, deadline: Deadline, prefixes: Mapping[str, str] = PREFIXES
) -> bytes:
    fmt = offer.format
    assert isinstance(fmt, RdfFormat)
    items: Sequence[Triple | Quad] = triples
    if fmt.supports_datasets:
        items = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
    body = serialize(items, format=fmt, prefixes=dict(prefixes) if fmt in PREFIX_FORMATS else None) or b""
    deadline.check()
    return body


def render_triples(triples: Iterable[Triple], offer: Offer, deadline: Deadline, limit: int | None) -> Answer:
    kept, truncated = collect(triples, deadline, limit)
    return Answer(serialize_triples(kept, offer, deadline), offer, len(kept), truncated)


def run_query(
    store: TripleStore,
    sparql: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    accept: str | None,
    deadline: Deadline,
    limit: int,
    *,
    federated: bool = False,
) -> Answer:
    """Evaluate and serialize one query (in a worker thread). The media type is negotiated again on
    the actual kind of answer, in case the form guessed from the text was wrong."""
    deadline.check()  # it may have waited for a thread past its limit
    try:
        result = store.query(sparql, default_graphs=default_graphs or None, named_graphs=named_graphs or None)
        if isinstance(result, QueryBoolean):
            offer = negotiate(accept, BOOLEAN_OFFERS, "the answer to an ASK query")
            return Answer(result.serialize(format=offer.format) or b"", offer, 1)  # type: ignore[arg-type]
        if isinstance(result, QuerySolutions):
            offer = negotiate(accept, SOLUTION_OFFERS, "the answer to a SELECT query")
            return render_solutions(result, offer, deadline, limit)
        offer = negotiate(accept, RDF_OFFERS, "the answer to a CONSTRUCT or DESCRIBE query")
        return render_triples(result, offer, deadline, limit)
    except OSError as exc:
        if not federated:
            raise  # a storage failure is a server error, not the client's
        raise StoreError(f"a SERVICE call failed: {exc}", status=502) from exc
