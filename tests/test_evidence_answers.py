"""The evidence answers (issue 9): GET /api/corroboration and /api/contradictions, the time filters
of every claim-returning endpoint, and claims that carry everything they hold (modality,
qualifiers, valid time, line of reporting), on the API, the CLI and the seed.

The small cases use the made-up reports of tests/fixtures/lines (see test_lines_of_reporting.py):
two wires quoting one defence official on the 5th Brigade at Alpha, a forum thread with a
question, its answer, a denial and a repost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from orbat.build import build
from orbat.cli import app as cli
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "lines"


@pytest.fixture(scope="module")
def lines() -> Iterator[TestClient]:
    store = EmbeddedStore()
    workspace = Workspace.open(FIXTURE)
    build(store, workspace, reason=False)
    with TestClient(create_app(store, workspace=workspace)) as client:
        yield client


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_corroboration_counts_one_line_for_two_outlets_quoting_one_official(lines: TestClient) -> None:
    answer = get(lines, "/api/corroboration", subject="5th-brigade", relation="positionedAt", object="alpha")
    (alpha,) = answer["relations"]
    assert alpha["subject"] == {"id": "5th-brigade", "label": alpha["subject"]["label"]}
    assert alpha["lines"] == 1
    roles = sorted(c["role"] for c in alpha["claims"])
    assert roles == ["disputes", "supports", "supports", "supports"]
    for entry in alpha["claims"]:  # every claim whole: its quote, source, modality and line
        assert entry["claim"]["quote"] and entry["claim"]["source"] and entry["claim"]["modality"]
        assert entry["line"]["label"]
    denial = next(c for c in alpha["claims"] if c["role"] == "disputes")
    assert denial["claim"]["modality"] == "denied"


def test_corroboration_of_a_question_and_its_answer_is_one_line(lines: TestClient) -> None:
    (delta,) = get(lines, "/api/corroboration", subject="9th-brigade", relation="positionedAt", object="delta")[
        "relations"
    ]
    assert delta["lines"] == 1 and {c["line"]["label"] for c in delta["claims"]} == {"X"}
    assert sorted(c["role"] for c in delta["claims"]) == ["question", "supports"]


def test_corroboration_filters_are_checked(lines: TestClient) -> None:
    assert lines.get("/api/corroboration", params={"relation": "nearby"}).status_code == 400
    unknown = lines.get("/api/corroboration", params={"subject": "6th brigade"})
    assert unknown.status_code == 404 and "6th brigade" in unknown.json()["error"]["message"]
    assert lines.get("/api/corroboration", params={"min_lines": "0"}).status_code == 422
    assert get(lines, "/api/corroboration", subject="5th-brigade", min_lines=2)["relations"] == []


def test_contradictions_pair_whole_claims_of_every_kind(lines: TestClient) -> None:
    found = get(lines, "/api/contradictions")["contradictions"]
    assert {c["kind"] for c in found} == {"disputes", "denial", "far apart", "supports and opposes", "strengths"}
    for pair in found:
        for claim in (pair["claim"], pair["other"]):
            assert claim["quote"] and claim["source"] and claim["reported_by_label"] and claim["subject_label"]
        assert pair["claim"]["id"] != pair["other"]["id"]
    far = [c for c in found if c["kind"] == "far apart"]
    assert far and all(c["detail"].endswith("km apart") for c in far)
    assert not [c for c in get(lines, "/api/contradictions", min_km=1000)["contradictions"] if c["kind"] == "far apart"]


def test_as_of_hides_later_reports_on_every_claim_endpoint(lines: TestClient) -> None:
    everything = get(lines, "/api/contradictions")["contradictions"]
    before = get(lines, "/api/contradictions", as_of="2017-06-01")["contradictions"]
    assert len(before) < len(everything)
    assert all(c[k]["date"] <= "2017-06-01" for c in before for k in ("claim", "other"))
    for url, params in [
        ("/api/claims", {"limit": 500}),
        ("/api/entities/5th-brigade", {}),
        ("/api/corroboration", {}),
    ]:
        later = lines.get(url, params={**params, "as_of": "2017-06-01"})
        assert later.status_code == 200, (url, later.text)
        assert "2017-06-10" not in later.text, url  # the forum thread of 10 June
        assert "2017-06-10" in lines.get(url, params=params).text, url
    assert lines.get("/api/claims", params={"as_of": "June 1st"}).status_code == 422


def test_valid_at_picks_the_position_of_a_unit_that_moved(lines: TestClient) -> None:
    def places(day: str) -> set[str]:
        claims = get(lines, "/api/entities/9th-brigade", valid_at=day)["claims"]
        return {c["object"] for c in claims if c["relation"] == "positionedAt" and c["modality"] == "reported"}

    assert places("2017-05-20") == {"alpha"}
    assert places("2017-06-06") == {"delta"}


def test_claims_carry_modality_line_and_valid_time(lines: TestClient) -> None:
    claims = get(lines, "/api/claims", subject="9th-brigade", limit=500)["claims"]
    assert {c["modality"] for c in claims} >= {"reported", "question"}
    timed = [c for c in claims if c["valid_time"]]
    assert timed and all(c["valid_time"]["start"] or c["valid_time"]["end"] for c in timed)
    assert all(c["originator"] and c["originator_label"] for c in claims)
    answer = next(c for c in claims if c["same_line_as"])
    assert answer["same_line_as"] in {c["id"] for c in claims}


# ---------------------------------------------------------------- on the seed


def test_an_entity_page_lists_the_claims_it_qualifies_as_equipment(api_client: TestClient) -> None:
    page = get(api_client, "/api/entities/su-30")
    (cover,) = [c for c in page["claims"] if c["role"] == "equipment"]
    assert cover["relation"] == "providesAirCoverFor" and cover["equipment"] == "su-30"
    assert cover["count"] == 2 and cover["equipment_label"] == page["label"]
    assert cover["valid_time"] == {
        "text": "yesterday",
        "start": "2017-05-20",
        "start_precision": "day",
        "end": "2017-05-20",
        "end_precision": "day",
        "resolved": False,
    }


def test_a_reported_distance_is_shown(api_client: TestClient) -> None:
    claims = get(api_client, "/api/claims", subject="r-plus-6", relation="advancingToward", limit=500)["claims"]
    assert 133 in {c["distance_km"] for c in claims}


def test_the_cli_shows_qualifiers_and_cuts_long_quotes_unless_full(kb_env: dict[str, str]) -> None:
    runner = CliRunner()
    equipment = runner.invoke(cli, ["entity", "su-30", "-f", "csv"], env=kb_env)
    assert equipment.exit_code == 0, equipment.output
    assert "count 2; with Sukhoi Su-30; when 'yesterday' (2017-05-20)" in equipment.stdout
    long_quote = runner.invoke(cli, ["claims", "--subject", "hezbollah", "--limit", "500"], env=kb_env)
    whole = runner.invoke(cli, ["--full", "claims", "--subject", "hezbollah", "--limit", "500"], env=kb_env)
    assert "long cell(s) cut" in long_quote.stderr and "cut" not in whole.stderr
    contradictions = runner.invoke(cli, ["contradictions", "-f", "csv"], env=kb_env)
    assert contradictions.exit_code == 0 and "Two Russian Su-30s flew cover" in contradictions.stdout


def test_relative_times_are_resolved_against_the_report_date(api_client: TestClient) -> None:
    """The seed's AMN item: "Over the course of ten days" -> the ten days up to 21 May 2017; S.E.'s
    c28: "since it was decided last year" -> from 2016 on. Annotated bounds are not resolved."""
    moved = get(api_client, "/api/claims", subject="hezbollah", relation="movedTo", limit=500)["claims"]
    (amn,) = [c for c in moved if c["source"] and c["valid_time"] and c["valid_time"]["text"].startswith("Over")]
    assert amn["valid_time"] == {
        "text": "Over the course of ten days",
        "start": "2017-05-11",
        "start_precision": "day",
        "end": "2017-05-21",
        "end_precision": "day",
        "resolved": True,
    }
    jordan = get(api_client, "/api/claims", subject="norwegian-soldiers-jordan", relation="deployedTo", limit=500)
    since = [c["valid_time"] for c in jordan["claims"] if c["valid_time"] and "last year" in c["valid_time"]["text"]]
    assert since and all(t["start"] == "2016-01-01" and t["end"] is None and t["resolved"] for t in since)
    cover = [c for c in get(api_client, "/api/entities/su-30")["claims"] if c["role"] == "equipment"]
    assert cover[0]["valid_time"]["resolved"] is False  # "yesterday", annotated with its day
