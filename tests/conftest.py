"""Shared fixtures: the seed knowledge base built once into the real embedded store, and a real
``oxigraph serve`` process (from the ``oxigraph`` PyPI package) for the remote store, started on
a free port on 127.0.0.1 and stopped by its PID.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from orbat.build import BuildReport, build
from orbat.names import NameIndex
from orbat.paths import ANNOTATIONS_DIR, SOURCES_DIR
from orbat.servers import free_port, oxigraph_binary, running
from orbat.store import EmbeddedStore, RemoteStore, TripleStore


def annotation_workspace(root: Path) -> Path:
    """A copy of the sources and the entity files under ``root``, with no claims, for tests that
    load annotation files of their own (``load_annotations(root/"sources", root/"annotations",
    root/"background")``)."""
    shutil.copytree(SOURCES_DIR, root / "sources")
    (root / "annotations").mkdir()
    (root / "background").mkdir()
    for path in ANNOTATIONS_DIR.glob("entities*.yaml"):
        shutil.copy(path, root / "annotations")
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, BuildReport]:
    """The seed built once per session, on disk: apps over it answer from worker processes that
    open it read-only (api.isolation), as ``orbat serve`` does."""
    store = EmbeddedStore(tmp_path_factory.mktemp("kb") / "store")
    report = build(store, reason=True)
    store.flush()
    return store, report


@pytest.fixture(scope="session")
def kb(built: tuple[EmbeddedStore, BuildReport]) -> EmbeddedStore:
    """The seed knowledge base (ontology, source, background and inferred graphs), on disk."""
    return built[0]


@pytest.fixture(scope="session")
def names(kb: EmbeddedStore) -> NameIndex:
    return NameIndex(kb)


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server for the remote-store contract tests."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    url = f"http://127.0.0.1:{port}"
    command = [
        oxigraph_binary(),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with running(command, f"{url}/query?query=ASK%7B%7D", timeout=20):
        yield url


@pytest.fixture(params=["embedded", "remote"])
def empty_store(request: pytest.FixtureRequest) -> Iterator[TripleStore]:
    """An empty store of each implementation: the contract tests run against both."""
    if request.param == "embedded":
        yield EmbeddedStore()
        return
    store = RemoteStore.oxigraph(request.getfixturevalue("oxigraph_url"))
    store.drop()
    yield store
    store.drop()
    store.close()


@pytest.fixture(scope="session")
def api_client(kb: EmbeddedStore) -> Iterator[TestClient]:
    """The real app over the seed knowledge base (read-only: nothing in the REST API writes)."""
    from api.app import create_app

    with TestClient(create_app(kb)) as client:
        yield client


@pytest.fixture(scope="session")
def client(api_client: TestClient) -> TestClient:
    """The read-only app over the seed knowledge base, default settings."""
    return api_client


@pytest.fixture
def writable(kb: EmbeddedStore, tmp_path: Path) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    """An app with updates enabled (bearer token), over its own on-disk copy of the seed knowledge base."""
    from sparql_support import WRITABLE, copy_of

    from api.app import create_app

    store = copy_of(kb, tmp_path / "store")
    with TestClient(create_app(store, WRITABLE)) as test_client:
        yield test_client, store
