"""Map exports that the analysts' other tools open: GeoJSON (labels, precision, one feature per
actor at a place with its claims, as_of), KML that a KML parser reads, and ORBAT Mapper scenarios
that keep to the shape of its format, with the order of battle nested as the claims state it."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from orbat.export import FORMATS, write
from orbat.exporters import Options
from orbat.exporters.mapdata import geometry
from orbat.exporters.orbat_mapper_shape import Scenario
from orbat.store import EmbeddedStore

pytestmark = pytest.mark.filterwarnings("ignore:Package `lxml` missing")


def exported(store: EmbeddedStore, name: str, **options: str) -> bytes:
    buffer = io.BytesIO()
    write(store, FORMATS[name], buffer, options=Options(**options))
    return buffer.getvalue()


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.fixture(scope="module")
def geojson(kb: EmbeddedStore) -> dict[str, Any]:
    return json.loads(exported(kb, "geojson", side="r-plus-6"))


def test_geojson_has_labels_not_iris_and_the_precision(geojson: dict[str, Any]) -> None:
    features = geojson["features"]
    assert not [s for f in features for s in strings(f["properties"]) if s.startswith("https://w3id.org/")]
    places = {f["id"]: f for f in features if f["properties"]["feature"] == "place"}
    assert places["al-tanf"]["properties"]["label"] == "al-Tanf"
    assert places["al-tanf"]["properties"]["precision_km"] == 10
    assert len({f["id"] for f in features}) == len(features)


def test_geojson_has_one_feature_per_actor_at_a_place_with_its_claims(geojson: dict[str, Any]) -> None:
    actors = [f for f in geojson["features"] if f["properties"]["feature"] == "actor"]
    at_tanf = {f["properties"]["actor"]: f for f in actors if f["properties"]["place"] == "al-tanf"}
    assert len(actors) == len({(f["properties"]["actor"], f["properties"]["place"]) for f in actors})
    norwegians = at_tanf["norwegian-soldiers-iraq"]["properties"]
    assert norwegians["label"] == "Norwegian training contingent in Iraq"
    assert norwegians["sidc"][3] == "6" and norwegians["affiliation"] == "hostile"
    assert "moved to" in norwegians["relations"]
    assert norwegians["claim_count"] == len(norwegians["claims"]) > 0
    claim = norwegians["claims"][0]
    assert claim["quotes"][0]["quote"] and claim["grade"] and claim["date"]
    assert at_tanf["norwegian-soldiers-iraq"]["geometry"] == {"type": "Point", "coordinates": [38.65, 33.495]}


def test_geojson_as_of_keeps_only_what_had_been_reported(kb: EmbeddedStore, geojson: dict[str, Any]) -> None:
    def claims(collection: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            c
            for f in collection["features"]
            if f["properties"]["feature"] == "actor"
            for c in f["properties"]["claims"]
        ]

    everything = claims(geojson)
    earlier = claims(json.loads(exported(kb, "geojson", as_of="2017-05-20")))
    assert 0 < len(earlier) < len(everything)
    assert all(c["date"] is None or c["date"] <= "2017-05-20" for c in earlier)


@pytest.mark.parametrize(
    ("wkt", "expected"),
    [
        ("POINT(38.65 33.495)", {"type": "Point", "coordinates": [38.65, 33.495]}),
        (
            "LINESTRING(36.3 33.5, 38.6 33.4, 44.4 33.3)",
            {"type": "LineString", "coordinates": [[36.3, 33.5], [38.6, 33.4], [44.4, 33.3]]},
        ),
        (
            "POLYGON((38 33, 39 33, 39 34, 38 33))",
            {"type": "Polygon", "coordinates": [[[38.0, 33.0], [39.0, 33.0], [39.0, 34.0], [38.0, 33.0]]]},
        ),
    ],
)
def test_lines_and_polygons_keep_their_shape(wkt: str, expected: dict[str, Any]) -> None:
    assert geometry(wkt, 0.0, 0.0) == expected


def test_kml_opens_in_a_kml_parser(kb: EmbeddedStore) -> None:
    from fastkml import kml

    document = kml.KML.from_string(exported(kb, "kml", side="us-led-coalition")).features[0]
    folders = {folder.name: folder for folder in document.features}
    assert set(folders) == {"Places", "Actors at places"}
    placemarks = {p.name: p for p in folders["Actors at places"].features}
    brigade = placemarks["31st Guards Air Assault Brigade at Syria"]
    assert (
        "“units of the “Russian 31st Guards Air Assault Brigade” are being deployed in #Syria”" in brigade.description
    )
    assert str(brigade.times.begin) == "2017-05-21"
    data = {d.name: d.value for d in brigade.extended_data.elements}
    assert data["sidc"] == "10061010181211000100"  # hostile; anticipated (dashed): the only report is hedged
    assert (brigade.geometry.x, brigade.geometry.y) == (38.5, 35.0)
    assert {p.name for p in folders["Places"].features} >= {"al-Tanf", "Damascus"}


def find(units: list[dict[str, Any]], unit_id: str) -> dict[str, Any] | None:
    for unit in units:
        if unit["id"] == unit_id:
            return unit
        found = find(unit.get("subUnits", []), unit_id)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def scenario(kb: EmbeddedStore) -> dict[str, Any]:
    return json.loads(exported(kb, "orbat-mapper", side="r-plus-6"))


def test_orbat_mapper_scenario_keeps_to_the_shape_of_the_format(scenario: dict[str, Any]) -> None:
    Scenario.model_validate(scenario)
    assert scenario["type"] == "ORBAT-mapper" and scenario["symbologyStandard"] == "app6d"


def test_the_shape_check_refuses_what_the_format_does_not_declare(scenario: dict[str, Any]) -> None:
    drifted = json.loads(json.dumps(scenario))
    drifted["sides"][0]["groups"][0]["subUnits"][0]["confidence"] = 0.9
    with pytest.raises(ValidationError, match="confidence"):
        Scenario.model_validate(drifted)
    drifted = json.loads(json.dumps(scenario))
    drifted["sides"][0]["groups"][0]["subUnits"][0]["sidc"] = "SFGPUCI----D"  # a letter (2525C) SIDC
    with pytest.raises(ValidationError, match="sidc"):
        Scenario.model_validate(drifted)


def test_orbat_mapper_nests_the_brigade_under_the_airborne_forces(scenario: dict[str, Any]) -> None:
    sides = {side["name"]: side for side in scenario["sides"]}
    r6 = sides["R+6"]
    assert r6["standardIdentity"] == "3" and sides["US-led coalition"]["standardIdentity"] == "6"
    units = [u for group in r6["groups"] for u in group["subUnits"]]
    vdv = find(units, "russian-airborne-forces")
    assert vdv is not None and vdv["shortName"] == "VDV"
    brigade = find(vdv["subUnits"], "31st-guards-air-assault-brigade")
    assert brigade is not None and brigade["name"] == "31st Guards Air Assault Brigade"
    assert brigade["sidc"] == "10031000181211000100"
    assert {u["id"] for u in brigade["subUnits"]} >= {"31st-gaab-airborne-battalion", "31st-gaab-artillery-battalion"}
    ids = [u["id"] for side in scenario["sides"] for g in side["groups"] for u in walk(g["subUnits"])]
    assert len(ids) == len(set(ids))  # every actor once


def walk(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for u in units for x in (u, *walk(u.get("subUnits", [])))]


def test_orbat_mapper_positions_are_dated_states_with_their_evidence(scenario: dict[str, Any]) -> None:
    units = [u for side in scenario["sides"] for g in side["groups"] for u in walk(g["subUnits"])]
    norwegians = next(u for u in units if u["id"] == "norwegian-soldiers-iraq")
    times = [s["t"] for s in norwegians["state"]]
    assert times == sorted(times) and all(isinstance(t, int) for t in times)
    assert norwegians["location"] == norwegians["state"][-1]["location"]
    moved = [s for s in norwegians["state"] if s["title"] == "moved to al-Tanf"]
    assert moved and "“" in moved[0]["description"] and moved[0]["location"] == [38.65, 33.495]


@pytest.mark.parametrize(
    ("params", "status", "media_type"),
    [
        ({"format": "kml", "side": "r-plus-6"}, 200, "application/vnd.google-earth.kml+xml"),
        ({"format": "orbat-mapper", "as_of": "2017-05-21"}, 200, "application/json"),
        ({"format": "geojson", "side": "syria"}, 404, None),
        ({"format": "geojson", "as_of": "2017-21-05"}, 422, None),
        ({"format": "turtle", "side": "r-plus-6"}, 200, "text/turtle"),
    ],
)
def test_map_exports_over_http(client: TestClient, params: dict[str, str], status: int, media_type: str | None) -> None:
    response = client.get("/api/export", params=params)
    assert response.status_code == status, response.text
    if media_type:
        assert response.headers["content-type"].startswith(media_type)
    else:
        assert response.json()["error"]["message"]
