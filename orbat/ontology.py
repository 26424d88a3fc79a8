"""The ontology as data: which classes, relations and code-list concepts exist.

Loaders check annotations against these sets instead of restating the vocabulary in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from orbat.namespaces import ECH, ORB, STATUS
from orbat.paths import ONTOLOGY_DIR


@dataclass(frozen=True)
class Relation:
    """A reportable relation: an object property under orb:relatedTo or a datatype one under orb:quantity."""

    name: str
    iri: URIRef
    literal: bool


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    return sorted(directory.glob("*.ttl"))


@cache
def ontology_graph() -> Graph:
    """The ontology and its code lists, parsed once."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _local(iri: URIRef) -> str:
    return str(iri).removeprefix(str(ORB))


@cache
def relations() -> dict[str, Relation]:
    """Reportable relations by local name (``positionedNear``)."""
    graph = ontology_graph()
    found: dict[str, Relation] = {}
    for top, literal in ((ORB.relatedTo, False), (ORB.quantity, True)):
        for prop in graph.transitive_subjects(RDFS.subPropertyOf, top):
            if prop != top and str(prop).startswith(str(ORB)):
                found[_local(prop)] = Relation(_local(prop), prop, literal)
    return found


@cache
def entity_classes() -> dict[str, URIRef]:
    """Classes an entity may have, by local name: everything under actor, place, event, equipment."""
    graph = ontology_graph()
    roots = (ORB.Actor, ORB.Place, ORB.Event, ORB.EquipmentType)
    found: dict[str, URIRef] = {}
    for root in roots:
        for cls in graph.transitive_subjects(RDFS.subClassOf, root):
            if (cls, RDF.type, OWL.Class) in graph and str(cls).startswith(str(ORB)):
                found[_local(cls)] = cls
    return found


@cache
def scheme_concepts(scheme: URIRef) -> dict[str, URIRef]:
    """The concepts of a SKOS scheme by their last path segment (``brigade``, ``reported``)."""
    graph = ontology_graph()
    return {
        str(c).rsplit("/", 1)[-1]: c  # type: ignore[misc]
        for c in graph.subjects(SKOS.inScheme, scheme)
    }


def echelons() -> dict[str, URIRef]:
    return scheme_concepts(ECH.scheme)


def statuses() -> dict[str, URIRef]:
    return scheme_concepts(STATUS.scheme)


@cache
def is_subkind(kind: str, ancestor: str) -> bool:
    """Whether the class named ``kind`` is ``ancestor`` or one of its subclasses (local names)."""
    classes = entity_classes()
    if kind not in classes or ancestor not in classes:
        return False
    return classes[ancestor] in set(ontology_graph().transitive_objects(classes[kind], RDFS.subClassOf))
