"""The build: a workspace's sources and annotations -> claims -> triples -> validated, reasoned -> store.

One function used by ``orbat build``, ``orbat serve`` and the tests, so the knowledge base that
is served, exported and tested is the same. The store is replaced in one atomic write, only after
validation and reasoning succeeded: a failed build leaves the previous knowledge base in place.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from pyoxigraph import RdfFormat
from rdflib import Graph

from orbat import reasoning, validation
from orbat.annotations import Annotations, load_annotations
from orbat.namespaces import ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from orbat.ontology import ontology_graph
from orbat.store.base import TripleStore
from orbat.triples import claim_iri, named_graphs
from orbat.workspace import Workspace

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build produced, for people (``orbat build``) and for staleness checks: a store built
    from another workspace, or from files that changed since, is stale."""

    fingerprint: str
    sources: int
    passages: int
    claims: int
    claims_by_status: dict[str, int]
    entities_by_kind: dict[str, int]
    quads_by_graph: dict[str, int]
    inferred: int
    reasoned: bool
    violations: int = 0
    notes: list[str] = field(default_factory=list)
    workspace: str = ""  # the workspace's folder

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)


def locations(annotations: Annotations) -> dict[str, str]:
    """Node IRI -> annotation file:line, for readable validation reports."""
    where = {str(ID[e.id]): e.where for e in annotations.entities.values()}
    where.update({str(claim_iri(c)): f"{c.where} (claim {c.id})" for c in annotations.claims})
    return where


def _entities_by_kind(annotations: Annotations) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for entity in annotations.entities.values():
        counts.update(entity.kinds)
    return dict(sorted(counts.items()))


def dataset_bytes(graphs: dict[str, Graph]) -> bytes:
    """The named graphs as N-Quads (each graph's N-Triples with its name appended), sorted: the
    store receives them in one order whatever order rdflib and the reasoner produced them in, so a
    rebuild gives the same store, down to the order its exports list the triples in."""
    lines: list[bytes] = []
    for name, graph in graphs.items():
        suffix = f" <{name}> .".encode()
        for line in graph.serialize(format="nt", encoding="utf-8").splitlines():
            if line.strip():
                lines.append(line.rstrip()[:-1].rstrip() + suffix)
    return b"\n".join(sorted(lines)) + b"\n"


def compile_graphs(
    workspace: Workspace, reason: bool = True, progress: Progress | None = None
) -> tuple[dict[str, Graph], BuildReport]:
    """Read, convert, validate and reason; raise on the first problem. Nothing is stored yet."""
    say = progress or (lambda _: None)
    say("reading annotations")
    annotations = load_annotations(workspace)
    say("converting to RDF")
    graphs = {str(ONTOLOGY_GRAPH): ontology_graph(workspace), **named_graphs(annotations)}
    union = Graph()
    for graph in graphs.values():
        union += graph
    say("validating (SHACL)")
    validation.require_valid(union, locations(annotations), workspace)
    inferred = Graph()
    if reason:
        say("reasoning (HermiT)")
        inferred = reasoning.materialise(union)
        graphs[str(INFERRED_GRAPH)] = inferred
    report = BuildReport(
        fingerprint=workspace.fingerprint(),
        sources=len(annotations.documents),
        passages=sum(len(d.passages) for d in annotations.documents),
        claims=len(annotations.claims),
        claims_by_status=dict(sorted(Counter(c.status for c in annotations.claims).items())),
        entities_by_kind=_entities_by_kind(annotations),
        quads_by_graph={name: len(g) for name, g in sorted(graphs.items())},
        inferred=len(inferred),
        reasoned=reason,
        workspace=str(workspace.root),
    )
    for document in annotations.documents:
        report.notes.append(f"{document.id}: graph {source_graph(document.id)}")
    return graphs, report


def build(
    store: TripleStore, workspace: Workspace, *, reason: bool = True, progress: Progress | None = None
) -> BuildReport:
    """Build the knowledge base of ``workspace`` into ``store``, replacing its content in one atomic write."""
    graphs, report = compile_graphs(workspace, reason, progress)
    if progress:
        progress("storing")
    store.load(dataset_bytes(graphs), RdfFormat.N_QUADS, replace=True)
    return report
