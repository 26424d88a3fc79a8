"""The annotation keys of issue 9: modality, originator, same_line_as, disputes and valid time at
a precision; what the loader makes of them, and the located error for each bad use."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import entities_only

from orbat.annotations import Claim, load_annotations
from orbat.workspace import Workspace
from orbat.yamlfile import AnnotationError

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"

# Two claims of the seed's comments: c19's air cover, and c10's doubt that Russia flies at all.
COVER = """\
- passage: c19
  subject: russian-aerospace-forces
  relation: providesAirCoverFor
  object: r-plus-6
  quote: "Two Russian Su-30s flew cover for the advancing forces yesterday."
  credibility: 3
"""
DENIAL = """\
- passage: c10
  subject: russian-aerospace-forces
  relation: providesAirCoverFor
  object: r-plus-6
  quote: "the Russians have shown they aren’t if the air is contested"
  modality: denied
  credibility: 3
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return entities_only(tmp_path / "workspace")


def load(workspace: Workspace, body: str) -> list[Claim]:
    text = f"document: {DOC}\nclaims:\n" + textwrap.indent(textwrap.dedent(body), "  ")
    (workspace.annotations / "claims-test.yaml").write_text(text, encoding="utf-8")
    return [c for c in load_annotations(workspace).claims if c.document is not None]


def test_defaults_reported_by_the_passage_author_on_its_own_line(workspace: Workspace) -> None:
    (claim,) = load(workspace, COVER)
    assert claim.modality == "reported" and claim.status == "reported"
    assert claim.originator is None and claim.origin == claim.asserted_by
    assert claim.same_line_as is None and claim.disputes == ()


def test_references_resolve_to_claim_ids(workspace: Workspace) -> None:
    body = DENIAL + COVER + "  disputes: [c10/russian-aerospace-forces/providesAirCoverFor/r-plus-6]\n"
    denial, cover = load(workspace, body)
    assert denial.modality == "denied" and cover.disputes == (denial.id,)
    by_id = DENIAL + COVER + f"  same_line_as: {DOC}/c10/russian-aerospace-forces/providesAirCoverFor/r-plus-6\n"
    denial, cover = load(workspace, by_id)
    assert cover.same_line_as == denial.id


def test_the_older_status_assessed_reads_as_modality_assessed(workspace: Workspace) -> None:
    (claim,) = load(workspace, COVER + "  status: assessed\n")
    assert claim.modality == "assessed" and claim.status == "assessed"


@pytest.mark.parametrize(
    ("written", "start", "end", "precision"),
    [
        ("{from: 2017-05-20, to: 2017-05-20}", dt.date(2017, 5, 20), dt.date(2017, 5, 20), "day"),
        # a day as text: how a report sent as JSON (POST /api/reports) writes it
        ("{from: '2017-05-20', to: '2017-05-21'}", dt.date(2017, 5, 20), dt.date(2017, 5, 21), "day"),
        ("{from: 2016-09, to: 2016-09}", dt.date(2016, 9, 1), dt.date(2016, 9, 30), "month"),
        ("{from: 2016-02, to: 2016-02}", dt.date(2016, 2, 1), dt.date(2016, 2, 29), "month"),
        ("{from: 1914, to: 1918}", dt.date(1914, 1, 1), dt.date(1918, 12, 31), "year"),
        ("{from: 2013}", dt.date(2013, 1, 1), None, "year"),
    ],
)
def test_valid_time_keeps_the_precision_the_text_gives(
    workspace: Workspace, written: str, start: dt.date, end: dt.date | None, precision: str
) -> None:
    (claim,) = load(workspace, COVER + f"  valid_time: {written}\n")
    assert claim.valid_time is not None
    assert (claim.valid_time.start, claim.valid_time.end) == (start, end)
    assert claim.valid_time.start_bound is not None and claim.valid_time.start_bound.precision == precision


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("  modality: rumour\n", "unknown modality 'rumour'"),
        ("  modality: question\n  status: assessed\n", "status assessed and modality question disagree"),
        ("  originator: nobody-known\n", "originator refers to unknown entity 'nobody-known'"),
        ("  same_line_as: c11/russian-aerospace-forces/providesAirCoverFor/r-plus-6\n", "refers to no claim"),
        ("  same_line_as: c19/only-three/parts\n", "is neither a claim id nor"),
        ("  same_line_as: c19/russian-aerospace-forces/providesAirCoverFor/r-plus-6\n", "cannot refer to itself"),
        ("  disputes: [x]\n", "disputes: 'x' is neither a claim id nor"),
        ("  valid_time: {from: 2017-13}\n", "no month 13"),
        ("  valid_time: {from: May 2017}\n", "must be YYYY-MM-DD, YYYY-MM or YYYY"),
        ("  valid_time: {from: 2017-06, to: 2017-05}\n", "valid_time from 2017-06-01 is after to 2017-05-31"),
        ("  valid_time: {from: 2017-05-20 10:00:00}\n", "not a date and time"),
    ],
)
def test_bad_uses_of_the_new_keys_are_located(workspace: Workspace, extra: str, reason: str) -> None:
    with pytest.raises(AnnotationError) as caught:
        load(workspace, COVER + extra)
    entry_line, value_line = "claims-test.yaml:3: ", "claims-test.yaml:9: "  # the claim, or its valid_time
    assert (entry_line in str(caught.value) or value_line in str(caught.value)) and reason in str(caught.value)


def test_a_reference_matching_two_claims_asks_for_an_id(workspace: Workspace) -> None:
    longer = "The US has shown that it is willing to use theirs and the Russians have shown they aren’t"
    twice = DENIAL + DENIAL.replace("the Russians have shown they aren’t", longer)
    with pytest.raises(AnnotationError, match="matches 2 claims, name one by its id"):
        load(workspace, twice + COVER + "  disputes: [c10/russian-aerospace-forces/providesAirCoverFor/r-plus-6]\n")


def test_a_line_that_goes_round_in_a_circle_is_refused(workspace: Workspace) -> None:
    ref = "/russian-aerospace-forces/providesAirCoverFor/r-plus-6"
    body = DENIAL + f"  same_line_as: c19{ref}\n" + COVER + f"  same_line_as: c10{ref}\n"
    with pytest.raises(AnnotationError, match="goes round in a circle"):
        load(workspace, body)
