"""The ontology's quality checks: every ``queries/checks/*-violation.rq`` returns no rows on the
built knowledge base, and each catches a bad example."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from orbat.namespaces import MODALITY, ONTOLOGY_GRAPH, ORB, STATUS
from orbat.ontology import ontology_graph
from orbat.store import EmbeddedStore
from orbat.workspace import package_files

CHECKS = package_files("queries/checks", "*-violation.rq")


def rows(store: EmbeddedStore, check: Path) -> list[object]:
    return list(store.query(check.read_text(encoding="utf-8")))  # type: ignore[arg-type]


def test_there_are_checks() -> None:
    assert {p.stem for p in CHECKS} >= {
        "missing-label-violation",
        "missing-definition-violation",
        "duplicate-label-violation",
        "missing-header-violation",
    }


@pytest.mark.parametrize("check", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_passes_on_the_knowledge_base(kb: EmbeddedStore, check: Path) -> None:
    assert rows(kb, check) == []


def _ontology_store(change: callable) -> EmbeddedStore:  # type: ignore[valid-type]
    graph = Graph()
    graph += ontology_graph()
    change(graph)
    store = EmbeddedStore()
    store.load(graph.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES, str(ONTOLOGY_GRAPH))
    return store


NEW = URIRef(str(ORB) + "Fortress")


def _graded_claim(modality: str, credibility: int) -> Callable[[Graph], None]:
    """A claim on a line of its own, graded ``credibility``."""

    def change(graph: Graph) -> None:
        claim = URIRef("urn:claim")
        for prop, value in (
            (ORB.subject, URIRef("urn:unit")),
            (ORB.relation, ORB.positionedAt),
            (ORB.object, URIRef("urn:place")),
            (ORB.modality, MODALITY[modality]),
            (ORB.status, STATUS.reported),
            (ORB.originator, URIRef("urn:commenter")),
            (ORB.credibility, Literal(credibility)),
        ):
            graph.add((claim, prop, value))

    return change


BAD_EXAMPLES = {
    "missing-label-violation": lambda g: g.add((NEW, RDF.type, OWL.Class)),
    "missing-definition-violation": lambda g: (
        g.add((NEW, RDF.type, OWL.Class)),
        g.add((NEW, RDFS.label, Literal("fortress"))),
    ),
    "duplicate-label-violation": lambda g: g.add((ORB.Town, RDFS.label, Literal("City", lang="en"))),
    "missing-header-violation": lambda g: g.remove((None, OWL.versionInfo, None)),
    "unlabelled-entity-violation": lambda g: g.add((URIRef("urn:c"), ORB.subject, URIRef("urn:nameless"))),
    "single-line-credibility-violation": _graded_claim("reported", 1),
    "unasserted-credibility-violation": _graded_claim("hypothetical", 2),
}


@pytest.mark.parametrize("check", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_catches_a_bad_example(check: Path) -> None:
    store = _ontology_store(BAD_EXAMPLES[check.stem])
    assert rows(store, check), f"{check.name} misses its bad example"


def test_every_term_has_label_and_definition_in_the_turtle() -> None:
    graph = ontology_graph()
    for term in graph.subjects(RDF.type, OWL.Class):
        assert graph.value(term, RDFS.label) and graph.value(term, SKOS.definition), term
