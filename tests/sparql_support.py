"""Helpers shared by the SPARQL endpoint and Graph Store tests (not a test module)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from pyoxigraph import RdfFormat, serialize

from api.settings import Settings
from orbat.store import EmbeddedStore

ORB = "https://w3id.org/orbat/ontology#"
ID = "https://w3id.org/orbat/id/"
GRAPH = "https://w3id.org/orbat/graph/"
AL_TANF = ID + "al-tanf"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
PREFIXES = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX id: <{ID}>\nPREFIX orb: <{ORB}>\n"
TOKEN = "test-token-4f1c"
WRITABLE = Settings(update_enabled=True, update_token=TOKEN)


def copy_of(kb: EmbeddedStore, path: Path | None = None) -> EmbeddedStore:
    """A private copy of the seed knowledge base, for tests that write: in memory, or on disk at
    ``path`` (then an app over it reads through worker processes, as ``orbat serve`` does)."""
    store = EmbeddedStore(path)
    store.native.extend(list(kb.quads()))
    return store


def dump(store: EmbeddedStore) -> bytes:
    """Every quad as sorted N-Quads: equal bytes, equal stores."""
    lines = (serialize([q], format=RdfFormat.N_QUADS) or b"" for q in store.quads())
    return b"".join(sorted(lines))


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rows(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON results as plain dicts of variable -> value."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    data: dict[str, Any] = json.loads(response.content)
    return [{k: v["value"] for k, v in binding.items()} for binding in data["results"]["bindings"]]


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The one JSON error shape, checked, and its content."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message", "detail"}
    assert body["error"]["status"] == status
    return body["error"]  # type: ignore[no-any-return]
