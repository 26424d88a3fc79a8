"""Each SHACL shape catches a bad example, and the report names the node, the rule and where it came from.

The data is a small knowledge base made by the real pipeline (annotations -> RDF) from the seed
document, its entities and two claims; each case breaks one thing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import entities_only
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from orbat.annotations import load_annotations
from orbat.namespaces import CLAIM, ECH, GEO, ID, MODALITY, ORB, SOURCE, STATUS
from orbat.ontology import ontology_graph
from orbat.triples import locations, named_graphs
from orbat.validation import check

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"
CLAIMS = f"""document: {DOC}
claims:
  - passage: c19
    subject: russian-aerospace-forces
    relation: providesAirCoverFor
    object: r-plus-6
    quote: "Two Russian Su-30s flew cover for the advancing forces yesterday."
    credibility: 3
  - passage: post
    subject: norwegian-soldiers-iraq
    relation: hasStrength
    value: 60
    quote: "a group of 60 Norwegian soldiers"
    credibility: 2
"""


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, dict[str, str], list[str]]:
    workspace = entities_only(tmp_path_factory.mktemp("kb") / "workspace")
    (workspace.annotations / "claims-small.yaml").write_text(CLAIMS, encoding="utf-8")
    annotations = load_annotations(workspace)
    graph = Graph()
    for part in [ontology_graph(workspace), *named_graphs(annotations).values()]:
        graph += part
    claim_ids = [c.id for c in annotations.claims if c.document]
    return graph, locations(annotations), claim_ids


def test_the_small_knowledge_base_is_valid(small_kb: tuple[Graph, dict[str, str], list[str]]) -> None:
    graph, where, _ = small_kb
    assert check(graph, where) == []


Mutation = Callable[[Graph, URIRef, URIRef], None]
AIR_FORCE = ID["russian-aerospace-forces"]
TANF_GEOMETRY = URIRef(ID["al-tanf"] + "/geometry")


def _set(node: URIRef, prop: URIRef, value: object) -> Mutation:
    return lambda g, c, v: g.set((_pick(node, c, v), prop, value))  # type: ignore[arg-type]


def _drop(node: URIRef, prop: URIRef) -> Mutation:
    return lambda g, c, v: g.remove((_pick(node, c, v), prop, None))


def _add(node: URIRef, prop: URIRef, value: object) -> Mutation:
    return lambda g, c, v: g.add((_pick(node, c, v), prop, value))  # type: ignore[arg-type]


CLAIM_NODE = URIRef("urn:the-claim")
VALUE_CLAIM = URIRef("urn:the-value-claim")
EVIDENCE_NODE = URIRef("urn:the-evidence")
PASSAGE = SOURCE[f"{DOC}/c19"]
DOCUMENT = SOURCE[DOC]


def _pick(node: URIRef, claim: URIRef, value_claim: URIRef) -> URIRef:
    if node == CLAIM_NODE:
        return claim
    if node == VALUE_CLAIM:
        return value_claim
    if node == EVIDENCE_NODE:
        return URIRef(f"{claim}/evidence/1")
    return node


def _background_without_basis(g: Graph, c: URIRef, v: URIRef) -> None:
    g.set((c, ORB.status, STATUS.background))
    g.remove((c, ORB.hasEvidence, None))


def _remove_plain_triple(g: Graph, c: URIRef, v: URIRef) -> None:
    g.remove((AIR_FORCE, ORB.providesAirCoverFor, ID["r-plus-6"]))


CASES: list[tuple[str, Mutation, str]] = [
    ("no preferred label", _drop(AIR_FORCE, SKOS.prefLabel), "exactly one preferred label"),
    ("two preferred labels", _add(AIR_FORCE, SKOS.prefLabel, Literal("VKS", lang="en")), "exactly one preferred label"),
    (
        "unit without echelon",
        _drop(ID["31st-guards-air-assault-brigade"], ORB.echelon),
        "one echelon from the echelon scheme",
    ),
    (
        "echelon outside the scheme",
        _set(ID["31st-guards-air-assault-brigade"], ORB.echelon, ECH["legion"]),
        "one echelon from the echelon scheme",
    ),
    ("asserter without reliability", _drop(ID["pat-lang"], ORB.reliability), "NATO Admiralty reliability grade"),
    (
        "reliability outside A-F",
        _set(ID["amn"], ORB.reliability, Literal("G")),
        "reliability is a NATO Admiralty grade",
    ),
    (
        "invalid WKT",
        _set(TANF_GEOMETRY, GEO.asWKT, Literal("POINT(38.65)", datatype=GEO.wktLiteral)),
        "valid WKT POINT",
    ),
    ("WKT as a plain string", _set(TANF_GEOMETRY, GEO.asWKT, Literal("POINT(38.65 33.495)")), "valid WKT POINT"),
    (
        "latitude out of range",
        _set(TANF_GEOMETRY, ORB.latitude, Literal("133.495", datatype=XSD.decimal)),
        "latitude is a decimal in [-90, 90]",
    ),
    (
        "longitude out of range",
        _set(TANF_GEOMETRY, ORB.longitude, Literal("238.65", datatype=XSD.decimal)),
        "longitude is a decimal in [-180, 180]",
    ),
    ("WKT and lat/long disagree", _set(TANF_GEOMETRY, ORB.latitude, Literal("33.4", datatype=XSD.decimal)), "disagree"),
    ("no precision", _drop(TANF_GEOMETRY, ORB.precisionKm), "precision in km"),
    ("coordinates not marked background", _set(TANF_GEOMETRY, ORB.status, STATUS.reported), "marked st:background"),
    ("claim without subject", _drop(CLAIM_NODE, ORB.subject), "exactly one subject"),
    ("claim with two relations", _add(CLAIM_NODE, ORB.relation, ORB.supports), "exactly one relation"),
    ("claim without asserter", _drop(CLAIM_NODE, ORB.assertedBy), "who asserts it"),
    ("credibility 7", _set(CLAIM_NODE, ORB.credibility, Literal(7)), "integer 1-6"),
    ("credibility as a string", _set(CLAIM_NODE, ORB.credibility, Literal("3")), "integer 1-6"),
    ("unknown status", _set(CLAIM_NODE, ORB.status, STATUS.rumour), "status is one of"),
    ("hedging unstated", _drop(CLAIM_NODE, ORB.hedged), "whether it is hedged"),
    ("object and value", _add(CLAIM_NODE, ORB.value, Literal(2)), "one object or one value"),
    ("neither object nor value", _drop(VALUE_CLAIM, ORB.value), "one object or one value"),
    (
        "reported claim without evidence",
        _drop(CLAIM_NODE, ORB.hasEvidence),
        "evidence, a source passage and a report date",
    ),
    (
        "reported claim without report date",
        _drop(CLAIM_NODE, ORB.reportDate),
        "evidence, a source passage and a report date",
    ),
    ("background claim without basis", _background_without_basis, "evidence, a source passage and a report date"),
    ("plain triple missing", _remove_plain_triple, "plain triple that the claim states is missing"),
    ("a scenario stated as a fact", _set(CLAIM_NODE, ORB.modality, MODALITY.hypothetical), "stated as a fact"),
    ("a denial stated as a fact", _set(CLAIM_NODE, ORB.modality, MODALITY.denied), "stated as a fact"),
    ("modality outside the scheme", _set(CLAIM_NODE, ORB.modality, MODALITY.rumour), "one modality from the"),
    ("no modality", _drop(CLAIM_NODE, ORB.modality), "one modality from the"),
    ("no originator", _drop(CLAIM_NODE, ORB.originator), "names one originator"),
    ("originator without reliability", _set(CLAIM_NODE, ORB.originator, ID["hezbollah"]), "reliability grade"),
    ("repeats two lines", _add(CLAIM_NODE, ORB.sameLineAs, URIRef("urn:x")), "line of at most one"),
    ("empty quote", _set(EVIDENCE_NODE, ORB.quote, Literal("")), "non-empty verbatim quote"),
    (
        "quote not in the passage",
        _set(EVIDENCE_NODE, ORB.quote, Literal("Three Russian Su-35s")),
        "does not occur verbatim",
    ),
    ("offsets wrong", _set(EVIDENCE_NODE, ORB.startChar, Literal(3)), "offsets do not point at the quote"),
    ("evidence without passage", _drop(EVIDENCE_NODE, ORB.inPassage), "exactly one passage"),
    ("document without title", _drop(DOCUMENT, DCTERMS.title), "a document has a title"),
    ("document date as a string", _set(DOCUMENT, DCTERMS.date, Literal("21 May 2017")), "one date (xsd:date)"),
    ("passage without author", _drop(PASSAGE, DCTERMS.creator), "an author"),
    (
        "passage text not at its offsets",
        _set(PASSAGE, ORB.startChar, Literal(11000)),
        "not the document text at the passage's offsets",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "message"), CASES, ids=[c[0] for c in CASES])
def test_shape_catches(
    small_kb: tuple[Graph, dict[str, str], list[str]], case: str, mutate: Mutation, message: str
) -> None:
    graph, where, claim_ids = small_kb
    broken = Graph()
    broken += graph
    claim, value_claim = (CLAIM[i] for i in claim_ids)
    mutate(broken, claim, value_claim)
    violations = check(broken, where)
    assert any(message in v.message for v in violations), [str(v) for v in violations]


def test_report_points_at_the_claim_and_its_annotation_line(small_kb: tuple[Graph, dict[str, str], list[str]]) -> None:
    graph, where, claim_ids = small_kb
    broken = Graph()
    broken += graph
    evidence = URIRef(f"{CLAIM[claim_ids[0]]}/evidence/1")
    broken.set((evidence, ORB.quote, Literal("not in the text")))
    (violation, *_) = [v for v in check(broken, where) if "verbatim" in v.message]
    assert claim_ids[0] in violation.focus
    assert violation.where is not None and "claims-small.yaml:3" in violation.where
    assert "claims-small.yaml:3" in str(violation) and claim_ids[0] in str(violation)
    assert (evidence, RDF.type, ORB.Evidence) in broken
