"""Say only what the sources say (issue 9), on claims written for the tests (tests/fixtures/lines):
lines of reporting, modality, contradictions, report date and valid time, and grading.

The workspace holds three made-up reports: two wires quoting one defence official on the 5th
Brigade at Alpha, a forum thread with a question and its answer, a denial and a repost. It is
built without the reasoner (the rules here are SPARQL over the claims)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orbat.build import build, compile_graphs
from orbat.checks import run_checks
from orbat.cli import app
from orbat.names import NameIndex
from orbat.namespaces import CLAIM, ID, MODALITY, ORB
from orbat.queries import named_queries, run
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "lines"
WIRE_A, WIRE_B, FORUM = "wire-a-2017-06-01", "wire-b-2017-06-01", "forum-2017-06-10"


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace.open(FIXTURE)


@pytest.fixture(scope="module")
def store(workspace: Workspace) -> EmbeddedStore:
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    return store


@pytest.fixture(scope="module")
def names(store: EmbeddedStore) -> NameIndex:
    return NameIndex(store)


def rows(store: EmbeddedStore, names: NameIndex, query: str, **args: str) -> list[dict[str, Any]]:
    return run(store, query, args, names).rows


def local(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def relation(store: EmbeddedStore, names: NameIndex, subject: str, obj: str, **args: str) -> dict[str, Any]:
    """What the corroboration query says of one relation: its line count, and its claims by role."""
    found = rows(store, names, "corroboration", subject=subject, relation="positionedAt", object=obj, **args)
    assert len({r["lines"] for r in found}) == 1
    roles: dict[str, list[str]] = {}
    for r in found:
        roles.setdefault(r["role"], []).append(local(r["claim"]) or "")
    return {"lines": found[0]["lines"], "line labels": {r["claimLineLabel"] for r in found}, **roles}


# ---------------------------------------------------------------- lines of reporting


def test_two_outlets_quoting_one_official_and_a_repost_are_one_line(store: EmbeddedStore, names: NameIndex) -> None:
    alpha = relation(store, names, "5th-brigade", "alpha")
    assert len(alpha["supports"]) == 3  # wire A, wire B, the forum's repost of wire A
    assert alpha["lines"] == 1
    assert [c.split("-")[0] for c in alpha["disputes"]] == ["a"]  # Y's denial, once though also linked


def test_a_question_and_its_answer_are_one_line(store: EmbeddedStore, names: NameIndex) -> None:
    delta = relation(store, names, "9th-brigade", "delta")
    assert delta["lines"] == 1 and delta["line labels"] == {"X"}  # the answer is on the line of the one who asked
    assert [c.split("-")[0] for c in delta["supports"]] == ["a"]
    assert [c.split("-")[0] for c in delta["question"]] == ["q"]


def test_each_value_of_a_literal_relation_is_its_own_relation(store: EmbeddedStore, names: NameIndex) -> None:
    strengths = rows(store, names, "corroboration", subject="5th-brigade", relation="hasStrength")
    assert sorted((r["value"], r["lines"], r["role"]) for r in strengths) == [
        (1200, 1, "supports"),
        (3000, 1, "supports"),
    ]


def test_min_lines_counts_lines_not_claims(store: EmbeddedStore, names: NameIndex) -> None:
    assert rows(store, names, "corroboration", subject="5th-brigade", min_lines="2") == []


def test_single_source_claims_are_counted_on_lines(store: EmbeddedStore, names: NameIndex) -> None:
    single = {local(r["claim"]) for r in rows(store, names, "single-source-claims")}
    # the 5th Brigade at Alpha rests on one line (the official) through three claims, which are
    # unverified here only if hedged or poorly graded: wire B's own sighting at Echo is neither
    assert not any(c.startswith("item-5th-brigade-positionedAt-echo") for c in single)
    forum_line = {
        local(r["claim"]) for r in rows(store, names, "single-source-claims") if r["originReliability"] == "F"
    }
    assert any(c.startswith("a-9th-brigade-positionedAt-delta") for c in forum_line)


# ---------------------------------------------------------------- modality


def test_a_scenario_a_question_and_a_denial_never_become_plain_triples(store: EmbeddedStore) -> None:
    def asks(s: str, p: str, o: str) -> bool:
        return bool(store.query(f"ASK {{ <{ID[s]}> <{ORB[p]}> <{ID[o]}> }}"))

    scenario = f"ASK {{ ?c <{ORB.modality}> <{MODALITY.hypothetical}> ; <{ORB.object}> <{ID['charlie']}> }}"
    assert bool(store.query(scenario)), "the scenario stays a claim"
    assert not asks("5th-brigade", "besieges", "charlie")
    assert asks("5th-brigade", "positionedAt", "alpha")  # reported by the wires, denied by Y: stays


# ---------------------------------------------------------------- contradictions


CONTRADICTIONS = [
    ("disputes", "a-5th-brigade-positionedAt-alpha", "item-5th-brigade-positionedAt-alpha", FORUM, WIRE_A),
    ("denial", "a-5th-brigade-positionedAt-alpha", "item-5th-brigade-positionedAt-alpha", FORUM, WIRE_B),
    ("denial", "a-5th-brigade-positionedAt-alpha", "repost-5th-brigade-positionedAt-alpha", FORUM, FORUM),
    ("far apart", "item-5th-brigade-positionedAt-alpha", "item-5th-brigade-positionedAt-echo", WIRE_A, WIRE_B),
    ("supports and opposes", "item-7th-militia-supports-5th-brigade", "item-7th-militia-attacks-5th", WIRE_A, WIRE_B),
    ("strengths", "item-5th-brigade-hasStrength-1200", "item-5th-brigade-hasStrength-3000", WIRE_B, WIRE_A),
]


@pytest.mark.parametrize(("kind", "claim", "other", "claim_source", "other_source"), CONTRADICTIONS)
def test_each_kind_of_contradiction_is_found_with_both_quotes_and_sources(
    store: EmbeddedStore, names: NameIndex, kind: str, claim: str, other: str, claim_source: str, other_source: str
) -> None:
    found = [
        r
        for r in rows(store, names, "contradictions")
        if r["kind"] == kind
        and local(r["claim"]).startswith(claim)  # type: ignore[union-attr]
        and local(r["other"]).startswith(other)  # type: ignore[union-attr]
        and local(r["claimSource"]) == claim_source
        and local(r["otherSource"]) == other_source
    ]
    assert len(found) == 1, kind
    (row,) = found
    assert row["claimQuote"] and row["otherQuote"] and row["claimQuote"] != row["otherQuote"]


def test_a_unit_that_moved_is_no_contradiction(store: EmbeddedStore, names: NameIndex) -> None:
    moved = [r for r in rows(store, names, "contradictions", min_km="0") if local(r["claimSubject"]) == "9th-brigade"]
    assert moved == []  # Alpha in May, Delta from 5 June: the times do not overlap


def test_far_apart_depends_on_the_distance(store: EmbeddedStore, names: NameIndex) -> None:
    def far(km: str) -> int:
        return sum(r["kind"] == "far apart" for r in rows(store, names, "contradictions", min_km=km))

    # Alpha-Echo is about 280 km: the two wires of 1 June put it at Alpha (the repost is of 10 June)
    assert far("100") == 2 and far("1000") == 0


# ---------------------------------------------------------------- time


def test_as_of_hides_later_reports(store: EmbeddedStore, names: NameIndex) -> None:
    everything = {local(r["claim"]) for r in rows(store, names, "claims", subject="9th-brigade")}
    before = {local(r["claim"]) for r in rows(store, names, "claims", subject="9th-brigade", as_of="2017-06-05")}
    assert len(everything) == 3 and len(before) == 1
    assert all(c.startswith("item-") for c in before)  # only wire A (1 June); the forum is of 10 June
    alpha = relation(store, names, "5th-brigade", "alpha", as_of="2017-06-05")
    assert len(alpha["supports"]) == 2 and "disputes" not in alpha  # the repost and the denial came later


@pytest.mark.parametrize(
    ("day", "places"),
    [("2017-05-15", {"alpha"}), ("2017-06-01", set()), ("2017-06-20", {"delta"}), ("2017-06-10", {"delta"})],
)
def test_valid_at_picks_the_position_of_a_unit_that_moved(
    store: EmbeddedStore, names: NameIndex, day: str, places: set[str]
) -> None:
    found = rows(store, names, "claims", subject="9th-brigade", valid_at=day)
    assert {local(r["object"]) for r in found if r["modality"].endswith("/reported")} == places


def test_valid_time_keeps_its_precision_in_owl_time(store: EmbeddedStore) -> None:
    answer = store.query(
        "SELECT ?day ?unit WHERE { ?claim <https://w3id.org/orbat/ontology#validDuring>/"
        "<http://www.w3.org/2006/time#hasEnd> ?end . ?end <http://www.w3.org/2006/time#inXSDDate> ?day ; "
        f"<{ORB.datePrecision}> ?unit . FILTER (CONTAINS(STR(?claim), 'alpha')) }}"
    )
    assert [(s["day"].value, local(s["unit"].value)) for s in answer] == [("2017-05-31", "unitMonth")]


# ---------------------------------------------------------------- grading


@pytest.mark.parametrize(
    ("claim", "suggested", "reason"),
    [
        ("item-5th-brigade-positionedAt-alpha", 5, "contradicted: 1 line(s) against, 1 for"),
        ("a-9th-brigade-positionedAt-delta", 3, "a single line"),
        ("q-9th-brigade-positionedAt-delta", 6, "a question states nothing to judge"),
        ("item-5th-brigade-besieges-charlie", 6, "a hypothetical states nothing to judge"),
    ],
)
def test_grading_follows_the_evidence(
    store: EmbeddedStore, names: NameIndex, claim: str, suggested: int, reason: str
) -> None:
    graded = [r for r in rows(store, names, "grading") if local(r["claim"]).startswith(claim)]  # type: ignore[union-attr]
    assert graded and all((r["suggested"], r["reason"]) == (suggested, reason) for r in graded)


def _violations(root: Path, change: tuple[str, str, str] | None = None) -> dict[str, set[str]]:
    if change:
        name, old, new = change
        path = root / "annotations" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    graphs = compile_graphs(Workspace.open(root), reason=False).ntriples()
    _, failures = run_checks(graphs)
    return {f.name: {local(str(r["claim"])) or "" for r in f.rows} for f in failures}


def test_credibility_1_or_2_on_a_single_line_is_a_violation(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "ws")
    violations = _violations(root)
    assert set(violations) == {"single-line-credibility-violation"}
    flagged = violations["single-line-credibility-violation"]
    assert len(flagged) == 2 and all("5th-brigade-positionedAt-alpha" in c for c in flagged)  # the two wires


def test_a_question_graded_better_than_3_is_a_violation(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "ws")
    question = ("modality: question\n    credibility: 6", "modality: question\n    credibility: 2")
    violations = _violations(root, ("claims-forum.yaml", *question))
    assert any(c.startswith("q-9th-brigade") for c in violations["unasserted-credibility-violation"])


def test_orbat_validate_reports_grading_violations(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "ws")
    result = CliRunner().invoke(app, ["--workspace", str(root), "validate"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 1
    assert "single-line-credibility-violation" in result.output and "2 violation(s)" in result.output
    for claims in (root / "annotations").glob("claims-wire-*.yaml"):
        claims.write_text(claims.read_text(encoding="utf-8").replace("credibility: 2", "credibility: 3"))
    result = CliRunner().invoke(app, ["--workspace", str(root), "validate"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0 and "0 violations of" in result.output


def test_the_seed_has_no_grading_violations(seed: Workspace) -> None:
    graphs = compile_graphs(seed, reason=False).ntriples()
    _, failures = run_checks(graphs)
    assert [(f.name, len(f.rows)) for f in failures] == []


def test_claim_nodes_carry_originator_and_links(store: EmbeddedStore) -> None:
    repost = next(
        s["c"].value
        for s in store.query(f"SELECT ?c WHERE {{ ?c <{ORB.sameLineAs}> ?o . FILTER(CONTAINS(STR(?c), 'repost')) }}")
    )
    assert repost.startswith(str(CLAIM))
    (origin,) = store.query(f"SELECT ?o WHERE {{ <{repost}> <{ORB.originator}> ?o }}")
    assert local(origin["o"].value) == "commenter-z"  # its own originator; its line is wire A's


def test_every_query_that_returns_claims_takes_as_of_and_valid_at() -> None:
    claim_queries = [q for q in named_queries().values() if re.search(r"^SELECT\b[^{]*\?claim\b", q.sparql, re.M)]
    assert len(claim_queries) >= 12
    for query in claim_queries:
        params = {p.name: p for p in query.parameters}
        assert params["as_of"].type == params["valid_at"].type == "date", query.name
        assert not params["as_of"].required and not params["valid_at"].required
        assert params["include_drafts"].type == "boolean" and not params["include_drafts"].required, query.name


# ---------------------------------------------------------------- the seed, as a careful reader reads it


def test_the_seed_scenario_is_no_fact(kb: EmbeddedStore) -> None:
    besieges = f"ASK {{ <{ID['r-plus-6']}> <{ORB.besieges}> <{ID['al-tanf']}> }}"
    assert not bool(kb.query(besieges))  # c10's scenario; no graph, inferred included, states it


def test_the_seed_contradictions(kb: EmbeddedStore) -> None:
    found = {
        (r["kind"], local(r["claim"]).split("-")[0], local(r["other"]).split("-")[0])  # type: ignore[union-attr]
        for r in run(kb, "contradictions", {}, NameIndex(kb)).rows
    }
    assert {("denial", "c10", "c19"), ("disputes", "c19", "c10"), ("disputes", "c41", "post")} <= found
    assert {("disputes", "c02", "post"), ("disputes", "c28", "post")} <= found


@pytest.mark.parametrize(
    ("subject", "relation", "obj", "lines"),
    [
        ("operation-lavender", "targets", "deir-ez-zor", 1),  # c03's question, c11's "Yes it is."
        ("norwegian-soldiers-iraq", "presentIn", "syria", 1),  # the post; c06 reacts to it
        ("r-plus-6", "advancingToward", "al-tanf", 3),
    ],
)
def test_seed_corroboration_counts_lines(kb: EmbeddedStore, subject: str, relation: str, obj: str, lines: int) -> None:
    args = {"subject": subject, "relation": relation, "object": obj}
    found = run(kb, "corroboration", args, NameIndex(kb)).rows
    assert found and {r["lines"] for r in found} == {lines}
