"""The build: a workspace's files -> checked claims -> triples -> validated, reasoned -> the store.

One function used by ``orbat build``, ``orbat serve`` and the tests, so the knowledge base that is
served, exported and tested is the same. The store holds a manifest of the graphs we wrote
(orbat.manifest), so a build touches only what changed and never a graph it did not write:

- *full* (``--full``, a store without our manifest or built from another workspace, or a change to
  anything but the reports: ontology, shapes, rules, the entity registry, the background, the
  seed's layout): every file is read and checked, the whole knowledge base validated (SHACL) and,
  with ``reason``, checked by HermiT; the inferences are recomputed graph by graph
  (orbat.inference); then only the graphs whose content changed are written, and graphs the
  manifest lists that no longer exist are dropped. Nothing is written unless every check passed.
- *incremental* (only reports changed, were added or removed): each changed report is checked and
  written as ``orbat add`` does it, each removed one dropped as ``orbat remove`` does
  (orbat.changes), each all or nothing; an unchanged workspace costs hashing its files.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from pyoxigraph import RdfFormat
from rdflib import Graph

from orbat import manifest, reasoning, validation
from orbat.annotations import Annotations, load_annotations
from orbat.inference import as_quads, background_inferences, report_inferences, to_ntriples
from orbat.manifest import Entry
from orbat.namespaces import BACKGROUND_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, inferred_graph, source_graph
from orbat.ontology import ontology_graph, ontology_ntriples
from orbat.reports import report_path
from orbat.store import EmbeddedStore
from orbat.store.base import TripleStore
from orbat.triples import locations, named_graphs
from orbat.workspace import Workspace

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build produced, for people (``orbat build``, the build report beside the store)."""

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
    full: bool = True  # everything read and checked (else: only the reports that changed)
    written: list[str] = field(default_factory=list)  # graphs written (their content changed)
    dropped: list[str] = field(default_factory=list)  # graphs dropped (their report is gone)
    beyond_rules: int = 0  # inferences of HermiT that the rules do not make (orbat.inference)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)


def _entities_by_kind(annotations: Annotations) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for entity in annotations.entities.values():
        counts.update(entity.kinds)
    return dict(sorted(counts.items()))


def dataset_bytes(graphs: dict[str, bytes]) -> bytes:
    """The named graphs (N-Triples each) as sorted N-Quads: the same knowledge gives the same bytes."""
    lines: list[bytes] = []
    for name, data in graphs.items():
        suffix = f" <{name}> .".encode()
        lines += [line.rstrip()[:-1].rstrip() + suffix for line in data.splitlines() if line.strip()]
    return b"\n".join(sorted(lines)) + b"\n"


def report_files(annotations: Annotations, workspace: Workspace) -> dict[str, list[str]]:
    """Report id -> its files, workspace-relative: ``reports/<id>.yaml`` (and its text file), or the
    seed's layout for a document of ``sources/``."""
    legacy = manifest.legacy_files(workspace)
    files = {d.id: legacy for d in annotations.documents}
    for report in annotations.reports:
        paths = [report_path(workspace, report.id)] + ([report.text_path] if report.text_path else [])
        files[report.id] = [manifest.relative(workspace, p) for p in paths]
    return files


@dataclass
class Compiled:
    """A full build's graphs (N-Triples) with their manifest entries, before anything is stored."""

    graphs: dict[str, tuple[Entry, bytes]]
    report: BuildReport

    def ntriples(self) -> dict[str, bytes]:
        """Graph name -> its N-Triples."""
        return {name: data for name, (_, data) in self.graphs.items()}


def _entry(graph: str, kind: str, input_hash: str, data: bytes, **extra: object) -> tuple[Entry, bytes]:
    triples = data.count(b"\n")
    return Entry(graph, kind, input_hash, manifest.content_hash(data), triples, **extra), data  # type: ignore[arg-type]


def compile_graphs(workspace: Workspace, reason: bool = True, progress: Progress | None = None) -> Compiled:
    """Read, convert, validate, infer and (with ``reason``) check with HermiT; raise on problems
    (every problem of the files at once). Nothing is stored yet."""
    say = progress or (lambda _: None)
    say("reading the workspace")
    annotations = load_annotations(workspace)
    say("converting to RDF")
    rdf = {str(ONTOLOGY_GRAPH): ontology_graph(workspace), **named_graphs(annotations)}
    union = Graph()
    for graph in rdf.values():
        union += graph
    say("validating (SHACL)")
    validation.require_valid(union, locations(annotations), workspace)
    data = {name: to_ntriples(graph) for name, graph in rdf.items() if name != str(ONTOLOGY_GRAPH)}
    data[str(ONTOLOGY_GRAPH)] = ontology_ntriples(workspace)
    say("inferring")
    ontology_nt = data[str(ONTOLOGY_GRAPH)]
    scratch = EmbeddedStore()  # what the store will hold, for the report's contexts (as orbat add reads them)
    scratch.load(dataset_bytes(data), RdfFormat.N_QUADS)
    data[str(INFERRED_GRAPH)] = background_inferences(ontology_nt, data[str(BACKGROUND_GRAPH)])
    scratch.load(as_quads(data[str(INFERRED_GRAPH)], str(INFERRED_GRAPH)), RdfFormat.N_QUADS)
    for document in annotations.documents:
        source = source_graph(document.id)
        data[inferred_graph(document.id)], _ = report_inferences(scratch, data[source], source, ontology_nt)
    beyond: list[str] = []
    if reason:
        say("checking consistency (HermiT)")
        ours = {line for name, graph in data.items() if name != str(ONTOLOGY_GRAPH) for line in graph.splitlines()}
        hermit = reasoning.materialise(union)
        beyond = sorted(line for line in to_ntriples(hermit).splitlines() if line not in ours)
    context = manifest.context_hash(workspace)
    files = report_files(annotations, workspace)
    introduced: dict[str, list[str]] = {}
    for report in annotations.reports:
        introduced[report.id] = sorted(e.id for e in report.entities)
    graphs: dict[str, tuple[Entry, bytes]] = {
        str(ONTOLOGY_GRAPH): _entry(str(ONTOLOGY_GRAPH), "ontology", context, data[str(ONTOLOGY_GRAPH)]),
        str(BACKGROUND_GRAPH): _entry(str(BACKGROUND_GRAPH), "background", context, data[str(BACKGROUND_GRAPH)]),
        str(INFERRED_GRAPH): _entry(str(INFERRED_GRAPH), "inferred", context, data[str(INFERRED_GRAPH)]),
    }
    for document in annotations.documents:
        key = document.id
        inputs = manifest.report_hash(workspace, context, files[key])
        common = {"files": tuple(files[key]), "report": key}
        graphs[source_graph(key)] = _entry(
            source_graph(key),
            "report",
            inputs,
            data[source_graph(key)],
            introduces=tuple(introduced.get(key, ())),
            **common,
        )
        graphs[inferred_graph(key)] = _entry(
            inferred_graph(key), "report-inferred", inputs, data[inferred_graph(key)], **common
        )
    inferred = sum(
        entry.triples for name, (entry, _) in graphs.items() if entry.kind in ("inferred", "report-inferred")
    )
    report = BuildReport(
        fingerprint=workspace.fingerprint(),
        sources=len(annotations.documents),
        passages=sum(len(d.passages) for d in annotations.documents),
        claims=len(annotations.claims),
        claims_by_status=dict(sorted(Counter(c.status for c in annotations.claims).items())),
        entities_by_kind=_entities_by_kind(annotations),
        quads_by_graph={name: entry.triples for name, (entry, _) in sorted(graphs.items())},
        inferred=inferred,
        reasoned=reason,
        workspace=str(workspace.root),
        beyond_rules=len(beyond),
    )
    for line in beyond[:10]:
        report.notes.append(f"HermiT infers what the rules do not: {line.decode('utf-8')}")
    return Compiled(graphs, report)


def needs_full(store: TripleStore, workspace: Workspace, current: manifest.Manifest | None = None) -> str | None:
    """Why only a full build will do (no manifest of ours, another workspace, the context
    changed), or None when the reports alone changed, if anything did."""
    found = current or manifest.read(store)
    if not found.entries:
        return "the store holds no build of ours"
    if found.workspace != str(workspace.root):
        return f"it was built from another workspace, {found.workspace or 'unknown'}"
    context = manifest.context_hash(workspace)
    if any(e.input_hash != context for e in found.entries.values() if e.kind in ("ontology", "background", "inferred")):
        return f"files of the workspace {workspace.root} other than reports changed since it was built"
    return None


def build(
    store: TripleStore,
    workspace: Workspace,
    *,
    reason: bool = True,
    full: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring ``store`` up to date with ``workspace``: a full build when needed (or ``full``), else
    only the reports that changed (see the module docstring)."""
    from orbat import changes  # changes builds on this module's compile step

    current = manifest.read(store)
    if not full and needs_full(store, workspace, current) is None:
        return changes.sync(store, workspace, current, progress)
    compiled = compile_graphs(workspace, reason, progress)
    if progress:
        progress("storing")
    writes = current.writes_for(compiled.graphs.values())
    drops = sorted(set(current.entries) - set(compiled.graphs))
    manifest.apply(store, workspace, writes, drops)
    if isinstance(store, EmbeddedStore) and store.path and any(w.data for w in writes):
        store.flush()
    compiled.report.written = sorted(w.entry.graph for w in writes if w.data is not None)
    compiled.report.dropped = drops
    return compiled.report
