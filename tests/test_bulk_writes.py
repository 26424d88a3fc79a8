"""Large writes go through the bulk loader (orbat.store.bulk) and mean exactly what the
transactional path means; a failed or killed one leaves the previous state.

Each write is sent twice through the real app, to a store that bulk loads everything
(``bulk_bytes=0``) and to one that never does, and the two stores must end up equal. The
guarantees under failure are checked on a real on-disk store: a failure injected after the old
triples were dropped, and a process that dies at that point (``os._exit``), then the store
opened again. The time and memory the bulk path saves are measured in bench/bench_writes.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat
from sparql_support import WRITABLE, bearer, dump, error

import orbat.store.embedded
from api.app import create_app
from orbat.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "fixtures" / "protocol-dataset.trig"
KNOWN = "http://kasei.us/2009/09/sparql/data/data1.rdf"  # holds two triples in the fixture
NEW = "https://example.org/graph/new"
NT = {"Content-Type": "application/n-triples"}
UPDATE = {"Content-Type": "application/sparql-update"}


def triples(count: int, tag: str) -> str:
    return "".join(f'<https://example.org/{tag}/{i}> <https://example.org/p> "{tag} {i}"@en .\n' for i in range(count))


def put(client: TestClient, graph: str, body: str) -> httpx.Response:
    return client.put("/rdf-graphs", params={"graph": graph}, content=body.encode(), headers={**bearer(), **NT})


def post(client: TestClient, graph: str, body: str) -> httpx.Response:
    return client.post("/rdf-graphs", params={"graph": graph}, content=body.encode(), headers={**bearer(), **NT})


def update(client: TestClient, text: str) -> httpx.Response:
    return client.post("/sparql", content=text.encode(), headers={**bearer(), **UPDATE})


DANGLING = "<https://example.org/x>"  # a subject without predicate or object
PREFIXED = "PREFIX ex: <https://example.org/>\n"
WRITES: dict[str, Callable[[TestClient], httpx.Response]] = {
    "PUT a new graph": lambda c: put(c, NEW, triples(500, "a")),
    "PUT over a graph that holds triples": lambda c: put(c, KNOWN, triples(500, "b")),
    "POST to a graph that holds triples": lambda c: post(c, KNOWN, triples(500, "c")),
    "INSERT DATA into named graphs": lambda c: update(
        c, f"INSERT DATA {{ GRAPH <{NEW}> {{ {triples(300, 'd')} }} GRAPH <{KNOWN}> {{ {triples(5, 'e')} }} }}"
    ),
    "INSERT DATA with prefixes and a trailing ;": lambda c: update(
        c, PREFIXED + f"INSERT DATA {{ GRAPH ex:g {{ ex:s ex:p 1, 2.5, true ; ex:q 'x' }} }} ;{' ' * 10}"
    ),
    "INSERT DATA with blank nodes (fresh ones: SPARQL)": lambda c: update(
        c, f"INSERT DATA {{ GRAPH <{NEW}> {{ _:b <https://example.org/p> 1 . [] <https://example.org/p> 2 }} }}"
    ),
    "INSERT DATA into the default graph (SPARQL)": lambda c: update(
        c, "INSERT DATA { <https://example.org/s> <https://example.org/p> 'default' }"
    ),
    "two operations (SPARQL)": lambda c: update(
        c, f"INSERT DATA {{ GRAPH <{NEW}> {{ {triples(50, 'f')} }} }} ; DROP GRAPH <{KNOWN}>"
    ),
}


def store_after(tmp_path: Path, bulk_bytes: int, write: Callable[[TestClient], httpx.Response]) -> tuple[int, bytes]:
    store = EmbeddedStore(tmp_path / f"store-{bulk_bytes}", bulk_bytes=bulk_bytes)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    with TestClient(create_app(store, WRITABLE)) as client:
        status = write(client).status_code
    return status, dump(store)


def without_blank_labels(nquads: bytes) -> list[bytes]:
    return sorted(
        b" ".join(b"_:" if w.startswith(b"_:") else w for w in line.split(b" ")) for line in nquads.splitlines()
    )


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_bulk_write_means_what_the_transaction_means(tmp_path: Path, write: Callable[..., httpx.Response]) -> None:
    bulk_status, bulk = store_after(tmp_path, 0, write)
    status, transactional = store_after(tmp_path, 1 << 40, write)
    assert (bulk_status, without_blank_labels(bulk)) == (status, without_blank_labels(transactional))
    assert status in (201, 204)


@pytest.mark.parametrize(
    ("write", "status"),
    [
        (lambda c: put(c, KNOWN, triples(300, "a") + "<https://example.org/broken> .\n" + triples(300, "b")), 400),
        (lambda c: post(c, NEW, triples(300, "a") + '"not a subject" <https://example.org/p> 1 .\n'), 400),
        (
            lambda c: update(c, f"INSERT DATA {{ GRAPH <{NEW}> {{ {triples(300, 'a')} <https://example.org/x> }} }}"),
            400,
        ),
    ],
    ids=["PUT", "POST", "INSERT DATA"],
)
def test_a_bulk_write_that_does_not_parse_changes_nothing(
    tmp_path: Path, write: Callable[[TestClient], httpx.Response], status: int
) -> None:
    store = EmbeddedStore(tmp_path / "store", bulk_bytes=0)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    before = dump(store)
    with TestClient(create_app(store, WRITABLE)) as client:
        error(write(client), status)
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
    assert dump(store) == before


def test_a_replacement_that_fails_after_the_drop_puts_the_old_graph_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "store", bulk_bytes=0)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    before = dump(store)

    def disk_full(*_: object) -> None:
        raise OSError("IO error: No space left on device: While appending to file: /srv/store/000042.sst")

    monkeypatch.setattr(orbat.store.embedded, "bulk_add", disk_full)
    with TestClient(create_app(store, WRITABLE)) as client:
        problem = error(put(client, KNOWN, triples(300, "new")), 507)
        assert "/srv" not in problem["message"]
    assert dump(store) == before
    assert not list((tmp_path / "store" / "orbat-undo").glob("*.json"))  # nothing left to undo


def test_a_process_killed_in_the_middle_of_a_replacement_leaves_the_old_graph(tmp_path: Path) -> None:
    """The process dies (os._exit, no cleanup) after dropping the old triples and before loading
    the new ones; the next opening of the store finds the undo journal and puts them back."""
    location = tmp_path / "store"
    store = EmbeddedStore(location)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    before = dump(store)
    del store
    script = textwrap.dedent(
        f"""
        import os
        from pyoxigraph import RdfFormat
        import orbat.store.embedded as embedded

        def die(*_):
            os._exit(9)

        store = embedded.EmbeddedStore({str(location)!r}, bulk_bytes=0)
        embedded.bulk_add = die
        store.load({triples(300, "new").encode()!r}, RdfFormat.N_TRIPLES, {KNOWN!r}, replace=True)
        """
    )
    died = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, check=False, timeout=60)
    assert died.returncode == 9
    assert list((location / "orbat-undo").glob("*.json"))  # the journal says what to undo
    assert dump(EmbeddedStore(location)) == before
    assert not list((location / "orbat-undo").glob("*.json"))


KILLED_WRITER = """
import sys
from pyoxigraph import RdfFormat
from orbat.store import EmbeddedStore

store = EmbeddedStore(sys.argv[1])
body = open(sys.argv[2], "rb").read()
print("writing", flush=True)
store.load(body, RdfFormat.N_TRIPLES, sys.argv[3], replace=True)
print("written", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.2, 0.6, 1.0, 1.5, 2.5, 4.0])
def test_a_replacement_killed_at_any_moment_leaves_the_old_or_the_new_graph(tmp_path: Path, delay: float) -> None:
    """kill -9 while a 60k-triple body replaces a graph: reopened, the graph is whole, old or new."""
    location, body = tmp_path / "store", tmp_path / "body.nt"
    store = EmbeddedStore(location)
    store.load(FIXTURE.read_bytes(), RdfFormat.TRIG)
    old = dump(store)
    del store
    body.write_text(triples(60_000, "new"), encoding="utf-8")
    command = [sys.executable, "-c", KILLED_WRITER, str(location), str(body), KNOWN]
    with subprocess.Popen(command, stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent) as writer:
        assert writer.stdout is not None
        assert writer.stdout.readline() == b"writing\n"
        time.sleep(delay)
        writer.kill()
        finished = b"written" in writer.stdout.read()
    reopened = EmbeddedStore(location)
    graph = {q.object.value for q in reopened.quads(KNOWN)}
    if dump(reopened) != old:
        assert graph == {f"new {i}" for i in range(60_000)}, f"neither old nor new ({len(graph)} triples)"
    else:
        assert not finished
    assert not list((location / "orbat-undo").glob("*.json"))


@pytest.mark.slow
def test_the_write_benchmark_runs_end_to_end() -> None:
    from bench import bench_writes

    assert bench_writes.main(["--triples", "12000", "--reference-triples", "2000"]) == 0
