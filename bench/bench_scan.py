"""The screening of SPARQL text before the parser is linear: time at 100 KB and 1 MB, and the ratio.

Issue 12: the old tokenizer took quadratic time on runs of ``.`` or ``-`` (256 KB of dots stalled
every endpoint for 56 s). Each hostile pattern below is screened (``api.sparql_safety``: limits,
SERVICE, query form) with the structure limits switched off, so the whole text is scanned, as the
worst case; a ratio near 10 between 1 MB and 100 KB is linear (quadratic would be 100). Then the
same 1 MB texts go to the real app under default limits, where most stop at the first excess, while
a second client measures a cheap request's latency (the scan runs off the event loop).

``python bench/bench_scan.py [--sizes 100000 1000000]``; about a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time

from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import ApiError
from api.settings import Settings
from api.sparql_safety import screen_query_text
from orbat.store import EmbeddedStore

PATTERNS = {
    "dots": ".",
    "dashes": "-",
    "a-a-": "a-",
    "a.a.": "a.",
    "{}": "{}",
    "nested {": "{",
    '"\\ (open strings)': '"\\',
    "''' (open long)": "'''\\'",
    "<a (broken IRIs)": "<a",
    "# comments": "#\n",
    "words": "SELECT ",
    "(1+": "(1+",
}
UNLIMITED = Settings(max_query_depth=10**9, max_query_branches=10**9, max_query_operators=10**9)


def scan_seconds(text: str, settings: Settings) -> float:
    started = time.perf_counter()
    with contextlib.suppress(ApiError):  # a refusal is an answer too
        screen_query_text(text, settings)
    return time.perf_counter() - started


def scan_table(sizes: list[int]) -> None:
    print(f"{'pattern':22}" + "".join(f"{size:>12,} B" for size in sizes) + "   ratio")
    for name, unit in PATTERNS.items():
        times = [scan_seconds(unit * (size // len(unit)), UNLIMITED) for size in sizes]
        print(f"{name:22}" + "".join(f"{t * 1000:>12.1f} ms" for t in times) + f"   {times[-1] / times[0]:5.1f}")


def _attack(client: TestClient, text: str, done: threading.Event) -> None:
    client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    done.set()


def cheap_latency_under_attack(size: int) -> None:
    """p50/max of ``ASK {}`` from one thread while another posts each 1 MB pattern (default limits)."""
    with TestClient(create_app(EmbeddedStore())) as client:
        for name, unit in PATTERNS.items():
            text = unit * (size // len(unit))
            latencies: list[float] = []
            done = threading.Event()

            attacker = threading.Thread(target=_attack, args=(client, text, done))
            started = time.perf_counter()
            attacker.start()
            while not done.is_set():
                t = time.perf_counter()
                assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
                latencies.append(time.perf_counter() - t)
            attacker.join()
            attack_s = time.perf_counter() - started
            print(
                f"{name:22} attack answered in {attack_s * 1000:8.1f} ms; cheap requests during it: "
                f"{len(latencies):4}, p50 {statistics.median(latencies) * 1000:6.1f} ms, "
                f"max {max(latencies) * 1000:6.1f} ms"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args(argv)
    scan_table(args.sizes)
    cheap_latency_under_attack(args.sizes[-1])


if __name__ == "__main__":
    main()
