"""The RDF dataset of a query: FROM / FROM NAMED and the protocol's default-graph-uri /
named-graph-uri, after the W3C SPARQL 1.1 Protocol dataset tests (w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl) and SPARQL 1.1 Query section 13.2.

The data is the W3C tests' (tests/fixtures/protocol-dataset.trig: data1-data3, one graph each,
plus a label per graph). Answers are parsed and compared as sets: which labels the default graph
holds, and which (graph, label) pairs GRAPH ?g finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse
from sparql_support import GRAPH, assert_responsive, cheap_query, error, rows

from api.app import create_app
from orbat.store import EmbeddedStore, TripleStore

FIXTURE = Path(__file__).parent / "fixtures" / "protocol-dataset.trig"
DATA = "http://kasei.us/2009/09/sparql/data/"
D1, D2, D3 = (f"{DATA}data{i}.rdf" for i in (1, 2, 3))
UNKNOWN = "http://kasei.us/2009/09/sparql/data/data0.rdf"  # no such graph in the store
FORM = "application/x-www-form-urlencoded"
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
# What the default graph holds (?g unbound) and what GRAPH ?g finds, in one answer.
SEEN = (
    "SELECT ?g ?label {dataset} WHERE {{ {{ ?s rdfs:label ?label }} UNION {{ GRAPH ?g {{ ?s rdfs:label ?label }} }} "
    "{extra} }}"
)
EVERYTHING = {("", "one"), ("", "two"), ("", "three"), (D1, "one"), (D2, "two"), (D3, "three")}


def seen(dataset: str) -> str:
    return RDFS + SEEN.format(dataset=dataset, extra="")


@pytest.fixture(scope="module")
def dataset_client() -> Iterator[TestClient]:
    store = EmbeddedStore()
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    with TestClient(create_app(store)) as client:
        yield client


def send(client: TestClient, how: str, query: str, params: dict[str, list[str]]) -> dict[str, object]:
    """One query, sent as the protocol's GET, form POST or direct POST (section 2.1); the parsed JSON."""
    if how == "get":
        response = client.get("/sparql", params={"query": query, **params})
    elif how == "form":
        response = client.post("/sparql", data={"query": query, **params}, headers={"Content-Type": FORM})
    else:
        headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
        response = client.post("/sparql", params=params, content=query.encode(), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def pairs(bindings: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(row.get("g", ""), row["label"]) for row in bindings}


# --- the W3C protocol tests: ASK answers, each with a case that must say false --------------------

ASK_DEFAULT_1_2 = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_NAMED_1_2 = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
ASK_FULL = f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
W3C_CASES = [
    # (test, how, query, protocol parameters, the answer)
    ("query_dataset_default_graphs_get", "get", ASK_DEFAULT_1_2, {"default-graph-uri": [D1, D2]}, True),
    ("query_dataset_default_graphs_post", "direct", ASK_DEFAULT_1_2, {"default-graph-uri": [D1, D2]}, True),
    ("query_dataset_default_graphs_post (form)", "form", ASK_DEFAULT_1_2, {"default-graph-uri": [D1, D2]}, True),
    ("one default graph lacks data2", "get", ASK_DEFAULT_1_2, {"default-graph-uri": [D1]}, False),
    ("default graphs only: no named graphs", "get", ASK_NAMED_1_2, {"default-graph-uri": [D1, D2]}, False),
    ("query_dataset_named_graphs_post", "direct", ASK_NAMED_1_2, {"named-graph-uri": [D1, D2]}, True),
    ("query_dataset_named_graphs_get", "get", ASK_NAMED_1_2, {"named-graph-uri": [D1, D2]}, True),
    ("named graphs only: an empty default graph", "get", ASK_DEFAULT_1_2, {"named-graph-uri": [D1, D2]}, False),
    ("query_dataset_full", "direct", ASK_FULL, {"default-graph-uri": [D3], "named-graph-uri": [D1, D2]}, True),
    ("full: data3 is not named", "direct", ASK_FULL, {"default-graph-uri": [D3], "named-graph-uri": [D1]}, False),
    (
        "query_multiple_dataset",
        "direct",
        f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}",
        {"named-graph-uri": [D1, D2]},
        True,
    ),
    (
        "multiple dataset: the query's FROM gives way to the protocol's dataset",
        "direct",
        f"ASK FROM <{D3}> {{ <{D3}> a ?type }}",
        {"named-graph-uri": [D1, D2]},
        False,
    ),
    ("FROM in the query alone", "direct", f"ASK FROM <{D3}> {{ <{D3}> a ?type }}", {}, True),
    ("FROM in the query narrows", "direct", f"ASK FROM <{D3}> {{ <{D1}> a ?type }}", {}, False),
]


@pytest.mark.parametrize(
    ("how", "query", "params", "expected"), [case[1:] for case in W3C_CASES], ids=[case[0] for case in W3C_CASES]
)
def test_w3c_protocol_dataset_cases(
    dataset_client: TestClient, how: str, query: str, params: dict[str, list[str]], expected: bool
) -> None:
    assert send(dataset_client, how, query, params)["boolean"] is expected


# --- FROM / FROM NAMED (SPARQL 1.1 Query 13.2) and the protocol's override, on both stores --------

DATASET_CASES = [
    # (case, the query's dataset clause, default-graph-uri, named-graph-uri, what the query sees)
    ("no clause: the union, every graph named", "", [], [], EVERYTHING),
    ("FROM one graph", f"FROM <{D1}>", [], [], {("", "one")}),
    ("FROM two graphs merge", f"FROM <{D1}> FROM <{D2}>", [], [], {("", "one"), ("", "two")}),
    ("FROM a graph the store lacks: nothing", f"FROM <{UNKNOWN}>", [], [], set()),
    ("FROM NAMED alone: an empty default graph", f"FROM NAMED <{D2}>", [], [], {(D2, "two")}),
    ("FROM and FROM NAMED", f"FROM <{D1}> FROM NAMED <{D3}>", [], [], {("", "one"), (D3, "three")}),
    ("lower case, prefixed name", "PREFIX d: <" + DATA + ">\nfrom d:data2.rdf", [], [], {("", "two")}),
    ("relative to BASE", f"BASE <{DATA}>\nFROM <data3.rdf>", [], [], {("", "three")}),
    ("default-graph-uri wins over FROM", f"FROM <{D1}>", [D2], [], {("", "two")}),
    ("named-graph-uri wins over FROM NAMED", f"FROM NAMED <{D1}>", [], [D3], {(D3, "three")}),
    ("named-graph-uri replaces FROM too", f"FROM <{D1}>", [], [D3], {(D3, "three")}),
    ("both parameters", "", [D1], [D2, D3], {("", "one"), (D2, "two"), (D3, "three")}),
    ("a graph named twice counts once", f"FROM <{D1}> FROM <{D1}>", [], [], {("", "one")}),
]


def query_with(case_clause: str) -> str:
    """The SEEN query with a clause; a BASE or PREFIX in the clause goes before SELECT."""
    head, _, clause = case_clause.rpartition("\n")
    return head + "\n" + seen(clause) if head else seen(clause)


@pytest.mark.parametrize(
    ("clause", "default", "named", "expected"), [c[1:] for c in DATASET_CASES], ids=[c[0] for c in DATASET_CASES]
)
def test_the_endpoint_honours_the_dataset(
    dataset_client: TestClient, clause: str, default: list[str], named: list[str], expected: set[tuple[str, str]]
) -> None:
    params = {"default-graph-uri": default, "named-graph-uri": named}
    answer = send(dataset_client, "direct", query_with(clause), {k: v for k, v in params.items() if v})
    assert pairs([{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]) == expected  # type: ignore[index]


@pytest.mark.parametrize(
    ("clause", "default", "named", "expected"), [c[1:] for c in DATASET_CASES], ids=[c[0] for c in DATASET_CASES]
)
def test_both_stores_honour_the_dataset(
    empty_store: TripleStore, clause: str, default: list[str], named: list[str], expected: set[tuple[str, str]]
) -> None:
    empty_store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    result = empty_store.query(query_with(clause), default_graphs=default or None, named_graphs=named or None)
    found = {(row["g"].value if row["g"] else "", row["label"].value) for row in result}  # type: ignore[union-attr,index]
    assert found == expected


def not_a_clause(extra: str) -> str:
    return RDFS + SEEN.format(dataset="", extra=extra)


@pytest.mark.parametrize(
    "query",
    [
        not_a_clause(f'FILTER(?label != "FROM <{D1}>")'),
        not_a_clause(f'FILTER(?label != """a "FROM" <{D1}>""")'),
        not_a_clause(f"# FROM <{D1}>\n"),
        not_a_clause("OPTIONAL { ?s <http://example.org/none> ?from }"),
        f"PREFIX from: <{DATA}>\n" + not_a_clause("OPTIONAL { ?s from:none ?o }"),
    ],
    ids=["in a string", "in a long string", "in a comment", "a variable", "a prefix"],
)
def test_from_that_is_not_a_dataset_clause_changes_nothing(dataset_client: TestClient, query: str) -> None:
    answer = send(dataset_client, "direct", query, {})
    bindings = [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]  # type: ignore[index]
    assert pairs(bindings) == EVERYTHING


def graph_answer(client: TestClient, query: str) -> set[str]:
    response = client.post(
        "/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert response.status_code == 200, response.text
    return {str(t.object) for t in parse(response.content, format=RdfFormat.N_TRIPLES)}


def test_construct_and_describe_read_the_from_graph(dataset_client: TestClient) -> None:
    construct = RDFS + "CONSTRUCT {{ ?s rdfs:label ?l }} {} WHERE {{ ?s rdfs:label ?l }}"
    assert graph_answer(dataset_client, construct.format(f"FROM <{D2}>")) == {'"two"'}
    assert graph_answer(dataset_client, construct.format(f"FROM <{D1}> FROM <{D3}>")) == {'"one"', '"three"'}
    describe = f"DESCRIBE <{D1}> FROM <{{}}>"
    assert graph_answer(dataset_client, describe.format(D1)) == {'"one"', "<http://xmlns.com/foaf/0.1/Document>"}
    assert graph_answer(dataset_client, describe.format(D2)) == set()


INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("SELECT (1 AS ?value) {}", "application/sparql-results+json", [{"value": "1"}]),
        ("ASK {}", "application/sparql-results+json", True),
        (
            "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}",
            "application/n-triples",
            [f'<http://example.org/s> <http://example.org/p> "1"^^<{INTEGER}>'],
        ),
        ("DESCRIBE <http://example.org/>", "application/n-triples", []),
    ],
    ids=["query_content_type_select", "query_content_type_ask", "query_content_type_construct", "describe"],
)
def test_content_types_with_a_dataset_of_an_unknown_graph(
    dataset_client: TestClient, query: str, accept: str, expected: object
) -> None:
    response = dataset_client.post(
        "/sparql",
        params={"default-graph-uri": UNKNOWN},
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    if accept == "application/n-triples":
        assert [str(t) for t in parse(response.content, format=RdfFormat.N_TRIPLES)] == expected
    elif query.startswith("ASK"):
        assert response.json()["boolean"] is expected
    else:
        assert rows(response) == expected


def test_a_bad_graph_iri_in_from_is_a_400(dataset_client: TestClient) -> None:
    response = dataset_client.post(
        "/sparql", content=b"SELECT * FROM <not an iri> WHERE {}", headers={"Content-Type": "application/sparql-query"}
    )
    error(response, 400)


# --- the issue's case, on the seed knowledge base ---------------------------------------------------


def count(client: TestClient, query: str, **params: str) -> int:
    return int(rows(client.get("/sparql", params={"query": query, **params}))[0]["n"])


def test_from_counts_that_graph_only_on_the_seed(client: TestClient) -> None:
    everything = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    ontology = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": GRAPH + "ontology"})
    assert 0 < ontology < everything
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}ontology> WHERE {{ ?s ?p ?o }}") == ontology
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}no-such-graph> WHERE {{ ?s ?p ?o }}") == 0
    assert_responsive(cheap_query(client))
