"""One JSON error shape for every error of the REST API (datasette's tests/test_error_shape.py).

Each row is a request that must fail: an unknown id, a bad or missing parameter, an unknown path,
a wrong method. Every answer is ``{"error": {"status", "message", "detail"}}`` and nothing else,
with the HTTP status repeated in the body.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from orbat.store import EmbeddedStore

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"

FAILING: list[tuple[str, str, dict[str, Any], int]] = [
    # entities
    ("GET", "/api/entities", {}, 422),
    ("GET", "/api/entities", {"q": ""}, 400),
    ("GET", "/api/claims", {"status": ""}, 400),
    ("GET", "/api/queries/actor-relations", {"family": ""}, 400),
    ("GET", "/api/near?place=al+tanf&radius_km=1&radius_km=2", {}, 400),
    ("GET", "/api/entities", {"q": "tanf", "kind": "Spaceship"}, 400),
    ("GET", "/api/entities", {"q": "tanf", "limit": "0"}, 422),
    ("GET", "/api/entities", {"q": "tanf", "limit": "many"}, 400),  # not a number: 400 (api.routes.numbers)
    ("GET", "/api/entities/no-such-entity", {}, 404),
    ("GET", "/api/entities/al-tanff", {}, 404),
    # near
    ("GET", "/api/near", {}, 422),
    ("GET", "/api/near", {"place": "atlantis"}, 404),
    ("GET", "/api/near", {"place": "al tanf", "radius_km": "151"}, 422),
    ("GET", "/api/near", {"place": "al tanf", "radius_km": "-1"}, 422),
    ("GET", "/api/near", {"place": "al tanf", "radius_km": "far"}, 400),
    ("GET", "/api/near", {"place": "al tanf", "radius_km": "inf"}, 400),
    # claims
    ("GET", "/api/claims", {"status": "rumoured"}, 400),
    ("GET", "/api/claims", {"relation": "loves"}, 400),
    ("GET", "/api/claims", {"subject": "nobody-at-all"}, 404),
    ("GET", "/api/claims", {"object": "nowhere-at-all"}, 404),
    ("GET", "/api/claims", {"source": "no-such-document"}, 404),
    ("GET", "/api/claims", {"hedged": "perhaps"}, 422),
    ("GET", "/api/claims", {"limit": "0"}, 422),
    ("GET", "/api/claims", {"limit": "501"}, 422),
    ("GET", "/api/claims", {"offset": "-1"}, 422),
    # sources, alliances, units
    ("GET", "/api/sources/no-such-document", {}, 404),
    ("GET", "/api/sources/NOT A DOCUMENT", {}, 404),
    ("GET", "/api/alliances/no-such-alliance/members", {}, 404),
    ("GET", "/api/units/no-such-unit/hierarchy", {}, 404),
    # named queries
    ("GET", "/api/queries/no-such-query", {}, 404),
    ("GET", "/api/queries/near", {}, 400),
    ("GET", "/api/queries/near", {"place": "al tanf", "colour": "red"}, 400),
    ("GET", "/api/queries/near", {"place": "al tanf", "radius_km": "999"}, 400),
    ("GET", "/api/queries/near", {"place": "al tanf", "radius_km": "far"}, 400),
    ("GET", "/api/queries/near", {"place": "atlantis"}, 404),
    ("GET", "/api/queries/claims", {"hedged": "perhaps"}, 400),
    ("GET", "/api/queries/claims-by-relation", {"family": "loves"}, 400),
    ("GET", "/api/queries/report", {"document": "Not A Document"}, 400),
    ("GET", "/api/queries/corroboration", {"min_lines": "0"}, 400),
    ("GET", "/api/queries/corroboration", {"min_lines": "two"}, 400),
    ("GET", "/api/queries/near?place=al+tanf&place=hit", {}, 400),
    # export
    ("GET", "/api/export", {"format": "docx"}, 400),
    ("GET", "/api/export", {"graph": "no-such-graph"}, 404),
    ("GET", "/api/export", {"graph": "https://example.org/graph"}, 404),
    ("GET", "/api/export", {"format": "geojson", "graph": "background"}, 400),
    # unknown paths and wrong methods
    ("GET", "/api/nothing-here", {}, 404),
    ("GET", "/nothing-here", {}, 404),
    ("GET", "/api/entities/al-tanf/claims", {}, 404),
    ("POST", "/api/entities", {"q": "tanf"}, 405),
    ("DELETE", "/api/entities/al-tanf", {}, 405),
    ("PUT", "/api/near", {"place": "al tanf"}, 405),
    ("POST", "/api/claims", {}, 405),
    ("PATCH", f"/api/sources/{DOC}", {}, 405),
    ("POST", "/api/queries/near", {"place": "al tanf"}, 405),
    ("DELETE", "/api/export", {}, 405),
    ("POST", "/", {}, 405),
]


@pytest.mark.parametrize(("method", "url", "params", "status"), FAILING, ids=[f"{m} {u} {p}" for m, u, p, _ in FAILING])
def test_every_error_has_the_one_shape(
    api_client: TestClient, method: str, url: str, params: dict[str, Any], status: int
) -> None:
    response = api_client.request(method, url, params=params or None)  # {} would drop the URL's own
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message", "detail"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()


# Numbers are ASCII digits, an optional '-', and for a decimal a fraction: anything Python's int() or
# float() would also take is refused with a 400 naming the parameter (issue 12: radius_km=NaN was a 500).
NOT_NUMBERS = ["5_0", "+5", "٥", "５", " 5", "5 ", "0x10", "1e999", "NaN", "nan", "inf", "-inf", "Infinity", "½", "1e"]
NUMBER_PARAMETERS = [
    ("/api/entities", {"q": "tanf"}, "limit"),
    ("/api/claims", {}, "limit"),
    ("/api/claims", {}, "offset"),
    ("/api/near", {"place": "al tanf"}, "radius_km"),
    ("/api/queries/near", {"place": "al tanf"}, "radius_km"),
    ("/api/queries/corroboration", {}, "min_lines"),
]


@pytest.mark.parametrize("value", NOT_NUMBERS)
@pytest.mark.parametrize(
    ("url", "params", "name"), NUMBER_PARAMETERS, ids=[f"{u} {n}" for u, _, n in NUMBER_PARAMETERS]
)
def test_numbers_are_parsed_strictly(
    api_client: TestClient, url: str, params: dict[str, str], name: str, value: str
) -> None:
    response = api_client.get(url, params={**params, name: value})
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert name in message and "number" in message


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/near", {"place": "al tanf", "radius_km": "12.5"}),
        ("/api/near", {"place": "al tanf", "radius_km": "30"}),
        ("/api/queries/near", {"place": "al tanf", "radius_km": "12.5"}),
        ("/api/near", {"place": "al tanf", "radius_km": "5.9e-08"}),  # how clients print small floats
        ("/api/claims", {"limit": "5", "offset": "0"}),
    ],
)
def test_plain_numbers_are_numbers(api_client: TestClient, url: str, params: dict[str, str]) -> None:
    assert api_client.get(url, params=params).status_code == 200


def test_a_whole_number_has_no_fraction_or_exponent(api_client: TestClient) -> None:
    for value in ("5.0", "1e3"):
        assert api_client.get("/api/claims", params={"limit": value}).status_code == 400


def test_unknown_names_come_with_suggestions(api_client: TestClient) -> None:
    for url, params in [
        ("/api/entities/al-tanff", {}),
        ("/api/near", {"place": "al tanff"}),
        ("/api/claims", {"relation": "block"}),
    ]:
        detail = api_client.get(url, params=params).json()["error"]["detail"]
        assert detail["suggestions"], url


def test_validation_errors_say_where(api_client: TestClient) -> None:
    detail = api_client.get("/api/near", params={"place": "al tanf", "radius_km": "151"}).json()["error"]["detail"]
    assert detail[0]["where"] == "query.radius_km" and detail[0]["problem"]


def test_wrong_method_says_which_are_allowed(api_client: TestClient) -> None:
    assert api_client.post("/api/near").headers["allow"] == "GET"


def test_a_timeout_is_a_503_in_the_same_shape(kb: EmbeddedStore) -> None:
    with TestClient(create_app(kb, Settings(query_timeout_s=1e-9))) as client:
        response = client.get("/api/claims")
    assert response.status_code == 503
    assert set(response.json()["error"]) == {"status", "message", "detail"}
    assert response.json()["error"]["status"] == 503
