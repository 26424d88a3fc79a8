"""Large writes through the API: the bulk loader against the transactional path, in the same run.

A 375k-triple update used to take about two minutes, a 2.2 GB write-ahead log and 3.3 GB of
memory, and the restart after a kill replayed that log (118 s, 7.6 GB). Writes from
``bulk_bytes`` (1 MiB) now go through pyoxigraph's bulk loader (orbat.store.bulk). This
measures, for each way of writing:

- the request's wall time (client side, the whole HTTP request);
- the server's peak RSS (``VmHWM`` of its process) and its RSS before the request;
- the write-ahead log (``*.log`` in the store folder) and the store folder right after;
- the restart after ``kill -9`` right after the answer: opening the store again in a new
  process (``EmbeddedStore(path)`` and a first query), its time and peak RSS; then its quads are
  counted, to check nothing was lost.

Each case runs our app under uvicorn in its own process (bench/serve.py) over a fresh store on
disk. The data is the generator's (bench/generate.py) with the graph names dropped: one graph of
about ``--triples`` distinct triples, sent as N-Triples (Graph Store PUT) or as one
``INSERT DATA``. The reference is the transactional path (``--bulk-bytes`` beyond the body size)
on ``--reference-triples``. ``python bench/bench_writes.py [--triples 375000]
[--reference-triples 100000]``; a few minutes with the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from pyoxigraph import RdfFormat, Triple, parse, serialize

from bench.generate import generate
from orbat.servers import free_port, running

SERVE = Path(__file__).with_name("serve.py")
ROOT = Path(__file__).parent.parent
TOKEN = "bench-writes"
GRAPH = "https://example.org/graph/large"
NEVER = 1 << 40  # a bulk threshold no body reaches: the transactional path
REOPEN = """
import json, resource, sys, time
from orbat.store import EmbeddedStore
started = time.perf_counter()
store = EmbeddedStore(sys.argv[1])
assert bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }"))
seconds, peak = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "quads": len(store)}))
"""


@dataclass
class Result:
    case: str
    path: str
    triples: int
    seconds: float
    status: int
    rss_before_mb: float
    peak_rss_mb: float
    wal_mb: float
    store_mb: float
    restart_s: float
    restart_peak_mb: float
    quads_after_restart: int


def one_graph(triples: int, folder: Path) -> bytes:
    """About ``triples`` distinct triples of the generator's data, as N-Triples."""
    nquads = folder / "kb.nq"
    generate(triples, nquads)
    distinct = {Triple(q.subject, q.predicate, q.object) for q in parse(path=str(nquads), format=RdfFormat.N_QUADS)}
    return serialize(sorted(distinct, key=str), format=RdfFormat.N_TRIPLES) or b""


def status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def folder_mb(folder: Path, pattern: str = "*") -> float:
    return sum(f.stat().st_size for f in folder.glob(pattern) if f.is_file()) / 2**20


def send(client: httpx.Client, how: str, body: bytes) -> httpx.Response:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    if how == "insert":
        update = b"INSERT DATA { GRAPH <" + GRAPH.encode() + b"> {\n" + body + b"} }"
        headers = {**auth, "Content-Type": "application/sparql-update"}
        return client.post("/sparql", content=update, headers=headers)
    headers = {**auth, "Content-Type": "application/n-triples"}
    return client.put("/rdf-graphs", params={"graph": GRAPH}, content=body, headers=headers)


def measure(case: str, how: str, body: bytes, triples: int, bulk_bytes: int, replace: bool) -> Result:
    with tempfile.TemporaryDirectory(prefix="orbat-bench-writes-") as tmp:
        store = Path(tmp) / "store"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, str(SERVE), "--store", str(store), "--port", str(port)]
        command += ["--update-token", TOKEN, "--bulk-bytes", str(bulk_bytes), "--timeout", "600"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with (
            running(command, f"{url}/sparql?query=ASK%7B%7D", timeout=60, env=env) as server,
            httpx.Client(base_url=url, timeout=3600) as client,
        ):
            if replace:  # the graph exists already: the write replaces it
                assert send(client, "put", body).status_code in (201, 204)
            before = status_mb(server.pid, "VmRSS")
            started = time.perf_counter()
            response = send(client, how, body)
            seconds = time.perf_counter() - started
            peak = status_mb(server.pid, "VmHWM")
            wal, size = folder_mb(store, "*.log"), folder_mb(store)
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        reopened = subprocess.run(
            [sys.executable, "-c", REOPEN, str(store)], capture_output=True, text=True, check=True, cwd=ROOT, env=env
        )
        restart = json.loads(reopened.stdout)
    return Result(
        case,
        "bulk" if bulk_bytes < len(body) else "transaction",
        triples,
        round(seconds, 2),
        response.status_code,
        round(before),
        round(peak),
        round(wal, 1),
        round(size, 1),
        round(restart["seconds"], 2),
        round(restart["peak_mb"]),
        restart["quads"],
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=375_000, help="size of the large write")
    parser.add_argument("--reference-triples", type=int, default=100_000, help="size of the transactional reference")
    parser.add_argument("--bulk-bytes", type=int, default=1 << 20, help="the bulk threshold of the bulk runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        large = one_graph(args.triples, Path(tmp))
        reference = one_graph(args.reference_triples, Path(tmp))
    n_large, n_reference = large.count(b"\n"), reference.count(b"\n")
    cases = [
        ("Graph Store PUT, new graph", "put", reference, n_reference, NEVER, False),
        ("SPARQL INSERT DATA", "insert", reference, n_reference, NEVER, False),
        ("Graph Store PUT, new graph", "put", large, n_large, args.bulk_bytes, False),
        ("SPARQL INSERT DATA", "insert", large, n_large, args.bulk_bytes, False),
        ("Graph Store PUT over the same graph", "put", large, n_large, args.bulk_bytes, True),
    ]
    results = [measure(*case) for case in cases]
    for result in results:
        print(json.dumps(asdict(result)))
    return 0 if all(r.status in (201, 204) and r.quads_after_restart == r.triples for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
