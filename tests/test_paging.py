"""Paging in the store (orbat.paging): pages cut by LIMIT/OFFSET in SPARQL, a total counted up to a
cap, and the optional lines of a query ("# if: NAME") kept only for the parameters given; every list
of the API paged the same way (limit, offset, total, next and the Link header), on every engine."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REMOTE_ENGINES, remote_store
from fastapi.testclient import TestClient
from httpx import Response
from pyoxigraph import RdfFormat, serialize

from orbat import answers, paging
from orbat.names import NameIndex
from orbat.queries import internal_query, when_given
from orbat.store import EmbeddedStore

QUERY = """SELECT ?x WHERE {
  ?x a ?kind .
  ?x <urn:p> $subject .  # if: subject
  FILTER (?x != $other)  #   if:   other
}
"""


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (set(), ["?x a ?kind"]),
        ({"subject"}, ["?x a ?kind", "$subject"]),
        ({"subject", "other"}, ["$subject", "$other"]),
    ],
)
def test_lines_of_absent_parameters_are_left_out(given: set[str], kept: list[str]) -> None:
    text = when_given(QUERY, given)
    assert all(k in text for k in kept)
    assert ("$subject" in text) == ("subject" in given) and ("$other" in text) == ("other" in given)


def test_a_total_past_the_cap_is_unknown_and_the_next_page_is_given(
    kb: EmbeddedStore, names: NameIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = answers.claims(kb, names, {"status": "assessed"}, limit=10)
    assert exact.total is not None and exact.total > 20 and exact.next == "offset=10&limit=10"
    monkeypatch.setattr(paging, "COUNT_CAP", 20)
    capped = answers.claims(kb, names, {"status": "assessed"}, limit=10)
    assert capped.total is None and capped.claims == exact.claims and "more than 1,000" in capped.caption()
    last = answers.claims(kb, names, {"status": "assessed"}, limit=10, offset=exact.total - 3)
    assert last.total == exact.total and len(last.claims) == 3 and last.next is None


def test_a_page_of_ids_reads_only_the_page(kb: EmbeddedStore, names: NameIndex) -> None:
    query = internal_query("claims-page")
    first = paging.page_ids(kb, query, {"hedged": "true"}, names, "claim", 5, 0)
    second = paging.page_ids(kb, query, {"hedged": "true"}, names, "claim", 5, 5)
    assert len(first.ids) == len(second.ids) == 5 and not set(first.ids) & set(second.ids)
    assert first.next_offset == 5 and first.total == second.total
    with pytest.raises(ValueError, match="limit must be at least 1"):
        paging.page_ids(kb, query, {}, names, "claim", 0, 0)


# ----------------------------------------------------- every list of the API, paged in the store

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"
# (url, params, the list's key, a page size that makes several pages of it on the seed)
LISTS = [
    ("/api/near", {"place": "al-tanf", "radius_km": 150}, "results", 4),
    ("/api/alliances/us-led-coalition/members", {}, "members", 5),
    ("/api/units/russian-armed-forces/hierarchy", {}, "subunits", 3),
    (f"/api/sources/{DOC}", {}, "passages", 20),
    ("/api/claims", {"hedged": "true"}, "claims", 7),
]
LIST_IDS = [url.split("/")[2] for url, *_ in LISTS]


def item_key(item: dict[str, Any]) -> tuple[str | None, ...]:
    """What identifies an item of a list: an actor at a location by a relation, a member, a subunit,
    a passage, a claim."""
    if "actor" in item:
        return (item["actor"]["id"], item["location"]["id"], item["relation"])
    if "member" in item:
        return (item["member"]["id"],)
    if "unit" in item:
        return (item["unit"]["id"],)
    return (item["id"],)


def walk(client: TestClient, url: str, params: dict[str, Any], limit: int) -> list[Response]:
    """Every page from the first, following the answers' next URLs."""
    pages = [client.get(url, params={**params, "limit": limit})]
    while pages[-1].json()["next"]:
        pages.append(client.get(pages[-1].json()["next"]))
        assert len(pages) < 100
    return pages


@pytest.mark.parametrize(("url", "params", "key", "limit"), LISTS, ids=LIST_IDS)
def test_pages_joined_are_the_whole_list_in_a_stable_order(
    client: TestClient, url: str, params: dict[str, Any], key: str, limit: int
) -> None:
    whole = client.get(url, params={**params, "limit": 500})
    assert whole.status_code == 200 and "Link" not in whole.headers
    everything = whole.json()
    assert everything["next"] is None and everything["total"] == len(everything[key]) > 2 * limit
    pages = walk(client, url, params, limit)
    assert len(pages) == -(-everything["total"] // limit)
    assert [item for page in pages for item in page.json()[key]] == everything[key]
    for number, page in enumerate(pages):
        body = page.json()
        assert page.status_code == 200 and body["total"] == everything["total"]
        assert (body["limit"], body["offset"]) == (limit, number * limit)
        last = number == len(pages) - 1
        assert (body["next"] is None) == last and ("Link" in page.headers) != last
        if not last:  # the next URL, also the Link header (RFC 8288), keeps the request's other parameters
            assert page.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert all(f"{k}=" in body["next"] for k in params)
    assert len({item_key(item) for item in everything[key]}) == len(everything[key])  # an item once


@pytest.mark.parametrize(("url", "params", "key", "limit"), LISTS, ids=LIST_IDS)
def test_a_page_past_the_end_is_empty_and_the_last(
    client: TestClient, url: str, params: dict[str, Any], key: str, limit: int
) -> None:
    total = client.get(url, params=params).json()["total"]
    past = client.get(url, params={**params, "offset": total})
    assert past.status_code == 200 and "Link" not in past.headers
    assert past.json()[key] == [] and past.json()["total"] == total and past.json()["next"] is None


def test_the_default_pages_hold_the_whole_seed_answer(client: TestClient) -> None:
    """The default limits keep the seed's answers whole (one page, no next), as before paging."""
    for url, params, key, _ in LISTS[:4]:
        answer = client.get(url, params=params).json()
        assert answer["offset"] == 0 and answer["next"] is None and len(answer[key]) == answer["total"]


def test_near_is_nearest_first_then_by_actor(client: TestClient) -> None:
    results = client.get("/api/near", params={"place": "al-tanf", "radius_km": 150}).json()["results"]
    order = [(r["distance_km"], r["actor"]["id"], r["location"]["id"], r["relation"]) for r in results]
    assert order == sorted(order) and order[0][0] == 0 < order[-1][0]


WINDOWS = [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 1_000_001}]
WINDOWED = [(url, params) for url, params, *_ in LISTS] + [("/api/entities", {"q": "a"})]


@pytest.mark.parametrize("window", WINDOWS, ids=[f"{k}={v}" for w in WINDOWS for k, v in w.items()])
@pytest.mark.parametrize(("url", "params"), WINDOWED, ids=[*LIST_IDS, "entities"])
def test_a_window_out_of_range_is_422_in_the_error_shape(
    client: TestClient, url: str, params: dict[str, Any], window: dict[str, int]
) -> None:
    response = client.get(url, params={**params, **window})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and {p["where"] for p in error["detail"]} == {f"query.{k}" for k in window}


def test_entity_search_pages_keep_the_list_shape_with_a_link_header(client: TestClient) -> None:
    everything = client.get("/api/entities", params={"q": "a", "limit": 500})
    assert "Link" not in everything.headers and 10 < len(everything.json()) < 500
    found, url, pages = [], "/api/entities?q=a&limit=7", 0
    while url:
        page = client.get(url)
        assert page.status_code == 200 and isinstance(page.json(), list) and len(page.json()) <= 7
        found += page.json()
        link = page.headers.get("Link")
        url = link.removeprefix("<").removesuffix('>; rel="next"') if link else ""
        pages += 1
        assert (link is None) == (len(found) == len(everything.json()))
    assert found == everything.json() and pages == -(-len(found) // 7)
    assert client.get("/api/entities", params={"q": "a", "offset": len(found)}).json() == []


@pytest.mark.parametrize("engine", REMOTE_ENGINES)
def test_the_remote_stores_give_the_same_pages(
    kb: EmbeddedStore, names: NameIndex, request: pytest.FixtureRequest, engine: str
) -> None:
    """Near on Virtuoso, which has no geof:distance (orbat.geodistance computes it in a first pass),
    still ordered and cut by the engine; members on both servers."""
    store = remote_store(request, engine)
    store.drop()
    store.load(serialize(kb.quads(), format=RdfFormat.N_QUADS) or b"", RdfFormat.N_QUADS)
    try:
        for offset in range(0, 20, 4):
            here, there = (answers.near(s, names, "al-tanf", 150, limit=4, offset=offset) for s in (kb, store))
            assert (there.total, there.next) == (here.total, here.next)
            assert here.total == 19 and (here.next is None) == (offset == 16)
            assert [item_key(r.model_dump()) for r in there.results] == [item_key(r.model_dump()) for r in here.results]
            distances = [r.distance_km for r in here.results]
            # within a metre (Virtuoso keeps coordinates as 32-bit floats), then rounded to the metre
            assert [r.distance_km for r in there.results] == pytest.approx(distances, abs=2e-3)
            assert [[c.id for c in r.claims] for r in there.results] == [[c.id for c in r.claims] for r in here.results]
        for offset in (0, 5, 10):
            members = [answers.members(s, names, "us-led-coalition", limit=5, offset=offset) for s in (kb, store)]
            assert members[1] == members[0]
    finally:
        store.drop()
        store.close()
