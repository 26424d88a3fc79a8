"""The store benchmark's generator keeps the shape of the real build, and the benchmark runs end to end.

The generator test is fast and in the default suite: benchmark figures are only worth something
if the synthetic data has the shape the queries are written for (geometries with their grid cell,
deep orb:partOf chains, claim nodes with evidence beside their plain triple, one graph per
document). The benchmark itself is marked ``slow`` and skipped unless selected (``pytest -m
slow``); it checks that every figure is produced, never how fast.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from bench import bench_store
from bench.generate import Summary, generate
from orbat.triples import grid_cell

PREFIXES = """
PREFIX orb: <https://w3id.org/orbat/ontology#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX st: <https://w3id.org/orbat/status/>
"""


def select(store: Store, query: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Summary, Path]:
    path = tmp_path_factory.mktemp("bench") / "kb.nq"
    summary = generate(5_000, path)
    store = Store()
    store.load(path=str(path), format=RdfFormat.N_QUADS)
    return store, summary, path


def test_generator_writes_the_size_asked_deterministically(tiny: tuple[Store, Summary, Path]) -> None:
    store, summary, path = tiny
    assert 5_000 <= summary.triples < 7_500
    assert len(store) == summary.triples  # it parses, and no quad is written twice
    again = io.StringIO()
    generate(5_000, again)
    assert again.getvalue() == path.read_text(encoding="utf-8")


def test_places_have_geometries_indexed_by_grid_cell(tiny: tuple[Store, Summary, Path]) -> None:
    store, summary, _ = tiny
    rows = select(
        store,
        """SELECT ?place ?lat ?lon ?cell ?wktType ?label WHERE {
             ?place geo:hasGeometry ?g ; skos:prefLabel ?label .
             ?g orb:latitude ?lat ; orb:longitude ?lon ; orb:gridCell ?cell ; geo:asWKT ?wkt ; orb:precisionKm ?p .
             BIND(DATATYPE(?wkt) AS ?wktType)
           }""",
    )
    located = {r["place"].rsplit("/", 1)[-1] for r in rows}
    assert set(summary.places) <= located
    for r in rows:
        assert r["cell"] == grid_cell(float(r["lat"]), float(r["lon"]))
        assert r["wktType"] == "http://www.opengis.net/ont/geosparql#wktLiteral"
        assert 29 <= float(r["lat"]) <= 38 and 35 <= float(r["lon"]) <= 48
    assert set(summary.claimed_places) <= set(summary.places)


def test_units_form_deep_part_of_chains(tiny: tuple[Store, Summary, Path]) -> None:
    store, summary, _ = tiny
    deep = select(
        store,
        """SELECT DISTINCT ?unit WHERE {
             ?unit orb:partOf/orb:partOf/orb:partOf/orb:partOf ?top ; orb:echelon ?echelon .
           }""",
    )
    assert deep, "no orb:partOf chain of depth 4"
    assert summary.max_depth >= 4
    background = select(
        store,
        """SELECT ?claim WHERE {
             GRAPH <https://w3id.org/orbat/graph/background> {
               ?claim orb:relation orb:partOf ; orb:status st:background ; orb:basis ?basis ;
                      orb:subject ?unit ; orb:object ?parent .
               ?unit orb:partOf ?parent .
             }
           }""",
    )
    assert len(background) >= len(summary.units)


def test_claims_have_evidence_and_their_plain_triple_in_the_document_graph(
    tiny: tuple[Store, Summary, Path],
) -> None:
    store, summary, _ = tiny
    claims = select(
        store,
        """SELECT ?claim ?graph ?quote ?start ?end ?text ?plain ?asserts WHERE {
             GRAPH ?graph {
               ?claim a orb:Claim ; orb:subject ?s ; orb:relation ?p ; orb:assertedBy ?by ; orb:status ?status ;
                      orb:credibility ?cred ; orb:hedged ?hedged ; orb:reportDate ?date ; orb:hasEvidence ?ev ;
                      orb:modality ?modality ; orb:originator ?originator .
               ?ev orb:quote ?quote ; orb:inPassage ?passage ; orb:startChar ?start ; orb:endChar ?end .
               ?passage dcterms:isPartOf ?doc .
               ?doc a orb:SourceDocument ; orb:text ?text .
               { ?claim orb:object ?o } UNION { ?claim orb:value ?o }
               BIND(EXISTS { ?s ?p ?o } AS ?plain)
             }
             OPTIONAL { ?modality orb:assertsTriple ?asserts }
             ?by orb:reliability ?reliability .
           }""",
    )
    assert len(claims) == summary.claims
    assert len({c["graph"] for c in claims}) == summary.documents
    assert any(c["asserts"] == "false" for c in claims)  # questions, denials...: no plain triple of their own
    for c in claims:
        assert c["plain"] == "true" or c["asserts"] == "false"
        assert c["text"][int(c["start"]) : int(c["end"])] == c["quote"]
    graphs = {g.value for g in store.named_graphs()}  # type: ignore[union-attr]
    assert len(graphs) == summary.graphs


def test_alliances_have_members(tiny: tuple[Store, Summary, Path]) -> None:
    store, summary, _ = tiny
    rows = select(store, "SELECT ?alliance (COUNT(?m) AS ?n) WHERE { ?m orb:memberOf ?alliance } GROUP BY ?alliance")
    assert {r["alliance"].rsplit("/", 1)[-1] for r in rows} == set(summary.alliances)
    assert all(int(r["n"]) >= 2 for r in rows)


@pytest.mark.slow
def test_the_store_benchmark_produces_every_figure(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("a benchmark: run it with -m slow")
    report = bench_store.run_size(20_000, tmp_path, runs=2, rdflib_max=20_000, rdflib_runs=1)
    expected = {
        "generate_s",
        "load_mem_per_s",
        "load_disk_per_s",
        "peak_rss_mb",
        "entity_p50_ms",
        "alliance_p50_ms",
        "corroboration_p50_ms",
        "export_turtle_s",
        "export_nquads_s",
        "rdflib_load_per_s",
        "rdflib_entity_p50_ms",
        "rdflib_export_turtle_s",
        "rdflib_export_nquads_s",
    }
    for radius in bench_store.RADII_KM:
        expected |= {f"near_{radius}_p50_ms", f"near_scan_{radius}_p50_ms", f"near_bbox_{radius}_p50_ms"}
        expected |= {f"rdflib_near_bbox_{radius}_p50_ms"}
    assert expected <= set(report.figures)
    assert all(report.figures[key] > 0 for key in expected)
    assert report.triples >= 20_000
    text = report.render()
    assert "near.rq, 50 km" in text and "target" in text
    assert not [n for n in report.notes if "rows" in n and "answered" in n], report.notes
