"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory.

pyoxigraph makes each ``update``/``load``/``extend`` call atomic but has no multi-call
transaction, so a replacement is one SPARQL update (``DROP GRAPH ...; INSERT DATA ...``)
built from data that has already parsed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Variable,
    parse,
)

from orbat.store.base import QueryResult, StoreError, Term
from orbat.store.dataset import query_dataset

QUAD_FORMATS = {RdfFormat.N_QUADS, RdfFormat.TRIG}


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
        raise StoreError("data for the default graph: name a graph (the default graph is the union of all graphs)")
    return quads


def insert_data(quads: Sequence[Quad]) -> str:
    """A SPARQL ``INSERT DATA`` for parsed quads (terms serialize escaped, so this is safe)."""
    lines = [f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads]
    return "INSERT DATA {\n" + "\n".join(lines) + "\n}"


def replacement(quads: Sequence[Quad], graph: str | None) -> str:
    """One atomic update that puts ``quads`` in place of the named graph, or of everything."""
    drop = f"DROP SILENT GRAPH <{graph}> ;\n" if graph else "DROP ALL ;\n"
    return drop + insert_data(quads)


class EmbeddedStore:
    """pyoxigraph behind the TripleStore contract."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        try:
            if self.path and read_only:
                self._store = Store.read_only(str(self.path))
            else:
                self._store = Store(str(self.path)) if self.path else Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}", status=503) from exc

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
    ) -> QueryResult:
        dataset = query_dataset(sparql, default_graphs, named_graphs)
        options: dict[str, object] = {"use_default_graph_as_union": True}
        if dataset is not None:
            options = {
                "default_graph": [NamedNode(g) for g in dataset.default_graphs],
                "named_graphs": [NamedNode(g) for g in dataset.named_graphs],
            }
        substitutions = {Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self._store.query(sparql, substitutions=substitutions, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc
        except RuntimeError as exc:  # evaluation errors of the query itself
            raise StoreError(f"query failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def load(self, data: bytes, format: RdfFormat, graph: str | None = None, *, replace: bool = False) -> int:
        quads = parse_quads(data, format, graph)
        if replace:
            self.update(replacement(quads, graph))
        else:
            self._store.extend(quads)
        return len(quads)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        if graph is None:
            return (q for q in self._store if not isinstance(q.graph_name, DefaultGraph))
        return self._store.quads_for_pattern(None, None, None, NamedNode(graph))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def drop(self, graph: str | None = None) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>" if graph else "DROP ALL")

    def flush(self) -> None:
        self._store.flush()

    def __len__(self) -> int:
        return len(self._store)
