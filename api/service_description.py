"""The SPARQL 1.1 Service Description of /sparql (https://www.w3.org/TR/sparql11-service-description/).

Served on ``GET /sparql`` without a query (section 2, "Service Description Discovery"), as RDF in
any of the graph media types. Beside the standard terms it states this server's own rules, so a
client can read them before it trips on them: the time limit, the result cap and the headers
that report it, and that SERVICE / LOAD / updates are off unless the operator enabled them.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from api.negotiation import RDF_OFFERS, SOLUTION_OFFERS
from api.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCTERMS_TITLE = NamedNode("http://purl.org/dc/terms/title")
XSD = "http://www.w3.org/2001/XMLSchema#"
SERVICE_NS = "https://w3id.org/orbat/service#"  # this server's limits, as data
SD_PREFIXES = {
    "sd": SD,
    "formats": "http://www.w3.org/ns/formats/",
    "orbs": SERVICE_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
}
LIMITS_COMMENT = (
    "A query may run for at most {timeout:g} s; past that the answer is HTTP 503 with a JSON error "
    '({{"error": {{"status", "message", "detail"}}}}), never a partial result. A SELECT answer holds at most '
    "{cap} rows and a CONSTRUCT or DESCRIBE answer at most {cap} triples: every answer carries the headers "
    "X-Orbat-Result-Limit: {cap} and X-Orbat-Truncated: true or false, and true means rows were left out "
    "(add LIMIT/OFFSET to page). The default graph is the union of all named graphs unless FROM / FROM NAMED "
    "or the default-graph-uri / named-graph-uri parameters (which win) name the dataset. SERVICE is {service}; "
    "LOAD of URLs is {load}; SPARQL Update and the Graph Store Protocol at /rdf-graphs are {update}."
)


def sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def _switch(on: bool) -> str:
    return "enabled" if on else "disabled"


def description(endpoint: str, settings: Settings, graphs: list[str]) -> list[Triple]:
    """The service description of the endpoint at ``endpoint`` (an absolute URL)."""
    service = BlankNode("service")
    dataset = BlankNode("dataset")
    default_graph = BlankNode("defaultGraph")
    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, DCTERMS_TITLE, Literal("orbat SPARQL 1.1 endpoint")),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, sd("Graph")),
        Triple(default_graph, RDFS_COMMENT, Literal("the union of all named graphs")),
        Triple(
            service,
            RDFS_COMMENT,
            Literal(
                LIMITS_COMMENT.format(
                    timeout=settings.query_timeout_s,
                    cap=settings.max_results,
                    service=_switch(settings.allow_service),
                    load=_switch(settings.allow_remote_load),
                    update=("enabled with a bearer token" if settings.update_enabled else "disabled"),
                )
            ),
        ),
        Triple(
            service,
            NamedNode(SERVICE_NS + "resultLimit"),
            Literal(str(settings.max_results), datatype=NamedNode(XSD + "integer")),
        ),
        Triple(
            service,
            NamedNode(SERVICE_NS + "queryTimeLimit"),
            Literal(f"PT{settings.query_timeout_s:g}S", datatype=NamedNode(XSD + "dayTimeDuration")),
        ),
    ]
    if settings.update_enabled:
        triples.append(Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if settings.allow_service:
        triples.append(Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for offer in (*SOLUTION_OFFERS, *RDF_OFFERS):
        triples.append(Triple(service, sd("resultFormat"), NamedNode(offer.format.iri)))
    for number, graph in enumerate(graphs):
        named = BlankNode(f"namedGraph{number}")
        triples += [
            Triple(dataset, sd("namedGraph"), named),
            Triple(named, RDF_TYPE, sd("NamedGraph")),
            Triple(named, sd("name"), NamedNode(graph)),
        ]
    return triples
