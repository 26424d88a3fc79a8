"""The SPARQL 1.1 Service Description of /sparql (https://www.w3.org/TR/sparql11-service-description/).

Served on ``GET /sparql`` without a query (section 2, "Service Description Discovery"), as RDF in
any of the graph media types. Beside the standard terms it states this server's own rules, so a
client can read them before it trips on them: the time limit, the result cap and the headers
that report it, the limits on what a request may send (``LIMIT_TERMS``: one term of this server's
``orbs:`` vocabulary per limit, each defined with ``rdfs:comment`` in the description itself), and
that SERVICE / LOAD / updates are off unless the operator enabled them.

The endpoint's IRI is ``settings.sparql_endpoint`` (ORBAT_PUBLIC_URL, or the host and port given to
``orbat serve``), never the request's Host header, which a client can forge.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from api.negotiation import RDF_OFFERS, SOLUTION_OFFERS
from api.settings import Settings
from orbat.store.capabilities import Capabilities

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
    "LOAD of URLs is {load}; SPARQL Update and the Graph Store Protocol at /rdf-graphs are {update}. "
    "Each limit below (orbs:maxQueryBytes...) is checked before the query is parsed: 413 for a size, "
    "400 naming the limit for a shape, 429 with Retry-After for too many "
    "requests in flight."
)
XSD_INTEGER = NamedNode(XSD + "integer")
# This server's limits, as data: (term in orbs:, Settings field, what it means). Defined here because the
# project's ontology describes orders of battle, not this service.
LIMIT_TERMS = (
    ("resultLimit", "max_results", "The most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in one answer."),
    ("maxQueryBytes", "max_query_bytes", "The largest query, and request body other than a write, in bytes (413)."),
    ("maxUpdateBytes", "max_update_bytes", "The largest SPARQL update or Graph Store body from a writer, in bytes."),
    ("maxNestingDepth", "max_query_depth", "The deepest nesting of {, ( and [ in a query or update (400)."),
    ("maxBranches", "max_query_branches", "The most UNION, OPTIONAL and MINUS branches and sub-SELECTs (400)."),
    (
        "maxOperators",
        "max_query_operators",
        "The most algebra and expression operators: joins, FILTER, BIND, branches, path and expression operators.",
    ),
    (
        "maxClientRequests",
        "max_client_requests",
        "The most requests one client (bearer token, else address) may have in flight to /sparql, /rdf-graphs "
        "and /api/export (429).",
    ),
    ("queryWorkers", "query_workers", "Queries answered at once (worker processes on an embedded store)."),
    (
        "maxLongQueries",
        "max_long_queries",
        "Queries running longer than longQuerySeconds at once, at the lowest CPU priority; past that, 503 busy.",
    ),
    ("workerMemoryMB", "worker_memory_mb", "A query worker's address space in MB; past it, that query fails (500)."),
    ("longQuerySeconds", "long_query_s", "After this many seconds a query yields the CPU to short ones."),
    ("headerTimeout", "header_timeout_s", "Seconds a request head may take to arrive (408 past it)."),
    ("keepAliveTimeout", "keep_alive_timeout_s", "Seconds an idle keep-alive connection stays open."),
    ("maxUrlBytes", "max_url_bytes", "The longest request target, in bytes (414)."),
    ("maxHeaderBytes", "max_header_bytes", "The largest block of request headers, in bytes (431)."),
)


def sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def _switch(on: bool) -> str:
    return "enabled" if on else "disabled"


ENGINE_TERMS = (
    ("storeEngine", "The SPARQL engine that holds the knowledge base, as the capability probe found it."),
    (
        "distanceFunction",
        "How great-circle distances are computed: by the engine's GeoSPARQL geof:distance, or by orbat "
        "(haversine on the mean-radius sphere, the same formula) where the engine has none.",
    ),
)


def engine_triples(service: BlankNode, capabilities: Capabilities) -> list[Triple]:
    """What the capability probe found (orbat.store.capabilities), as data."""
    distance = capabilities.distance or "computed by orbat (haversine), the engine has no usable geof:distance"
    triples = [
        Triple(service, NamedNode(SERVICE_NS + "storeEngine"), Literal(capabilities.engine)),
        Triple(service, NamedNode(SERVICE_NS + "distanceFunction"), Literal(distance)),
    ]
    triples += [Triple(NamedNode(SERVICE_NS + term), RDFS_COMMENT, Literal(meaning)) for term, meaning in ENGINE_TERMS]
    if capabilities.union_default_graph is False:
        triples.append(
            Triple(
                service, RDFS_COMMENT, Literal("WARNING: the store's engine does not present the union default graph")
            )
        )
    return triples


def description(
    endpoint: str, settings: Settings, graphs: list[str], capabilities: Capabilities | None = None
) -> list[Triple]:
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
            NamedNode(SERVICE_NS + "queryTimeLimit"),
            Literal(f"PT{settings.query_timeout_s:g}S", datatype=NamedNode(XSD + "dayTimeDuration")),
        ),
    ]
    for term, setting, meaning in LIMIT_TERMS:
        predicate = NamedNode(SERVICE_NS + term)
        value = getattr(settings, setting)
        datatype = XSD_INTEGER if isinstance(value, int) else NamedNode(XSD + "decimal")
        triples.append(
            Triple(
                service, predicate, Literal(f"{value:g}" if isinstance(value, float) else str(value), datatype=datatype)
            )
        )
        triples.append(Triple(predicate, RDFS_COMMENT, Literal(meaning)))
    if capabilities is not None:
        triples += engine_triples(service, capabilities)
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
