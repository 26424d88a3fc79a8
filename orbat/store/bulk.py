"""Large writes through pyoxigraph's bulk loader, all or nothing.

A write through a transaction (``Store.update``, ``Store.extend``) holds the whole change in
memory and in the write-ahead log until it commits: a 375k-triple INSERT DATA took minutes,
gigabytes of memory and of log, and a restart after a kill replayed that log (bench/README.md).
``Store.bulk_load`` instead sorts the data into new table files on disk and adds them to the
database in one ingestion at the end (pyoxigraph >= 0.5.1 bulk loads are atomic unless asked
not to be; the ingestion is RocksDB's multi-column-family ``IngestExternalFiles``, all or none):
a killed or failed bulk load leaves nothing behind, and a restart has no log to replay.

What that gives each write (tests/test_bulk_writes.py):
- adding to a graph (Graph Store POST, a large ``INSERT DATA``): one bulk load, all or nothing;
- replacing a graph that already holds triples (Graph Store PUT) is two steps, dropping the old
  triples (a transaction) and bulk loading the new ones, so the old triples are first saved in an
  undo journal next to the database (``orbat-undo/``). If the load fails, the old triples are
  loaded back before the error is reported; if the process dies in between, the next opening of
  the store puts them back. Either way a write that was not acknowledged leaves the old graph.

A large SPARQL update goes this way only when it is one ``INSERT DATA`` whose data reads the same
as TriG (SPARQL's quad data is TriG's syntax, https://www.w3.org/TR/sparql11-update/#insertData,
https://www.w3.org/TR/trig/) and holds no blank nodes (INSERT DATA makes them fresh; a bulk load
would keep their labels); anything else runs as SPARQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse

from orbat.store.base import StoreError

BULK_BYTES = 1 << 20  # bodies from 1 MiB go through the bulk loader
QUAD_FORMATS = {RdfFormat.N_QUADS, RdfFormat.TRIG}
DEFAULT_GRAPH_DATA = "data for the default graph: name a graph (the default graph is the union of all graphs)"
_INSERT_DATA = re.compile(r"\bINSERT\s+DATA\s*\{", re.IGNORECASE)
_CLOSING = re.compile(r"\}\s*;?\s*\Z")


def insert_data_document(sparql: str) -> str | None:
    """The TriG document an update of one ``INSERT DATA`` adds, or None for any other update.

    Text around the block that is not a prologue (another operation) makes the document invalid
    TriG, which ``check`` refuses, so such updates fall back to SPARQL."""
    opening = _INSERT_DATA.search(sparql)
    closing = _CLOSING.search(sparql)
    if opening is None or closing is None or closing.start() < opening.end():
        return None
    return sparql[: opening.start()] + "\n" + sparql[opening.end() : closing.start()] + "\n"


def _has_blank_node(term: object) -> bool:
    if isinstance(term, BlankNode):
        return True
    if isinstance(term, Triple):
        return any(_has_blank_node(t) for t in (term.subject, term.predicate, term.object))
    return False


@dataclass(frozen=True)
class Checked:
    quads: int
    blank_nodes: bool


def check(data: bytes, format: RdfFormat, graph: str | None) -> Checked:
    """Parse the whole body once, without keeping it, before anything is written: a syntax error
    is a 400 that changes nothing. Without a target graph, triples for the default graph are refused
    (the default graph is the union of all graphs), as orbat.store.embedded.parse_quads does."""
    count, blank = 0, False
    try:
        for item in parse(data, format=format):
            count += 1
            if graph is None and (not isinstance(item, Quad) or isinstance(item.graph_name, DefaultGraph)):
                raise StoreError(DEFAULT_GRAPH_DATA)
            blank = blank or any(_has_blank_node(t) for t in (item.subject, item.object))
    except SyntaxError as exc:
        raise StoreError(f"cannot parse {format.name}: {exc}") from exc
    return Checked(count, blank)


def bulk_add(store: Store, data: bytes, format: RdfFormat, graph: str | None) -> None:
    """One atomic bulk load: triples into ``graph``, or quads into their graphs."""
    target = NamedNode(graph) if graph is not None and format not in QUAD_FORMATS else None
    try:
        store.bulk_load(data, format=format, to_graph=target)
    except SyntaxError as exc:
        raise StoreError(f"cannot parse {format.name}: {exc}") from exc


class UndoJournal:
    """The old triples of graphs being replaced, kept on disk until the replacement is complete."""

    def __init__(self, store_path: Path) -> None:
        self.directory = store_path / "orbat-undo"

    def _files(self, graph: str) -> tuple[Path, Path]:
        name = hashlib.sha256(graph.encode()).hexdigest()[:32]
        return self.directory / f"{name}.nt", self.directory / f"{name}.json"

    def save(self, store: Store, graph: str) -> None:
        """Write the graph's triples, then the entry naming it (the entry's presence means "undo")."""
        self.directory.mkdir(exist_ok=True)
        triples, entry = self._files(graph)
        with triples.open("wb") as out:
            store.dump(out, format=RdfFormat.N_TRIPLES, from_graph=NamedNode(graph))
            out.flush()
            os.fsync(out.fileno())
        partial = entry.with_suffix(".tmp")
        partial.write_text(json.dumps({"graph": graph}), encoding="utf-8")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(entry)

    def discard(self, graph: str) -> None:
        triples, entry = self._files(graph)
        entry.unlink(missing_ok=True)
        triples.unlink(missing_ok=True)

    def restore(self, store: Store, graph: str) -> None:
        """Put the saved triples back in place of whatever the graph holds now, then forget them."""
        triples, _ = self._files(graph)
        store.update(f"DROP SILENT GRAPH <{graph}>")
        store.bulk_load(path=str(triples), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
        self.discard(graph)

    def pending(self) -> Iterator[str]:
        """Graphs whose replacement did not complete (the process died, or the undo failed)."""
        if not self.directory.is_dir():
            return
        for entry in sorted(self.directory.glob("*.json")):
            yield json.loads(entry.read_text(encoding="utf-8"))["graph"]
