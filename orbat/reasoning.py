"""OWL reasoning with owlready2 and HermiT: consistency, and the inferences the axioms license.

owlready2 cannot read Turtle (it silently loads nothing), so the graph goes in as N-Triples.
HermiT runs on Java; without Java the build stops with a message saying so. What the reasoner
adds (inverse, symmetric and transitive relations, class memberships, super-properties such as
membership implying side) is kept only for entities of the knowledge base and goes to its own
named graph, so it can be dropped and recomputed and is never mistaken for what a source said.
"""

from __future__ import annotations

import io
import shutil

import owlready2
import pyoxigraph
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from orbat.namespaces import GEO, ID, ORB
from orbat.workspace import package_files

# Relation IRIs that say nothing useful when materialised.
_UNINFORMATIVE = {ORB.relatedTo, ORB.quantity, OWL.topObjectProperty, OWL.topDataProperty}
_UNINFORMATIVE_CLASSES = {OWL.Thing}


class ReasonerUnavailable(RuntimeError):
    """Java (for HermiT) is missing."""


class Inconsistent(Exception):
    """The knowledge base contradicts the ontology's axioms."""


def require_java() -> str:
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if not java:
        raise ReasonerUnavailable(
            "the HermiT reasoner needs Java (a JRE 8+) on PATH: install it"
            " (e.g. 'apt-get install default-jre-headless') or build with --no-reason"
        )
    return java


# HermiT accepts only the OWL 2 datatype map; xsd:date and geo:wktLiteral are outside it.
_OUTSIDE_OWL2_DATATYPES = {XSD.date, GEO.wktLiteral}


def _reasoner_input(graph: Graph) -> bytes:
    """The graph as N-Triples, without long texts (slow) and values HermiT cannot type (dates, WKT)."""
    keep = Graph()
    for s, p, o in graph:
        if p == ORB.text or (p == RDFS.range and o in _OUTSIDE_OWL2_DATATYPES):
            continue
        if isinstance(o, Literal) and o.datatype in _OUTSIDE_OWL2_DATATYPES:
            continue
        keep.add((s, p, o))
    return keep.serialize(format="nt", encoding="utf-8")


def _is_kb_entity(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(ID))


def infer(graph: Graph) -> Graph:
    """Check consistency with HermiT and return the new entity-level triples it infers."""
    require_java()
    world = owlready2.World()
    ontology = world.get_ontology("https://w3id.org/orbat/reasoning-input#")
    ontology.load(fileobj=io.BytesIO(_reasoner_input(graph)), format="ntriples")
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise Inconsistent("HermiT finds the knowledge base inconsistent with the ontology") from exc
    after = world.as_rdflib_graph()
    inferred = Graph()
    for s, p, o in after:
        if not _is_kb_entity(s) or (s, p, o) in graph:
            continue
        if p == RDF.type:
            if o in _UNINFORMATIVE_CLASSES or not str(o).startswith(str(ORB)):
                continue
        elif not (str(p).startswith(str(ORB)) and _is_kb_entity(o)) or p in _UNINFORMATIVE:
            continue
        inferred.add((s, p, o))
    world.close()
    return inferred


def apply_rules(graph: Graph) -> Graph:
    """Run the package's CONSTRUCT rules (``queries/rules/``) over the graph; return what is new."""
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = Graph()
    for path in package_files("queries/rules", "*.rq"):
        for triple in store.query(path.read_text(encoding="utf-8")):  # type: ignore[union-attr]
            found.add(_to_rdflib(triple))
    return found - graph


def _to_rdflib(triple: pyoxigraph.Triple) -> tuple[Node, Node, Node]:
    return tuple(_term(t) for t in (triple.subject, triple.predicate, triple.object))  # type: ignore[return-value]


def _term(term: object) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def materialise(graph: Graph) -> Graph:
    """Everything the axioms license beyond ``graph``: HermiT's property values, then the RDFS rules."""
    inferred = infer(graph)
    inferred += apply_rules(graph + inferred)
    return inferred
