"""Shared fixtures: the seed knowledge base built once per session into the real embedded store
(in memory for the tests in this process, and in a store folder for ``orbat`` processes and a live
``orbat serve``, through ``ORBAT_STORE`` and ``ORBAT_WORKSPACE``), workspaces made with
``orbat.workspace.init``, and two real SPARQL servers for the remote store: ``oxigraph serve`` (from
the ``oxigraph`` PyPI package) and Virtuoso Open Source 7 (Debian's ``virtuoso-opensource``, which
``.ci/run`` installs), each started once per session on free ports on 127.0.0.1, in a folder of its
own, and stopped by its PID. A server that is not installed skips its tests with the reason, except
under ``CI=true``, where it fails them: CI must run every engine.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os

# Tables are as wide as the terminal; tests read whole lines, in any process (pytest-xdist workers
# have no terminal), so the width is fixed before orbat.cli makes its consoles.
os.environ["COLUMNS"] = "200"
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, serialize

from orbat import config
from orbat.build import BuildReport, build
from orbat.names import NameIndex
from orbat.servers import oxigraph_server, virtuoso, virtuoso_binary
from orbat.store import EmbeddedStore, RemoteStore, TripleStore
from orbat.store.endpoints import preset
from orbat.workspace import Workspace, init

ORBAT_VARIABLES = (
    "ORBAT_STORE",
    "ORBAT_WORKSPACE",
    "ORBAT_SPARQL_URL",
    "ORBAT_SPARQL_SERVER",
    "ORBAT_SPARQL_UPDATE_URL",
    "ORBAT_GRAPH_STORE_URL",
    "ORBAT_SPARQL_USER",
    "ORBAT_SPARQL_PASSWORD",
)
REMOTE_ENGINES = ("oxigraph", "virtuoso")
ENGINES = ("embedded", *REMOTE_ENGINES)


def unavailable(reason: str) -> None:
    """Skip a test whose server is not installed here; under CI=true, fail it instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run every engine)")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test touches the user's data folder (the default store and workspace) or reads their
    ORBAT_* settings: XDG_DATA_HOME is a folder of the session."""
    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", *ORBAT_VARIABLES)}
    home = tmp_path_factory.mktemp("data-home")
    os.environ["XDG_DATA_HOME"] = str(home)
    for name in ORBAT_VARIABLES:
        os.environ.pop(name, None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def seed() -> Workspace:
    """The example workspace (kb/), read-only: tests that write make their own with ``init``."""
    return Workspace.example()


def entities_only(root: Path) -> Workspace:
    """A new workspace with the seed's sources and entities but no claims, for tests that add
    annotation files of their own."""
    workspace = init(root, example=True)
    for path in [*workspace.annotations.glob("claims*.yaml"), *workspace.background.glob("*.yaml")]:
        path.unlink()
    return workspace


@pytest.fixture(scope="session")
def built(seed: Workspace, tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, BuildReport]:
    """The seed's build of the session, in memory (queries there are 4-5x faster than on RocksDB:
    claims.rq 0.15 s against 0.65 s). Without HermiT, which only checks a build and whose 10 s
    would keep both workers waiting: test_reasoning runs it once, beside the other tests, and
    checks that it gives these same graphs. Under pytest-xdist the workers share the build: the
    first builds and leaves its quads and report in the session's common temporary folder, the
    others load them (a build takes 3-5 s of a core; a load, 0.1 s)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: nothing to share
        store = EmbeddedStore()
        return store, build(store, seed, reason=False)
    common = tmp_path_factory.getbasetemp().parent  # the run's folder (pytest-N), shared by its workers
    quads, saved = common / "seed-kb.nq", common / "seed-kb-report.json"
    with (common / "seed-kb.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        store = EmbeddedStore()
        if quads.exists() and saved.exists():
            store.load(quads.read_bytes(), RdfFormat.N_QUADS)
            return store, BuildReport(**json.loads(saved.read_text(encoding="utf-8")))
        report = build(store, seed, reason=False)
        quads.write_bytes(serialize(store.quads(), format=RdfFormat.N_QUADS) or b"")
        saved.write_text(report.to_json(), encoding="utf-8")
        return store, report


@pytest.fixture(scope="session")
def kb(built: tuple[EmbeddedStore, BuildReport]) -> EmbeddedStore:
    """The seed knowledge base (ontology, source, background and inferred graphs), in memory: an app
    over it reads in threads (api.execution.ThreadRunner)."""
    return built[0]


@pytest.fixture(scope="session")
def kb_folder(tmp_path_factory: pytest.TempPathFactory, built: tuple[EmbeddedStore, BuildReport]) -> Path:
    """The same knowledge base in a store folder with its build report, as ``orbat build`` leaves
    them, for ``orbat`` processes and a live ``orbat serve``; the tests never hold it for writing."""
    store, report = built
    path = tmp_path_factory.mktemp("kb") / "store"
    writer = EmbeddedStore(path)
    writer.native.extend(store.quads())
    writer.flush()
    del writer  # releases RocksDB's lock
    gc.collect()
    config.report_path(path).write_text(report.to_json(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def kb_on_disk(kb_folder: Path) -> EmbeddedStore:
    """The session's store folder opened read-only, as ``orbat serve`` reads it: an app over it
    answers from worker processes (api.isolation)."""
    return EmbeddedStore(kb_folder, read_only=True)


@pytest.fixture(scope="session")
def kb_env(kb_folder: Path, seed: Workspace) -> dict[str, str]:
    """The environment of an ``orbat`` command over the session's knowledge base."""
    return {**os.environ, "ORBAT_STORE": str(kb_folder), "ORBAT_WORKSPACE": str(seed.root), "NO_COLOR": "1"}


@pytest.fixture(scope="session")
def rebuilt(seed: Workspace) -> EmbeddedStore:
    """A second build of the seed: what a rebuild gives (it must equal ``kb``)."""
    store = EmbeddedStore()
    build(store, seed, reason=False)
    return store


@pytest.fixture(scope="session")
def names(kb: EmbeddedStore) -> NameIndex:
    return NameIndex(kb)


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server for the remote-store contract tests."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso Open Source 7 server (user dba, password dba), with its own virtuoso.ini."""
    try:
        virtuoso_binary()
    except RuntimeError as exc:
        unavailable(str(exc))
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


def remote_store(request: pytest.FixtureRequest, engine: str) -> RemoteStore:
    """A client of the session's server of ``engine`` (started on first use)."""
    if engine == "virtuoso":
        return RemoteStore(preset("virtuoso", request.getfixturevalue("virtuoso_url"), user="dba", password="dba"))
    return RemoteStore.oxigraph(request.getfixturevalue("oxigraph_url"))


@pytest.fixture(params=ENGINES)
def empty_store(request: pytest.FixtureRequest) -> Iterator[TripleStore]:
    """An empty store of each engine: the contract tests run against all three."""
    if request.param == "embedded":
        yield EmbeddedStore()
        return
    store = remote_store(request, request.param)
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


def _writable_app(kb: EmbeddedStore, path: Path | None) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    from sparql_support import WRITABLE, copy_of

    from api.app import create_app

    store = copy_of(kb, path)
    with TestClient(create_app(store, WRITABLE)) as test_client:
        yield test_client, store


@pytest.fixture
def writable(kb: EmbeddedStore) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    """An app with updates enabled (bearer token), over its own copy of the seed knowledge base, in
    memory: the protocols' rules, 0.3 s a test where an on-disk copy and its worker processes take 1.5 s."""
    yield from _writable_app(kb, None)


@pytest.fixture
def writable_on_disk(kb: EmbeddedStore, tmp_path: Path) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    """The same over an on-disk copy, read through worker processes as ``orbat serve`` reads: for
    the tests of what the workers see after a write."""
    yield from _writable_app(kb, tmp_path / "store")
