"""Our SPARQL endpoint against ``oxigraph serve`` on the same data: what the HTTP layer costs.

Builds the seed knowledge base into an embedded store on disk (a temporary folder), serves it with
our app under uvicorn (bench/serve.py, its own process) and, from the same N-Quads, with
``oxigraph serve --union-default-graph`` (the binary of the ``oxigraph`` PyPI package, next to the
Python executable). Both stores are RocksDB on disk. Then the same queries go to both over
HTTP/1.1 keep-alive, one at a time and taking turns, JSON results:

- a point lookup: one entity's triples (al-Tanf);
- ``queries/near.rq`` with the place bound to al-tanf and the radius to 50 km (parameters
  replaced in the text, as the remote store does).

Prints p50/p95 per query and server and the ratio ours/oxigraph, and checks both answered the
same number of rows. Both servers are stopped by PID. ``python bench/bench_endpoint.py
[--iterations 200]``; about 30 s with the defaults.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from pyoxigraph import Literal, NamedNode, RdfFormat, serialize

from orbat.build import build
from orbat.queries import get_query
from orbat.servers import free_port, oxigraph_binary, running
from orbat.store import EmbeddedStore
from orbat.store.parameters import bind_parameters
from orbat.workspace import Workspace

AL_TANF = NamedNode("https://w3id.org/orbat/id/al-tanf")
POINT_LOOKUP = f"SELECT ?p ?o WHERE {{ {AL_TANF} ?p ?o }}"
SERVE = Path(__file__).with_name("serve.py")


@dataclass
class Timing:
    query: str
    server: str
    rows: int
    p50_ms: float
    p95_ms: float


def queries() -> dict[str, str]:
    near = bind_parameters(
        get_query("near").sparql,
        {"place": AL_TANF, "radius_km": Literal("50", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))},
    )
    return {"point lookup (al-Tanf)": POINT_LOOKUP, "near al-tanf 50 km": near}


def measure(urls: dict[str, str], query: str, iterations: int, warmup: int) -> dict[str, tuple[int, list[float]]]:
    """Per server: rows in the answer and the latency of each timed request in ms. The servers take
    turns request by request, so a change in the machine's load affects both alike."""
    latencies: dict[str, list[float]] = {server: [] for server in urls}
    rows: dict[str, int] = {}
    clients = {server: httpx.Client(timeout=60) for server in urls}
    try:
        for i in range(warmup + iterations):
            for server, url in urls.items():
                start = time.perf_counter()
                response = clients[server].get(
                    url, params={"query": query}, headers={"Accept": "application/sparql-results+json"}
                )
                elapsed = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                if i >= warmup:
                    latencies[server].append(elapsed)
                rows[server] = len(json.loads(response.content)["results"]["bindings"])
    finally:
        for client in clients.values():
            client.close()
    return {server: (rows[server], latencies[server]) for server in urls}


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def prepare(folder: Path, reason: bool) -> tuple[Path, Path]:
    """The seed knowledge base as an embedded store on disk, and the same quads as N-Quads."""
    store_dir, nquads = folder / "store", folder / "kb.nq"
    store = EmbeddedStore(store_dir)
    build(store, Workspace.example(), reason=reason)
    with nquads.open("wb") as out:
        serialize(store.quads(), out, format=RdfFormat.N_QUADS)
    store.flush()
    del store  # release the RocksDB lock: the server process opens the folder
    gc.collect()
    return store_dir, nquads


def main(argv: Sequence[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per query and server")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--no-reason", dest="reason", action="store_false", help="build without the reasoner")
    args = parser.parse_args(argv)

    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="orbat-bench-") as tmp:
        started = time.monotonic()
        store_dir, nquads = prepare(Path(tmp), args.reason)
        oxigraph_dir = Path(tmp) / "oxigraph"
        subprocess.run(
            [oxigraph_binary(), "load", "--location", str(oxigraph_dir), "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        print(f"built and loaded {sum(1 for _ in nquads.open('rb'))} quads in {time.monotonic() - started:.1f} s")
        ours_port, theirs_port = free_port(), free_port()
        ours_cmd = [sys.executable, str(SERVE), "--store", str(store_dir), "--port", str(ours_port)]
        theirs_cmd = [
            oxigraph_binary(),
            "serve",
            "--location",
            str(oxigraph_dir),
            "--bind",
            f"127.0.0.1:{theirs_port}",
            "--union-default-graph",
        ]
        ours_url, theirs_url = f"http://127.0.0.1:{ours_port}/sparql", f"http://127.0.0.1:{theirs_port}/query"
        with running(ours_cmd, ours_url), running(theirs_cmd, f"{theirs_url}?query=ASK%7B%7D"):
            for name, query in queries().items():
                measured = measure({"orbat": ours_url, "oxigraph": theirs_url}, query, args.iterations, args.warmup)
                for server, (rows, latencies) in measured.items():
                    timings.append(Timing(name, server, rows, percentile(latencies, 50), percentile(latencies, 95)))

    print(f"\n{args.iterations} sequential requests per query and server, taking turns (after {args.warmup} warm-up)")
    print(f"{'query':<26}{'server':<10}{'rows':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for timing in timings:
        print(f"{timing.query:<26}{timing.server:<10}{timing.rows:>6}{timing.p50_ms:>10.2f}{timing.p95_ms:>10.2f}")
    print("\nratio ours/oxigraph")
    for name in queries():
        ours, theirs = (next(t for t in timings if t.query == name and t.server == s) for s in ("orbat", "oxigraph"))
        print(f"{name:<26}p50 x{ours.p50_ms / theirs.p50_ms:.2f}   p95 x{ours.p95_ms / theirs.p95_ms:.2f}")
        if ours.rows != theirs.rows:
            raise SystemExit(f"{name}: the servers disagree: {ours.rows} rows against {theirs.rows}")
    return timings


if __name__ == "__main__":
    main()
