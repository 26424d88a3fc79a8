"""Triple stores behind one small interface: embedded (pyoxigraph) or any SPARQL 1.1 server."""

from orbat.store.base import QueryResult, StoreError, TripleStore
from orbat.store.embedded import EmbeddedStore
from orbat.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "QueryResult", "RemoteStore", "StoreError", "TripleStore"]
