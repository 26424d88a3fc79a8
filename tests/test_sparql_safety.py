"""The SPARQL tokenizer behind the SERVICE/LOAD refusal, the query form and the limits: tables of texts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sparql_support import assert_responsive, cheap_query

from api.errors import ApiError
from api.settings import Settings
from api.sparql_safety import check_query, check_update, find_load, find_service, query_form
from api.sparql_tokens import raw_tokens


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", {"line": 1, "column": 18}),
        ("select * where {\n  service silent <http://x/> {} }", {"line": 2, "column": 3}),
        ("SELECT * WHERE{SERVICE<http://x/>{}}", {"line": 1, "column": 16}),
        ("SELECT * WHERE { ?s ?p 'a' . Service ?endpoint {} }", {"line": 1, "column": 30}),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> {} }", {"line": 1, "column": 18}),  # spec section 19.2 escapes
        ("SELECT * WHERE { '''a\n''' SERVICE <http://x/> {} }", {"line": 2, "column": 5}),
        ('SELECT * WHERE { "unterminated SERVICE <http://x/> {} }', {"line": 1, "column": 32}),  # errs to refusing
        ("SELECT * WHERE { FILTER(?a<?b) SERVICE <http://x/> {} }", {"line": 1, "column": 32}),
    ],
)
def test_service_is_found(text: str, where: dict[str, int]) -> None:
    assert find_service(text) == where


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ("SERVICE" AS ?x) {}',
        "SELECT ('SERVICE' AS ?x) {}",
        'SELECT ("""a "quoted" SERVICE\n""" AS ?x) {}',
        "SELECT ('it\\'s SERVICE' AS ?x) {}",
        "SELECT * {} # SERVICE <http://x/> {}",
        "SELECT ?service {}",
        "SELECT $service {}",
        "PREFIX service: <http://x/> SELECT * { ?s service:SERVICE ?o }",
        "SELECT * { <http://x/SERVICE#frag> ?p ?o }",
        "SELECT * { ?s <urn:x:SERVICE> ?o }",
        "SELECT * { ?s ?p ?servicer . ?s ?p ?preSERVICE }",
        "SELECT * { _:SERVICE ?p ?o }",
    ],
)
def test_service_elsewhere_is_not_the_keyword(text: str) -> None:
    assert find_service(text) is None


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("LOAD <http://example.org/x.ttl>", "<http://example.org/x.ttl>"),
        ("load silent <file:///etc/passwd> into graph <urn:g>", "<file:///etc/passwd>"),
        ("PREFIX ex: <http://example.org/>\nCLEAR ALL ;\nLOAD ex:data", "ex:data"),
    ],
)
def test_load_is_found_with_its_source(text: str, source: str) -> None:
    found = find_load(text)
    assert found is not None and found["source"] == source


@pytest.mark.parametrize(
    "text",
    [
        'INSERT DATA { <urn:a> <urn:b> "LOAD <http://x/>" }',
        "INSERT DATA { <urn:a> <urn:load> ?load }",
        "# LOAD <http://x/>\nCLEAR ALL",
    ],
)
def test_load_elsewhere_is_not_the_operation(text: str) -> None:
    assert find_load(text) is None


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("PREFIX select: <http://x/>\n# ASK in a comment\nconstruct {} WHERE { { SELECT * {} } }", "CONSTRUCT"),
        ("BASE <http://x/ASK> describe <a>", "DESCRIBE"),
        ("ask {}", "ASK"),
        ("not a query", None),
    ],
)
def test_query_form(text: str, form: str | None) -> None:
    assert query_form(text) == form


def test_settings_switch_the_checks_off() -> None:
    service = "SELECT * { SERVICE <http://x/> {} }"
    load = "LOAD <http://x/>"
    with pytest.raises(ApiError) as refused:
        check_query(service, Settings())
    assert refused.value.status == 403
    check_query(service, Settings(allow_service=True))
    with pytest.raises(ApiError):
        check_update(load, Settings(allow_service=True))
    check_update(load, Settings(allow_remote_load=True))
    with pytest.raises(ApiError):
        check_update("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }", Settings(allow_remote_load=True))


# --- hostile text: the scan is linear (timings in bench/bench_scan.py) and never blocks the service -----------

HOSTILE = {"dots": ".", "dashes": "-", "a-a-": "a-", "nested braces": "{", "open strings": '"\\', "broken IRIs": "<a"}


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=list(HOSTILE))
def test_a_megabyte_of_hostile_text_is_answered_and_the_service_still_answers(client: TestClient, unit: str) -> None:
    """Issue 12: 256 KB of dots stalled every endpoint for 56 s (a quadratic regular expression on the
    event loop). 1 MB of each pattern (the default size limit) is refused with a 400, and a cheap query
    answers right after."""
    text = unit * (999_000 // len(unit))
    response = client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text[:300]
    assert_responsive(cheap_query(client))


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("?o.FILTER", [("var", "?o"), ("run", ".FILTER")]),
        ("ex:a.b-c ?x", [("pname", "ex:a.b-c"), ("var", "?x")]),
        ('"a\\" { " }', [("string", '"a\\" { "'), ("other", "}")]),
        ('"open { ', [("other", '"'), ("word", "open"), ("other", "{")]),
        (
            "<a<b> ^^ || #c\n1.5",
            [
                ("other", "<"),
                ("word", "a"),
                ("iri", "<b>"),
                ("other", "^^"),
                ("other", "||"),
                ("comment", "#c"),
                ("run", "1.5"),
            ],
        ),
    ],
)
def test_tokens(text: str, kinds: list[tuple[str, str]]) -> None:
    assert [(t.kind, t.text) for t in raw_tokens(text)] == kinds
