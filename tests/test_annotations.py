"""The annotation loader accepts the seed files and rejects bad entries with file, line and reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import entities_only

from orbat.annotations import load_annotations
from orbat.workspace import Workspace
from orbat.yamlfile import AnnotationError

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"


def test_seed_annotations_load(seed: Workspace) -> None:
    annotations = load_annotations(seed)
    reported = [c for c in annotations.claims if c.document is not None]
    assert len(reported) > 150, "well over a hundred claims from the post and its comments"
    passages = {e.passage.id for c in reported for e in c.evidence}
    assert {"amn", "post"} <= passages and len(passages) > 30
    for claim in reported:
        for evidence in claim.evidence:
            assert claim.document.text[evidence.start : evidence.end] == evidence.quote


def test_claim_ids_are_deterministic(seed: Workspace) -> None:
    first = [c.id for c in load_annotations(seed).claims]
    second = [c.id for c in load_annotations(seed).claims]
    assert first == second and len(set(first)) == len(first)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A new workspace with the seed's sources and entities, no claims, to add one bad file to."""
    return entities_only(tmp_path / "workspace")


def load(workspace: Workspace) -> None:
    load_annotations(workspace)


def write_claims(workspace: Workspace, body: str) -> None:
    text = f"document: {DOC}\nclaims:\n" + textwrap.indent(textwrap.dedent(body), "  ")
    (workspace.annotations / "claims-test.yaml").write_text(text, encoding="utf-8")


GOOD = """\
- passage: c19
  subject: russian-aerospace-forces
  relation: providesAirCoverFor
  object: r-plus-6
  quote: "Two Russian Su-30s flew cover for the advancing forces yesterday."
  credibility: 3
"""


def test_a_good_claim_loads(workspace: Workspace) -> None:
    write_claims(workspace, GOOD)
    annotations = load_annotations(workspace)
    (claim,) = [c for c in annotations.claims if c.document]
    assert claim.asserted_by.startswith("unknown-author-")  # c19 prints no author
    assert claim.evidence[0].passage.id == "c19"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("credibility: 3", "credibility: 3\n  colour: red"), "unknown key(s): colour"),
        (("object: r-plus-6", "object: r-plus-7"), "object refers to unknown entity 'r-plus-7'"),
        (("subject: russian-aerospace-forces", "subject: ghosts"), "subject refers to unknown entity 'ghosts'"),
        (("relation: providesAirCoverFor", "relation: flatters"), "unknown relation 'flatters'"),
        (("flew cover for", "flew top cover for"), "quote not found verbatim in passage c19"),
        (("passage: c19", "passage: c99"), "passage 'c99' is not in document"),
        (("credibility: 3", "credibility: 9"), "credibility must be an integer 1-6"),
        (("object: r-plus-6", "value: 60"), "takes an entity 'object'"),
        (("credibility: 3", "credibility: 3\n  hedge: maybe"), "hedge cue 'maybe' is not in the passage text"),
        (("credibility: 3", "credibility: 3\n  status: rumour"), "unknown status 'rumour'"),
        (("credibility: 3", "credibility: 3\n  cites: [nobody]"), "cites refers to unknown entity 'nobody'"),
    ],
)
def test_bad_claims_are_rejected_with_file_line_and_reason(
    workspace: Workspace, change: tuple[str, str], reason: str
) -> None:
    write_claims(workspace, GOOD.replace(*change))
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    message = str(caught.value)
    assert reason in message
    assert "claims-test.yaml:3" in message  # the entry's line


def test_folded_quote_gets_a_hint(workspace: Workspace) -> None:
    write_claims(workspace, GOOD.replace("Two Russian Su-30s", "two russian  Su-30s"))
    with pytest.raises(AnnotationError, match="matches only after folding"):
        load(workspace)


def test_duplicate_claims_are_rejected(workspace: Workspace) -> None:
    write_claims(workspace, GOOD + GOOD)
    with pytest.raises(AnnotationError, match="the same claim is already at"):
        load(workspace)


def test_duplicate_entity_ids_are_rejected(workspace: Workspace) -> None:
    (workspace.annotations / "entities-extra.yaml").write_text(
        "- id: al-tanf\n  kind: Town\n  label: Tanf again\n", encoding="utf-8"
    )
    with pytest.raises(AnnotationError, match="duplicate entity id 'al-tanf'"):
        load(workspace)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("- id: x1\n  kind: Castle\n  label: X\n", "unknown kind 'Castle'"),
        ("- id: X One\n  kind: Town\n  label: X\n", "is not a lower-case slug"),
        ("- id: x1\n  kind: MilitaryUnit\n  label: X\n  echelon: legion\n", "unknown echelon 'legion'"),
        (
            "- id: x1\n  kind: Town\n  label: X\n  geo: {lat: 95, lon: 10, precision_km: 1}\n",
            "coordinates out of range",
        ),
        (
            "- id: x1\n  kind: Town\n  label: X\n  located_in: [atlantis]\n",
            "located_in refers to unknown entity 'atlantis'",
        ),
        ("- id: x1\n  kind: NewsOutlet\n  label: X\n  reliability: Z\n", "is not one of A-F"),
        ("- id: x1\n  kind: Town\n  lable: X\n", "missing key(s): label"),
    ],
)
def test_bad_entities_are_rejected(workspace: Workspace, entry: str, reason: str) -> None:
    (workspace.annotations / "entities-extra.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(AnnotationError, match=reason.replace("(", r"\(").replace(")", r"\)")) as caught:
        load(workspace)
    assert "entities-extra.yaml:" in str(caught.value)


def test_background_knowledge_needs_a_basis(workspace: Workspace) -> None:
    (workspace.background / "bg.yaml").write_text(
        "claims:\n  - subject: hezbollah\n    relation: memberOf\n    object: r-plus-6\n", encoding="utf-8"
    )
    with pytest.raises(AnnotationError, match="needs a 'basis'"):
        load(workspace)


def test_yaml_syntax_errors_name_the_line(workspace: Workspace) -> None:
    (workspace.annotations / "claims-test.yaml").write_text(f"document: {DOC}\nclaims: [\n  - x: [\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"claims-test.yaml:\d+: YAML syntax"):
        load(workspace)
