"""A full disk under the store: writes answer 507 in the error shape without the store's paths,
nothing changes, queries keep answering, and writes succeed again once space is freed, without a
restart (orbat.store.disk, EmbeddedStore's reopen).

The disk is real: a small tmpfs mounted for the test (root only; skipped elsewhere), filled to the
last byte with a file that the test removes to free the space again.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat
from sparql_support import WRITABLE, assert_responsive, bearer, cheap_query, dump, error, rows

from api.app import create_app
from orbat.store import EmbeddedStore
from orbat.store.base import scrub_paths
from orbat.store.disk import storage_error

FIXTURE = Path(__file__).parent / "fixtures" / "protocol-dataset.trig"
GRAPH = "https://example.org/graph/written"
KNOWN = "http://kasei.us/2009/09/sparql/data/data1.rdf"  # a graph of the fixture
PATH_LIKE = re.compile(r"(?<![\w:/])/\w+/")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs, mounted for the test and unmounted after it."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left; return it (unlink it to free the space)."""
    filler = disk / "filler"
    chunk = b"\0" * (1 << 16)
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with filler.open("ab", buffering=0) as out:  # the last partial chunk
        try:
            while True:
                out.write(b"\0" * 512)
        except OSError:
            pass
    return filler


def triples(count: int, tag: str) -> bytes:
    """About 110 bytes a triple: 1.3 MB bodies are past any space RocksDB has set aside in advance."""
    return b"".join(
        f'<https://example.org/{tag}/{i}> <https://example.org/p> "value {i} {"x" * 40}" .\n'.encode()
        for i in range(count)
    )


def put(client: TestClient, body: bytes, graph: str = GRAPH) -> httpx.Response:
    headers = {**bearer(), "Content-Type": "application/n-triples"}
    return client.put("/rdf-graphs", params={"graph": graph}, content=body, headers=headers)


def post(client: TestClient, body: bytes, graph: str = GRAPH) -> httpx.Response:
    headers = {**bearer(), "Content-Type": "application/n-triples"}
    return client.post("/rdf-graphs", params={"graph": graph}, content=body, headers=headers)


def insert_data(client: TestClient, body: bytes, graph: str = GRAPH) -> httpx.Response:
    update = f"INSERT DATA {{ GRAPH <{graph}> {{\n{body.decode()}}} }}"
    headers = {**bearer(), "Content-Type": "application/sparql-update"}
    return client.post("/sparql", content=update.encode(), headers=headers)


WRITES = {"graph store PUT": put, "graph store POST": post, "SPARQL INSERT DATA": insert_data}


def cheap_query_answers(client: TestClient) -> None:
    assert_responsive(cheap_query(client))


def count(client: TestClient, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(rows(client.get("/sparql", params={"query": query}))[0]["n"])


@pytest.mark.parametrize("path", ["transaction", "bulk"])
def test_a_full_disk_refuses_writes_with_507_and_recovers_when_space_returns(small_disk: Path, path: str) -> None:
    bulk_bytes = 1 << 40 if path == "transaction" else 1 << 20  # 1.3 MB bodies: bulk only in the second run
    store = EmbeddedStore(small_disk / "store", bulk_bytes=bulk_bytes)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    body = triples(12_000, "full")
    with TestClient(create_app(store, WRITABLE)) as client:
        before = dump(store)
        filler = fill(small_disk)
        for name, write in [*WRITES.items(), ("replacing a graph", lambda c, b: put(c, b, KNOWN))]:
            problem = error(write(client, body), 507)
            assert "full" in problem["message"], name
            assert not PATH_LIKE.search(problem["message"]), problem["message"]
            assert str(small_disk) not in problem["message"]
            cheap_query_answers(client)
        assert dump(store) == before  # a rejected write changes nothing
        assert count(client, KNOWN) == 2

        filler.unlink()  # space returns: no restart
        assert put(client, body).status_code == 201
        assert count(client, GRAPH) == 12_000
        assert insert_data(client, triples(10, "after")).status_code == 204
        assert count(client, GRAPH) == 12_010
        assert put(client, triples(3, "known"), KNOWN).status_code == 204
        assert count(client, KNOWN) == 3
        cheap_query_answers(client)


@pytest.mark.parametrize(
    ("error_text", "status"),
    [
        ("IO error: No space left on device: While appending to file: /srv/orbat/store/000008.log: No space", 507),
        ("IO error: Disk quota exceeded: /home/me/.local/share/orbat/store/MANIFEST-000005", 507),
        ("IO error: While fsync: a file descriptor /var/lib/orbat/store/000012.sst: Input/output error", 503),
        ("Corruption: block checksum mismatch: /data/store/000042.sst", 503),
    ],
)
def test_storage_errors_say_what_happened_without_the_store_path(error_text: str, status: int) -> None:
    refused = storage_error(OSError(error_text))
    assert refused.status == status
    assert not PATH_LIKE.search(str(refused)), str(refused)
    assert "nothing changed" in str(refused)


@pytest.mark.parametrize(
    ("message", "scrubbed"),
    [
        ("While appending to file: /tmp/x/store/000008.log: No space", "While appending to file: <path>: No space"),
        ("no graph <https://w3id.org/orbat/graph/x>", "no graph <https://w3id.org/orbat/graph/x>"),
        ("expected one of '/', '|' at 1:3", "expected one of '/', '|' at 1:3"),
        ("cannot open (/var/lib/orbat/store)", "cannot open (<path>)"),
    ],
)
def test_paths_are_scrubbed_but_iris_are_not(message: str, scrubbed: str) -> None:
    assert scrub_paths(message) == scrubbed
