"""The manifest: a named graph of the store that describes every graph orbat wrote there.

The files of the workspace are the record and the store is derived from them; the manifest
(``graph/manifest``) says, for each graph we wrote, what it was derived from and two SHA-256 hashes:
of its inputs (the workspace files, and the context they were read in) and of its content (its
triples as sorted N-Triples). So

- ``orbat build`` reads and hashes the files, compares with the manifest, and reloads only the
  graphs whose inputs changed (and writes only those whose content changed);
- a graph the manifest does not list is not ours: nothing ever drops or replaces it;
- a store is stale for a workspace when the hashes of its files differ from the manifest's.

Each graph is described as a ``prov:Entity`` (https://www.w3.org/TR/prov-o/) with its files as
``dcterms:source``; the hashes and counts are terms of our ontology (``orb:inputHash``...).

Inputs: the *context* of a workspace is every file a build reads except the reports (the package's
ontology, shapes and rules, the workspace's own, the entity registry, the background, and the
seed's layout ``sources/`` + ``annotations/claims*``); a change there rebuilds everything. A report
(``reports/<id>.yaml`` and its text file) is hashed with the context, so its graphs are reloaded
when either changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat
from rdflib.namespace import DCTERMS

from orbat.namespaces import GRAPH, ID, ORB, PROV
from orbat.store.base import TripleStore
from orbat.store.bulk import BULK_BYTES
from orbat.workspace import Workspace, package_files

MANIFEST_GRAPH = str(GRAPH["manifest"])
PENDING = "pending"  # the input and content hash of a graph being written in several steps
KINDS = ("ontology", "background", "inferred", "report", "report-inferred")


@dataclass(frozen=True)
class Entry:
    """One graph we wrote."""

    graph: str
    kind: str
    input_hash: str
    content_hash: str
    triples: int
    files: tuple[str, ...] = ()  # workspace-relative paths (the package's files are not listed)
    report: str | None = None
    introduces: tuple[str, ...] = ()  # entity ids a report describes itself
    added_by: str | None = None  # the name of the token that added the report (dcterms:creator)

    def triples_text(self) -> str:
        """The entry's triples, for SPARQL ``INSERT DATA``."""
        node = NamedNode(self.graph)
        lines = [
            f"{node} a <{PROV}Entity>",
            f"{node} <{ORB}graphKind> {Literal(self.kind)}",
            f"{node} <{ORB}inputHash> {Literal(self.input_hash)}",
            f"{node} <{ORB}contentHash> {Literal(self.content_hash)}",
            f"{node} <{ORB}tripleCount> {Literal(self.triples)}",
        ]
        lines += [f"{node} <{DCTERMS}source> {Literal(f)}" for f in self.files]
        if self.report is not None:
            lines.append(f"{node} <{ORB}reportId> {Literal(self.report)}")
        lines += [f"{node} <{ORB}introduces> {NamedNode(ID[e])}" for e in self.introduces]
        if self.added_by is not None:
            lines.append(f"{node} <{DCTERMS}creator> {Literal(self.added_by)}")
        return "".join(f"{line} .\n" for line in lines)

    def pending(self) -> Entry:
        return Entry(
            self.graph, self.kind, PENDING, PENDING, 0, self.files, self.report, self.introduces, self.added_by
        )


@dataclass
class Manifest:
    """The manifest as read from a store (empty if it has none)."""

    workspace: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)

    def reports(self) -> dict[str, Entry]:
        """Report graphs by report id."""
        return {e.report: e for e in self.entries.values() if e.kind == "report" and e.report is not None}

    def of_report(self, report_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.report == report_id]

    def writes_for(self, graphs: Iterable[tuple[Entry, bytes]]) -> list[Write]:
        """What to write for these graphs: the data of those whose content changed (or whose last
        write did not finish), only the entry of those whose inputs changed, nothing otherwise."""
        writes = []
        for entry, data in graphs:
            old = self.entries.get(entry.graph)
            if old is None or old.content_hash != entry.content_hash or PENDING in (old.input_hash, old.content_hash):
                writes.append(Write(entry, data))
            elif dataclasses.replace(old, added_by=entry.added_by) != entry:  # who re-sent it changes nothing
                writes.append(Write(entry, None))
        return writes

    def introduced(self) -> dict[str, str]:
        """Entity id -> the report that introduces it."""
        return {entity: e.report for e in self.reports().values() for entity in e.introduces if e.report}


_READ = f"""
SELECT ?graph ?key ?value WHERE {{
  GRAPH <{MANIFEST_GRAPH}> {{ ?graph ?key ?value }}
}}"""
_READ_REPORT = f"""
SELECT ?graph ?key ?value ?report WHERE {{
  GRAPH <{MANIFEST_GRAPH}> {{
    {{ ?graph <{ORB}reportId> $report ; ?key ?value }}
    UNION
    {{ BIND (<{MANIFEST_GRAPH}> AS ?graph) ?graph ?key ?value }}
  }}
}}"""


def read(store: TripleStore, report: str | None = None) -> Manifest:
    """The store's manifest; with ``report``, only the entries of that report's graphs (a read of a
    few rows instead of thousands, for a change of one report)."""
    rows: dict[str, dict[str, list[str]]] = {}
    found = store.query(_READ) if report is None else store.query(_READ_REPORT, {"report": Literal(report)})
    for row in found:  # type: ignore[union-attr]
        key = row["key"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]  # type: ignore[index]
        rows.setdefault(row["graph"].value, {}).setdefault(key, []).append(row["value"].value)  # type: ignore[index]
    manifest = Manifest()
    for graph, values in rows.items():
        if graph == MANIFEST_GRAPH:
            manifest.workspace = (values.get("workspace") or [None])[0]
            continue
        if "graphKind" not in values:  # a removal's record (``removal``), not a graph
            continue

        def one(key: str, values: dict[str, list[str]] = values) -> str:
            return (values.get(key) or [""])[0]

        manifest.entries[graph] = Entry(
            graph=graph,
            kind=one("graphKind"),
            input_hash=one("inputHash"),
            content_hash=one("contentHash"),
            triples=int(one("tripleCount") or 0),
            files=tuple(sorted(values.get("source", []))),
            report=one("reportId") or None,
            introduces=tuple(sorted(v.removeprefix(str(ID)) for v in values.get("introduces", []))),
            added_by=(values.get("creator") or [None])[0],
        )
    return manifest


def forget(graphs: Iterable[str]) -> str:
    """SPARQL that removes the entries of ``graphs``."""
    return "".join(f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {NamedNode(g)} ?p ?o }} }} ;\n" for g in graphs)


def removal_node(report: str) -> NamedNode:
    """Where the manifest records who removed a report last (``orb:reportId``, ``orb:removedBy``)."""
    return NamedNode(f"{MANIFEST_GRAPH}/removed/{report}")


def removal(report: str, by: str) -> str:
    """SPARQL that records that ``by`` removed the report (replacing an earlier removal's record)."""
    node = removal_node(report)
    return (
        f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {node} ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {node} <{ORB}reportId> {Literal(report)} ; "
        f"<{ORB}removedBy> {Literal(by)} }} }} ;\n"
    )


def removed_by(store: TripleStore, report: str) -> str | None:
    """Who removed the report last, as the manifest records it (None: not removed through the API)."""
    found = store.query(
        f"SELECT ?by WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {removal_node(report)} <{ORB}removedBy> ?by }} }}"
    )
    return next((row["by"].value for row in found), None)  # type: ignore[union-attr,index]


def workspace_triple(workspace: Workspace) -> str:
    node = NamedNode(MANIFEST_GRAPH)
    return f"{node} <{ORB}workspace> {Literal(str(workspace.root))} .\n"


def set_workspace(workspace: Workspace) -> str:
    """SPARQL that records which workspace the store is built from."""
    return (
        f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {NamedNode(MANIFEST_GRAPH)} <{ORB}workspace> ?w }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {workspace_triple(workspace)} }} }} ;\n"
    )


# ---------------------------------------------------------------- hashes


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(parts: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def context_files(workspace: Workspace) -> list[Path]:
    """Every file a build reads but the reports (see the module docstring)."""
    files = [
        *workspace.ontology_files(),
        *workspace.shape_files(),
        *package_files("queries/rules", "*.rq"),
        *package_files("queries/consistency", "*.rq"),
    ]
    for folder in ("sources", "annotations", "background", "decisions"):
        files += sorted(p for p in (workspace.root / folder).rglob("*") if p.is_file())
    return files


def relative(workspace: Workspace, path: Path) -> str:
    try:
        return str(path.relative_to(workspace.root))
    except ValueError:
        return f"package:{path.relative_to(workspace.package)}"


def context_hash(workspace: Workspace) -> str:
    return _digest((relative(workspace, p), p.read_bytes()) for p in context_files(workspace))


def legacy_files(workspace: Workspace) -> list[str]:
    """The seed's layout: the files of ``sources/`` and the claims files, workspace-relative."""
    files = sorted(p for p in workspace.sources.rglob("*") if p.is_file())
    files += sorted(workspace.annotations.glob("claims*.yaml"))
    return [relative(workspace, p) for p in files]


def report_hash(workspace: Workspace, context: str, files: Iterable[str]) -> str:
    """A report's input hash: the context's and its files' (a missing file hashes as missing)."""
    return hash_of(context, {name: _bytes(workspace.root / name) for name in files})


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def hash_of(context: str, files: dict[str, bytes]) -> str:
    """The input hash of a report whose files (workspace-relative name -> bytes) are ``files``."""
    return _digest([("context", context.encode()), *sorted(files.items())])


# ---------------------------------------------------------------- writing graphs with their entries


@dataclass(frozen=True)
class Write:
    """A graph to put in place (``data``: its N-Triples), or only its entry to update (``data`` None:
    the content is unchanged, its inputs are not)."""

    entry: Entry
    data: bytes | None


def _insert(graphs: list[tuple[str, bytes]], entries: str) -> str:
    blocks = [f"GRAPH {NamedNode(g)} {{\n{data.decode('utf-8')}}}\n" for g, data in graphs if data.strip()]
    blocks.append(f"GRAPH <{MANIFEST_GRAPH}> {{\n{entries}}}\n")
    return "INSERT DATA {\n" + "".join(blocks) + "}"


def _drop(graphs: Iterable[str]) -> str:
    return "".join(f"DROP SILENT GRAPH {NamedNode(g)} ;\n" for g in graphs)


def apply(
    store: TripleStore, workspace: Workspace, writes: list[Write], drops: Iterable[str] = (), also: str = ""
) -> None:
    """Put the graphs of ``writes`` in place of what the store holds under their names, drop the
    graphs of ``drops``, and update the manifest to match; nothing else in the store is touched.

    Small changes (under 1 MiB, a report's) are one SPARQL update: atomic, so readers and a crash see
    the knowledge base before or after, never between. Larger ones go graph by graph, each through
    the store's atomic replacement (the bulk loader on disk): the manifest first marks the graph
    pending, and only when it is in place records its hashes, so a crash in between leaves an entry
    whose inputs match nothing, which the next ``orbat build`` writes again.
    """
    drops = [g for g in drops if g != MANIFEST_GRAPH]
    batch: list[Write] = []
    size = 0
    for write in writes:
        weight = len(write.data or b"")
        if weight >= BULK_BYTES:
            _write_large(store, workspace, write)
            continue
        if batch and size + weight >= BULK_BYTES:
            _write_batch(store, workspace, batch, [])
            batch, size = [], 0
        batch.append(write)
        size += weight
    if batch or drops:
        _write_batch(store, workspace, batch, drops, also)


def _write_batch(
    store: TripleStore, workspace: Workspace, batch: list[Write], drops: list[str], also: str = ""
) -> None:
    replaced = [w.entry.graph for w in batch if w.data is not None]
    update = _drop([*drops, *replaced]) + forget([*drops, *(w.entry.graph for w in batch)])
    update += set_workspace(workspace) + also
    entries = "".join(w.entry.triples_text() for w in batch)
    update += _insert([(w.entry.graph, w.data) for w in batch if w.data is not None], entries)
    store.update(update)


def _write_large(store: TripleStore, workspace: Workspace, write: Write) -> None:
    assert write.data is not None
    graph = write.entry.graph
    store.update(forget([graph]) + set_workspace(workspace) + _insert([], write.entry.pending().triples_text()))
    store.load(write.data, RdfFormat.N_TRIPLES, graph, replace=True)
    store.update(forget([graph]) + _insert([], write.entry.triples_text()))
