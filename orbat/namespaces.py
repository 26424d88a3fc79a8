"""IRI namespaces of the knowledge base: the ontology's, and the ones minted for data."""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/orbat/"
ORB = Namespace(BASE + "ontology#")
ECH = Namespace(BASE + "echelon/")
FUNCTION = Namespace(BASE + "function/")
AFFILIATION = Namespace(BASE + "affiliation/")
STATUS = Namespace(BASE + "status/")
MODALITY = Namespace(BASE + "modality/")
ID = Namespace(BASE + "id/")
CLAIM = Namespace(BASE + "claim/")
SOURCE = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
GEOF = Namespace("http://www.opengis.net/def/function/geosparql/")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
UOM_METRE = "http://www.opengis.net/def/uom/OGC/1.0/metre"

ONTOLOGY_GRAPH = GRAPH["ontology"]
BACKGROUND_GRAPH = GRAPH["background"]
INFERRED_GRAPH = GRAPH["inferred"]

PREFIXES = {
    "orb": str(ORB),
    "ech": str(ECH),
    "fn": str(FUNCTION),
    "aff": str(AFFILIATION),
    "st": str(STATUS),
    "mod": str(MODALITY),
    "id": str(ID),
    "claim": str(CLAIM),
    "src": str(SOURCE),
    "graph": str(GRAPH),
    "geo": str(GEO),
    "geof": str(GEOF),
    "prov": str(PROV),
    "time": str(TIME),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def source_graph(document_id: str) -> str:
    """The named graph that holds what one source document says."""
    return str(GRAPH[f"source/{document_id}"])


def inferred_graph(document_id: str) -> str:
    """The named graph of what one report gives with the ontology and the background (orbat.inference)."""
    return str(GRAPH[f"inferred/source/{document_id}"])


def graph_iri(graph: str | None) -> str | None:
    """Accept a full IRI or a short name: background, inferred, ontology, source/DOC, inferred/source/DOC, manifest."""
    if graph is None or "://" in graph:
        return graph
    return str(GRAPH[graph])


def graph_name(iri: str) -> str:
    """The short name of one of our graphs (``source/DOC``), or the IRI itself for any other."""
    return iri.removeprefix(str(GRAPH))
