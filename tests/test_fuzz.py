"""Fuzzing the SPARQL side (slow suite): no request may crash the service or get a 5xx other than
the documented time-limit and busy answers.

- schemathesis generates requests from the OpenAPI schema for /sparql and /rdf-graphs (the REST
  API has its own schema test in the default suite);
- a grammar fuzzer (hypothesis) writes SPARQL 1.1 queries from the grammar's productions, nested
  and repeated past every limit, then damages some of them (cut, doubled, a brace dropped), and
  sends them to /sparql.

The app runs over the seed on disk, so queries run in worker processes (api.isolation): a crash in
the engine would show as a 500 here. After every request a cheap query must still answer.
Bounded: a fixed number of examples, derandomized, each with the default time limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sparql_support import assert_responsive, cheap_query

from api.app import create_app
from api.settings import Settings
from orbat.store import EmbeddedStore

pytestmark = pytest.mark.slow

SETTINGS = Settings(query_timeout_s=2.0)
CHEAP = "ASK { ?s ?p ?o }"
DOCUMENTED_503 = ("time limit", "busy")

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(EmbeddedStore())).include(
    path_regex=r"^/(sparql|rdf-graphs)"
)


@pytest.fixture(scope="module")
def fuzz_app(kb_on_disk: EmbeddedStore) -> FastAPI:
    return create_app(kb_on_disk, SETTINGS)


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fuzz_app) as client:
        yield client


def assert_no_server_error(status: int, body: str) -> None:
    if status == 503:
        assert any(word in body for word in DOCUMENTED_503), body[:300]
    else:
        assert status < 500, body[:300]


def assert_still_up(client: TestClient) -> None:
    assert_responsive(cheap_query(client))


OPERATIONS = [result.ok() for result in schema.get_all_operations()]  # one item each, also under xdist


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_protocol_endpoints_never_answer_an_undocumented_5xx(operation: Any, fuzz_app: FastAPI) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def answers(case: schemathesis.Case) -> None:
        response = case.call(app=fuzz_app)
        assert_no_server_error(response.status_code, response.text)

    answers()


# --- a SPARQL grammar fuzzer -----------------------------------------------------------------

VARIABLES = st.sampled_from(["?s", "?p", "?o", "?x", "$y", "?label"])
IRIS = st.sampled_from(
    [
        "<https://w3id.org/orbat/id/al-tanf>",
        "skos:prefLabel",
        "rdf:type",
        "<http://example.org/x>",
        "<https://w3id.org/orbat/graph/ontology>",
        "a",
    ]
)
LITERALS = st.sampled_from(['"al-Tanf"', "'x'@en", '"""long\nstring"""', "42", "-1.5e3", "true", '"\\u0041"'])
TERMS = st.one_of(VARIABLES, IRIS, LITERALS)
TRIPLES = st.builds(lambda s, p, o: f"{s} {p} {o} .", st.one_of(VARIABLES, IRIS), st.one_of(VARIABLES, IRIS), TERMS)
OPERATORS = st.sampled_from(["=", "!=", "<", "&&", "||", "+", "*"])
EXPRESSIONS = st.recursive(
    st.one_of(VARIABLES, LITERALS),
    lambda inner: st.one_of(
        st.builds(
            lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from(["=", "!=", "<", "&&", "||", "+", "*"]), inner
        ),
        st.builds(lambda f, a: f"{f}({a})", st.sampled_from(["STR", "LCASE", "STRLEN", "BOUND", "isIRI", "!"]), inner),
        st.builds(lambda a, b: f"CONTAINS(STR({a}), STR({b}))", inner, inner),
    ),
    max_leaves=8,
)


def _patterns(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, b: f"{{ {a} }} UNION {{ {b} }}", inner, inner),
        st.builds(lambda a, b: f"{a} OPTIONAL {{ {b} }}", inner, inner),
        st.builds(lambda a, b: f"{a} MINUS {{ {b} }}", inner, inner),
        st.builds(lambda a, e: f"{a} FILTER {e}", inner, EXPRESSIONS.map(lambda e: f"({e})")),
        st.builds(lambda g, a: f"GRAPH {g} {{ {a} }}", st.one_of(VARIABLES, IRIS), inner),
        st.builds(lambda a: f"{{ SELECT * WHERE {{ {a} }} LIMIT 5 }}", inner),
        st.builds(lambda a, e, v: f"{a} BIND({e} AS {v})", inner, EXPRESSIONS, VARIABLES),
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
    )


PATTERNS = st.recursive(TRIPLES, _patterns, max_leaves=12)
PREFIXES = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
)
QUERIES = st.builds(
    lambda form, pattern, tail: f"{PREFIXES}{form} WHERE {{ {pattern} }}{tail}",
    st.sampled_from(["SELECT *", "SELECT DISTINCT ?s", "SELECT (COUNT(*) AS ?n)", "ASK", "CONSTRUCT { ?s ?p ?o }"]),
    PATTERNS,
    st.sampled_from(["", " LIMIT 10", " ORDER BY ?s", " GROUP BY ?s", " OFFSET 3 LIMIT 1"]),
)


@st.composite
def deep(draw: st.DrawFn) -> str:
    """Nesting and repetition past the engine's breaking points (STACK.md): braces, OPTIONAL,
    sub-SELECT, UNION branches, brackets in expressions."""
    n = draw(st.sampled_from([10, 500, 2_500, 4_000, 8_000]))
    kind = draw(st.sampled_from(["braces", "optional", "subselect", "union", "parens"]))
    if kind == "braces":
        return "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n
    if kind == "optional":
        return "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }"
    if kind == "subselect":
        return "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n
    if kind == "union":
        return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }"
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }"


@st.composite
def damaged(draw: st.DrawFn, queries: st.SearchStrategy[str]) -> str:
    query = draw(queries)
    how = draw(st.sampled_from(["none", "cut", "double", "drop-brace", "stray"]))
    if how == "cut":
        return query[: draw(st.integers(0, len(query)))]
    if how == "double":
        return query + " " + query
    if how == "drop-brace":
        return query.replace("}", "", 1)
    if how == "stray":
        at = draw(st.integers(0, len(query)))
        return query[:at] + draw(st.sampled_from(["{", "}", "(", '"', "<", "#", "\\", "\x00", "."])) + query[at:]
    return query


@given(query=st.one_of(damaged(QUERIES), deep()))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_generated_queries_never_crash_the_service(query: str, fuzz_client: TestClient) -> None:
    response = fuzz_client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert_no_server_error(response.status_code, response.text)
    assert_still_up(fuzz_client)
