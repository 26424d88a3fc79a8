"""What makes any SPARQL 1.1 server a peer of the embedded store, beyond the contract
(tests/test_store_contract.py): endpoint presets and settings, the capability probe and its place in
the service description, deadlines, streamed reads, writes that name their graphs, Virtuoso's long
INSERT DATA, and great-circle distances computed by orbat where the engine has no geof:distance."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from conftest import REMOTE_ENGINES, remote_store
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, RdfFormat, Store
from rdflib import Graph, URIRef

from api.app import create_app
from orbat.deadline import Deadline, QueryTimeout, within
from orbat.geodistance import haversine_m
from orbat.store import RemoteStore
from orbat.store.endpoints import EndpointError, from_env
from orbat.store.version import VERSION_GRAPH
from orbat.store.virtuoso import BATCH, split_insert_data

SERVICE = "https://w3id.org/orbat/service#"
G = "https://example.org/graph/"


@pytest.mark.parametrize(
    ("env", "query", "update", "graph_store", "parameter"),
    [
        (
            {"ORBAT_SPARQL_URL": "http://h:7878"},
            "http://h:7878/query",
            "http://h:7878/update",
            "http://h:7878/store",
            "graph",
        ),
        (
            {"ORBAT_SPARQL_URL": "http://h:8890/sparql", "ORBAT_SPARQL_SERVER": "virtuoso", "ORBAT_SPARQL_USER": "dba"},
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-graph-crud-auth",
            "graph-uri",
        ),
        (
            {"ORBAT_SPARQL_URL": "http://h:8890", "ORBAT_SPARQL_SERVER": "virtuoso"},
            "http://h:8890/sparql",
            "http://h:8890/sparql",
            "http://h:8890/sparql-graph-crud",
            "graph-uri",
        ),
        (
            {"ORBAT_SPARQL_URL": "http://h:3030/ds", "ORBAT_SPARQL_SERVER": "Fuseki"},
            "http://h:3030/ds/query",
            "http://h:3030/ds/update",
            "http://h:3030/ds/data",
            "graph",
        ),
        (
            {
                "ORBAT_SPARQL_URL": "https://q/sparql",
                "ORBAT_SPARQL_SERVER": "generic",
                "ORBAT_SPARQL_UPDATE_URL": "https://u/up",
            },
            "https://q/sparql",
            "https://u/up",
            None,
            "graph",
        ),
        (
            {"ORBAT_SPARQL_URL": "http://h:7878", "ORBAT_GRAPH_STORE_URL": "http://gs/store"},
            "http://h:7878/query",
            "http://h:7878/update",
            "http://gs/store",
            "graph",
        ),
    ],
)
def test_endpoints_come_from_a_preset_and_each_setting_overrides_it(
    env: dict[str, str], query: str, update: str, graph_store: str | None, parameter: str
) -> None:
    endpoints = from_env(env=env)
    assert endpoints is not None
    assert (endpoints.query, endpoints.update, endpoints.graph_store, endpoints.graph_parameter) == (
        query,
        update,
        graph_store,
        parameter,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ORBAT_SPARQL_URL": "http://h", "ORBAT_SPARQL_SERVER": "stardog"}, "ORBAT_SPARQL_SERVER='stardog'"),
        ({"ORBAT_SPARQL_URL": "ftp://h"}, "ORBAT_SPARQL_URL='ftp://h'"),
        ({"ORBAT_SPARQL_URL": "http://h", "ORBAT_SPARQL_UPDATE_URL": "h/up"}, "ORBAT_SPARQL_UPDATE_URL='h/up'"),
    ],
)
def test_a_bad_endpoint_setting_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(EndpointError, match=message.replace("?", r"\?")):
        from_env(env=env)
    assert from_env(env={}) is None


def test_distances_are_oxigraphs_to_the_last_bit() -> None:
    rng = random.Random(11)
    probe = Store()
    for _ in range(200):
        a = (round(rng.uniform(-180, 180), 4), round(rng.uniform(-85, 85), 4))
        b = (round(a[0] + rng.uniform(-2, 2), 4), round(a[1] + rng.uniform(-2, 2), 4))
        wkt = [
            Literal(f"POINT({x} {y})", datatype=NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral"))
            for x, y in (a, b)
        ]
        query = (
            f"SELECT ?d WHERE {{ BIND(<http://www.opengis.net/def/function/geosparql/distance>({wkt[0]}, {wkt[1]}, "
            "<http://www.opengis.net/def/uom/OGC/1.0/metre>) AS ?d) }"
        )
        assert float(next(iter(probe.query(query)))["d"].value) == haversine_m(a, b)  # type: ignore[index,union-attr,arg-type]


def test_a_long_insert_data_is_cut_into_operations_for_virtuoso() -> None:
    lines = "\n".join(f"<https://example.org/s{i}> <https://example.org/p> {i} ." for i in range(BATCH * 2 + 1))
    update = f"DROP SILENT GRAPH <{G}a> ;\nINSERT DATA {{ GRAPH <{G}a> {{\n{lines}\n}} }}"
    split = split_insert_data(update)
    assert split.startswith(f"DROP SILENT GRAPH <{G}a> ;")
    assert split.count("INSERT DATA") == 3
    store = Store()
    store.update(split)
    assert len(store) == BATCH * 2 + 1
    small = f"INSERT DATA {{ GRAPH <{G}a> {{ <https://example.org/s> <https://example.org/p> _:b }} }}"
    assert split_insert_data(small) == small


@pytest.fixture(params=REMOTE_ENGINES)
def server(request: pytest.FixtureRequest) -> Iterator[RemoteStore]:
    store = remote_store(request, request.param)
    store.drop()
    yield store
    store.drop()
    store.close()


def test_the_probe_finds_what_the_engine_can_do_and_the_service_description_says_it(server: RemoteStore) -> None:
    server.load(b'<https://example.org/a> <https://example.org/p> "1" .\n', RdfFormat.N_TRIPLES, G + "one")
    found = server.capabilities()
    assert found.union_default_graph is True
    expected = None if server.endpoints.server == "virtuoso" else "geof:distance with a unit"  # Virtuoso 7.2.5 has none
    assert found.distance == expected
    with TestClient(create_app(server)) as client:
        answer = client.get("/sparql")
        assert answer.status_code == 200, answer.text
        graph = Graph().parse(data=answer.content, format="turtle")
    service = next(graph.subjects(URIRef(SERVICE + "storeEngine")))
    distance = str(graph.value(service, URIRef(SERVICE + "distanceFunction")))
    assert distance.startswith("computed by orbat" if expected is None else "geof:distance")
    assert str(graph.value(service, URIRef(SERVICE + "storeEngine"))) == server.endpoints.server


@pytest.fixture
def versioned(server: RemoteStore) -> Iterator[RemoteStore]:
    """The server as orbat.config opens it: every write stamps a version; the stamp is removed after."""
    yield RemoteStore(server.endpoints, versioned=True)
    server.update(f"DROP SILENT GRAPH <{VERSION_GRAPH}>")


def test_writes_name_their_graphs_and_every_write_changes_the_version(versioned: RemoteStore) -> None:
    server = versioned
    before = server.version()
    server.load(b'<https://example.org/a> <https://example.org/p> "1" .\n', RdfFormat.N_TRIPLES, G + "one")
    after_load = server.version()
    server.update(f"INSERT DATA {{ GRAPH <{G}two> {{ <https://example.org/b> <https://example.org/p> 2 }} }}")
    assert len({before, after_load, server.version()}) == 3
    assert server.graphs() == [G + "one", G + "two"]  # the version's graph (and Virtuoso's own) are not listed
    assert len(server) == 2
    server.drop()
    assert server.graphs() == []
    assert server.query("ASK { GRAPH ?g { ?s ?p ?o } }")  # the server's own graphs, or the version, remain


def test_quads_stream_and_a_call_past_its_deadline_stops(server: RemoteStore) -> None:
    lines = "".join(f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(5000))
    server.load(lines.encode(), RdfFormat.N_TRIPLES, G + "big")
    streamed = server.quads(G + "big")
    assert next(streamed).graph_name == NamedNode(G + "big")
    assert 1 + sum(1 for _ in streamed) == 5000
    assert sum(1 for _ in server.quads()) == 5000
    with pytest.raises(QueryTimeout):
        server.query("SELECT * WHERE { ?s ?p ?o }", deadline=Deadline.start(-1.0))
    with pytest.raises(QueryTimeout):
        list(server.quads(G + "big", deadline=Deadline.start(-1.0)))
    with within(Deadline.start(-1.0)), pytest.raises(QueryTimeout):  # the API's runner sets it for its jobs
        len(server)
