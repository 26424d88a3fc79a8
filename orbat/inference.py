"""Inferences, graph by graph: the rules of ``queries/rules/`` applied until nothing new follows.

The knowledge base keeps what follows from the ontology's axioms in graphs of their own, so that
each can be recomputed and dropped with what it follows from:

- ``graph/inferred``: what the background knowledge (the workspace's registry and background
  files) gives with the ontology: computed by a full build (``orbat build`` when the ontology, the
  shapes, the rules or the background changed, or ``--full``);
- ``graph/inferred/source/<report>``: what one report gives beyond that, computed from the report's
  triples, the ontology and its *context*: the background's statements about the entities the
  report names and about what they lead to (their parents, containing places, alliances: the
  objects of their background statements, transitively), and, where the report adds a transitive
  relation (part of, located in), about what leads to its ends (subunits, contained places); plus
  the kinds other reports give the entities they introduce. ``orbat add`` computes it for the added
  report, a full build for every report, the same way, so the two give the same graph, and
  ``orbat remove`` drops it with the report.

What this does not materialise: a consequence of two reports together (A says X is part of Y, B
that Y is part of Z: X part of Z). Queries find it with property paths (``orb:partOf+``); each
inferred graph holds only what its report (with the background) supports, so removing a report
never leaves an inference it made possible.

The rules are OWL 2 RL rules (https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules)
for the constructs our ontology uses (inverse, symmetric and transitive properties, sub-properties,
domains, ranges, sub-classes), as SPARQL CONSTRUCT files; ``queries/consistency/`` lists what makes
the knowledge base inconsistent (disjoint classes). A full build with the reasoner on also runs
HermiT (orbat.reasoning) over the whole knowledge base, which checks consistency with every axiom
and counts any inference of HermiT that the rules miss (none on the seed: tests/test_reasoning.py).
Rules take 0.15 s on the seed where HermiT takes 2.5-5 s, and milliseconds on one report, where
HermiT would take 1.5 s for starting Java alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize
from rdflib import OWL, RDF, Graph, URIRef

from orbat.namespaces import ID, ORB
from orbat.reasoning import Inconsistent
from orbat.store.base import TripleStore
from orbat.workspace import package_data, package_files

_ID, _ORB = str(ID), str(ORB)
_RDF_TYPE = str(RDF.type)
_UNINFORMATIVE = {str(ORB.relatedTo), str(ORB.quantity), str(OWL.topObjectProperty), str(OWL.topDataProperty)}
_CHUNK = 400  # IRIs or rows per VALUES block


@cache
def _rules() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in package_files("queries/rules", "*.rq"))


@cache
def _checks() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in package_files("queries/consistency", "*.rq"))


@cache
def _template(name: str) -> str:
    return (package_data() / "queries" / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def is_inference(triple: Triple) -> bool:
    """What is worth keeping: kinds (ontology classes) and relations between entities of the
    knowledge base, not the uninformative tops of the property tree."""
    s, p, o = triple.subject, triple.predicate.value, triple.object
    if not (isinstance(s, NamedNode) and s.value.startswith(_ID)):
        return False
    if p == _RDF_TYPE:
        return isinstance(o, NamedNode) and o.value.startswith(_ORB)
    return p.startswith(_ORB) and p not in _UNINFORMATIVE and isinstance(o, NamedNode) and o.value.startswith(_ID)


def closure(data: bytes) -> list[Triple]:
    """Everything the rules derive from ``data`` (N-Triples, the ontology included) that it does not
    state and that is worth keeping, sorted; ``Inconsistent`` when a consistency check finds a node."""
    store = Store()
    store.load(data, format=RdfFormat.N_TRIPLES)
    derived: list[Quad] = []
    while True:
        fresh: dict[Quad, None] = {}
        for rule in _rules():
            for triple in store.query(rule):  # type: ignore[union-attr]
                quad = Quad(triple.subject, triple.predicate, triple.object, DefaultGraph())
                if quad not in store:
                    fresh[quad] = None
        if not fresh:
            break
        store.extend(fresh)
        derived.extend(fresh)
    problems = [
        f"{_local(row['entity'])} would be both a {_local(row['class'])} and a {_local(row['other'])},"  # type: ignore[index]
        " which the ontology declares disjoint"
        for check in _checks()
        for row in store.query(check)  # type: ignore[union-attr]
    ]
    if problems:
        raise Inconsistent(f"inconsistent with the ontology: {'; '.join(problems[:5])}")
    kept = (Triple(q.subject, q.predicate, q.object) for q in derived)
    return sorted((t for t in kept if is_inference(t)), key=str)


def _local(term: NamedNode) -> str:
    return term.value.removeprefix(_ID).rsplit("#", 1)[-1]


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Sorted N-Triples, one a line: the canonical bytes of an inferred graph."""
    lines = sorted({str(t) for t in triples})
    return ("".join(f"{line} .\n" for line in lines)).encode("utf-8")


@cache
def transitive_relations(ontology_nt: bytes) -> tuple[str, ...]:
    """The transitive relations of the ontology and their inverses: along these, a report's new
    link reaches entities that link to its ends."""
    graph = Graph()
    graph.parse(data=ontology_nt, format="nt")
    found = {str(p) for p in graph.subjects(RDF.type, OWL.TransitiveProperty)}
    for p in list(found):
        found |= {str(q) for q in graph.objects(URIRef(p), OWL.inverseOf)}
        found |= {str(q) for q in graph.subjects(OWL.inverseOf, URIRef(p))}
    return tuple(sorted(found))


def _iris(nodes: Iterable[str]) -> str:
    return " ".join(str(NamedNode(n)) for n in sorted(nodes))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _reach(store: TripleStore, start: set[str], query: str, **fill: str) -> set[str]:
    """The nodes reached from ``start`` by repeating a one-step query until nothing new turns up."""
    seen = set(start)
    frontier = sorted(start)
    while frontier:
        new: set[str] = set()
        for chunk in _chunks(frontier):
            text = _template(query).replace("$nodes", _iris(chunk))
            for name, value in fill.items():
                text = text.replace(f"${name}", value)
            new |= {row["next"].value for row in store.query(text)}  # type: ignore[union-attr,index]
        frontier = sorted(new - seen)
        seen |= new
    return seen


def context(store: TripleStore, report: bytes, graph: str, ontology_nt: bytes) -> tuple[bytes, set[str]]:
    """The background's statements that reasoning over a report (N-Triples) needs, as N-Triples,
    and the entities the report names (see the module docstring)."""
    transitive = set(transitive_relations(ontology_nt))
    named: set[str] = set()
    ends: set[str] = set()
    for triple in parse(report, format=RdfFormat.N_TRIPLES):
        for term in (triple.subject, triple.object):
            if isinstance(term, NamedNode) and term.value.startswith(_ID) and "/" not in term.value[len(_ID) :]:
                named.add(term.value)
                if triple.predicate.value in transitive:
                    ends.add(term.value)
    nodes = set(named)
    if ends and transitive:
        nodes |= _reach(store, ends, "context-backward", relations=_iris(transitive))
    nodes = _reach(store, nodes, "context-forward")
    triples: list[Triple] = []
    for chunk in _chunks(sorted(nodes)):
        text = _template("context-triples").replace("$nodes", _iris(chunk)).replace("$graph", f"<{graph}>")
        triples.extend(store.query(text))  # type: ignore[arg-type]
    return ntriples(triples), named


def touched(store: TripleStore, named: set[str], graph: str) -> bytes:
    """What other reports state about the entities a report names (for validating it), N-Triples."""
    triples: list[Triple] = []
    for chunk in _chunks(sorted(named)):
        text = _template("touched-triples").replace("$nodes", _iris(chunk)).replace("$graph", f"<{graph}>")
        triples.extend(store.query(text))  # type: ignore[arg-type]
    return ntriples(triples)


def _already(store: TripleStore, triples: list[Triple]) -> set[str]:
    """Of ``triples``, those the background states or its inferences hold (as N-Triples text)."""
    present: set[str] = set()
    for start in range(0, len(triples), _CHUNK):
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in triples[start : start + _CHUNK])
        for row in store.query(_template("inferred-already").replace("$triples", rows)):  # type: ignore[union-attr]
            present.add(str(Triple(row["s"], row["p"], row["o"])))  # type: ignore[arg-type,index]
    return present


def report_inferences(store: TripleStore, report: bytes, graph: str, ontology_nt: bytes) -> tuple[bytes, bytes]:
    """A report's inferred graph (N-Triples), and its validation context: the background's and other
    reports' statements about the entities it names. ``store`` holds the background, its inferences and the
    other reports; ``Inconsistent`` if the report contradicts the ontology's axioms with them."""
    background, named = context(store, report, graph, ontology_nt)
    derived = closure(ontology_nt + background + report)
    present = _already(store, derived)
    inferred = ntriples(t for t in derived if str(t) not in present)
    subjects = {f"<{n}>" for n in named}
    about_named = b"".join(
        line + b"\n" for line in background.splitlines() if line.split(b" ", 1)[0].decode() in subjects
    )
    return inferred, about_named + touched(store, named, graph)


def background_inferences(ontology_nt: bytes, background: bytes) -> bytes:
    """The inferred graph of the background knowledge (N-Triples)."""
    return ntriples(closure(ontology_nt + background))


def to_ntriples(graph: Graph) -> bytes:
    """An rdflib graph as sorted N-Triples: the canonical bytes of an asserted graph (as
    orbat.ontology.ontology_ntriples makes the ontology's)."""
    lines = {line.strip() for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()}
    return "".join(f"{line}\n" for line in sorted(lines) if line).encode("utf-8")


def as_quads(data: bytes, graph: str) -> bytes:
    """N-Triples put into a named graph, as N-Quads."""
    triples = parse(data, format=RdfFormat.N_TRIPLES)
    return (
        serialize((Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples), format=RdfFormat.N_QUADS)
        or b""
    )
