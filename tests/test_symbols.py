"""Military symbols from data: the SIDC of seed units (APP-6 D / MIL-STD-2525 D, 20 digits), the
affiliation that flips with the side the analyst picks, and the codes kept in the vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib.namespace import SKOS

from orbat import ontology, symbols
from orbat.entities import load_entities
from orbat.namespaces import ECH, FUNCTION, ID, ORB
from orbat.store import EmbeddedStore
from orbat.yamlfile import AnnotationError

BRIGADE = str(ID["31st-guards-air-assault-brigade"])


def sidc(kb: EmbeddedStore, entity: str, side: str | None) -> str:
    code, _ = symbols.entity_symbol(kb, str(ID[entity]), side)
    assert code is not None
    return code


@pytest.mark.parametrize(
    ("entity", "side", "expected"),
    [
        # version 10, reality, friend, land unit, present, -, brigade, infantry, air assault, -
        ("31st-guards-air-assault-brigade", "r-plus-6", "10031000181211000100"),
        ("31st-gaab-airborne-battalion", "r-plus-6", "10031000161211000001"),  # battalion, airborne
        ("31st-gaab-artillery-battalion", "r-plus-6", "10031000161303000000"),  # field artillery
        ("us-central-command", "r-plus-6", "10061002261100000000"),  # hostile headquarters, command
        ("syrian-republican-guard", "us-led-coalition", "10061000211211020000"),  # division, mechanized
        ("hezbollah", None, "10011000001211000000"),  # militia drawn as infantry; no side: unknown
        ("islamic-state", "r-plus-6", "10061000000000000000"),  # no function annotated: no icon
    ],
)
def test_sidc_of_seed_units(kb: EmbeddedStore, entity: str, side: str | None, expected: str) -> None:
    assert sidc(kb, entity, side) == expected


def test_affiliation_flips_with_the_side_and_nothing_else_does(kb: EmbeddedStore) -> None:
    ours, theirs, none = (
        sidc(kb, "31st-guards-air-assault-brigade", s) for s in ("r-plus-6", "us-led-coalition", None)
    )
    assert (ours[3], theirs[3], none[3]) == ("3", "6", "1")
    assert ours[:3] + ours[4:] == theirs[:3] + theirs[4:] == none[:3] + none[4:]
    found = symbols.affiliations(kb, BRIGADE)[BRIGADE]
    assert found[str(ID["r-plus-6"])].basis == "Russian Armed Forces member of R+6"
    assert found[str(ID["us-led-coalition"])].affiliation == "hostile"
    assert "opposes" in str(found[str(ID["us-led-coalition"])].basis)


def test_places_and_persons_have_no_unit_symbol(kb: EmbeddedStore) -> None:
    assert symbols.entity_symbol(kb, str(ID["al-tanf"])) == (None, None)
    assert symbols.entity_symbol(kb, str(ID["pat-lang"])) == (None, None)


def test_every_code_is_in_the_vocabulary() -> None:
    graph = ontology.ontology_graph()
    for name, concept in ontology.functions().items():
        assert len(str(graph.value(concept, ORB.sidcSymbolSet))) == 2, name
        assert len(str(graph.value(concept, ORB.sidcEntity))) == 6, name
    amplifiers = {name: str(graph.value(iri, ORB.sidcAmplifier)) for name, iri in ontology.echelons().items()}
    assert amplifiers["brigade"] == "18" and amplifiers["unknown"] == "00"
    assert all(len(code) == 2 and code.isdigit() for code in amplifiers.values())
    assert graph.value(FUNCTION["air-assault"], SKOS.inScheme) == FUNCTION.scheme
    assert (ECH.brigade, ORB.sidcAmplifier, None) in graph


def test_an_unknown_function_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text("- {id: x-unit, kind: MilitaryUnit, label: X, echelon: brigade, function: cavalry}\n")
    with pytest.raises(AnnotationError, match=r"entities.yaml:1.*unknown function 'cavalry'.*air-assault"):
        load_entities([path])


def test_entity_answer_carries_sidc_and_symbol(client: TestClient) -> None:
    response = client.get("/api/entities/31st-guards-air-assault-brigade", params={"side": "us-led-coalition"})
    assert response.status_code == 200
    body = response.json()
    assert body["sidc"] == "10061000181211000100"
    symbol = body["symbol"]
    assert (symbol["function"], symbol["echelon"], symbol["side"], symbol["affiliation"]) == (
        "air-assault",
        "brigade",
        "us-led-coalition",
        "hostile",
    )
    assert "Air Assault Brigade" in symbol["function_basis"]
    assert symbol["affiliation_by_side"]["r-plus-6"]["affiliation"] == "friend"
    unknown = client.get("/api/entities/31st-guards-air-assault-brigade").json()
    assert unknown["sidc"][3] == "1" and unknown["symbol"]["affiliation"] == "unknown"


def test_a_side_that_is_not_an_alliance_is_404(client: TestClient) -> None:
    response = client.get("/api/entities/hezbollah", params={"side": "syria"})
    assert response.status_code == 404
    assert "r-plus-6" in str(response.json())


def test_symbols_of_every_actor_toward_a_side(client: TestClient) -> None:
    response = client.get("/api/symbols", params={"side": "r-plus-6"})
    assert response.status_code == 200
    by_id = {entry["id"]: entry for entry in response.json()}
    assert by_id["31st-guards-air-assault-brigade"]["sidc"] == "10031000181211000100"
    assert by_id["islamic-state"]["affiliation"] == "hostile"
    assert "pat-lang" not in by_id and "al-tanf" not in by_id
