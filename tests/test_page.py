"""The web page's server side: the shell and its files are served from the package (no CDN, no
other host), /docs is Swagger UI from the package's files, and the named queries the page reads
(positions, order-of-battle, relations) answer what the map, the tree and the plain-word relations
need. The page itself runs in a browser in tests/test_browser.py."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ID = "https://w3id.org/orbat/id/"
ORB = "https://w3id.org/orbat/ontology#"


def referenced(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"#]+)"', html)


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_load_only_files_of_the_package(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    urls = [url for url in referenced(response.text) if not url.startswith("data:")]
    assert urls, "the page loads its scripts and styles"
    for url in urls:
        assert url.startswith("/"), f"{path} loads {url} from another host"
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url


def test_docs_use_the_packaged_swagger_ui(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/openapi.json" in html
    assert client.get("/redoc").status_code == 404  # its script would come from a CDN


@pytest.mark.parametrize("path", ["/static/nothing.js", "/static/../app.py", "/static/%2e%2e/app.py", "/static/"])
def test_static_refuses_what_is_not_a_file_of_the_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_the_page_modules_are_javascript(client: TestClient) -> None:
    response = client.get("/static/app/main.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


def test_positions_place_each_actor_at_a_located_place_with_its_evidence(client: TestClient) -> None:
    rows = client.get("/api/queries/positions").json()["rows"]
    at_tanf = [r for r in rows if r["place"] == ID + "al-tanf" and r["actor"] == ID + "norwegian-soldiers-iraq"]
    assert at_tanf, "the Norwegian contingent is reported at al-Tanf"
    row = at_tanf[0]
    assert (round(row["lat"]), round(row["lon"])) == (33, 39)
    assert row["precision_km"] > 0
    assert any("60 Norwegian soldiers" in (r["quote"] or "") for r in at_tanf)
    assert {r["relation"] for r in rows} <= {
        ORB + name
        for name in (
            "positionedAt",
            "positionedNear",
            "presentIn",
            "deployedTo",
            "movedTo",
            "occupies",
            "controls",
            "besieges",
            "advancingToward",
        )
    }


def test_positions_as_of_leave_out_what_was_reported_later(client: TestClient) -> None:
    """Every seed claim is dated 2017-05-21 but one undated claim, which no date leaves out (as in
    the other queries)."""
    before = client.get("/api/queries/positions", params={"as_of": "2017-05-20"}).json()["rows"]
    assert [r["date"] for r in before] == [None] * len(before)
    on_the_day = client.get("/api/queries/positions", params={"as_of": "2017-05-21"}).json()["rows"]
    assert len(on_the_day) > len(before)


def test_the_order_of_battle_links_units_upward(client: TestClient) -> None:
    rows = client.get("/api/queries/order-of-battle").json()["rows"]
    links = {(r["child"].removeprefix(ID), r["link"].removeprefix(ORB), r["parent"].removeprefix(ID)) for r in rows}
    assert ("31st-guards-air-assault-brigade", "partOf", "russian-airborne-forces") in links
    assert ("31st-gaab-airborne-battalion", "partOf", "31st-guards-air-assault-brigade") in links
    assert ("hezbollah", "memberOf", "r-plus-6") in links
    kinds = {r["parentKind"] for r in rows if r["parent"] == ID + "r-plus-6"}
    assert "Coalition" in kinds


def test_a_typed_part_of_says_its_command_relationship(client: TestClient) -> None:
    """c17 says the brigades' air defence and indirect fire units are organic: the tree's rows say so;
    a plain "part of" has no command relationship."""
    rows = client.get("/api/queries/order-of-battle").json()["rows"]
    commands = {(r["child"].removeprefix(ID), r["parent"].removeprefix(ID)): r["command"] for r in rows}
    for part in ("russian-brigade-organic-air-defense", "russian-brigade-organic-indirect-fire"):
        assert commands[(part, "russian-combat-brigades")] == "organic"
    assert commands[("31st-guards-air-assault-brigade", "russian-airborne-forces")] is None


def test_relations_have_plain_words(client: TestClient) -> None:
    rows = client.get("/api/queries/relations").json()["rows"]
    labels = {r["relation"].removeprefix(ORB): r["label"] for r in rows}
    assert labels["deployedTo"] == "deployed to"
    assert labels["positionedAt"] == "positioned at"
