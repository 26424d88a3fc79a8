"""HermiT finds the seed consistent and catches an inconsistent example; the rules of
queries/rules/ derive everything HermiT derives on the seed; inferences live in graphs of their
own (the background's, and one per report), apart from what any source said."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal
from rdflib.namespace import SKOS
from sparql_support import copy_of

from orbat.build import BuildReport, build
from orbat.inference import closure, to_ntriples
from orbat.namespaces import ID, INFERRED_GRAPH, ORB
from orbat.ontology import ontology_graph
from orbat.reasoning import Inconsistent, infer
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace


def inferred(kb: EmbeddedStore, s: str, p: str, o: str) -> bool:
    """In an inferred graph: the background's (graph/inferred) or a report's (graph/inferred/source/...)."""
    query = f"""ASK {{ GRAPH ?g {{ <{ID[s]}> <{ORB[p]}> <{o if "://" in o else ID[o]}> }}
        FILTER (STRSTARTS(STR(?g), "{INFERRED_GRAPH}")) }}"""
    return bool(kb.query(query))


def asserted_anywhere_else(kb: EmbeddedStore, s: str, p: str, o: str) -> bool:
    query = f"""ASK {{ GRAPH ?g {{ <{ID[s]}> <{ORB[p]}> <{ID[o]}> }}
        FILTER (!STRSTARTS(STR(?g), "{INFERRED_GRAPH}")) }}"""
    return bool(kb.query(query))


@pytest.mark.parametrize(
    ("subject", "prop", "obj", "axiom"),
    [
        ("r-plus-6", "hasMember", "hezbollah", "inverse of memberOf"),
        ("hezbollah", "onSideOf", "r-plus-6", "memberOf is a sub-property of onSideOf"),
        ("31st-gaab-support-units", "partOf", "russian-armed-forces", "partOf is transitive"),
        ("31st-gaab-artillery-battalion", "partOf", "russian-airborne-forces", "partOf is transitive"),
        ("syrian-arab-army", "alliedWith", "hezbollah", "alliedWith is symmetric"),
        ("al-tanf", "locatedIn", "syria", "locatedIn is transitive"),
    ],
)
def test_axioms_are_materialised_in_the_inferred_graph(
    kb: EmbeddedStore, subject: str, prop: str, obj: str, axiom: str
) -> None:
    assert inferred(kb, subject, prop, obj), axiom
    assert not asserted_anywhere_else(kb, subject, prop, obj), "inferences are kept apart from sources"


def test_subclass_membership_is_inferred(kb: EmbeddedStore) -> None:
    for cls in ("NonStateArmedGroup", "ArmedActor", "Actor"):
        assert bool(kb.query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{ID['hezbollah']}> a <{ORB[cls]}> }} }}"))


def test_inferred_graph_can_be_dropped_and_recomputed(kb: EmbeddedStore, rebuilt: EmbeddedStore) -> None:
    """Dropping the inferred graph leaves every other graph whole, and reasoning anew over those
    graphs (as the rebuild does) gives the inferred graph back, triple for triple."""
    inferred_graph = str(INFERRED_GRAPH)
    before = set(kb.quads(inferred_graph))
    assert len(before) > 100
    store = copy_of(kb)
    store.drop(inferred_graph)
    assert list(store.quads(inferred_graph)) == [] and inferred_graph not in store.graphs()
    assert set(store.quads()) == {q for q in rebuilt.quads() if q.graph_name.value != inferred_graph}
    assert set(rebuilt.quads(inferred_graph)) == before


def test_an_inconsistent_example_is_caught() -> None:
    """A person positioned at another person: positionedAt's range makes the latter a Place, and
    Place and Person are disjoint."""
    graph = Graph()
    graph += ontology_graph()
    alice, bob = ID["alice"], ID["bob"]
    for person in (alice, bob):
        graph.add((person, RDF.type, ORB.Person))
        graph.add((person, SKOS.prefLabel, Literal(person.rsplit("/", 1)[-1])))
    graph.add((alice, ORB.positionedAt, bob))
    with pytest.raises(Inconsistent):
        infer(graph)


@pytest.fixture(scope="module")
def reasoned(seed: Workspace) -> tuple[EmbeddedStore, BuildReport]:
    """The seed built as ``orbat build`` does by default: checked by HermiT."""
    store = EmbeddedStore()
    return store, build(store, seed, reason=True)


def test_the_seed_is_consistent_and_reasoned(reasoned: tuple[EmbeddedStore, BuildReport]) -> None:
    _, report = reasoned
    assert report.reasoned and report.inferred > 100


def test_the_rules_derive_everything_hermit_derives_on_the_seed(reasoned: tuple[EmbeddedStore, BuildReport]) -> None:
    """The build ran HermiT over the whole seed and compared: nothing it infers is missing from the
    inferred graphs the rules made."""
    _, report = reasoned
    assert report.beyond_rules == 0, report.notes


def test_hermit_only_checks_a_build(reasoned: tuple[EmbeddedStore, BuildReport], kb: EmbeddedStore) -> None:
    """A build checked by HermiT stores the same graphs as one that is not (the session's)."""
    store, _ = reasoned
    assert set(store.quads()) == set(kb.quads())


def test_a_report_that_makes_a_person_a_place_is_inconsistent() -> None:
    """The rules' consistency check (queries/consistency/) finds what HermiT finds above."""
    graph = Graph()
    for person in (ID["alice"], ID["bob"]):
        graph.add((person, RDF.type, ORB.Person))
    graph.add((ID["alice"], ORB.positionedAt, ID["bob"]))
    data = to_ntriples(ontology_graph()) + to_ntriples(graph)
    with pytest.raises(Inconsistent, match="bob would be both a Place and a Person"):
        closure(data)


def test_missing_java_is_reported_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from orbat import reasoning

    monkeypatch.setattr(reasoning.shutil, "which", lambda _: None)
    with pytest.raises(reasoning.ReasonerUnavailable, match="needs Java"):
        reasoning.infer(ontology_graph())
