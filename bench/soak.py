"""Soak: cheap requests keep their latency while runaway queries hammer the server (issue 12).

Builds the seed knowledge base into an embedded store on disk, serves it with our app under
uvicorn in its own process (bench/serve.py: reads run in worker processes, api.isolation), then
for ``--seconds``:

- ``--cheap`` clients each send a cheap request (alternately a point-lookup SPARQL query and a REST
  name search), wait ``--think`` seconds, and repeat;
- ``--runaway`` clients each send a query that cannot finish within the time limit (a three-way
  cross join counted: the issue's attack), back to back.

Prints the cheap requests' p50/p95/max and failures, the runaway answers by status and message
kind, and the server's memory (PSS of the server and every worker process under it) at the
start, at the peak, at the end of the load and ``--settle`` seconds later. The targets (issue 12):
cheap p95 under 100 ms, zero cheap failures, every runaway answered with the time-limit error,
memory back within 20 % of its start a minute later. Exit status 1 when a target is missed.

``python bench/soak.py [--seconds 60 --cheap 32 --runaway 8 --settle 60]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from orbat.build import build
from orbat.servers import free_port, running
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace

SERVE = Path(__file__).parent / "serve.py"
CHEAP_SPARQL = "SELECT ?p ?o WHERE { <https://w3id.org/orbat/id/al-tanf> ?p ?o }"
# a name lookup; an entity page (3 queries, ~50 ms on disk) is not cheap at this rate
CHEAP_REST = "/api/entities?q=tanf"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (the forkserver and the query workers), from /proc."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_mb(pid: int) -> float:
    """Proportional set size of the server and its workers: shared pages (the forkserver's imports,
    the store's files) counted once across them, not once per process as RSS would."""
    total = 0
    for each in descendants(pid):
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@dataclass
class Tally:
    cheap_ms: list[float] = field(default_factory=list)
    cheap_failures: list[str] = field(default_factory=list)
    runaway: Counter[str] = field(default_factory=Counter)


async def cheap_client(http: httpx.AsyncClient, stop_at: float, think: float, tally: Tally, index: int) -> None:
    turn = index
    while time.monotonic() < stop_at:
        start = time.perf_counter()
        try:
            if turn % 2:
                response = await http.get("/sparql", params={"query": CHEAP_SPARQL})
            else:
                response = await http.get(CHEAP_REST)
            failure = "" if response.status_code == 200 else f"{response.status_code}: {response.text[:120]}"
        except httpx.HTTPError as exc:
            failure = f"{type(exc).__name__}: {exc}"
        tally.cheap_ms.append((time.perf_counter() - start) * 1000)
        if failure:
            tally.cheap_failures.append(failure)
        turn += 1
        await asyncio.sleep(think)


async def runaway_client(http: httpx.AsyncClient, stop_at: float, tally: Tally) -> None:
    while time.monotonic() < stop_at:
        try:
            response = await http.get("/sparql", params={"query": RUNAWAY}, timeout=60)
            if response.status_code == 503 and "time limit" in response.json()["error"]["message"]:
                kind = "503 time limit"
            elif response.status_code == 503:
                kind = "503 busy"
            else:
                kind = f"{response.status_code}"
        except httpx.HTTPError as exc:
            kind = type(exc).__name__
        tally.runaway[kind] += 1


async def load(url: str, args: argparse.Namespace, tally: Tally) -> None:
    """Every client a task on one event loop: the harness's own overhead stays small (threads in
    one process would add their GIL waits to the latencies measured)."""
    stop_at = time.monotonic() + args.seconds
    limits = httpx.Limits(max_connections=args.cheap + args.runaway + 8)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        await asyncio.gather(
            *(cheap_client(http, stop_at, args.think, tally, i) for i in range(args.cheap)),
            *(runaway_client(http, stop_at, tally) for _ in range(args.runaway)),
        )


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values or [0.0])[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cheap", type=int, default=32)
    parser.add_argument("--runaway", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.1, help="a cheap client's pause between requests, s")
    parser.add_argument("--settle", type=float, default=60, help="seconds after the load before memory is read")
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's query time limit, s")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="orbat-soak-") as folder:
        store = EmbeddedStore(Path(folder) / "store")
        print("building the seed knowledge base ...", flush=True)
        build(store, Workspace.example(), reason=False)
        store.flush()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, str(SERVE), "--store", str(Path(folder) / "store"), "--port", str(port)]
        # every client here shares one address: the per-client limit (api.client_limit) would answer
        # them 429; it is raised so that the soak measures the workers, not that limit
        command += ["--timeout", str(args.timeout), "--max-client-requests", str(4 * (args.cheap + args.runaway))]
        with running(command, f"{url}/sparql?query=ASK%7B%7D", timeout=60) as server:
            for _ in range(20):  # warm: workers forked, store open
                httpx.get(f"{url}/sparql", params={"query": CHEAP_SPARQL}, timeout=30)
            start_mb = memory_mb(server.pid)
            tally = Tally()
            print(
                f"{args.cheap} cheap clients (think {args.think:g} s) + {args.runaway} runaway clients "
                f"for {args.seconds:g} s, time limit {args.timeout:g} s ...",
                flush=True,
            )
            peak = [start_mb]
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(0.5):
                    peak[0] = max(peak[0], memory_mb(server.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            asyncio.run(load(url, args, tally))
            sampling.set()
            sampler.join()
            peak_mb = peak[0]
            end_mb = memory_mb(server.pid)
            time.sleep(args.settle)
            settled_mb = memory_mb(server.pid)
            after = [httpx.get(f"{url}/sparql", params={"query": CHEAP_SPARQL}, timeout=30) for _ in range(20)]

    cheap = tally.cheap_ms
    p95 = percentile(cheap, 95)
    print(
        f"cheap:   n={len(cheap)}  p50={percentile(cheap, 50):.1f} ms  p95={p95:.1f} ms  max={max(cheap):.1f} ms  "
        f"failures={len(tally.cheap_failures)}"
    )
    for failure in tally.cheap_failures[:5]:
        print(f"         {failure}")
    print(f"runaway: {dict(tally.runaway)}")
    print(
        f"memory (server + workers): start {start_mb:.0f} MB, peak {peak_mb:.0f} MB, end of load {end_mb:.0f} MB, "
        f"{args.settle:g} s later {settled_mb:.0f} MB ({(settled_mb / start_mb - 1) * 100:+.0f} %)"
    )
    missed = []
    if p95 >= 100:
        missed.append("cheap p95 >= 100 ms")
    if tally.cheap_failures:
        missed.append("cheap failures")
    if set(tally.runaway) - {"503 time limit"}:
        missed.append("runaway queries answered otherwise than with the time-limit error")
    if settled_mb > start_mb * 1.2:
        missed.append("memory not back within 20 %")
    if any(r.status_code != 200 for r in after):
        missed.append("cheap requests failing after the load")
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
