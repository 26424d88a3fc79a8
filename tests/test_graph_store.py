"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs: reads negotiated, writes atomic and keyed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from sparql_support import AL_TANF, GRAPH, SKOS_PREF, TOKEN, WRITABLE, bearer, dump, error, rows

from api.app import create_app
from orbat.store import EmbeddedStore, RemoteStore

ONTOLOGY = GRAPH + "ontology"
BACKGROUND = GRAPH + "background"
NEW = "https://example.org/graph/new"
TURTLE = b"""@prefix ex: <https://example.org/> .
@prefix id: <https://w3id.org/orbat/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:camp-x skos:prefLabel "Camp Xylophone"@en ; ex:near ex:camp-y .
"""
MORE = b'<https://example.org/camp-y> <http://www.w3.org/2004/02/skos/core#prefLabel> "Camp Yankee"@en .\n'
PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def get_graph(client: TestClient, iri: str | None, accept: str = "text/turtle") -> Graph:
    params = {"graph": iri} if iri else {"default": ""}
    response = client.get("/rdf-graphs", params=params, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    return Graph().parse(data=response.content, format=PARSERS[accept])


# --- reading --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", list(PARSERS))
def test_get_a_named_graph_in_each_media_type(client: TestClient, kb: EmbeddedStore, accept: str) -> None:
    graph = get_graph(client, BACKGROUND, accept)
    assert len(graph) == sum(1 for _ in kb.quads(BACKGROUND))
    assert (URIRef(AL_TANF), URIRef(SKOS_PREF), Literal("al-Tanf", lang="en")) in graph


def test_get_the_default_graph_is_the_union(client: TestClient) -> None:
    union = get_graph(client, None, "application/n-triples")
    ontology = get_graph(client, ONTOLOGY, "application/n-triples")
    background = get_graph(client, BACKGROUND, "application/n-triples")
    assert set(ontology) <= set(union) and set(background) <= set(union)


def test_head_matches_get(client: TestClient) -> None:
    got = client.get("/rdf-graphs", params={"graph": ONTOLOGY})
    head = client.head("/rdf-graphs", params={"graph": ONTOLOGY})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"graph": "https://example.org/graph/absent"}, {}, 404),
        ({}, {}, 400),
        ({"graph": ONTOLOGY, "default": ""}, {}, 400),
        ({"graph": "relative/iri"}, {}, 400),
        ({"graph": ONTOLOGY}, {"Accept": "application/sparql-results+json"}, 406),
    ],
)
def test_read_errors(client: TestClient, params: dict[str, str], headers: dict[str, str], status: int) -> None:
    error(client.get("/rdf-graphs", params=params, headers=headers), status)


# --- writing: who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_are_disabled_by_default(client: TestClient, method: str) -> None:
    response = client.request(
        method,
        "/rdf-graphs",
        params={"graph": ONTOLOGY},
        content=TURTLE,
        headers={"Content-Type": "text/turtle", **bearer()},
    )
    error(response, 403)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer nope"}, 403)])
def test_writes_need_the_token(
    writable: tuple[TestClient, EmbeddedStore], method: str, headers: dict[str, str], status: int
) -> None:
    client, store = writable
    before = dump(store)
    response = client.request(
        method,
        "/rdf-graphs",
        params={"graph": ONTOLOGY},
        content=TURTLE,
        headers={"Content-Type": "text/turtle", **headers},
    )
    error(response, status)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert dump(store) == before


# --- writing: what happens ------------------------------------------------------------------------------


def write(client: TestClient, method: str, body: bytes, media: str = "text/turtle", graph: str = NEW) -> int:
    response = client.request(
        method,
        "/rdf-graphs",
        params={"graph": graph},
        content=body,
        headers={"Content-Type": media, "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code < 300, response.text
    return response.status_code


def test_put_creates_then_replaces(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, store = writable
    others = {q for q in dump(store).splitlines() if NEW.encode() not in q}
    assert write(client, "PUT", TURTLE) == 201
    assert isomorphic(get_graph(client, NEW), Graph().parse(data=TURTLE, format="turtle"))
    assert write(client, "PUT", MORE, "application/n-triples") == 204
    assert isomorphic(get_graph(client, NEW), Graph().parse(data=MORE, format="nt"))
    assert {q for q in dump(store).splitlines() if NEW.encode() not in q} == others  # other graphs untouched


def test_post_adds(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    assert write(client, "POST", TURTLE) == 201
    assert write(client, "POST", MORE, "application/n-triples") == 204
    expected = Graph().parse(data=TURTLE, format="turtle") + Graph().parse(data=MORE, format="nt")
    assert isomorphic(get_graph(client, NEW), expected)


def test_put_json_ld_and_rdf_xml(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    source = Graph().parse(data=TURTLE, format="turtle")
    assert write(client, "PUT", source.serialize(format="json-ld").encode(), "application/ld+json") == 201
    assert isomorphic(get_graph(client, NEW), source)
    assert write(client, "PUT", source.serialize(format="xml").encode(), "application/rdf+xml") == 204
    assert isomorphic(get_graph(client, NEW), source)


def test_a_write_refreshes_the_name_index(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    write(client, "PUT", TURTLE)
    names = client.app.state.orbat.names  # type: ignore[attr-defined]
    assert [m.iri for m in names.resolve("Camp Xylophone")] == ["https://w3id.org/orbat/id/camp-x"]


def test_delete_drops_and_then_404s(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    write(client, "PUT", TURTLE)
    assert write(client, "DELETE", b"") == 204
    error(client.get("/rdf-graphs", params={"graph": NEW}), 404)
    response = client.delete("/rdf-graphs", params={"graph": NEW}, headers=bearer())
    error(response, 404)


@pytest.mark.parametrize(
    ("method", "body", "media", "status"),
    [
        ("PUT", b"ex:broken turtle without prefixes", "text/turtle", 400),
        ("POST", b"<https://example.org/a> <https://example.org/b> .", "application/n-triples", 400),
        ("PUT", b"{ not json", "application/ld+json", 400),
        ("PUT", TURTLE, "application/x-unknown", 415),
        ("PUT", TURTLE, "application/trig", 415),
    ],
)
def test_bad_bodies_change_nothing(
    writable: tuple[TestClient, EmbeddedStore], method: str, body: bytes, media: str, status: int
) -> None:
    client, store = writable
    before = dump(store)
    response = client.request(
        method, "/rdf-graphs", params={"graph": BACKGROUND}, content=body, headers={"Content-Type": media, **bearer()}
    )
    error(response, status)
    assert dump(store) == before


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_default_graph_is_read_only(writable: tuple[TestClient, EmbeddedStore], method: str) -> None:
    client, _ = writable
    response = client.request(
        method,
        "/rdf-graphs",
        params={"default": ""},
        content=TURTLE,
        headers={"Content-Type": "text/turtle", **bearer()},
    )
    error(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.remote
def test_the_sparql_side_works_over_the_remote_store(oxigraph_url: str) -> None:
    """The same endpoints with a SPARQL server as the store (orbat.store.RemoteStore)."""
    store = RemoteStore.oxigraph(oxigraph_url)
    store.drop()
    try:
        with TestClient(create_app(store, WRITABLE)) as client:
            assert write(client, "PUT", TURTLE) == 201
            assert isomorphic(get_graph(client, NEW), Graph().parse(data=TURTLE, format="turtle"))
            query = "SELECT ?label WHERE { <https://w3id.org/orbat/id/camp-x> ?p ?label FILTER(isLiteral(?label)) }"
            assert rows(client.get("/sparql", params={"query": query})) == [{"label": "Camp Xylophone"}]
            ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert ask.json()["boolean"] is True
            construct = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
            assert isomorphic(
                Graph().parse(data=construct.content, format="turtle"), Graph().parse(data=TURTLE, format="turtle")
            )
            update = f'INSERT DATA {{ GRAPH <{NEW}> {{ <urn:a> <urn:b> "c" }} }}'
            response = client.post(
                "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update", **bearer()}
            )
            assert response.status_code == 204, response.text
            assert len(get_graph(client, NEW)) == 3
            assert write(client, "DELETE", b"") == 204
            error(client.get("/rdf-graphs", params={"graph": NEW}), 404)
    finally:
        store.drop()
        store.close()
