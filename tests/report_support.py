"""What the report tests share: the fixture reports (tests/fixtures/reports/), adding them as
``orbat add`` does, and views of a store and a workspace to compare before and after a change."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Quad

from orbat import changes
from orbat.build import build
from orbat.manifest import MANIFEST_GRAPH
from orbat.models import ReportChange
from orbat.namespaces import source_graph
from orbat.store import EmbeddedStore, TripleStore
from orbat.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
FIRST, SECOND, THIRD = "steppe-monitor-2017-06-01", "border-watch-2017-06-03", "coalition-brief-2017-06-05"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.yaml").read_bytes()


def add(store: TripleStore, workspace: Workspace, name: str, data: bytes | None = None) -> ReportChange:
    """Add a report of tests/fixtures/reports (or ``data`` in its place) as ``orbat add`` does."""
    path = FIXTURES / f"{name}.yaml"
    return changes.add(store, workspace, fixture_bytes(name) if data is None else data, name=str(path), folder=FIXTURES)


def quads(store: TripleStore) -> set[tuple[str, str]]:
    """The store's quads, but for who added or removed a report (the manifest's record of a token's
    name, tests/test_tokens.py): no file holds it, so a build from the files cannot give it."""
    return {(q.graph_name.value, str(q.triple)) for q in store.quads() if not _who(q)}


def _who(quad: Quad) -> bool:
    if quad.graph_name.value != MANIFEST_GRAPH:
        return False
    subject = getattr(quad.subject, "value", "")
    return quad.predicate.value == "http://purl.org/dc/terms/creator" or subject.startswith(
        MANIFEST_GRAPH + "/removed/"
    )


def built_from_files(workspace: Workspace) -> set[tuple[str, str]]:
    """What a full build of the workspace's files gives, in a store of its own."""
    store = EmbeddedStore()
    build(store, workspace, reason=False, full=True)
    return quads(store)


def claim_ids(store: TripleStore, report: str) -> list[str]:
    query = f"""SELECT ?id WHERE {{ GRAPH <{source_graph(report)}> {{
        ?claim a <https://w3id.org/orbat/ontology#Claim> ; <http://purl.org/dc/terms/identifier> ?id }} }}"""
    return sorted(row["id"].value for row in store.query(query))  # type: ignore[union-attr,index]


def files(workspace: Workspace) -> dict[str, bytes]:
    """Every file of the reports folder, hidden ones included."""
    return {p.name: p.read_bytes() for p in workspace.reports.iterdir()}
