"""How fast ``orbat serve`` answers right after building the store itself, against after a restart.

``orbat serve`` on a new store folder builds the knowledge base and then serves it from the same
store handle; a second ``orbat serve`` on that folder only opens it. Each serves ``/api/claims``
(the first page, no filter: the claims query over the whole store) ``--iterations`` times, and the
figures are printed side by side. Before the embedded store flushed after bulk loads, the first
server's claims query needed about 6 s (answered 503 at the 5 s limit) against 0.6 s after a
restart: the build's writes were still in RocksDB's write buffer (bench/README.md).
``python bench/bench_first_answer.py [--iterations 5]``, about a minute.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from orbat.servers import free_port, running

ROOT = Path(__file__).resolve().parent.parent


def timings(store: Path, iterations: int) -> list[tuple[float, int]]:
    """Seconds and status per /api/claims request from an ``orbat serve`` over ``store``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "orbat.cli", "serve", "--store", str(store), "--port", str(port)]
    seconds = []
    with (
        running(command, f"{url}/api/sources", timeout=300, cwd=ROOT),
        httpx.Client(base_url=url, timeout=120) as client,
    ):
        for _ in range(iterations):
            started = time.perf_counter()
            status = client.get("/api/claims").status_code
            seconds.append((time.perf_counter() - started, status))
    return seconds


def main(argv: Sequence[str] | None = None) -> dict[str, list[tuple[float, int]]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        figures = {
            "after its own build": timings(store, args.iterations),
            "after a restart": timings(store, args.iterations),
        }
    for name, answers in figures.items():
        seconds = [s for s, _ in answers]
        ok = sum(status == 200 for _, status in answers)
        print(
            f"/api/claims {name}: median {statistics.median(seconds):.2f} s,"
            f" min {min(seconds):.2f} s, max {max(seconds):.2f} s; {ok} of {len(answers)} answered 200"
        )
    return figures


if __name__ == "__main__":
    main()
