"""Annotations to RDF: one named graph per report (source document), one for background knowledge.

Every claim becomes an n-ary claim node (subject, relation, object or value, qualifiers, evidence,
asserter, originator, modality, status, credibility) and, when its modality asserts it (reported,
assessed: ``orb:assertsTriple`` in the ontology), the plain triple it states beside it, in the graph
of the report that states it: a question, a scenario or a denial never becomes a plain triple that
simple SPARQL or the reasoner would take for a fact. The entities a report introduces, and the
commenters its document implies, go to the report's graph too, so that the report and its graph
come and go together. The workspace's own background knowledge (the entity registry, coordinates,
containment, well-known memberships) goes to the background graph. No blank nodes: every node has
an IRI derived from the claim or entity id, so rebuilding gives the same triples and byte-identical
exports.
"""

from __future__ import annotations

import math

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from orbat import ontology
from orbat.annotations import Annotations, Claim, Evidence
from orbat.decisions import decision_triples, merge_map, rename
from orbat.entities import Entity, commenter_entities, unknown_author_entities, unknown_author_id
from orbat.namespaces import (
    BACKGROUND_GRAPH,
    CLAIM,
    ECH,
    FUNCTION,
    GEO,
    ID,
    MODALITY,
    ORB,
    PROV,
    SOURCE,
    STATUS,
    TIME,
    source_graph,
)
from orbat.proposals import DRAFT
from orbat.reports import ReportFile
from orbat.sources import Document, Passage
from orbat.validtime import Bound, held_bounds

WKT = GEO.wktLiteral
GRID_DEGREES = 1


def grid_cell(lat: float, lon: float) -> str:
    """The key of the one-degree cell holding a point: the index behind radius queries."""
    return f"{math.floor(lat / GRID_DEGREES)}:{math.floor(lon / GRID_DEGREES)}"


def entity_iri(entity_id: str) -> URIRef:
    return ID[entity_id]


def passage_iri(document: Document, passage: Passage) -> URIRef:
    return SOURCE[f"{document.id}/{passage.id}"]


def _entity_triples(graph: Graph, entity: Entity, classes: dict[str, URIRef]) -> None:
    node = entity_iri(entity.id)
    for kind in entity.kinds:
        graph.add((node, RDF.type, classes[kind]))
    graph.add((node, SKOS.prefLabel, Literal(entity.label, lang="en")))
    graph.add((node, RDFS.label, Literal(entity.label, lang="en")))
    for alias in entity.aliases:
        if alias != entity.label:
            graph.add((node, SKOS.altLabel, Literal(alias)))
    if entity.description:
        graph.add((node, DCTERMS.description, Literal(entity.description, lang="en")))
    if entity.draft:
        graph.add((node, ORB.status, STATUS.draft))
    if entity.echelon:
        graph.add((node, ORB.echelon, ECH[entity.echelon]))
    if entity.function:
        graph.add((node, ORB.function, FUNCTION[entity.function]))
    if entity.function_basis:
        graph.add((node, ORB.functionBasis, Literal(entity.function_basis, lang="en")))
    if entity.reliability:
        graph.add((node, ORB.reliability, Literal(entity.reliability)))
    if entity.reliability_basis:
        graph.add((node, ORB.basis, Literal(entity.reliability_basis, lang="en")))
    if entity.geo:
        geometry = URIRef(f"{node}/geometry")
        lat, lon = entity.geo.lat, entity.geo.lon
        graph.add((node, GEO.hasGeometry, geometry))
        graph.add((geometry, RDF.type, GEO.Geometry))
        graph.add((geometry, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=WKT)))
        graph.add((geometry, ORB.latitude, Literal(str(lat), datatype=XSD.decimal)))
        graph.add((geometry, ORB.longitude, Literal(str(lon), datatype=XSD.decimal)))
        graph.add((geometry, ORB.precisionKm, Literal(str(entity.geo.precision_km), datatype=XSD.decimal)))
        graph.add((geometry, ORB.gridCell, Literal(grid_cell(lat, lon))))
        graph.add((geometry, ORB.status, STATUS.background))


def _document_triples(graph: Graph, document: Document) -> None:
    node = SOURCE[document.id]
    graph.add((node, RDF.type, ORB.SourceDocument))
    graph.add((node, DCTERMS.identifier, Literal(document.id)))
    graph.add((node, DCTERMS.title, Literal(document.title)))
    graph.add((node, DCTERMS.publisher, entity_iri(document.publisher)))
    graph.add((node, DCTERMS.creator, entity_iri(document.author)))
    graph.add((node, DCTERMS.date, Literal(document.date)))
    graph.add((node, DCTERMS.source, Literal(document.path.name)))
    if document.date_basis:
        graph.add((node, ORB.dateBasis, Literal(document.date_basis, lang="en")))
    graph.add((node, ORB.text, Literal(document.text)))
    for passage in document.passages:
        p = passage_iri(document, passage)
        graph.add((p, RDF.type, ORB.Passage))
        graph.add((p, DCTERMS.identifier, Literal(passage.id)))
        graph.add((p, DCTERMS.isPartOf, node))
        graph.add((p, ORB.ordinal, Literal(passage.number if passage.number is not None else passage.ordinal)))
        graph.add((p, ORB.passageKind, Literal(passage.kind)))
        graph.add((p, ORB.authorAsPrinted, Literal(passage.author_as_printed)))
        author = passage.author or unknown_author_id(document, passage)
        graph.add((p, DCTERMS.creator, entity_iri(author)))
        graph.add((p, ORB.startChar, Literal(passage.start)))
        graph.add((p, ORB.endChar, Literal(passage.end)))
        graph.add((p, ORB.text, Literal(passage.text)))


def claim_iri(claim: Claim) -> URIRef:
    return CLAIM[claim.id]


def _evidence_triples(graph: Graph, claim_node: URIRef, index: int, evidence: Evidence, document: Document) -> None:
    node = URIRef(f"{claim_node}/evidence/{index}")
    graph.add((claim_node, ORB.hasEvidence, node))
    graph.add((node, RDF.type, ORB.Evidence))
    graph.add((node, ORB.inPassage, passage_iri(document, evidence.passage)))
    graph.add((node, ORB.quote, Literal(evidence.quote)))
    graph.add((node, ORB.startChar, Literal(evidence.start)))
    graph.add((node, ORB.endChar, Literal(evidence.end)))


def plain_triple(claim: Claim) -> tuple[URIRef, URIRef, URIRef | Literal]:
    """The simple triple a claim states, for plain SPARQL."""
    obj: URIRef | Literal = entity_iri(claim.object) if claim.object else Literal(claim.value)
    return entity_iri(claim.subject), claim.relation.iri, obj


PRECISION_UNITS = {"day": TIME.unitDay, "month": TIME.unitMonth, "year": TIME.unitYear}


def _instant(graph: Graph, interval: URIRef, prop: URIRef, bound: Bound, name: str) -> None:
    instant = URIRef(f"{interval}/{name}")
    graph.add((interval, prop, instant))
    graph.add((instant, RDF.type, TIME.Instant))
    graph.add((instant, TIME.inXSDDate, Literal(bound.day)))
    graph.add((instant, ORB.datePrecision, PRECISION_UNITS[bound.precision]))


def _time_triples(graph: Graph, node: URIRef, claim: Claim) -> None:
    vt = claim.valid_time
    if vt and vt.text:
        graph.add((node, ORB.validTimeText, Literal(vt.text)))
    if vt and vt.resolved:
        graph.add((node, ORB.validTimeResolved, Literal(True)))
    if vt and (vt.start_bound or vt.end_bound):
        interval = URIRef(f"{node}/valid-time")
        graph.add((node, ORB.validDuring, interval))
        graph.add((interval, RDF.type, TIME.Interval))
        if vt.start_bound:
            _instant(graph, interval, TIME.hasBeginning, vt.start_bound, "begin")
        if vt.end_bound:
            _instant(graph, interval, TIME.hasEnd, vt.end_bound, "end")
    held_from, held_until = held_bounds(vt, claim.report_date)
    if held_from:
        graph.add((node, ORB.heldFrom, Literal(held_from)))
    if held_until:
        graph.add((node, ORB.heldUntil, Literal(held_until)))


def _claim_triples(graph: Graph, claim: Claim, asserting: frozenset[str]) -> None:
    node = claim_iri(claim)
    subject, relation, obj = plain_triple(claim)
    if claim.modality in asserting and claim.status != DRAFT:
        graph.add((subject, relation, obj))
    graph.add((node, RDF.type, ORB.Claim))
    graph.add((node, DCTERMS.identifier, Literal(claim.id)))
    graph.add((node, ORB.subject, subject))
    graph.add((node, ORB.relation, relation))
    graph.add((node, ORB.value if claim.object is None else ORB.object, obj))
    graph.add((node, ORB.assertedBy, entity_iri(claim.asserted_by)))
    graph.add((node, ORB.originator, entity_iri(claim.origin)))
    graph.add((node, ORB.modality, MODALITY[claim.modality]))
    if claim.same_line_as:
        graph.add((node, ORB.sameLineAs, CLAIM[claim.same_line_as]))
    for disputed in claim.disputes:
        graph.add((node, ORB.disputes, CLAIM[disputed]))
    for cited in claim.cites:
        graph.add((node, ORB.citesSource, entity_iri(cited)))
    graph.add((node, ORB.status, STATUS[claim.status]))
    graph.add((node, ORB.credibility, Literal(claim.credibility)))
    graph.add((node, ORB.hedged, Literal(claim.hedge is not None)))
    if claim.hedge:
        graph.add((node, ORB.hedgeCue, Literal(claim.hedge)))
    if claim.report_date:
        graph.add((node, ORB.reportDate, Literal(claim.report_date)))
    if claim.basis:
        graph.add((node, ORB.basis, Literal(claim.basis, lang="en")))
    if claim.note:
        graph.add((node, ORB.note, Literal(claim.note, lang="en")))
    if claim.count is not None:
        graph.add((node, ORB["count"], Literal(claim.count)))
    if claim.quantity_text:
        graph.add((node, ORB.quantityText, Literal(claim.quantity_text)))
    if claim.distance_km is not None:
        graph.add((node, ORB.distanceKm, Literal(str(claim.distance_km), datatype=XSD.decimal)))
    if claim.equipment:
        graph.add((node, ORB.equipment, entity_iri(claim.equipment)))
    _time_triples(graph, node, claim)
    if claim.document:
        passages = {e.passage.id: e.passage for e in claim.evidence}
        for passage in passages.values():
            graph.add((node, PROV.wasDerivedFrom, passage_iri(claim.document, passage)))
        for index, evidence in enumerate(claim.evidence, start=1):
            _evidence_triples(graph, node, index, evidence, claim.document)


def locations(annotations: Annotations) -> dict[str, str]:
    """Node IRI -> annotation file:line, for readable validation reports."""
    where = {str(ID[e.id]): e.where for e in annotations.entities.values()}
    where.update({str(claim_iri(c)): f"{c.where} (claim {c.id})" for c in annotations.claims})
    return where


def named_graphs(annotations: Annotations, *, background: bool = True) -> dict[str, Graph]:
    """The knowledge base from the annotations, by named graph IRI (ontology and inferences apart);
    without ``background``, only the reports' graphs (what ``annotations`` holds of one report)."""
    graphs: dict[str, Graph] = {str(BACKGROUND_GRAPH): Graph()} if background else {}
    for document in annotations.documents:
        graph = Graph()
        _document_triples(graph, document)
        graphs[source_graph(document.id)] = graph
    classes = ontology.entity_classes(annotations.workspace)
    modalities = ontology.modalities(annotations.workspace)
    asserting = frozenset(name for name, modality in modalities.items() if modality.asserts)
    described = {e.id: e for e in annotations.entities.values() if not e.implied}
    for entity in sorted(described.values(), key=lambda e: e.id):
        target = source_graph(entity.report) if entity.report else str(BACKGROUND_GRAPH)
        if target in graphs:
            _entity_triples(graphs[target], entity, classes)
    for document in annotations.documents:
        for entity in sorted(implied_by(document, described), key=lambda e: e.id):
            _entity_triples(graphs[source_graph(document.id)], entity, classes)
    for claim in annotations.claims:
        target = source_graph(claim.report) if claim.report else str(BACKGROUND_GRAPH)
        if target in graphs:
            _claim_triples(graphs[target], claim, asserting)
    for report in annotations.reports:
        if source_graph(report.id) in graphs:
            _learned_triples(graphs[source_graph(report.id)], report)
    if background:
        decision_triples(graphs[str(BACKGROUND_GRAPH)], annotations.merges)
    merged = merge_map(annotations.merges)
    return {name: rename(graph, merged) for name, graph in graphs.items()}


def _learned_triples(graph: Graph, report: ReportFile) -> None:
    """The aliases a report teaches of entities described elsewhere, in the report's graph (its
    source: they go when it goes), with the report document they were learned from."""
    for learned in report.aliases:
        if learned.draft:
            continue
        node = entity_iri(learned.entity)
        for alias in learned.aliases:
            graph.add((node, SKOS.altLabel, Literal(alias)))
        graph.add((node, ORB.aliasesLearnedFrom, SOURCE[report.id]))


def implied_by(document: Document, described: dict[str, Entity]) -> list[Entity]:
    """The commenters and unknown authors one document implies (in its own graph, whichever other
    document implies them too)."""
    return [*commenter_entities([document], described).values(), *unknown_author_entities([document]).values()]
