"""The store interface every part of orbat talks to.

Two implementations keep the same contract (tests/test_store_contract.py): the embedded
pyoxigraph store, and a client of any SPARQL 1.1 Protocol + Graph Store Protocol server, so a
deployment that outgrows one machine swaps the store without touching queries, API or CLI.

Contract:
- queries see the union of all named graphs as their default graph and every graph as a named
  graph, unless the query's FROM / FROM NAMED or the caller's ``default_graphs`` /
  ``named_graphs`` (the SPARQL Protocol's dataset, which wins) say otherwise (orbat.store.dataset);
- parameters are bound as RDF terms (``$name`` in the query text), never pasted as text;
- every write (update, load, replace) is atomic: when it fails, the store is unchanged;
- every call takes a ``deadline`` (orbat.deadline; by default the caller's current one): a remote
  store gives up at it (``QueryTimeout``), the embedded one does not start work past it;
- ``version()`` changes with every write made through orbat, and ``capabilities()`` says what the
  engine can do (orbat.store.capabilities).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    RdfFormat,
    Triple,
)

from orbat.deadline import Deadline
from orbat.store.capabilities import Capabilities

Term = NamedNode | BlankNode | Literal
QueryResult = QuerySolutions | QueryBoolean | Iterator[Triple]


# An absolute filesystem path: a "/" that starts a word (not the "//" or "/x" inside an IRI or URL),
# then at least two segments. Storage errors name the store's files; clients must not see them.
_PATH = re.compile(r"(?<![\w:/.%~-])/[^\s/:'\"<>()]+(?:/[^\s/:'\"<>()]*)+")


def scrub_paths(message: str) -> str:
    """The message with every absolute filesystem path replaced by ``<path>``."""
    return _PATH.sub("<path>", message)


class StoreError(Exception):
    """A store refused a request; ``status`` says whose fault (400 bad input, 503 unavailable,
    507 no space left for the store)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class TripleStore(Protocol):
    """Query, update, load and dump per named graph."""

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        deadline: Deadline | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``$name`` variables are replaced by ``bindings[name]``.

        ``default_graphs`` / ``named_graphs`` are the protocol's dataset: when either is given, the
        two together are the whole dataset (a half not given is empty) and FROM / FROM NAMED in the
        query are ignored."""
        ...

    def update(self, sparql: str, *, deadline: Deadline | None = None) -> None:
        """Run a SPARQL update atomically."""
        ...

    def load(
        self,
        data: bytes,
        format: RdfFormat,
        graph: str | None = None,
        *,
        replace: bool = False,
        deadline: Deadline | None = None,
    ) -> int:
        """Add (or with ``replace`` put) RDF into a named graph, or quads into their graphs; atomic."""
        ...

    def quads(self, graph: str | None = None, *, deadline: Deadline | None = None) -> Iterator[Quad]:
        """Stream the quads of one named graph, or of every graph (for exports)."""
        ...

    def graphs(self, *, deadline: Deadline | None = None) -> list[str]:
        """IRIs of the named graphs that hold triples."""
        ...

    def drop(self, graph: str | None = None, *, deadline: Deadline | None = None) -> None:
        """Remove one named graph, or each of the store's graphs (by name: never ``DROP ALL``)."""
        ...

    def version(self, *, deadline: Deadline | None = None) -> str:
        """A stamp that changes with every write made through orbat (orbat.store.version)."""
        ...

    def capabilities(self) -> Capabilities:
        """What the engine can do: probed once (orbat.store.capabilities)."""
        ...

    def __len__(self) -> int:
        """The number of quads."""
        ...
