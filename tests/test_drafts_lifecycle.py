"""A draft's way into the knowledge base: refused by ``orbat add`` until accepted, or loaded as a
draft that queries leave out unless asked; accepted whole or in part (orbat.accept); then added
like any report. Entity resolution: a merge recorded, applied and undone (orbat.decisions); an
alias learned from a report goes when the report goes.

The draft (tests/fixtures/drafts-lifecycle/) names the entities of the first fixture report
(tests/fixtures/reports/steppe-monitor-2017-06-01.yaml), added first to an empty workspace.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from report_support import FIRST, add, quads
from sparql_support import WRITABLE, bearer
from typer.testing import CliRunner

from api.app import create_app
from orbat import answers, changes, decisions
from orbat.accept import accept_text
from orbat.build import build
from orbat.cli import app
from orbat.names import NameIndex
from orbat.reasoning import Inconsistent
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace, init
from orbat.yamlfile import Problems

DRAFT = Path(__file__).parent / "fixtures" / "drafts-lifecycle" / "steppe-monitor-2017-06-07.yaml"
DRAFT_ID = "steppe-monitor-2017-06-07"


@pytest.fixture
def first(tmp_path: Path) -> tuple[EmbeddedStore, Workspace]:
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    add(store, workspace, FIRST)
    return store, workspace


def knowledge(store: EmbeddedStore) -> set[tuple[str, str]]:
    """The store's quads but the manifest's (whose input hashes count the decisions file)."""
    return {q for q in quads(store) if not q[0].endswith("/graph/manifest")}


def _add(store: EmbeddedStore, workspace: Workspace, text: str, *, drafts: bool = False) -> changes.ReportChange:
    return changes.add(store, workspace, text.encode(), name=str(DRAFT), folder=DRAFT.parent, drafts=drafts)


def _claims(store: EmbeddedStore, **filters: object) -> set[str]:
    page = answers.claims(store, NameIndex(store), {"subject": "desert-hawks-brigade", **filters}, limit=500)  # type: ignore[arg-type]
    return {str(c.relation) for c in page.claims}


def test_add_refuses_a_draft_in_one_line_and_changes_nothing(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    before = quads(store)
    with pytest.raises(Problems) as refused:
        _add(store, workspace, DRAFT.read_text())
    (line,) = refused.value.lines()
    assert "3 draft claim(s)" in line and "orbat accept" in line and "--drafts" in line
    assert quads(store) == before and not (workspace.reports / f"{DRAFT_ID}.yaml").exists()


def test_drafts_loaded_as_drafts_stay_out_of_queries_unless_asked(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    assert _add(store, workspace, DRAFT.read_text(), drafts=True).action == "added"
    assert "movedTo" not in _claims(store)
    assert "movedTo" in _claims(store, include_drafts=True)
    names = NameIndex(store)
    assert not names.resolve("Qasr checkpoint")  # a proposed entity is not found by name
    moved = "ASK { <https://w3id.org/orbat/id/desert-hawks-brigade> <https://w3id.org/orbat/ontology#movedTo> ?o }"
    assert not bool(store.query(moved))  # no plain triple, nothing for the reasoner
    near = answers.near(store, names, "Tanf outpost", 30)
    hedged = [c for r in near.results for c in r.claims if c.hedged]
    assert not hedged  # the draft's hedged claim near the outpost
    with_drafts = answers.near(store, names, "Tanf outpost", 30, include_drafts=True)
    assert [c for r in with_drafts.results for c in r.claims if c.hedged]


@pytest.mark.parametrize(
    ("claims", "reject", "accepted", "entities"),
    [
        (None, [], ["a1", "p1", "p2", "p3"], ["qasr-checkpoint", "sahra-lions"]),
        (["p1", "p3"], [], ["p1", "p3"], ["qasr-checkpoint"]),
        (None, ["p1"], ["a1", "p2", "p3"], ["sahra-lions"]),
    ],
)
def test_accept_keeps_what_the_analyst_chose(
    claims: list[str] | None, reject: list[str], accepted: list[str], entities: list[str]
) -> None:
    text, outcome = accept_text(DRAFT.read_text(), str(DRAFT), claims, reject)
    assert outcome.accepted == accepted and outcome.entities == entities
    assert "\n    status: draft" not in text and "proposal:" not in text
    assert "# A draft written by hand for the tests" in text  # comments stay (but those of entries dropped)
    if claims is None and not reject:
        assert all(line in text for line in DRAFT.read_text().splitlines() if line.lstrip().startswith("#"))
    assert text.count("- subject:") == len([a for a in accepted if a.startswith("p")])


def test_accept_refuses_unknown_ids_and_ambiguous_proposals() -> None:
    with pytest.raises(Problems, match="no proposal p9"):
        accept_text(DRAFT.read_text(), str(DRAFT), None, ["p9"])
    ambiguous = DRAFT.read_text().replace(
        "reason: \"'X support Y'; ", "candidates: [desert-hawks-brigade, tanf-outpost], reason: \"'X support Y'; "
    )
    with pytest.raises(Problems, match="p2 is ambiguous"):
        accept_text(ambiguous, str(DRAFT))
    assert accept_text(ambiguous, str(DRAFT), None, ["p2"])[1].accepted == ["a1", "p1", "p3"]


def test_accepted_then_added_answers_near_and_the_entity_page_and_once_only(
    first: tuple[EmbeddedStore, Workspace], tmp_path: Path
) -> None:
    store, workspace = first
    text, _ = accept_text(DRAFT.read_text(), str(DRAFT))
    assert _add(store, workspace, text).action == "added"
    names = NameIndex(store)
    near = answers.near(store, names, "Qasr checkpoint", 5)
    assert {(r.actor.id, r.relation) for r in near.results} >= {("desert-hawks-brigade", "movedTo")}
    page = answers.entity(store, names, "desert-hawks-brigade")
    assert "Saqr al-Sahra" in page.aliases  # learned from the report
    assert names.resolve("Saqr al-Sahra")[0].id == "desert-hawks-brigade"
    assert "supports" in {c.relation for c in answers.entity(store, names, "sahra-lions").claims}
    before = quads(store)
    assert _add(store, workspace, text).action == "unchanged" and quads(store) == before


def test_an_alias_learned_from_a_report_goes_with_it(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    text, _ = accept_text(DRAFT.read_text(), str(DRAFT))
    _add(store, workspace, text)
    changes.remove(store, workspace, DRAFT_ID)
    assert not NameIndex(store).resolve("Saqr al-Sahra")
    assert "Saqr al-Sahra" not in answers.entity(store, NameIndex(store), "desert-hawks-brigade").aliases


def test_merge_is_recorded_applied_and_undone(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    _add(store, workspace, accept_text(DRAFT.read_text(), str(DRAFT))[0])
    knowledge_before = knowledge(store)
    made = decisions.merge(
        store, workspace, "zarqa-well", "qasr-checkpoint", "analyst-a", "the checkpoint is at the well"
    )
    names = NameIndex(store)
    assert (
        names.resolve("Qasr checkpoint")[0].id == "zarqa-well"
        and names.get("https://w3id.org/orbat/id/qasr-checkpoint") is None
    )
    moved = answers.claims(store, names, {"object": "zarqa-well", "relation": "movedTo"})
    assert [c.subject for c in moved.claims] == ["desert-hawks-brigade"]
    recorded = (workspace.root / decisions.MERGES).read_text()
    assert "analyst-a" in recorded and made.at in recorded
    with pytest.raises(decisions.MergeRefused):
        decisions.merge(store, workspace, "zarqa-well", "qasr-checkpoint", "analyst-a")  # already merged
    decisions.undo(store, workspace, made.id, "analyst-b")
    assert knowledge(store) == knowledge_before
    assert "undone" in (workspace.root / decisions.MERGES).read_text()


def test_a_refused_merge_changes_nothing(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    before = quads(store)
    with pytest.raises(decisions.MergeRefused, match="no entity 'nowhere'"):
        decisions.merge(store, workspace, "zarqa-well", "nowhere", "analyst-a")
    # the brigade "present in" itself would be a place: places and armed actors are disjoint
    with pytest.raises(Inconsistent, match="both a Place and a ArmedActor"):
        decisions.merge(store, workspace, "desert-hawks-brigade", "zarqa-well", "analyst-a")
    assert quads(store) == before and not (workspace.root / decisions.MERGES).exists()


def test_the_cli_refuses_a_draft_and_accepts_it(tmp_path: Path) -> None:
    draft = tmp_path / DRAFT.name
    draft.write_text(DRAFT.read_text())
    runner = CliRunner()
    result = runner.invoke(app, ["accept", str(draft), "--claims", "p1,p2", "--reject", "p3"])
    assert result.exit_code == 0, result.output
    assert "accepted 2 proposal(s)" in result.output and "\n    status: draft" not in draft.read_text()
    assert "# a new place, proposed" in draft.read_text()


def test_http_accepts_a_draft_and_adds_drafts_only_when_asked(first: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = first
    headers = {**bearer(), "Content-Type": "application/yaml"}
    with TestClient(create_app(store, WRITABLE, workspace=workspace)) as client:
        accepted = client.post("/api/drafts/accept?claims=p1", content=DRAFT.read_bytes(), headers=headers)
        assert accepted.status_code == 200, accepted.text
        body = accepted.json()
        assert body["accepted"] == ["p1"] and [e["id"] for e in body["report"]["entities"]] == ["qasr-checkpoint"]
        assert (
            client.post("/api/drafts/accept", content=DRAFT.read_bytes()).status_code == 401
        )  # the review is the writers'
        refused = client.post("/api/drafts/accept?reject=p9", content=DRAFT.read_bytes(), headers=headers)
        assert refused.status_code == 422 and "p9" in refused.json()["error"]["detail"]["problems"][0]
        plain = client.post("/api/reports", content=DRAFT.read_bytes(), headers=headers)
        assert plain.status_code == 422 and "orbat accept" in plain.json()["error"]["message"]
        assert client.post("/api/reports?drafts=true", content=DRAFT.read_bytes(), headers=headers).status_code == 201
        hidden = client.get("/api/claims?subject=desert-hawks-brigade&relation=movedTo").json()
        shown = client.get("/api/claims?subject=desert-hawks-brigade&relation=movedTo&include_drafts=true").json()
        assert hidden["total"] == 0 and shown["total"] == 1 and shown["claims"][0]["status"] == "draft"
        claimed = {"keep": "zarqa-well", "merge": "qasr-checkpoint", "by": "someone else"}
        merged = client.post("/api/merges", json=claimed, headers=bearer())
        assert merged.status_code == 422, "who decides is the token's name, not a field"
        merged = client.post("/api/merges", json={"keep": "zarqa-well", "merge": "qasr-checkpoint"}, headers=bearer())
        assert merged.status_code == 201 and merged.json()["by"] == "admin", merged.text  # ORBAT_UPDATE_TOKEN's name
        assert client.get("/api/entities?q=Qasr checkpoint").json()[0]["id"] == "zarqa-well"
        again = client.post("/api/merges", json={"keep": "zarqa-well", "merge": "qasr-checkpoint"}, headers=bearer())
        assert again.status_code == 409
        undone = client.post(f"/api/merges/{merged.json()['id']}/undo", headers=bearer())
        assert undone.status_code == 200 and undone.json()["undone_by"] == "admin"
