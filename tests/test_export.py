"""Exports parse back into isomorphic graphs and are byte-identical across rebuilds (the map
formats: tests/test_map_exports.py)."""

from __future__ import annotations

import io

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from orbat.export import FORMATS, write
from orbat.namespaces import BACKGROUND_GRAPH
from orbat.store import EmbeddedStore, StoreError


def exported(store: EmbeddedStore, name: str, graph: str | None = None) -> bytes:
    buffer = io.BytesIO()
    write(store, FORMATS[name], buffer, graph)
    return buffer.getvalue()


def union_graph(store: EmbeddedStore) -> Graph:
    graph = Graph()
    graph.parse(data=b"".join(f"{q.triple} .\n".encode() for q in store.quads()).decode(), format="nt")
    return graph


def test_turtle_of_everything_is_isomorphic_to_the_union(kb: EmbeddedStore) -> None:
    parsed = Graph().parse(data=exported(kb, "turtle"), format="turtle")
    assert isomorphic(parsed, union_graph(kb))


def test_trig_keeps_the_named_graphs(kb: EmbeddedStore) -> None:
    parsed = Dataset()
    parsed.parse(data=exported(kb, "trig"), format="trig")
    names = {str(g.identifier) for g in parsed.graphs() if len(g)}
    assert names == set(kb.graphs())
    for name in kb.graphs():
        expected = Graph().parse(data=exported(kb, "ntriples", name), format="nt")
        assert isomorphic(parsed.graph(URIRef(name)), expected), name


@pytest.mark.parametrize(
    ("name", "rdflib_format"), [("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml"), ("turtle", "turtle")]
)
def test_one_named_graph_in_each_triple_format(kb: EmbeddedStore, name: str, rdflib_format: str) -> None:
    reference = Graph().parse(data=exported(kb, "ntriples", str(BACKGROUND_GRAPH)), format="nt")
    parsed = Graph().parse(data=exported(kb, name, str(BACKGROUND_GRAPH)), format=rdflib_format)
    assert isomorphic(parsed, reference)


def test_nquads_round_trip(kb: EmbeddedStore) -> None:
    parsed = Dataset()
    parsed.parse(data=exported(kb, "nquads"), format="nquads")
    assert sum(len(g) for g in parsed.graphs()) == len(kb)


def test_exports_are_byte_identical_after_a_rebuild(kb: EmbeddedStore, rebuilt: EmbeddedStore) -> None:
    for name in ("turtle", "trig", "nquads", "geojson", "kml", "orbat-mapper"):
        assert exported(rebuilt, name) == exported(kb, name), name


def test_unknown_graph_is_refused(kb: EmbeddedStore) -> None:
    with pytest.raises(StoreError, match="no named graph"):
        exported(kb, "turtle", "https://example.org/nothing")
