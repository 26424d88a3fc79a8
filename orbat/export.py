"""Exports: RDF in the formats other tools read, and GeoJSON for GIS.

Serialization is pyoxigraph's (streamed, about a second per million triples) with the project's
prefixes; rdflib's serializer would take tens of seconds at that size. Output is deterministic:
the same knowledge gives byte-identical files (no timestamps; store order is stable).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from pyoxigraph import RdfFormat, Triple, serialize

from orbat.namespaces import PREFIXES, graph_iri, graph_name
from orbat.queries import python_value
from orbat.store.base import StoreError, TripleStore
from orbat.workspace import package_data


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
        ExportFormat("geojson", None, "application/geo+json", "geojson", False),
    )
}
UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def export_format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise StoreError(f"unknown export format {name!r} (known: {', '.join(FORMATS)})")
    return FORMATS[name]


def prepare(store: TripleStore, format_name: str, graph: str | None = None) -> tuple[ExportFormat, str | None]:
    """Check an export request before any byte is written: the format (400), the graph (IRI or short
    name; 404 when the store has no such graph). A streamed answer cannot change its status later."""
    fmt = export_format(format_name)
    iri = graph_iri(graph or None)
    if iri is not None:
        if iri not in store.graphs():
            known = ", ".join(graph_name(g) for g in store.graphs())
            raise StoreError(f"no named graph {graph!r} (known: {known})", status=404)
        if fmt.rdf is None:
            raise StoreError("the GeoJSON export covers the whole knowledge base: it takes no graph")
    return fmt, iri


def filename(fmt: ExportFormat, graph: str | None = None) -> str:
    """``orbat-<graph or all>.<ext>``, safe as a file name: ``orbat-source-DOC.trig``."""
    name = "all" if graph is None else re.sub(r"[^A-Za-z0-9._-]+", "-", graph_name(graph)).strip("-.") or "graph"
    return f"orbat-{name}.{fmt.extension}"


def write(store: TripleStore, fmt: ExportFormat, output: IO[bytes], graph: str | None = None) -> None:
    """Write the knowledge base (a named graph, or the union / all graphs) to ``output``."""
    if fmt.rdf is None:
        output.write(geojson(store).encode("utf-8"))
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


def geojson(store: TripleStore) -> str:
    """A FeatureCollection: every located entity, and every claim that involves a located place.

    Coordinates are background knowledge (approximate points with a precision); each claim feature
    carries the relation, the parties, the source, the quote and the grading, so an analyst can
    filter the layer in QGIS.
    """
    rows = store.query((package_data() / "queries/internal/geojson.rq").read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = []
    seen_places: set[str] = set()
    claim_features: dict[str, dict[str, Any]] = {}
    for row in rows:  # type: ignore[union-attr]
        values = {v.value: python_value(row[v.value]) for v in rows.variables}  # type: ignore[union-attr]
        point = {"type": "Point", "coordinates": [values["lon"], values["lat"]]}
        place = values["place"]
        if place not in seen_places:
            seen_places.add(place)
            features.append(
                {
                    "type": "Feature",
                    "id": place,
                    "geometry": point,
                    "properties": {
                        "feature": "place",
                        "entity": place,
                        "label": values["placeLabel"],
                        "precision_km": values["precision"],
                        "coordinates": "background knowledge",
                    },
                }
            )
        if values["claim"] is None:
            continue
        feature_id = f"{values['claim']}#{place}"
        if feature_id in claim_features:  # another quote of the same claim
            quotes = claim_features[feature_id]["properties"]["quotes"]
            if values["quote"] not in quotes:
                quotes.append(values["quote"])
            continue
        claim_features[feature_id] = feature = {
            "type": "Feature",
            "id": feature_id,
            "geometry": point,
            "properties": {
                "feature": "claim",
                "claim": values["claim"],
                "place": place,
                "place_label": values["placeLabel"],
                "subject": values["subject"],
                "subject_label": values["subjectLabel"],
                "relation": values["relation"],
                "object": values["object"],
                "object_label": values["objectLabel"],
                "status": values["status"],
                "source": values["source"],
                "passage": values["passage"],
                "quote": values["quote"],
                "quotes": [values["quote"]] if values["quote"] else [],
                "reported_by": values["reportedByLabel"],
                "date": values["date"],
                "hedged": values["hedged"],
                "reliability": values["reliability"],
                "credibility": values["credibility"],
                "precision_km": values["precision"],
            },
        }
        features.append(feature)
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)
