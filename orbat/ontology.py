"""The ontology as data: which classes, relations and code-list concepts exist.

Loaders check annotations against these sets instead of restating the vocabulary in Python. The
ontology is the package's ``ontology/*.ttl`` plus a workspace's own (orbat.workspace); every
function takes the workspace, and without one reads the package's ontology alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from orbat.namespaces import ECH, FUNCTION, MODALITY, ORB, STATUS
from orbat.workspace import Workspace, package_files


@dataclass(frozen=True)
class Relation:
    """A reportable relation: an object property under orb:relatedTo or a datatype one under orb:quantity."""

    name: str
    iri: URIRef
    literal: bool


def ontology_files(workspace: Workspace | None = None) -> tuple[Path, ...]:
    return workspace.ontology_files() if workspace else package_files("ontology", "*.ttl")


def ontology_graph(workspace: Workspace | None = None) -> Graph:
    """The ontology and its code lists, parsed once per set of files."""
    return _parsed(ontology_files(workspace))


def ontology_ntriples(workspace: Workspace | None = None) -> bytes:
    """The ontology as sorted N-Triples (its graph's content in the store), made once per set of files."""
    return _ntriples(ontology_files(workspace))


@cache
def _ntriples(files: tuple[Path, ...]) -> bytes:
    lines = {line.strip() for line in _parsed(files).serialize(format="nt", encoding="utf-8").decode().splitlines()}
    return "".join(f"{line}\n" for line in sorted(lines) if line).encode("utf-8")


@cache
def _parsed(files: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _local(iri: URIRef) -> str:
    return str(iri).removeprefix(str(ORB))


def relations(workspace: Workspace | None = None) -> dict[str, Relation]:
    """Reportable relations by local name (``positionedNear``)."""
    return _relations(ontology_files(workspace))


@cache
def _relations(files: tuple[Path, ...]) -> dict[str, Relation]:
    graph = _parsed(files)
    found: dict[str, Relation] = {}
    for top, literal in ((ORB.relatedTo, False), (ORB.quantity, True)):
        for prop in graph.transitive_subjects(RDFS.subPropertyOf, top):
            if prop != top and str(prop).startswith(str(ORB)):
                found[_local(prop)] = Relation(_local(prop), prop, literal)
    return found


def entity_classes(workspace: Workspace | None = None) -> dict[str, URIRef]:
    """Classes an entity may have, by local name: everything under actor, place, event, equipment."""
    return _entity_classes(ontology_files(workspace))


@cache
def _entity_classes(files: tuple[Path, ...]) -> dict[str, URIRef]:
    graph = _parsed(files)
    roots = (ORB.Actor, ORB.Place, ORB.Event, ORB.EquipmentType)
    found: dict[str, URIRef] = {}
    for root in roots:
        for cls in graph.transitive_subjects(RDFS.subClassOf, root):
            if (cls, RDF.type, OWL.Class) in graph and str(cls).startswith(str(ORB)):
                found[_local(cls)] = cls
    return found


def scheme_concepts(scheme: URIRef, workspace: Workspace | None = None) -> dict[str, URIRef]:
    """The concepts of a SKOS scheme by their last path segment (``brigade``, ``reported``)."""
    return _scheme_concepts(scheme, ontology_files(workspace))


@cache
def _scheme_concepts(scheme: URIRef, files: tuple[Path, ...]) -> dict[str, URIRef]:
    return {
        str(c).rsplit("/", 1)[-1]: c  # type: ignore[misc]
        for c in _parsed(files).subjects(SKOS.inScheme, scheme)
    }


def echelons(workspace: Workspace | None = None) -> dict[str, URIRef]:
    return scheme_concepts(ECH.scheme, workspace)


def functions(workspace: Workspace | None = None) -> dict[str, URIRef]:
    """The unit functions (infantry, air-assault, ...): the main icons of military symbols."""
    return scheme_concepts(FUNCTION.scheme, workspace)


def statuses(workspace: Workspace | None = None) -> dict[str, URIRef]:
    return scheme_concepts(STATUS.scheme, workspace)


@dataclass(frozen=True)
class Modality:
    """How a source puts a claim (a concept of the modality scheme); only an asserting modality
    (reported, assessed) makes the claim's plain triple."""

    name: str
    iri: URIRef
    asserts: bool


def modalities(workspace: Workspace | None = None) -> dict[str, Modality]:
    """The modality scheme's concepts by name, with whether each asserts its triple (orb:assertsTriple)."""
    return _modalities(ontology_files(workspace))


@cache
def _modalities(files: tuple[Path, ...]) -> dict[str, Modality]:
    graph = _parsed(files)
    return {
        name: Modality(name, iri, bool(graph.value(iri, ORB.assertsTriple, default=Literal(False)).toPython()))
        for name, iri in _scheme_concepts(MODALITY.scheme, files).items()
    }


def is_subkind(kind: str, ancestor: str, workspace: Workspace | None = None) -> bool:
    """Whether the class named ``kind`` is ``ancestor`` or one of its subclasses (local names)."""
    return _is_subkind(kind, ancestor, ontology_files(workspace))


@cache
def _is_subkind(kind: str, ancestor: str, files: tuple[Path, ...]) -> bool:
    classes = _entity_classes(files)
    if kind not in classes or ancestor not in classes:
        return False
    return classes[ancestor] in set(_parsed(files).transitive_objects(classes[kind], RDFS.subClassOf))
