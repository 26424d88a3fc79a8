"""Time limits and responsiveness (api.execution, api.isolation): a query past its limit is
really stopped and its worker comes back, a crash in the query engine costs one answer and not
the service, and small queries keep being answered while slow ones run.

The slow queries are cross joins of the seed data's labels with string functions in a FILTER:
one aggregates (pyoxigraph works inside Rust until the end: only killing its process stops it),
one streams rows. The issue's own attack (12 concurrent three-way cross joins) is here too.

The latency test serves the app with uvicorn in its own process and prints small-query latencies
with and without slow queries running; it asserts on errors, not on wall time.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sparql_support import PREFIXES, assert_responsive, bearer, copy_of, error

from api.app import create_app
from api.errors import ApiError
from api.execution import Deadline, Job, QueryGate, ThreadRunner
from api.isolation import ProcessRunner
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
SERVED = Settings(query_timeout_s=0.5, max_results=1_000_000)


def runner_of(app: FastAPI) -> Any:
    return app.state.orbat.runner


def still_answers(client: TestClient) -> None:
    assert_responsive(lambda: client.get("/sparql", params={"query": SMALL}))


@pytest.fixture
def app(kb_on_disk: EmbeddedStore) -> Iterator[FastAPI]:
    application = create_app(kb_on_disk, SETTINGS)
    assert isinstance(runner_of(application), ProcessRunner)  # an on-disk store: worker processes
    yield application


def test_a_query_stuck_in_the_engine_is_stopped_at_its_deadline(app: FastAPI) -> None:
    with TestClient(app) as client:
        start = time.monotonic()
        response = client.get("/sparql", params={"query": BLOCKING})
        elapsed = time.monotonic() - start
        body = error(response, 503)
        assert "time limit of 0.5 s" in body["message"] and body["detail"] == {"time_limit_s": 0.5}
        assert elapsed < 3.0, elapsed  # generous: the point is that it did not wait for the query's end
        runner = runner_of(app)
        # the worker was killed, not left running: nothing is busy any more
        assert runner.kills == 1
        assert runner.snapshot()["busy"] == 0 and runner.snapshot()["long"] == 0
        still_answers(client)


def test_twelve_runaway_queries_at_once_do_not_stop_the_service(app: FastAPI) -> None:
    """The issue's attack: 12 concurrent three-way cross joins used to hold every thread for good."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: client.get("/sparql", params={"query": runaway}).status_code, range(12)))
        assert set(statuses) == {503}, statuses
        # every one of them was stopped: the capacity is all back
        assert runner_of(app).snapshot()["busy"] == 0 and runner_of(app).snapshot()["long"] == 0
        still_answers(client)
        assert client.get("/api/entities", params={"q": "tanf"}).status_code == 200


def test_long_queries_beyond_their_share_are_refused_busy(kb_on_disk: EmbeddedStore) -> None:
    settings = Settings(query_timeout_s=2.0, query_workers=2, max_long_queries=1, long_query_s=0.1)
    with TestClient(create_app(kb_on_disk, settings)) as client, ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda _: client.get("/sparql", params={"query": BLOCKING}), range(2)))
        first, second = sorted(error(r, 503)["message"] for r in responses)
        assert "time limit of 2 s" in first  # one long query had the long lane to itself...
        assert "long-running queries are already being answered" in second  # ...the other was stopped
        still_answers(client)


def test_a_crash_in_a_worker_answers_500_and_the_service_stays_up(app: FastAPI) -> None:
    runner = runner_of(app)

    async def crash() -> Any:
        return await runner.run(Job.of(os.abort), Deadline.start(5.0))

    with TestClient(app) as client:
        with pytest.raises(ApiError) as raised:
            client.portal.call(crash)  # type: ignore[union-attr]
        assert raised.value.status == 500 and "SIGABRT" in raised.value.message
        assert runner.crashes == 1
        still_answers(client)


@pytest.mark.slow
def test_a_query_past_its_memory_limit_fails_alone(kb_on_disk: EmbeddedStore) -> None:
    """A query that would take all the memory fails in its worker (an address-space limit), not the
    machine: that request gets the 500, the next one is answered."""
    hog = "SELECT (GROUP_CONCAT(STR(?o)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?o }"
    settings = Settings(query_timeout_s=30.0, worker_memory_mb=600)
    with TestClient(create_app(kb_on_disk, settings)) as client:
        body = error(client.get("/sparql", params={"query": hog}), 500)
        assert "ORBAT_WORKER_MEMORY_MB" in body["message"] and "still up" in body["message"]
        still_answers(client)


def test_a_write_is_seen_by_every_worker(writable_on_disk: tuple[TestClient, EmbeddedStore]) -> None:
    client, _ = writable_on_disk
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:new> { ?s ?p ?o } }"

    def counted() -> int:
        return int(client.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])

    with ThreadPoolExecutor(max_workers=4) as pool:  # several workers, each with its own view
        assert set(pool.map(lambda _: counted(), range(8))) == {0}
        update = "INSERT DATA { GRAPH <urn:x:new> { <urn:x:a> <urn:x:b> <urn:x:c> } }"
        response = client.post("/sparql", data={"update": update}, headers=bearer())
        assert response.status_code == 204, response.text
        assert set(pool.map(lambda _: counted(), range(8))) == {1}


def test_an_in_memory_store_answers_503_on_time_from_threads(kb: EmbeddedStore) -> None:
    store = copy_of(kb)
    with TestClient(create_app(store, SETTINGS)) as client:
        assert isinstance(client.app.state.orbat.runner, ThreadRunner)  # type: ignore[attr-defined]
        start = time.monotonic()
        error(client.get("/sparql", params={"query": BLOCKING}), 503)
        assert time.monotonic() - start < 3.0


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
    store = copy_of(kb, folder / "store")
    store.flush()
    port = free_port()
    command = [
        sys.executable,
        str(SERVE),
        "--store",
        str(folder / "store"),
        "--port",
        str(port),
        "--timeout",
        str(SERVED.query_timeout_s),
        "--max-results",
        str(SERVED.max_results),
        "--workers",
        str(SERVED.query_workers),
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


@pytest.mark.slow  # a latency measurement (its figures in bench/README.md); bench/soak.py is the full one
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
        baseline, baseline_failures = small_queries(url, clients=8, seconds=1.0)
        slow_threads = [
            threading.Thread(target=slow, args=(url, name, query))
            for name, query in (("blocking-1", BLOCKING), ("blocking-2", BLOCKING), ("streaming", STREAMING))
        ]
        for thread in slow_threads:
            thread.start()
            time.sleep(0.02)
        during, failures = small_queries(url, clients=8, seconds=1.5)
        for thread in slow_threads:
            thread.join()

    with capsys.disabled():
        print(
            "\nsmall-query latency over HTTP, 8 parallel clients, server in its own process with "
            f"query_timeout_s={SERVED.query_timeout_s}, query_workers={SERVED.query_workers} processes, "
            f"max_long_queries={SERVED.max_long_queries}:"
        )
        print(f"  alone:                     {summary(baseline)}")
        print(f"  while 3 slow queries ran:  {summary(during)}")
        for name, status, seconds, message in sorted(slow_results):
            print(f"  slow {name:<11} -> {status} after {seconds:.2f} s: {message[:70]}")
    assert baseline_failures == [] and failures == []
    assert sorted(status for _, status, _, _ in slow_results) == [503, 503, 503]
