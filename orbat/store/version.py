"""The store's version: a stamp that every write changes, so that caches in other processes follow it.

Several API workers share one SPARQL server (``orbat serve --workers N``). Each keeps caches derived
from the store (the name index, orbat.names); a write through one worker must reach the others'
caches within a second, without a restart. So every write made through a RemoteStore also replaces
one triple in a graph of its own (``VERSION_GRAPH``) with a new random stamp, in the same request
when it is a SPARQL update (atomic with it), and each cache remembers the stamp it was built at and
rebuilds when a cheap look-up (one triple) finds another (api.state).

The version graph is the store's bookkeeping: ``graphs()``, ``len()``, ``quads()`` and exports leave
it out. Writes that bypass orbat (another tool writing to the server) do not change the stamp.
"""

from __future__ import annotations

import uuid

from pyoxigraph import QuerySolutions

VERSION_GRAPH = "https://w3id.org/orbat/graph/store-version"
EMPTY_GRAPH = "https://w3id.org/orbat/graph/empty"  # never written: an empty default graph by name
HIDDEN_GRAPHS = frozenset({VERSION_GRAPH, EMPTY_GRAPH})
_SUBJECT = "<https://w3id.org/orbat/graph/store-version#store>"
_PREDICATE = "<https://w3id.org/orbat/ontology#storeVersion>"
READ_QUERY = f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> {{ {_SUBJECT} {_PREDICATE} ?v }} }}"
UNKNOWN = "none"  # no write through orbat yet


def stamp_update() -> str:
    """A SPARQL update that gives the store a new version."""
    return (
        f"DROP SILENT GRAPH <{VERSION_GRAPH}> ;\n"
        f'INSERT DATA {{ GRAPH <{VERSION_GRAPH}> {{ {_SUBJECT} {_PREDICATE} "{uuid.uuid4()}" }} }}'
    )


def stamped(update: str) -> str:
    """``update`` followed by the stamp, as one request (a comment on its last line stays closed)."""
    return f"{update.rstrip().rstrip(';')}\n;\n{stamp_update()}"


def read(result: object) -> str:
    if isinstance(result, QuerySolutions):
        for row in result:
            if row["v"] is not None:
                return str(row["v"].value)
    return UNKNOWN
