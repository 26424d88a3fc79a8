"""Injection attempts in every parameter of every REST endpoint change nothing and break nothing.

User text reaches the store only as RDF terms (``orbat.queries.to_term``) or not at all (names
resolve in the name index first), so SPARQL fragments, IRIs, ``$variables`` and odd unicode are
just unknown names: each answer is a 2xx or 4xx in the error shape, never a 500, and the store's
quads are byte-for-byte the same afterwards.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, serialize

from orbat.queries import named_queries
from orbat.store import EmbeddedStore

PAYLOADS = [
    "'",
    '"',
    "'; --",
    '"} ; DROP ALL ; #',
    "} } ; CLEAR ALL ; SELECT * WHERE { ?s ?p ?o",
    "<http://x>",
    "<https://w3id.org/orbat/id/al-tanf>",
    "$place",
    "?s",
    "al-tanf> . ?s ?p ?o . FILTER(true",
    '\\" . }',
    "%00%27",
    "\u0000",
    "التنف",
    "ａｌ－ｔａｎｆ",
    "al\u200b-tanf\u202e",
    "😀" * 40,
    "x" * 600,
]

# (endpoint, parameter in it, fixed parameters): every parameter of every endpoint
QUERY_PARAMETERS: list[tuple[str, str, dict[str, str]]] = [
    ("/api/entities", "q", {}),
    ("/api/entities", "kind", {"q": "tanf"}),
    ("/api/entities", "limit", {"q": "tanf"}),
    ("/api/near", "place", {}),
    ("/api/near", "radius_km", {"place": "al tanf"}),
    *[
        ("/api/claims", name, {})
        for name in ("subject", "relation", "object", "source", "hedged", "status", "limit", "offset")
    ],
    ("/api/export", "format", {}),
    ("/api/export", "graph", {"format": "nquads"}),
    *[
        (
            f"/api/queries/{query.name}",
            param.name,
            {p.name: "al tanf" for p in query.parameters if p.required and p.type == "entity" and p is not param},
        )
        for query in named_queries().values()
        for param in query.parameters
    ],
    ("/api/queries/hedged-claims", "unexpected", {}),
]
PATH_TEMPLATES = [
    "/api/entities/{}",
    "/api/sources/{}",
    "/api/alliances/{}/members",
    "/api/units/{}/hierarchy",
    "/api/queries/{}",
]


def dump(store: EmbeddedStore) -> bytes:
    out = io.BytesIO()
    serialize(store.quads(), out, RdfFormat.N_QUADS)
    return out.getvalue()


@pytest.fixture
def unchanged(kb: EmbeddedStore) -> object:
    """Assert, after the test, that the store holds exactly the quads it held before."""
    count, before = len(kb), dump(kb)
    yield
    assert len(kb) == count
    assert dump(kb) == before


def assert_handled(response_status: int, body: object) -> None:
    assert response_status < 500, body
    if response_status >= 400:
        assert isinstance(body, dict) and set(body) == {"error"} and body["error"]["status"] == response_status


@pytest.mark.parametrize(("url", "name", "fixed"), QUERY_PARAMETERS, ids=[f"{u}?{n}" for u, n, _ in QUERY_PARAMETERS])
def test_injection_in_query_parameters(
    api_client: TestClient, unchanged: object, url: str, name: str, fixed: dict[str, str]
) -> None:
    for payload in PAYLOADS:
        response = api_client.get(url, params={**fixed, name: payload})
        body = response.json() if response.headers["content-type"].startswith("application/json") else None
        assert_handled(response.status_code, body)


@pytest.mark.parametrize("template", PATH_TEMPLATES)
def test_injection_in_path_parameters(api_client: TestClient, unchanged: object, template: str) -> None:
    for payload in PAYLOADS:
        response = api_client.get(template.format(quote(payload, safe="")))
        assert_handled(response.status_code, response.json())


def test_a_payload_never_matches_something_it_names(api_client: TestClient) -> None:
    """An IRI given as a name is not an entity id: no answer about al-Tanf leaks through."""
    response = api_client.get("/api/near", params={"place": "<https://w3id.org/orbat/id/al-tanf>"})
    assert response.status_code == 404
