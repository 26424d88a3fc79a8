"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory.

pyoxigraph makes each ``update``/``load``/``extend`` call atomic but has no multi-call
transaction, so a small replacement is one SPARQL update (``DROP GRAPH ...; INSERT DATA ...``)
built from data that has already parsed. Large writes (``bulk_bytes`` and more) go through the
bulk loader with the guarantees of orbat.store.bulk; a failing disk is handled as orbat.store.disk
and ``EmbeddedStore`` say.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    parse,
)

from orbat.deadline import Deadline, current
from orbat.store.base import QueryResult, StoreError, Term, scrub_paths
from orbat.store.bulk import (
    BULK_BYTES,
    DEFAULT_GRAPH_DATA,
    QUAD_FORMATS,
    UndoJournal,
    bulk_add,
    check,
    insert_data_document,
)
from orbat.store.capabilities import EMBEDDED, Capabilities
from orbat.store.dataset import query_dataset
from orbat.store.disk import is_storage_failure, storage_error
from orbat.store.parameters import bind_parameters

T = TypeVar("T")


def parse_quads(data: bytes, format: RdfFormat, graph: str | None) -> list[Quad]:
    """Parse RDF into quads placed in ``graph`` (triple formats) or their own graphs (quad formats)."""
    target = NamedNode(graph) if graph else DefaultGraph()
    try:
        parsed = list(parse(data, format=format))
    except SyntaxError as exc:
        raise StoreError(f"cannot parse {format.name}: {exc}") from exc
    quads = []
    for item in parsed:
        if isinstance(item, Quad):
            quads.append(
                item
                if format in QUAD_FORMATS and graph is None
                else Quad(item.subject, item.predicate, item.object, target)
            )
        else:
            quads.append(Quad(item.subject, item.predicate, item.object, target))
    if graph is None and any(isinstance(q.graph_name, DefaultGraph) for q in quads):
        raise StoreError(DEFAULT_GRAPH_DATA)
    return quads


def insert_data(quads: Sequence[Quad]) -> str:
    """A SPARQL ``INSERT DATA`` for parsed quads (terms serialize escaped, so this is safe)."""
    lines = [f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads]
    return "INSERT DATA {\n" + "\n".join(lines) + "\n}"


def replacement(quads: Sequence[Quad], graph: str | None) -> str:
    """One atomic update that puts ``quads`` in place of the named graph, or of everything."""
    drop = f"DROP SILENT GRAPH <{graph}> ;\n" if graph else "DROP ALL ;\n"
    return drop + insert_data(quads)


def _not_late(deadline: Deadline | None) -> None:
    """pyoxigraph cannot stop a running query or write: only refuse to start one past its deadline."""
    deadline = current(deadline)
    if deadline is not None:
        deadline.check()


class EmbeddedStore:
    """pyoxigraph behind the TripleStore contract.

    Writes are serialized by the store's own lock. When a write fails on the disk (full, or another
    I/O error), RocksDB refuses every later write until the database is opened again, so the store
    recovers by itself: queries move to a read-only handle at once (it opens without the lock and
    without writing), and the next write reopens the database for writing, which succeeds once the
    disk has room again. Until then writes answer 507 (full) or 503 and queries keep answering.
    """

    def __init__(
        self, path: Path | str | None = None, *, read_only: bool = False, bulk_bytes: int = BULK_BYTES
    ) -> None:
        self.path = Path(path) if path else None
        self.read_only = read_only
        self.bulk_bytes = bulk_bytes  # writes of this many bytes or more go through the bulk loader
        self._lock = threading.RLock()
        self._reopen_needed = False
        self._writes = 0
        try:
            if self.path and read_only:
                self._store = Store.read_only(str(self.path))
            else:
                self._store = Store(str(self.path)) if self.path else Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}", status=503) from exc
        self._journal = UndoJournal(self.path) if self.path and not read_only else None
        if self._journal is not None:
            try:
                for graph in list(self._journal.pending()):
                    self._journal.restore(self._store, graph)  # a replacement the last process did not finish
            except OSError as exc:
                raise storage_error(exc, "finish an interrupted graph replacement") from exc

    @property
    def native(self) -> Store:
        """The pyoxigraph store, for bulk loading in benchmarks and builds."""
        return self._store

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        deadline: Deadline | None = None,
    ) -> QueryResult:
        _not_late(deadline)
        dataset = query_dataset(sparql, default_graphs, named_graphs)
        options: dict[str, object] = {"use_default_graph_as_union": True}
        if dataset is not None:
            options = {
                "default_graph": [NamedNode(g) for g in dataset.default_graphs],
                "named_graphs": [NamedNode(g) for g in dataset.named_graphs],
            }
        if bindings:  # written into the text, as on a remote store: constants the planner can start from
            sparql = bind_parameters(sparql, bindings)
        try:
            return self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc
        except RuntimeError as exc:  # evaluation errors of the query itself
            raise StoreError(f"query failed: {exc}") from exc

    # --- writes -----------------------------------------------------------------------------------

    def _write(self, action: Callable[[Store], T]) -> T:
        """Run one write under the lock, on a database that accepts writes (reopened if need be)."""
        with self._lock:
            self._reopen()
            try:
                return action(self._store)
            except OSError as exc:
                if not is_storage_failure(exc):
                    raise StoreError(f"update failed: {scrub_paths(str(exc))}") from exc
                self._fall_back_to_read_only()
                raise storage_error(exc) from exc

    def _fall_back_to_read_only(self) -> None:
        """After a failed write: queries read through a read-only handle, the next write reopens.

        A read-only handle opens reliably only while the primary is stopped by its error (no
        compaction deleting files under it); if it does not open, the primary is still working and
        stays in use, with no reopen."""
        if self.path is None or self.read_only:
            return
        try:
            fallback = Store.read_only(str(self.path))
        except (OSError, RuntimeError):
            return
        self._store, self._reopen_needed = fallback, True

    def _reopen(self) -> None:
        if not self._reopen_needed or self.path is None:
            return
        gc.collect()  # results still held elsewhere keep the old handle, and its lock, alive
        try:
            store = Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                message = "the store is reopening after a storage error while queries still read it: retry shortly"
                raise StoreError(message, status=503) from exc
            raise storage_error(exc, "reopen for writing") from exc
        self._store, self._reopen_needed = store, False
        if self._journal is not None:
            for graph in list(self._journal.pending()):
                self._journal.restore(store, graph)  # a replacement whose undo failed with the disk

    def update(self, sparql: str, *, deadline: Deadline | None = None) -> None:
        _not_late(deadline)
        self._writes += 1
        document = insert_data_document(sparql) if len(sparql) >= self.bulk_bytes else None
        if document is not None:
            data = document.encode()
            try:
                checked = check(data, RdfFormat.TRIG, None)
            except StoreError:
                checked = None  # not TriG after all: SPARQL says what is wrong, or runs it
            if checked is not None and not checked.blank_nodes:
                self._write(lambda store: bulk_add(store, data, RdfFormat.TRIG, None))
                return

        def run(store: Store) -> None:
            try:
                store.update(sparql)
            except SyntaxError as exc:
                raise StoreError(f"SPARQL syntax error: {exc}") from exc
            except RuntimeError as exc:
                raise StoreError(f"update failed: {exc}") from exc

        self._write(run)

    def load(
        self,
        data: bytes,
        format: RdfFormat,
        graph: str | None = None,
        *,
        replace: bool = False,
        deadline: Deadline | None = None,
    ) -> int:
        _not_late(deadline)
        self._writes += 1
        # Bulk: triples into a named graph, or quads added into their graphs (a replacement of
        # everything stays one transaction).
        bulkable = (graph is not None and format not in QUAD_FORMATS) or (graph is None and not replace)
        if len(data) >= self.bulk_bytes and bulkable:
            return self._bulk_load(data, format, graph, replace)
        quads = parse_quads(data, format, graph)
        if replace:
            self.update(replacement(quads, graph))
        else:
            self._write(lambda store: store.extend(quads))
        if self.path:
            # A bulk write stays in RocksDB's write buffer (memtable) until flushed, and scans over
            # it are about 10x slower than over sorted files: /api/claims took 6.0 s instead of
            # 0.57 s on the handle that had just built the store (bench/README.md).
            self.flush()
        return len(quads)

    def _bulk_load(self, data: bytes, format: RdfFormat, graph: str | None, replace: bool) -> int:
        checked = check(data, format, graph)  # before anything changes

        def run(store: Store) -> None:
            if replace and graph is not None and self._holds(store, graph):
                self._replace_graph(store, data, format, graph)
            else:
                bulk_add(store, data, format, graph)

        self._write(run)
        return checked.quads

    @staticmethod
    def _holds(store: Store, graph: str) -> bool:
        return any(True for _ in store.quads_for_pattern(None, None, None, NamedNode(graph)))

    def _replace_graph(self, store: Store, data: bytes, format: RdfFormat, graph: str) -> None:
        """Drop, then bulk load, with the old triples in the undo journal meanwhile (orbat.store.bulk)."""
        drop = f"DROP SILENT GRAPH <{graph}>"
        if self._journal is None:  # in memory: nothing survives the process, the old triples wait in a list
            old = list(store.quads_for_pattern(None, None, None, NamedNode(graph)))
            try:
                store.update(drop)
                bulk_add(store, data, format, graph)
            except BaseException:
                store.update(drop)
                store.extend(old)
                raise
            return
        self._journal.save(store, graph)
        try:
            store.update(drop)
            bulk_add(store, data, format, graph)
        except BaseException:
            with contextlib.suppress(OSError):  # else the next reopen, or the next process, restores it
                self._journal.restore(store, graph)
            raise
        self._journal.discard(graph)

    def quads(self, graph: str | None = None, *, deadline: Deadline | None = None) -> Iterator[Quad]:
        _not_late(deadline)
        if graph is None:
            return (q for q in self._store if not isinstance(q.graph_name, DefaultGraph))
        return self._store.quads_for_pattern(None, None, None, NamedNode(graph))

    def graphs(self, *, deadline: Deadline | None = None) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def drop(self, graph: str | None = None, *, deadline: Deadline | None = None) -> None:
        targets = [graph] if graph else self.graphs()
        if targets:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in targets), deadline=deadline)

    def version(self, *, deadline: Deadline | None = None) -> str:
        """Writes through this object, counted: other processes cannot write to an embedded store
        while this one holds it, and a read-only view follows through api.isolation."""
        return f"{id(self)}:{self._writes}"

    def capabilities(self) -> Capabilities:
        return EMBEDDED

    def flush(self) -> None:
        self._write(lambda store: store.flush())

    def __len__(self) -> int:
        return len(self._store)
