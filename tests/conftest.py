"""Shared fixtures: the seed knowledge base built once into the real embedded store, and a real
``oxigraph serve`` process (from the ``oxigraph`` PyPI package) for the remote store, started on
a free port on 127.0.0.1 and stopped by its PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from orbat.build import BuildReport, build
from orbat.names import NameIndex
from orbat.store import EmbeddedStore, RemoteStore, TripleStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def built() -> tuple[EmbeddedStore, BuildReport]:
    store = EmbeddedStore()
    report = build(store, reason=True)
    return store, report


@pytest.fixture(scope="session")
def kb(built: tuple[EmbeddedStore, BuildReport]) -> EmbeddedStore:
    """The seed knowledge base (ontology, source, background and inferred graphs), in memory."""
    return built[0]


@pytest.fixture(scope="session")
def names(kb: EmbeddedStore) -> NameIndex:
    return NameIndex(kb)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the 'oxigraph' server (PyPI package 'oxigraph', in the test extra) is not installed")
    return found


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server by its PID: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server for the remote-store contract tests."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/query?query=ASK%7B%7D", process)
        yield url
    finally:
        stop(process)


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
