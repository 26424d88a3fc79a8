"""Exports: RDF in the formats other tools read, and the map formats of orbat.exporters (GeoJSON,
KML, ORBAT Mapper), one registry for the CLI and the API.

Serialization is pyoxigraph's (streamed, about a second per million triples) with the project's
prefixes; rdflib's serializer would take tens of seconds at that size. Output is deterministic:
the same knowledge gives byte-identical files (no timestamps; store order is stable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from pyoxigraph import RdfFormat, Triple, serialize

from orbat.exporters import MAP_EXPORTS, Options, check_options
from orbat.namespaces import PREFIXES, graph_iri, graph_name
from orbat.store.base import StoreError, TripleStore


@dataclass(frozen=True)
class ExportFormat:
    name: str
    rdf: RdfFormat | None
    media_type: str
    extension: str
    datasets: bool  # holds named graphs


FORMATS = {
    f.name: f
    for f in (
        ExportFormat("turtle", RdfFormat.TURTLE, "text/turtle", "ttl", False),
        ExportFormat("ntriples", RdfFormat.N_TRIPLES, "application/n-triples", "nt", False),
        ExportFormat("jsonld", RdfFormat.JSON_LD, "application/ld+json", "jsonld", False),
        ExportFormat("rdfxml", RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False),
        ExportFormat("trig", RdfFormat.TRIG, "application/trig", "trig", True),
        ExportFormat("nquads", RdfFormat.N_QUADS, "application/n-quads", "nq", True),
    )
}
FORMATS.update({e.name: ExportFormat(e.name, None, e.media_type, e.extension, False) for e in MAP_EXPORTS.values()})
UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def export_format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise StoreError(f"unknown export format {name!r} (known: {', '.join(FORMATS)})")
    return FORMATS[name]


def prepare(
    store: TripleStore, format_name: str, graph: str | None = None, options: Options | None = None
) -> tuple[ExportFormat, str | None]:
    """Check an export request before any byte is written: the format (400), the graph (IRI or short
    name; 404 when the store has no such graph), a map export's options (as_of 400, side 404; the RDF
    formats ignore them). A streamed answer cannot change its status later."""
    fmt = export_format(format_name)
    if options is not None and fmt.rdf is None:  # the RDF formats have no options: they ignore them
        check_options(store, options)
    iri = graph_iri(graph or None)
    if iri is not None:
        if iri not in store.graphs():
            known = ", ".join(graph_name(g) for g in store.graphs())
            raise StoreError(f"no named graph {graph!r} (known: {known})", status=404)
        if fmt.rdf is None:
            raise StoreError(f"the {fmt.name} export covers the whole knowledge base: it takes no graph")
    return fmt, iri


def filename(fmt: ExportFormat, graph: str | None = None) -> str:
    """``orbat-<graph or all>.<ext>``, safe as a file name: ``orbat-source-DOC.trig``."""
    name = "all" if graph is None else re.sub(r"[^A-Za-z0-9._-]+", "-", graph_name(graph)).strip("-.") or "graph"
    return f"orbat-{name}.{fmt.extension}"


def write(
    store: TripleStore, fmt: ExportFormat, output: IO[bytes], graph: str | None = None, options: Options | None = None
) -> None:
    """Write the knowledge base (a named graph, or the union / all graphs; a map export with its
    ``options``) to ``output``."""
    if fmt.rdf is None:
        MAP_EXPORTS[fmt.name].write(store, output, options or Options())
        return
    if graph is not None and graph not in store.graphs():
        raise StoreError(f"no named graph {graph!r} (known: {', '.join(store.graphs())})", status=404)
    prefixes = PREFIXES if fmt.rdf in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
    # sorted: equal knowledge gives equal bytes, whichever store (in memory, on disk, a server) held
    # it, and Turtle groups a subject's triples
    if fmt.datasets:
        quads = sorted(store.quads(graph), key=lambda q: (str(q.graph_name), str(q.triple)))
        serialize(quads, output, fmt.rdf, prefixes=prefixes)
        return
    triples: Iterable[Triple] = (
        store.query(UNION_QUERY)  # type: ignore[assignment]
        if graph is None
        else (q.triple for q in store.quads(graph))
    )
    serialize(sorted(triples, key=str), output, fmt.rdf, prefixes=prefixes)
