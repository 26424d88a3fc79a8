"""The REST API answers the analysts' questions on the seed knowledge base, with the evidence.

Each test is a request to the real app over the real store and the answer it must give: the
entities, the claims, the quotes, the grading; exports are parsed back and checked as RDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from rdflib import RDFS, Dataset, Graph, Literal, URIRef

from orbat import answers, models
from orbat.names import NameIndex
from orbat.namespaces import ID, ORB
from orbat.ontology import ontology_graph
from orbat.store import EmbeddedStore

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"
SUPPORTS = {  # orb:supports and its sub-relations, as the ontology has them
    str(p).removeprefix(str(ORB)) for p in ontology_graph().transitive_subjects(RDFS.subPropertyOf, ORB.supports)
}
ERROR_SCHEMA = "#/components/schemas/ErrorResponse"
CLAIM_FIELDS = {
    "id",
    "relation",
    "quote",
    "passage",
    "source",
    "reported_by",
    "date",
    "hedged",
    "reliability",
    "credibility",
    "status",
    "evidence",
}


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("q", "kind", "expected"),
    [
        ("at tanf", None, "al-tanf"),
        ("AT-TANF", None, "al-tanf"),
        ("Tanf", "Place", "al-tanf"),  # kind includes subclasses: al-Tanf is a BorderCrossing
        ("daesh", None, "islamic-state"),
        ("ISIS", "Actor", "islamic-state"),
        ("R+6", None, "r-plus-6"),
    ],
)
def test_entity_search_finds_names_as_analysts_type_them(
    api_client: TestClient, q: str, kind: str | None, expected: str
) -> None:
    found = get(api_client, "/api/entities", q=q, **({"kind": kind} if kind else {}))
    assert found[0]["id"] == expected
    assert set(found[0]) == {"id", "label", "kind", "aliases"}


def test_entity_search_kind_filters(api_client: TestClient) -> None:
    assert get(api_client, "/api/entities", q="tanf", kind="Actor") == []
    places = get(api_client, "/api/entities", q="tanf", kind="Place")
    assert {p["id"] for p in places} >= {"al-tanf", "al-tanf-deconfliction-zone"}
    assert len(get(api_client, "/api/entities", q="a", limit=3)) == 3


def test_entity_page(api_client: TestClient) -> None:
    entity = get(api_client, "/api/entities/al-tanf")
    assert entity["label"] == "al-Tanf" and "BorderCrossing" in entity["kind"] and "At-Tanf" in entity["aliases"]
    assert entity["coordinates"]["lat"] == pytest.approx(33.495) and entity["coordinates"]["status"] == "background"
    assert {"homs-governorate", "syria"} <= {link["id"] for link in entity["located_in"]}
    assert entity["claims"], "every claim about the place"
    assert all(c["subject"] == "al-tanf" or c["object"] == "al-tanf" for c in entity["claims"])
    norwegians = [c for c in entity["claims"] if c["subject"] == "norwegian-soldiers-iraq"]
    assert any("60 Norwegian soldiers" in e["quote"] for c in norwegians for e in c["evidence"])


def test_entity_page_shows_structure(api_client: TestClient) -> None:
    brigade = get(api_client, "/api/entities/31st-guards-air-assault-brigade")
    assert len({s["id"] for s in brigade["subunits"]}) >= 5
    hezbollah = get(api_client, "/api/entities/hezbollah")
    assert "r-plus-6" in {a["id"] for a in hezbollah["alliances"]}


def test_near_al_tanf(api_client: TestClient) -> None:
    answer = get(api_client, "/api/near", place="al tanf", radius_km=30)
    assert answer["place"] == {"id": "al-tanf", "label": "al-Tanf"} and answer["radius_km"] == 30
    actors = {r["actor"]["id"] for r in answer["results"]}
    assert {"norwegian-soldiers-iraq", "us-armed-forces", "uk-armed-forces", "popular-mobilization-units"} <= actors
    norwegians = [r for r in answer["results"] if r["actor"]["id"] == "norwegian-soldiers-iraq"]
    claims = [c for r in norwegians if r["relation"] == "movedTo" for c in r["claims"]]
    claim = next(c for c in claims if "60 Norwegian soldiers" in c["quote"])
    assert set(claim) >= CLAIM_FIELDS
    assert claim["source"] == DOC and claim["passage"].startswith(DOC + "/") and claim["date"] == "2017-05-21"
    assert claim["reliability"] in "ABCDEF" and 1 <= claim["credibility"] <= 6 and claim["hedged"] in (True, False)
    by_distance = [r for r in answer["results"] if r["how"] == "coordinates"]
    assert by_distance and all(0 < r["distance_km"] <= 30 for r in by_distance)


@pytest.mark.parametrize(
    ("url", "params", "answer"),
    [
        ("/api/near", {"place": "al tanf", "radius_km": 30}, lambda kb, names: answers.near(kb, names, "al tanf", 30)),
        ("/api/entities/hezbollah", {}, lambda kb, names: answers.entity(kb, names, "hezbollah")),
        ("/api/alliances/r-plus-6/members", {}, lambda kb, names: answers.members(kb, names, "r-plus-6")),
        ("/api/claims", {"status": "assessed"}, lambda kb, names: answers.claims(kb, names, {"status": "assessed"})),
    ],
)
def test_the_api_answers_what_the_cli_answers(
    api_client: TestClient, kb: EmbeddedStore, names: NameIndex, url: str, params: dict[str, Any], answer: Any
) -> None:
    """One code path: the HTTP answer is orbat.answers' (which the CLI prints), through JSON; only the
    next page differs: a URL in the API, its query string in the CLI."""
    over_http, expected = get(api_client, url, **params), answer(kb, names).model_dump(mode="json")
    if expected.get("next"):
        assert over_http["next"].startswith("http://testserver" + url) and over_http["next"].endswith(expected["next"])
        over_http["next"] = expected["next"]
    assert over_http == expected


def test_claims_pages_link_to_the_next_page(api_client: TestClient) -> None:
    """A page says where the next one is (in the answer and as a Link header); the last says none."""
    response = api_client.get("/api/claims", params={"status": "assessed", "limit": 20})
    page = response.json()
    assert page["total"] > 40 and len(page["claims"]) == 20
    assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
    second = api_client.get(page["next"]).json()
    assert second["offset"] == 20 and not {c["id"] for c in second["claims"]} & {c["id"] for c in page["claims"]}
    last = get(api_client, "/api/claims", status="assessed", limit=20, offset=page["total"] - 1)
    assert len(last["claims"]) == 1 and last["next"] is None


def claims_in(answer: Any) -> Iterator[dict[str, Any]]:
    """Every claim of an answer, at any depth."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "claims":
                yield from value
            else:
                yield from claims_in(value)
    elif isinstance(answer, list):
        for item in answer:
            yield from claims_in(item)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/claims", {"limit": 500}),
        ("/api/near", {"place": "al tanf", "radius_km": 150}),
        ("/api/entities/hezbollah", {}),
        ("/api/alliances/r-plus-6/members", {}),
        ("/api/units/31st-guards-air-assault-brigade/hierarchy", {}),
    ],
)
def test_every_claim_carries_the_labels_of_its_subject_and_object(
    api_client: TestClient, names: NameIndex, url: str, params: dict[str, Any]
) -> None:
    claims = list(claims_in(get(api_client, url, **params)))
    assert claims
    for claim in claims:
        subject = names.get(claim["subject"])
        assert subject is not None and claim["subject_label"] == subject.label, claim["id"]
        if claim["object"] is None:  # a quantity: the value stands where the object would
            assert claim["object_label"] is None and claim["value"] is not None, claim["id"]
        else:
            found = names.get(claim["object"])
            assert found is not None and claim["object_label"] == found.label, claim["id"]


def test_the_answers_schemas_are_the_shared_models(api_client: TestClient) -> None:
    """/openapi.json is generated from orbat.models, the shapes the CLI prints too; api.models holds
    only what HTTP adds (the error shape, a named query's URL)."""
    shared = {
        name for name, value in vars(models).items() if isinstance(value, type) and value.__module__ == models.__name__
    }
    schemas = get(api_client, "/openapi.json")["components"]["schemas"]
    assert {"Claim", "EntityDetail", "NearAnswer", "Members", "Hierarchy", "ClaimsPage", "QueryResult"} <= shared
    http_only = {"ErrorResponse", "ErrorBody", "NamedQueryInfo", "Health", "StoreHealth"}
    assert set(schemas) - shared == http_only
    for route in api_client.app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/") and route.response_model is not None:
            model = get_args(route.response_model)[0] if get_args(route.response_model) else route.response_model
            assert model.__module__ == models.__name__ or model.__name__ in http_only, route.path


def test_near_radius_narrows(api_client: TestClient) -> None:
    wide = get(api_client, "/api/near", place="al-tanf", radius_km=150)
    narrow = get(api_client, "/api/near", place="al-tanf", radius_km=0)
    assert all(r["how"] == "named" for r in narrow["results"])
    assert len(narrow["results"]) < len(wide["results"])


def test_unknown_place_suggests_close_names(api_client: TestClient) -> None:
    response = api_client.get("/api/near", params={"place": "al tanff"})
    assert response.status_code == 404
    assert "al-tanf" in response.json()["error"]["detail"]["suggestions"]


def test_alliance_members_marks_background_only(api_client: TestClient) -> None:
    answer = get(api_client, "/api/alliances/r-plus-6/members")
    members = {m["member"]["id"]: m for m in answer["members"]}
    assert {"hezbollah", "russia", "iran", "syrian-arab-army"} <= set(members)
    hezbollah = members["hezbollah"]
    assert hezbollah["background_only"] and not hezbollah["stated_by_source"]
    assert all(c["status"] == "background" and c["basis"] and c["quote"] is None for c in hezbollah["claims"])
    assert any(m["stated_by_source"] for m in members.values())
    for member in members.values():  # each claim states the membership in its own direction
        for claim in member["claims"]:
            pair = (claim["subject"], claim["object"])
            assert pair == (
                (member["member"]["id"], "r-plus-6")
                if claim["relation"] == "memberOf"
                else ("r-plus-6", member["member"]["id"])
            )
    assert get(api_client, "/api/alliances/R+6/members") == answer  # by name, too


def test_unit_hierarchy_of_the_31st_guards_air_assault_brigade(api_client: TestClient) -> None:
    answer = get(api_client, "/api/units/31st-guards-air-assault-brigade/hierarchy")
    assert len(answer["subunits"]) == 5
    for subunit in answer["subunits"]:
        assert subunit["parent"]["id"] == "31st-guards-air-assault-brigade"
        assert subunit["claims"] and all(c["reliability"] == "F" for c in subunit["claims"])
        for claim in subunit["claims"]:
            assert claim["quote"] and claim["source"] == DOC
            if claim["relation"] == "hasPart":  # the brigade has the part, not the reverse
                assert (claim["subject"], claim["object"]) == ("31st-guards-air-assault-brigade", subunit["unit"]["id"])


def test_a_typed_part_of_places_the_part_under_the_whole(api_client: TestClient) -> None:
    """ "Has organic part" is a kind of "has part": the hierarchy reads it the same way round, with the
    claim as stated (the brigades first)."""
    answer = get(api_client, "/api/units/russian-combat-brigades/hierarchy")
    parts = {s["unit"]["id"]: s for s in answer["subunits"]}
    assert set(parts) == {"russian-brigade-organic-air-defense", "russian-brigade-organic-indirect-fire"}
    for part, subunit in parts.items():
        assert subunit["parent"]["id"] == "russian-combat-brigades"
        assert [(c["subject"], c["relation"], c["object"]) for c in subunit["claims"]] == [
            ("russian-combat-brigades", "hasOrganicPart", part)
        ]


def test_claims_filtered_by_relation_and_object(api_client: TestClient) -> None:
    page = get(api_client, "/api/claims", relation="blocks", object="turkish-offensive-northern-syria")
    assert {c["subject"] for c in page["claims"]} == {"syrian-arab-army", "syrian-democratic-forces"}
    assert page["total"] == len(page["claims"])
    assert all(c["quote"] and c["evidence"] for c in page["claims"])


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"status": "background"}, lambda c: c["status"] == "background" and c["basis"]),
        ({"hedged": "true"}, lambda c: c["hedged"] is True),
        ({"hedged": "false"}, lambda c: c["hedged"] is False),
        ({"subject": "hezbollah"}, lambda c: c["subject"] == "hezbollah"),
        ({"subject": "Hizbullah"}, lambda c: c["subject"] == "hezbollah"),  # names resolve like everywhere else
        ({"source": DOC}, lambda c: c["source"] == DOC),
        ({"relation": "supports"}, lambda c: c["relation"] in SUPPORTS),
    ],
)
def test_claims_filters(api_client: TestClient, params: dict[str, str], check: Any) -> None:
    page = get(api_client, "/api/claims", limit=500, **params)
    assert page["claims"] and all(check(c) for c in page["claims"])


def test_claims_paging(api_client: TestClient) -> None:
    everything = get(api_client, "/api/claims", limit=500)
    assert everything["total"] == len(everything["claims"]) > 100
    ids = [c["id"] for c in everything["claims"]]
    pages = [get(api_client, "/api/claims", limit=40, offset=offset) for offset in range(0, everything["total"], 40)]
    assert [c["id"] for p in pages for c in p["claims"]] == ids
    assert all(p["total"] == everything["total"] and p["limit"] == 40 for p in pages)
    assert get(api_client, "/api/claims", offset=everything["total"])["claims"] == []


def test_sources_and_passages(api_client: TestClient) -> None:
    documents = get(api_client, "/api/sources")
    assert [d["id"] for d in documents] == [DOC]
    document = get(api_client, f"/api/sources/{DOC}")
    assert document["passage_count"] == len(document["passages"]) > 50
    passages = {p["identifier"]: p for p in document["passages"]}
    assert passages["c06"]["kind"] == "comment" and passages["c06"]["author_as_printed"]
    assert all(p["end"] - p["start"] >= len(p["text"].rstrip()) for p in document["passages"])
    assert sum(p["claim_count"] for p in document["passages"]) >= document["claim_count"] > 100
    # claims and passages join on the passage id
    claims = get(api_client, "/api/claims", source=DOC, limit=500)["claims"]
    quoted = {e["passage"] for c in claims for e in c["evidence"]}
    assert quoted <= {p["id"] for p in document["passages"]}


def test_named_queries_are_listed_with_their_parameters(api_client: TestClient) -> None:
    listed = {q["name"]: q for q in get(api_client, "/api/queries")}
    near = listed["near"]
    assert near["title"] and near["description"] and near["url"] == "/api/queries/near"
    radius = next(p for p in near["parameters"] if p["name"] == "radius_km")
    assert radius == {
        "name": "radius_km",
        "type": "decimal",
        "required": False,
        "default": "50",
        "description": radius["description"],
        "minimum": 0.0,
        "maximum": 150.0,
    }
    assert next(p for p in near["parameters"] if p["name"] == "place")["required"] is True


def test_running_a_named_query(api_client: TestClient) -> None:
    answer = get(api_client, "/api/queries/near", place="al tanf", radius_km="30")
    assert answer["query"] == "near" and "actor" in answer["columns"]
    assert all(set(row) == set(answer["columns"]) for row in answer["rows"])
    assert str(ID["norwegian-soldiers-iraq"]) in {row["actor"] for row in answer["rows"]}
    corroboration = get(api_client, "/api/queries/corroboration", min_lines=2)
    assert corroboration["rows"] and all(row["lines"] >= 2 for row in corroboration["rows"])
    assert get(api_client, "/api/queries/hedged-claims")["rows"]


def test_openapi_documents_every_endpoint(api_client: TestClient) -> None:
    schema = get(api_client, "/openapi.json")
    paths = schema["paths"]
    for path in (
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/near",
        "/api/claims",
        "/api/sources",
        "/api/sources/{document_id}",
        "/api/alliances/{alliance_id}/members",
        "/api/units/{unit_id}/hierarchy",
        "/api/queries",
        "/api/queries/near",
        "/api/export",
    ):
        operation = paths[path]["get"]
        assert "200" in operation["responses"]
        for status, response in operation["responses"].items():
            if status != "200":
                assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_SCHEMA}
    radius = next(p for p in paths["/api/near"]["get"]["parameters"] if p["name"] == "radius_km")
    assert (radius["schema"]["minimum"], radius["schema"]["maximum"]) == (0, 150)
    near_query = {p["name"]: p for p in paths["/api/queries/near"]["get"]["parameters"]}
    assert near_query["place"]["required"] and near_query["radius_km"]["schema"]["maximum"] == 150
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_web_page(api_client: TestClient) -> None:
    response = api_client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "/static/app/main.js" in response.text  # the page's modules, served by the same app (test_page.py)
    assert "http://" not in response.text and "https://" not in response.text  # no CDN


def export(client: TestClient, **params: str) -> Any:
    response = client.get("/api/export", params=params)
    assert response.status_code == 200, response.text
    return response


def test_export_turtle_parses_back(api_client: TestClient) -> None:
    response = export(api_client, format="turtle")
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["content-disposition"] == 'attachment; filename="orbat-all.ttl"'
    graph = Graph().parse(data=response.text, format="turtle")
    assert (ID["al-tanf"], URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("At-Tanf")) in graph


def test_export_trig_keeps_named_graphs(api_client: TestClient) -> None:
    response = export(api_client, format="trig")
    assert response.headers["content-type"] == "application/trig"
    dataset = Dataset()
    dataset.parse(data=response.text, format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert {"https://w3id.org/orbat/graph/background", f"https://w3id.org/orbat/graph/source/{DOC}"} <= graphs
    source = dataset.graph(URIRef(f"https://w3id.org/orbat/graph/source/{DOC}"))
    assert (None, ORB.quote, None) in source


def test_export_one_graph_by_short_name(api_client: TestClient) -> None:
    response = export(api_client, format="nquads", graph=f"source/{DOC}")
    assert response.headers["content-disposition"] == f'attachment; filename="orbat-source-{DOC}.nq"'
    dataset = Dataset()
    dataset.parse(data=response.text, format="nquads")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {f"https://w3id.org/orbat/graph/source/{DOC}"}
    by_iri = export(api_client, format="nquads", graph="https://w3id.org/orbat/graph/background")
    assert by_iri.headers["content-disposition"] == 'attachment; filename="orbat-background.nq"'


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_other_rdf_formats_parse_back(api_client: TestClient, fmt: str, rdflib_format: str) -> None:
    response = export(api_client, format=fmt, graph="background")
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (ID["al-tanf"], None, None) in graph


def test_export_geojson(api_client: TestClient) -> None:
    response = export(api_client, format="geojson")
    assert response.headers["content-type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert all(
        f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2 for f in collection["features"]
    )
    actors = [f["properties"] for f in collection["features"] if f["properties"]["feature"] == "actor"]
    claims = [c for p in actors for c in p["claims"]]
    assert claims and all({"relation", "quotes", "grade"} <= set(c) for c in claims)
    assert any("60 Norwegian soldiers" in q["quote"] for c in claims for q in c["quotes"])
