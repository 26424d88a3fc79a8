"""Time limits and responsiveness (api.execution): a query past its limit is a 503 on time, a
streaming one stops at its deadline, and small queries keep being answered while slow ones run.

The slow queries are cross joins of the seed data's labels with string functions in a FILTER:
one aggregates (pyoxigraph works inside Rust until the end and cannot be interrupted: the thread
stays busy after the 503), one streams rows (the worker stops at the first row past the deadline).
Both end by themselves within seconds, so no thread outlives the test.

The latency test serves the app with uvicorn in its own process and prints small-query latencies
with and without slow queries running; it asserts on errors, not on wall time.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, serialize
from sparql_support import PREFIXES, error

from api.app import create_app
from api.execution import QueryGate
from api.settings import Settings
from orbat.servers import free_port, running
from orbat.store import EmbeddedStore

KEYS = " ".join(str(k) for k in range(100))
BLOCKING = PREFIXES + (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a skos:prefLabel ?x . ?b skos:prefLabel ?y . VALUES ?k { " + KEYS + " } "
    'FILTER(CONTAINS(CONCAT(?x, ?y, STR(?k)), "zzzz")) }'
)
STREAMING = PREFIXES + (
    "SELECT ?a ?b ?c WHERE { ?a skos:prefLabel ?x . ?b skos:prefLabel ?y . ?c skos:prefLabel ?z "
    "FILTER(STRLEN(CONCAT(?x, ?y, ?z)) = 90) }"
)
SMALL = PREFIXES + "SELECT ?p ?o WHERE { id:al-tanf ?p ?o }"
SERVE = Path(__file__).parent.parent / "bench" / "serve.py"
SETTINGS = Settings(query_timeout_s=0.5, max_results=1_000_000, query_workers=4, max_overdue_queries=2)
# The served app has the default pool: under load, small queries need live slots beside the slow
# ones until those miss their deadline (with 4 threads, 2 of them the reserve, they got 503s).
SERVED = Settings(query_timeout_s=0.5, max_results=1_000_000)


def gate_of(app: FastAPI) -> QueryGate:
    return app.state.orbat.gate  # type: ignore[no-any-return]


def wait_idle(gate: QueryGate, timeout: float = 60.0) -> float:
    """Seconds until no worker thread is busy (slow queries end by themselves)."""
    start = time.monotonic()
    while gate.busy():
        assert time.monotonic() - start < timeout, f"worker threads still busy: {gate.snapshot()}"
        time.sleep(0.01)
    return time.monotonic() - start


@pytest.fixture
def app(kb: EmbeddedStore) -> Iterator[FastAPI]:
    application = create_app(kb, SETTINGS)
    yield application
    wait_idle(gate_of(application))


def test_a_query_stuck_in_the_engine_is_answered_503_on_time(app: FastAPI) -> None:
    with TestClient(app) as client:
        start = time.monotonic()
        response = client.get("/sparql", params={"query": BLOCKING})
        elapsed = time.monotonic() - start
        body = error(response, 503)
        assert "time limit of 0.5 s" in body["message"] and body["detail"] == {"time_limit_s": 0.5}
        # answered while the query still holds its thread: it moved to the overdue reserve
        assert gate_of(app).snapshot()["overdue"] == 1
        assert elapsed < 3.0, elapsed  # generous: the point is that it did not wait for the query's end
        assert client.get("/sparql", params={"query": SMALL}).status_code == 200  # and others still run


def test_a_streaming_query_stops_at_its_deadline(app: FastAPI) -> None:
    with TestClient(app) as client:
        error(client.get("/sparql", params={"query": STREAMING}), 503)
        # the worker stops at the first row past the deadline, seconds before the query would end
        assert wait_idle(gate_of(app), timeout=2.0) < 2.0


def test_the_gate_never_admits_more_work_than_threads() -> None:
    gate = QueryGate(workers=4, overdue_reserve=2)  # 2 threads for live queries, 2 for overdue ones
    a, b = gate.try_enter(), gate.try_enter()
    assert a and b and gate.try_enter() is None  # live slots full
    gate.mark_overdue(a)
    gate.mark_overdue(b)  # both miss their deadline: they move to the reserve, freeing the live slots
    c, d = gate.try_enter(), gate.try_enter()
    assert c and d and gate.try_enter() is None
    gate.mark_overdue(c)  # the reserve is full: c keeps its live slot
    assert gate.snapshot() == {"workers": 4, "live": 2, "overdue": 2, "reserve": 2}
    gate.leave(a)  # an overdue query ended: its reserve slot is free, but live work still waits
    assert gate.try_enter() is None
    gate.leave(c)
    assert gate.try_enter() is not None
    gate.leave(c)  # leaving twice (done callback after a cancel) counts once
    assert gate.snapshot()["live"] == 2


@contextmanager
def serve(kb: EmbeddedStore, folder: Path) -> Iterator[str]:
    """The app over a copy of the knowledge base, under uvicorn in its own process (bench/serve.py,
    so the clients' Python work does not share the server's GIL); stopped by PID."""
    nquads = folder / "kb.nq"
    with nquads.open("wb") as out:
        serialize(kb.quads(), out, format=RdfFormat.N_QUADS)
    port = free_port()
    command = [
        sys.executable,
        str(SERVE),
        "--nquads",
        str(nquads),
        "--port",
        str(port),
        "--timeout",
        str(SERVED.query_timeout_s),
        "--max-results",
        str(SERVED.max_results),
        "--workers",
        str(SERVED.query_workers),
        "--max-overdue",
        str(SERVED.max_overdue_queries),
    ]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/sparql?query=ASK%7B%7D", timeout=60):
        yield url


def small_queries(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    """``clients`` threads sending SMALL for ``seconds``; latencies in ms and failures."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client_loop() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                response = http.get("/sparql", params={"query": SMALL})
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200 or len(response.json()["results"]["bindings"]) < 10:
                        failures.append(f"{response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def summary(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"n={len(latencies):4d}  p50={cuts[49]:7.1f} ms  p95={cuts[94]:7.1f} ms  max={max(latencies):7.1f} ms"


def test_small_queries_stay_answered_while_slow_ones_run(
    kb: EmbeddedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow_results: list[tuple[str, int, float, str]] = []

    def slow(url: str, name: str, query: str) -> None:
        start = time.monotonic()
        response = httpx.get(f"{url}/sparql", params={"query": query}, timeout=60)
        message = response.json()["error"]["message"] if response.status_code >= 400 else ""
        slow_results.append((name, response.status_code, time.monotonic() - start, message))

    with serve(kb, tmp_path) as url:
        small_queries(url, clients=2, seconds=0.5)  # warm up
        baseline, baseline_failures = small_queries(url, clients=8, seconds=1.5)
        slow_threads = [
            threading.Thread(target=slow, args=(url, name, query))
            for name, query in (("blocking-1", BLOCKING), ("blocking-2", BLOCKING), ("streaming", STREAMING))
        ]
        for thread in slow_threads:
            thread.start()
            time.sleep(0.02)
        during, failures = small_queries(url, clients=8, seconds=2.5)
        for thread in slow_threads:
            thread.join()

    with capsys.disabled():
        print(
            "\nsmall-query latency over HTTP, 8 parallel clients, server in its own process with "
            f"query_timeout_s={SERVED.query_timeout_s}, query_workers={SERVED.query_workers}, "
            f"max_overdue_queries={SERVED.max_overdue_queries}:"
        )
        print(f"  alone:                     {summary(baseline)}")
        print(f"  while 3 slow queries ran:  {summary(during)}")
        for name, status, seconds, message in sorted(slow_results):
            print(f"  slow {name:<11} -> {status} after {seconds:.2f} s: {message[:70]}")
    assert baseline_failures == [] and failures == []
    assert sorted(status for _, status, _, _ in slow_results) == [503, 503, 503]
