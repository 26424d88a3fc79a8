"""Accept headers against the media-type tables: a table of headers and what each gets."""

from __future__ import annotations

import pytest

from api.errors import ApiError
from api.negotiation import BOOLEAN_OFFERS, RDF_OFFERS, SOLUTION_OFFERS, choose, negotiate, parse_accept


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("TEXT/CSV", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv, application/sparql-results+xml", "text/csv"),  # equal q: the client's order
        ("text/*;q=0.3, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*", "text/csv"),
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/xml", "application/sparql-results+xml"),
        ("application/sparql-results+json; charset=utf-8; q=0.8, text/csv; q=0.7", "application/sparql-results+json"),
        ("application/sparql-results+json;q=nonsense, text/csv;q=0.1", "text/csv"),
        ("garbage, */*;q=0.2", "application/sparql-results+json"),
        ("image/png", None),
        ("*/*;q=0", None),
    ],
)
def test_select(accept: str | None, expected: str | None) -> None:
    offer = choose(accept, SOLUTION_OFFERS)
    assert (offer.media_type if offer else None) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("application/ld+json, text/turtle;q=0.9", "application/ld+json"),
        ("text/plain", "application/n-triples"),
        ("application/*", "application/n-triples"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle"),  # a browser
        ("application/sparql-results+json", None),
    ],
)
def test_rdf(accept: str | None, expected: str | None) -> None:
    offer = choose(accept, RDF_OFFERS)
    assert (offer.media_type if offer else None) == expected


def test_ask_has_no_csv() -> None:
    assert choose("text/csv", BOOLEAN_OFFERS) is None
    assert choose("text/csv, */*;q=0.1", BOOLEAN_OFFERS) == BOOLEAN_OFFERS[0]


def test_406_lists_the_table() -> None:
    with pytest.raises(ApiError) as refused:
        negotiate("image/png", RDF_OFFERS, "a graph")
    assert refused.value.status == 406
    assert refused.value.detail["available"] == [o.media_type for o in RDF_OFFERS]


def test_parse_accept_keeps_order_and_q() -> None:
    ranges = parse_accept("text/csv;q=0.5, application/json;level=1;q=0.9, */*;q=2")
    assert [(r.type, r.subtype, r.q, r.position) for r in ranges] == [
        ("text", "csv", 0.5, 0),
        ("application", "json", 0.9, 1),
        ("*", "*", 1.0, 2),
    ]
