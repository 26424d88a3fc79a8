"""The analyst's questions of the issue, answered from the built seed knowledge base through
SPARQL (the named queries), each with the expected entities and the evidence quotes."""

from __future__ import annotations

from orbat.names import NameIndex
from orbat.queries import run
from orbat.store import EmbeddedStore

ID = "https://w3id.org/orbat/id/"
ORB = "https://w3id.org/orbat/ontology#"
STATUS = "https://w3id.org/orbat/status/"


def test_who_is_positioned_at_or_near_al_tanf(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "near", {"place": "al tanf", "radius_km": "30"}, names).rows
    actors = {r["actor"].removeprefix(ID) for r in rows}
    assert {"norwegian-soldiers-iraq", "us-armed-forces", "uk-armed-forces", "popular-mobilization-units"} <= actors
    norwegians = [r for r in rows if r["actor"] == ID + "norwegian-soldiers-iraq" and r["relation"] == ORB + "movedTo"]
    assert any("60 Norwegian soldiers" in r["quote"] for r in norwegians)
    assert all(r["source"] and r["passage"] and r["date"] == "2017-05-21" for r in norwegians)
    pmu = [r for r in rows if r["actor"] == ID + "popular-mobilization-units"]
    assert any("al-tanf area" in r["quote"] for r in pmu)
    # "near" by coordinates: the deconfliction zone lies a few km from the crossing
    by_distance = [r for r in rows if r["how"] == "coordinates"]
    assert by_distance and all(0 < float(r["distance_km"]) <= 30 for r in by_distance)


def test_r6_members_stated_and_background(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "alliance-members", {"alliance": "R+6"}, names).rows
    statuses: dict[str, set[str]] = {}
    for r in rows:
        statuses.setdefault(r["member"].removeprefix(ID), set()).add(r["status"].removeprefix(STATUS))
    assert {"hezbollah", "popular-mobilization-units", "russia", "iran", "syrian-arab-army"} <= set(statuses)
    background_only = {m for m, s in statuses.items() if s == {"background"}}
    stated = {m for m, s in statuses.items() if s & {"reported", "assessed"}}
    assert "hezbollah" in background_only  # the post never lists the R+6's members
    assert stated, "at least one membership is stated by the document itself"
    for r in rows:
        if r["status"] == STATUS + "background":
            assert r["basis"] and r["quote"] is None
        else:
            assert r["quote"]


def test_subunits_of_the_31st_guards_air_assault_brigade(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "unit-hierarchy", {"unit": "Russian 31st Guards Air Assault Brigade"}, names).rows
    subunits = {r["subunit"].removeprefix(ID) for r in rows}
    assert subunits >= {
        "31st-gaab-air-assault-battalions",
        "31st-gaab-airborne-battalion",
        "31st-gaab-artillery-battalion",
        "31st-gaab-military-transport-aviation-squadron",
        "31st-gaab-support-units",
    }
    # how reliable: a pseudonymous commenter quoting a wiki, and he says he can't vouch for it
    for r in rows:
        assert r["hedged"] is True
        assert r["citedSource"] == ID + "military-wikia"
        assert r["reliability"] == "F"
        assert r["credibility"] >= 3
        assert r["quote"]


def test_where_pmu_elements_were_initially_deployed(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "claims", {"subject": "PMU", "family": "deployedTo"}, names).rows
    places = {r["object"].removeprefix(ID) for r in rows}
    assert {"damascus", "aleppo", "deir-ez-zor"} <= places
    assert any("initial forces deployed to Damascus" in r["quote"] for r in rows)


def test_who_blocked_the_turkish_offensive(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "claims", {"family": "blocks", "with_object": "turkish-offensive-northern-syria"}, names).rows
    blockers = {r["subject"].removeprefix(ID) for r in rows}
    assert blockers == {"syrian-arab-army", "syrian-democratic-forces"}
    assert all("blocked by the SAA and SDF forces" in r["quote"] for r in rows)


def test_claims_resting_on_a_single_unverified_source(kb: EmbeddedStore, names: NameIndex) -> None:
    rows = run(kb, "single-source-claims", {}, names).rows
    claims = {(r["subject"].removeprefix(ID), r["relation"].removeprefix(ORB), r["object"]) for r in rows}
    assert ("31st-guards-air-assault-brigade", "participatesIn", ID + "operation-lavender") in claims
    for r in rows:
        assert r["hedged"] or r["credibility"] >= 5 or r["originReliability"] in ("E", "F", None)
    # corroborated relations are not single-source
    corroborated = run(kb, "corroboration", {"min_lines": "2"}, names).rows
    twice = {(r["subject"], r["relation"], r["object"]) for r in corroborated}
    assert not twice & {(ID + s, ORB + p, o) for s, p, o in claims}
