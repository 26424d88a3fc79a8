"""Paging in the store (orbat.paging): pages cut by LIMIT/OFFSET in SPARQL, a total counted up to a
cap, and the optional lines of a query ("# if: NAME") kept only for the parameters given."""

from __future__ import annotations

import pytest

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
