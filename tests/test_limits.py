"""Limits before parsing: each attack of issue 12, bounded, then a cheap request that must still answer.

- SPARQL text: size (413), nesting depth, branches, operators (400 naming the limit), on the tokens,
  for queries and updates; texts that crash pyoxigraph's parser never reach it.
- Request bodies: sized before they are read and before authentication (413 in the error shape),
  by Content-Length or while a chunked body streams.
- Expensive endpoints: at most N requests in flight per client (429 with Retry-After), over real HTTP.
- The service description names the configured endpoint, never the Host header.
- Settings from the environment are parsed strictly.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from sparql_support import TOKEN, assert_responsive, bearer, cheap_query, copy_of, dump, error

from api.app import create_app
from api.settings import Settings, SettingsError
from orbat.servers import free_port
from orbat.store import EmbeddedStore

SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
ORBS = "https://w3id.org/orbat/service#"
CHEAP = "ASK {}"
SMALL = Settings(max_query_bytes=20_000, max_update_bytes=40_000)


def still_answers(client: TestClient) -> None:
    """The acceptance check after every attack (sparql_support.assert_responsive)."""
    assert_responsive(cheap_query(client))


def query(client: TestClient, text: str, how: str = "direct", **kwargs: Any) -> httpx.Response:
    if how == "get":
        return client.get("/sparql", params={"query": text}, **kwargs)
    if how == "form":
        return client.post("/sparql", data={"query": text}, **kwargs)
    return client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"}, **kwargs)


# --- the shape of a SPARQL text ------------------------------------------------------------------------

# (name, text, limit): each text crashes pyoxigraph 0.5's parser (segfault, measured) if it reaches it.
CRASHERS = [
    ("nested braces", "SELECT * WHERE " + "{" * 3_000 + "}" * 3_000, "depth"),
    ("nested parentheses", "SELECT * WHERE { FILTER(" + "(" * 6_000 + "1" + ")" * 6_000 + ") }", "depth"),
    ("nested blank nodes", "SELECT * WHERE { ?s <p:p> " + "[ <p:p> " * 6_000 + "]" * 6_000 + " }", "depth"),
    ("nested OPTIONAL", "SELECT * WHERE { " + "OPTIONAL { " * 3_000 + "}" * 3_000 + " }", "depth"),
    ("UNION branches", "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 8_000) + " }", "branches"),
    ("flat OPTIONALs", "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 9_000 + "}", "branches"),
    ("sub-SELECTs", "SELECT * WHERE { " + "{ SELECT * { ?s ?p ?o } } " * 9_000 + "}", "branches"),
    ("BINDs", "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?b{i})" for i in range(3_000)) + " }", "operators"),
    ("an additive chain", "SELECT * WHERE { FILTER(" + "+".join(["1"] * 9_000) + ") }", "operators"),
    ("a chain of signs", "SELECT * WHERE { FILTER(1" + " -1" * 12_000 + ") }", "operators"),
    ("a path chain", "ASK { ?s " + "/".join(["<p:p>"] * 12_000) + " ?o }", "operators"),
    ("triple patterns", "ASK { " + " ".join(f"?s{i} <p:p> ?s{i + 1} ." for i in range(12_000)) + " }", "operators"),
]


@pytest.mark.parametrize(("name", "text", "limit"), CRASHERS, ids=[c[0] for c in CRASHERS])
def test_a_text_that_would_crash_the_parser_is_refused_naming_the_limit(
    client: TestClient, name: str, text: str, limit: str
) -> None:
    detail = error(query(client, text), 400)
    assert detail["detail"]["limit"] == limit
    maximum = detail["detail"]["maximum"]
    assert f"limit on {limit} is {maximum}" in detail["message"]
    assert detail["detail"]["line"] == 1 and detail["detail"]["column"] > 1
    still_answers(client)


@pytest.mark.parametrize(
    "text",
    [
        # braces, parentheses and keywords inside strings, IRIs and comments are not structure
        "SELECT ?x WHERE { BIND('" + "{(" * 5_000 + "' AS ?x) }",
        'SELECT ?x WHERE { BIND("""' + "UNION OPTIONAL\n" * 2_000 + '""" AS ?x) }',
        "SELECT * WHERE { ?s ?p ?o }\n" + "# { ( [ UNION OPTIONAL BIND\n" * 2_000,
        "SELECT * WHERE { ?s <urn:x:" + "(((" * 1_000 + "> ?o }",
        # a long VALUES list and a long IN list are flat: no limit counts them
        "SELECT ?x WHERE { VALUES ?x { " + " ".join(f"<urn:x:{i}>" for i in range(20_000)) + " } }",
        "ASK { BIND(1 AS ?x) FILTER(?x IN (" + ",".join(str(i) for i in range(20_000)) + ")) }",
    ],
    ids=["string", "long string", "comments", "IRI", "VALUES", "IN"],
)
def test_what_is_not_structure_does_not_count(client: TestClient, text: str) -> None:
    response = query(client, text)
    assert response.status_code == 200, response.text[:300]


def test_the_limits_are_settings(kb: EmbeddedStore) -> None:
    settings = Settings(max_query_depth=3, max_query_branches=2, max_query_operators=10)
    with TestClient(create_app(kb, settings)) as client:
        assert query(client, "ASK { { { } } }").status_code == 200
        assert error(query(client, "ASK { { { { } } } }"), 400)["detail"] == {
            "limit": "depth",
            "maximum": 3,
            "line": 1,
            "column": 11,
        }
        assert query(client, "ASK { {} UNION {} UNION {} }").status_code == 200
        assert error(query(client, "ASK { {} UNION {} UNION {} UNION {} }"), 400)["detail"]["limit"] == "branches"
        assert error(query(client, "ASK { ?a ?b ?c " + "FILTER(true) " * 11 + "}"), 400)["detail"]["limit"] == (
            "operators"
        )


@pytest.mark.parametrize("how", ["direct", "form", "get"])
def test_a_query_over_the_size_limit_is_413_before_any_scan(kb: EmbeddedStore, how: str) -> None:
    settings = Settings(max_query_bytes=2_000)
    text = "ASK { ?s ?p ?o } #" + "." * 3_000
    with TestClient(create_app(kb, settings)) as client:
        detail = error(query(client, text, how), 413)
        assert detail["detail"]["maximum"] == 2_000
        assert "ORBAT_MAX_QUERY_BYTES" in detail["message"]
        still_answers(client)


@pytest.mark.parametrize(
    ("update", "status", "limit"),
    [
        ("INSERT { <urn:a> <urn:b> 1 } WHERE " + "{" * 3_000 + "}" * 3_000, 400, "depth"),
        ("INSERT DATA { <urn:a> <urn:b> " + "[ <urn:b> " * 6_000 + "<urn:c>" + " ]" * 6_000 + " }", 400, "depth"),
        (
            "INSERT { <urn:a> <urn:b> ?b0 } WHERE { " + " ".join(f"BIND(1 AS ?b{i})" for i in range(3_000)) + " }",
            400,
            "operators",
        ),
        ("DELETE WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 8_000) + " }", 400, "branches"),
    ],
    ids=["nested braces", "nested blank nodes in data", "BINDs", "UNION branches"],
)
def test_an_update_that_would_crash_the_server_is_refused_and_changes_nothing(
    writable: tuple[TestClient, EmbeddedStore], update: str, status: int, limit: str
) -> None:
    """Updates run in the server's own process: a parser crash there would take the service down."""
    client, store = writable
    before = dump(store)
    response = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update", **bearer()})
    assert error(response, status)["detail"]["limit"] == limit
    assert dump(store) == before
    still_answers(client)


def test_insert_data_is_data_not_algebra(writable: tuple[TestClient, EmbeddedStore]) -> None:
    """Thousands of triples (with signs and joins) in INSERT DATA count only for the depth."""
    client, store = writable
    triples = " ".join(f"<urn:x:{i}> <urn:x:long> -{i}.5 ; <urn:x:lat> {i} , {i + 1} ." for i in range(5_000))
    response = client.post(
        "/sparql",
        content=f"INSERT DATA {{ GRAPH <urn:x:g> {{ {triples} }} }}",
        headers={"Content-Type": "application/sparql-update", **bearer()},
    )
    assert response.status_code == 204, response.text
    assert "urn:x:g" in store.graphs()


# --- request bodies ------------------------------------------------------------------------------------


def test_an_unauthenticated_body_over_the_limit_is_413_before_the_401(kb: EmbeddedStore) -> None:
    """Issue 12: a 300 MB anonymous update was read whole before its 401. Now the size decides first."""
    settings = Settings(update_enabled=True, update_token=TOKEN, max_query_bytes=20_000, max_update_bytes=40_000)
    with TestClient(create_app(copy_of(kb), settings)) as client:
        body = "INSERT DATA { <urn:a> <urn:b> '" + "x" * 30_000 + "' }"
        headers = {"Content-Type": "application/sparql-update"}
        detail = error(client.post("/sparql", content=body, headers=headers), 413)
        assert detail["detail"] == {"limit": "body bytes", "maximum": 20_000, "size": len(body)}
        assert "ORBAT_MAX_UPDATE_BYTES" in detail["message"]  # says how a writer gets more
        wrong = {**headers, "Authorization": "Bearer not-the-token"}
        assert error(client.post("/sparql", content=body, headers=wrong), 413)["detail"]["maximum"] == 20_000
        # the writer's limit is the update limit: the same body is applied
        assert client.post("/sparql", content=body, headers={**headers, **bearer()}).status_code == 204
        assert error(client.post("/sparql", content=body + " " * 20_000, headers={**headers, **bearer()}), 413)
        still_answers(client)


@pytest.mark.parametrize(
    ("method", "url", "content_type"),
    [
        ("POST", "/sparql", "application/sparql-query"),
        ("POST", "/sparql", "application/x-www-form-urlencoded"),
        ("PUT", "/rdf-graphs?graph=urn:x:g", "text/turtle"),
        ("GET", "/api/claims", "text/plain"),
    ],
)
def test_a_body_is_sized_by_content_length_without_being_read(
    kb: EmbeddedStore, method: str, url: str, content_type: str
) -> None:
    with TestClient(create_app(kb, SMALL)) as client:
        response = client.request(method, url, content=b"x" * 25_000, headers={"Content-Type": content_type})
        assert error(response, 413)["detail"]["size"] == 25_000
        still_answers(client)


def test_a_chunked_body_is_counted_as_it_streams(kb: EmbeddedStore) -> None:
    chunks_sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal chunks_sent
        for _ in range(1_000):  # 1 MB in all, far past the 20 KB limit
            chunks_sent += 1
            yield b"ASK {} " + b" " * 1_000

    with TestClient(create_app(kb, SMALL)) as client:
        response = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        detail = error(response, 413)
        assert detail["detail"]["maximum"] == 20_000 and "size" not in detail["detail"]
        still_answers(client)


# --- requests in flight per client (real HTTP: requests must really be in flight) ---------------------------


@pytest.fixture
def live(kb: EmbeddedStore) -> Iterator[str]:
    """The app under uvicorn in a thread, at most 2 expensive requests in flight per client, updates on."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(kb, Settings(max_client_requests=2, update_enabled=True, update_token=TOKEN)),
            host="127.0.0.1",
            port=port,
            log_level="error",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def hanging_query(port: int, token: str | None = None) -> socket.socket:
    """A query whose body never comes: in flight until the socket closes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    sock.sendall(
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n{auth}"
        "Content-Length: 100\r\n\r\nASK".encode()
    )
    return sock


def test_a_client_over_its_limit_gets_429_and_others_are_served(live: str) -> None:
    port = int(live.rsplit(":", 1)[1])
    hanging = [hanging_query(port), hanging_query(port)]
    try:
        with httpx.Client(base_url=live, timeout=5) as http:
            deadline = time.monotonic() + 5
            while (response := http.get("/sparql", params={"query": CHEAP})).status_code != 429:
                assert time.monotonic() < deadline, "the hanging requests were never counted"
                time.sleep(0.05)
            detail = error(response, 429)
            assert detail["detail"] == {"limit": "client requests", "maximum": 2}
            assert int(response.headers["retry-after"]) >= 1
            assert http.get("/api/entities", params={"q": "tanf"}).status_code == 200  # cheap: not counted
            made_up = http.get("/sparql", params={"query": CHEAP}, headers={"Authorization": "Bearer made-up"})
            error(made_up, 429)  # a token the server does not know names nobody: still this address
            writer = http.get("/sparql", params={"query": CHEAP}, headers=bearer())
            assert writer.status_code == 200  # the update token's holder is counted apart
    finally:
        for sock in hanging:
            sock.close()
    with httpx.Client(base_url=live, timeout=5) as http:
        deadline = time.monotonic() + 5
        while (response := http.get("/sparql", params={"query": CHEAP})).status_code == 429:
            assert time.monotonic() < deadline, "the slots did not come back"
            time.sleep(0.05)
        assert response.status_code == 200


# --- the service description's endpoint --------------------------------------------------------------------


def endpoint_of(response: httpx.Response) -> set[str]:
    graph = Graph().parse(data=response.content, format="turtle")
    return {str(o) for o in graph.objects(None, SD_ENDPOINT)}


def test_a_forged_host_header_is_not_echoed(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Host": "evil.example:666"})
    assert endpoint_of(response) == {"http://127.0.0.1:8000/sparql"}


def test_the_endpoint_is_the_configured_public_url(kb: EmbeddedStore) -> None:
    with TestClient(create_app(kb, Settings(public_url="https://orbat.example.org/kb"))) as client:
        response = client.get("/sparql", headers={"Host": "evil.example"})
    assert endpoint_of(response) == {"https://orbat.example.org/kb/sparql"}


def test_the_service_description_lists_every_limit(kb: EmbeddedStore) -> None:
    settings = Settings(max_query_bytes=1234, max_query_depth=56, max_client_requests=7)
    with TestClient(create_app(kb, settings)) as client:
        graph = Graph().parse(data=client.get("/sparql").content, format="turtle")
    service = next(iter(graph.subjects(SD_ENDPOINT, None)))
    for term, value in [("maxQueryBytes", 1234), ("maxNestingDepth", 56), ("maxClientRequests", 7)]:
        assert graph.value(service, URIRef(ORBS + term)).toPython() == value  # type: ignore[union-attr]
        assert graph.value(URIRef(ORBS + term), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    for term in ("maxUpdateBytes", "maxBranches", "maxOperators", "resultLimit"):
        assert graph.value(service, URIRef(ORBS + term)) is not None


# --- settings from the environment ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ORBAT_MAX_QUERY_BYTES", "5_000"),
        ("ORBAT_MAX_QUERY_BYTES", "+5000"),
        ("ORBAT_MAX_QUERY_BYTES", "٥٠٠٠"),
        ("ORBAT_MAX_QUERY_DEPTH", "0"),
        ("ORBAT_MAX_CLIENT_REQUESTS", "1e3"),
        ("ORBAT_QUERY_TIMEOUT", "nan"),
        ("ORBAT_QUERY_TIMEOUT", "inf"),
        ("ORBAT_MAX_RESULTS", ""),
        ("ORBAT_ENABLE_UPDATE", "perhaps"),
        ("ORBAT_PUBLIC_URL", "not a url"),
        ("ORBAT_PUBLIC_URL", "ftp://example.org"),
    ],
)
def test_a_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings.from_env()


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("ORBAT_MAX_QUERY_BYTES", "2000"),
        ("ORBAT_MAX_UPDATE_BYTES", "3000"),
        ("ORBAT_MAX_QUERY_DEPTH", "50"),
        ("ORBAT_MAX_QUERY_BRANCHES", "60"),
        ("ORBAT_MAX_QUERY_OPERATORS", "70"),
        ("ORBAT_MAX_CLIENT_REQUESTS", "4"),
        ("ORBAT_QUERY_TIMEOUT", "2.5"),
    ]:
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(public_url="http://10.0.0.5:9000")
    assert (settings.max_query_bytes, settings.max_update_bytes, settings.max_query_depth) == (2000, 3000, 50)
    assert (settings.max_query_branches, settings.max_query_operators, settings.max_client_requests) == (60, 70, 4)
    assert settings.query_timeout_s == 2.5
    assert settings.sparql_endpoint == "http://10.0.0.5:9000/sparql"
    monkeypatch.setenv("ORBAT_PUBLIC_URL", "https://orbat.example.org/")
    assert Settings.from_env(public_url="http://10.0.0.5:9000").sparql_endpoint == "https://orbat.example.org/sparql"
