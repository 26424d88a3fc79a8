"""The SPARQL 1.1 Protocol endpoint at /sparql, against the real app over the seed knowledge base.

Answers are parsed back (JSON, XML, CSV, TSV results; RDF with rdflib) and asserted on content.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from sparql_support import AL_TANF, GRAPH, PREFIXES, SKOS_PREF, TOKEN, bearer, copy_of, dump, error, rows

from api.app import create_app
from api.settings import Settings
from orbat.store import EmbeddedStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
LABEL_QUERY = PREFIXES + "SELECT ?label WHERE { id:al-tanf skos:prefLabel ?label }"
CONSTRUCT = PREFIXES + "CONSTRUCT { id:al-tanf ?p ?o } WHERE { id:al-tanf ?p ?o }"
AL_TANF_LABEL = (URIRef(AL_TANF), URIRef(SKOS_PREF), Literal("al-Tanf", lang="en"))
FORM = "application/x-www-form-urlencoded"


def send(client: TestClient, how: str, query: str, **params: str | list[str]) -> httpx.Response:
    """One query by each of the three ways the protocol defines (section 2.1)."""
    if how == "get":
        return client.get("/sparql", params={"query": query, **params})
    if how == "form":
        return client.post("/sparql", data={"query": query, **params}, headers={"Content-Type": FORM})
    headers = {"Content-Type": "application/sparql-query"}
    return client.post("/sparql", params=params, content=query.encode(), headers=headers)


# --- the three protocol forms, and the dataset parameters -----------------------------------------


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_every_protocol_form_answers_the_query(client: TestClient, how: str) -> None:
    assert rows(send(client, how, LABEL_QUERY)) == [{"label": "al-Tanf"}]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_default_graph_uri_narrows_the_default_graph(client: TestClient, how: str) -> None:
    query = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?o }"
    union = int(rows(send(client, how, query))[0]["n"])
    ontology = int(rows(send(client, how, query, **{"default-graph-uri": GRAPH + "ontology"}))[0]["n"])
    background = rows(send(client, how, LABEL_QUERY, **{"default-graph-uri": GRAPH + "ontology"}))
    assert 0 < ontology < union
    assert background == []  # al-Tanf is not in the ontology graph


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_named_graph_uri_limits_graph_patterns(client: TestClient, how: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = {r["g"] for r in rows(send(client, how, query))}
    assert {GRAPH + "ontology", GRAPH + "background"} <= everything
    graphs = [GRAPH + "ontology", GRAPH + "background"]
    narrowed = {r["g"] for r in rows(send(client, how, query, **{"named-graph-uri": graphs}))}
    assert narrowed == set(graphs)


def test_a_relative_graph_uri_is_a_400(client: TestClient) -> None:
    error(client.get("/sparql", params={"query": LABEL_QUERY, "default-graph-uri": "not an iri"}), 400)


# --- content negotiation ---------------------------------------------------------------------------


def parse_results(media: str, body: bytes) -> list[str]:
    """The ?label values, whatever the results format."""
    if media == "application/sparql-results+json":
        return [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(body)
        assert [v.get("name") for v in root.iterfind("r:head/r:variable", ns)] == ["label"]
        return [el.text or "" for el in root.iterfind("r:results/r:result/r:binding/r:literal", ns)]
    if media == "text/csv":
        table = list(csv.reader(io.StringIO(body.decode())))
        assert table[0] == ["label"]
        return [row[0] for row in table[1:]]
    lines = body.decode().splitlines()  # TSV: header ?label, values in Turtle syntax
    assert lines[0] == "?label"
    return [line for line in lines[1:]]


@pytest.mark.parametrize(
    ("accept", "media", "expected"),
    [
        (None, "application/sparql-results+json", ["al-Tanf"]),
        ("*/*", "application/sparql-results+json", ["al-Tanf"]),
        ("application/json", "application/sparql-results+json", ["al-Tanf"]),
        ("application/sparql-results+xml", "application/sparql-results+xml", ["al-Tanf"]),
        ("text/csv", "text/csv", ["al-Tanf"]),
        ("text/tab-separated-values", "text/tab-separated-values", ['"al-Tanf"@en']),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", ["al-Tanf"]),
        (
            "application/sparql-results+json;q=0.2, text/tab-separated-values;q=0.9",
            "text/tab-separated-values",
            ['"al-Tanf"@en'],
        ),
        ("text/*", "text/csv", ["al-Tanf"]),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml", ["al-Tanf"]),
        ("text/turtle, text/csv;q=0.3", "text/csv", ["al-Tanf"]),
    ],
)
def test_select_results_in_each_media_type(
    client: TestClient, accept: str | None, media: str, expected: list[str]
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": LABEL_QUERY}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"
    assert parse_results(media, response.content) == expected


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv, application/sparql-results+xml;q=0.5", "application/sparql-results+xml"),
    ],
)
def test_ask(client: TestClient, accept: str | None, media: str) -> None:
    query = PREFIXES + "ASK { id:al-tanf skos:prefLabel ?l }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.headers["content-type"] == media
    if media.endswith("json"):
        assert response.json()["boolean"] is True
    else:
        root = ET.fromstring(response.content)
        assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"  # type: ignore[union-attr]


def test_ask_in_csv_only_is_406_listing_json_and_xml(client: TestClient) -> None:
    body = error(client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"}), 406)
    assert body["detail"]["available"] == ["application/sparql-results+json", "application/sparql-results+xml"]


RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize("media", [None, *RDF_PARSERS, "application/trig"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graph_answers_in_each_rdf_media_type(client: TestClient, media: str | None, form: str) -> None:
    query = CONSTRUCT if form == "CONSTRUCT" else PREFIXES + "DESCRIBE id:al-tanf"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": media} if media else {})
    assert response.status_code == 200, response.text
    served = response.headers["content-type"].split(";")[0]
    assert served == (media or "text/turtle")
    if served == "application/trig":
        dataset = Dataset()
        dataset.parse(data=response.content, format="trig")
        triples = {(s, p, o) for s, p, o, _ in dataset.quads()}
    else:
        graph = Graph().parse(data=response.content, format=RDF_PARSERS[served])
        triples = set(graph)
    assert AL_TANF_LABEL in triples
    assert (URIRef(AL_TANF), RDF.type, URIRef("https://w3id.org/orbat/ontology#BorderCrossing")) in triples
    assert all(s == URIRef(AL_TANF) for s, _, _ in triples)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (LABEL_QUERY, "image/png"),
        (LABEL_QUERY, "text/turtle"),
        (CONSTRUCT, "application/sparql-results+json"),
        (LABEL_QUERY, "application/sparql-results+json;q=0"),
    ],
)
def test_406_lists_what_is_available(client: TestClient, query: str, accept: str) -> None:
    body = error(client.get("/sparql", params={"query": query}, headers={"Accept": accept}), 406)
    assert body["detail"]["available"]
    assert "available" in body["message"]


# --- malformed requests ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_syntax_error_is_400_with_line_and_column(client: TestClient, how: str) -> None:
    body = error(send(client, how, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }"), 400)
    assert re.search(r"\b3:\d+\b", body["message"]), body["message"]  # the error is on line 3


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"query=ASK{}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"content": b"", "headers": {}}, 415),
        ({"content": b"query=ASK%7B%7D&update=CLEAR%20ALL", "headers": {"Content-Type": FORM}}, 400),
        ({"content": b"query=ASK%7B%7D&query=ASK%7B%7D", "headers": {"Content-Type": FORM}}, 400),
        ({"content": b"nothing=here", "headers": {"Content-Type": FORM}}, 400),
        ({"content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400),
    ],
)
def test_malformed_protocol_requests(client: TestClient, kwargs: dict[str, object], status: int) -> None:
    error(client.post("/sparql", **kwargs), status)


def test_update_by_get_is_refused(client: TestClient) -> None:
    error(client.get("/sparql", params={"update": "CLEAR ALL"}), 400)


# --- service description -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        (None, "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_service_description(client: TestClient, accept: str | None, parser: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.content, format=parser)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert (service, SD.endpoint, URIRef("http://127.0.0.1:8000/sparql")) in graph  # configured, not the Host
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # updates are off here
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef(GRAPH + "ontology") in names
    assert graph.value(service, URIRef("https://w3id.org/orbat/service#resultLimit")).toPython() == 10_000  # type: ignore[union-attr]
    assert "X-Orbat-Truncated" in str(graph.value(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    probed = graph.value(service, URIRef("https://w3id.org/orbat/service#distanceFunction"))
    assert str(probed) == "geof:distance with a unit"  # the capability probe of the embedded store


def test_service_description_lists_update_when_enabled(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    graph = Graph().parse(data=client.get("/sparql").content, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph


# --- the result cap ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def capped(kb: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(kb, Settings(max_results=5))) as test_client:
        yield test_client


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_select_stops_at_the_cap_and_says_so(capped: TestClient, accept: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 50"
    response = capped.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["x-orbat-truncated"] == "true"
    assert response.headers["x-orbat-result-limit"] == "5"
    if accept == "text/csv":
        assert len(list(csv.reader(io.StringIO(response.text)))) == 6  # header + 5 rows
    elif accept.endswith("json"):
        assert len(response.json()["results"]["bindings"]) == 5
    else:
        assert response.text.count("<result>") == 5


def test_an_answer_within_the_cap_is_not_truncated(capped: TestClient) -> None:
    response = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert len(rows(response)) == 5
    assert response.headers["x-orbat-truncated"] == "false"


def test_construct_stops_at_the_cap(capped: TestClient) -> None:
    response = capped.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert response.headers["x-orbat-truncated"] == "true"
    assert len(Graph().parse(data=response.content, format="nt")) == 5


# --- updates -------------------------------------------------------------------------------------------

INSERT = (
    PREFIXES
    + f"""INSERT DATA {{ GRAPH <{GRAPH}test> {{
  id:test-fob skos:prefLabel "Forward Operating Base Zulu"@en ; a orb:Place .
}} }}"""
)


def post_update(
    client: TestClient, update: str, headers: dict[str, str] | None = None, how: str = "direct"
) -> httpx.Response:
    if how == "form":
        return client.post("/sparql", data={"update": update}, headers={"Content-Type": FORM, **(headers or {})})
    return client.post(
        "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update", **(headers or {})}
    )


def test_updates_are_disabled_by_default(client: TestClient) -> None:
    body = error(post_update(client, INSERT, bearer()), 403)
    assert "disabled" in body["message"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": "Bearer wrong-token"}, 403),
    ],
)
def test_updates_need_the_right_bearer_token(
    writable: tuple[TestClient, EmbeddedStore], headers: dict[str, str], status: int
) -> None:
    client, store = writable
    before = dump(store)
    response = post_update(client, INSERT, headers)
    error(response, status)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert dump(store) == before


def test_updates_without_a_configured_token_are_refused(kb: EmbeddedStore) -> None:
    with TestClient(create_app(copy_of(kb), Settings(update_enabled=True))) as client:
        error(post_update(client, INSERT, bearer()), 403)


@pytest.mark.parametrize("how", ["direct", "form"])
def test_an_authorised_update_is_applied_and_names_follow(
    writable_on_disk: tuple[TestClient, EmbeddedStore], how: str
) -> None:
    """Through the worker processes that read the on-disk store, as ``orbat serve`` does."""
    client, _ = writable_on_disk
    response = post_update(client, INSERT, bearer(), how)
    assert response.status_code == 204, response.text
    query = PREFIXES + "SELECT ?label WHERE { id:test-fob skos:prefLabel ?label }"
    assert rows(client.get("/sparql", params={"query": query})) == [{"label": "Forward Operating Base Zulu"}]
    names = client.app.state.orbat.names
    assert [m.iri for m in names.resolve("Forward Operating Base Zulu")] == ["https://w3id.org/orbat/id/test-fob"]


def test_a_failing_update_changes_nothing(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, store = writable
    before = dump(store)
    failing = (
        INSERT
        + f""" ;
DELETE WHERE {{ GRAPH <{GRAPH}ontology> {{ ?s ?p ?o }} }} ;
CREATE GRAPH <{GRAPH}background>"""
    )  # the graph exists: the third operation fails
    body = error(post_update(client, failing, bearer()), 400)
    assert "already exists" in body["message"]
    assert dump(store) == before


def test_a_malformed_update_is_400_with_line_and_column(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, store = writable
    before = dump(store)
    body = error(post_update(client, "INSERT DATA {\n  <urn:a> <urn:b> \n}", bearer()), 400)
    assert re.search(r"\b3:\d+\b", body["message"]), body["message"]
    assert dump(store) == before


def test_using_graph_uri_is_refused(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    response = client.post(
        "/sparql",
        params={"using-graph-uri": GRAPH + "ontology"},
        content=INSERT.encode(),
        headers={"Content-Type": "application/sparql-update", **bearer()},
    )
    error(response, 400)


# --- SERVICE and LOAD ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }",
        "select * where { service <http://169.254.169.254/> { ?s ?p ?o } }",
        "SELECT * WHERE { SeRvIcE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:p 'x' . # a comment\n SERVICE<http://x/>{?s ?p ?o} }",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    body = error(client.get("/sparql", params={"query": query}), 403)
    assert "SERVICE" in body["message"] and body["detail"]["keyword"] == "SERVICE"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ("SERVICE <http://x/> { }" AS ?text) WHERE {}',
        "SELECT ('''multi\nline SERVICE''' AS ?text) WHERE {}",
        "SELECT ?service WHERE { BIND(1 AS ?service) } # SERVICE <http://x/> in a comment",
        "PREFIX service: <http://example.org/>\nSELECT * WHERE { OPTIONAL { ?s service:SERVICE ?o } }",
        "SELECT * WHERE { OPTIONAL { <http://example.org/SERVICE#SERVICE> ?p ?o } }",
    ],
)
def test_the_word_service_elsewhere_is_allowed(client: TestClient, query: str) -> None:
    assert client.get("/sparql", params={"query": query}).status_code == 200


@pytest.mark.remote
def test_service_runs_when_allowed(kb: EmbeddedStore, oxigraph_url: str) -> None:
    query = f"SELECT ?x WHERE {{ SERVICE <{oxigraph_url}/query> {{ BIND(42 AS ?x) }} }}"
    with TestClient(create_app(kb, Settings(allow_service=True))) as client:
        assert rows(client.get("/sparql", params={"query": query})) == [{"x": "42"}]


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://example.org/data.ttl>",
        "load silent <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
        "CLEAR SILENT GRAPH <urn:x> ;\nLOAD <file:///etc/passwd>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_load_and_service_in_updates_are_refused(writable: tuple[TestClient, EmbeddedStore], update: str) -> None:
    client, store = writable
    before = dump(store)
    body = error(post_update(client, update, bearer()), 403)
    assert body["detail"]["keyword"] in ("LOAD", "SERVICE")
    assert dump(store) == before


def test_load_as_data_is_allowed(writable: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable
    update = f'INSERT DATA {{ GRAPH <{GRAPH}test> {{ <urn:a> <urn:note> "LOAD <http://example.org/x>" }} }}'
    assert post_update(client, update, bearer()).status_code == 204
