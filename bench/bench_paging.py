"""Paged answers on the synthetic knowledge base: what a first page costs, beside the whole answer
measured in the same run.

Loads the N-Quads of ``bench/generate.py`` (1M triples by default) into an in-memory store, builds
the name index, then times the answers the API gives (``orbat.answers``, without HTTP):

- ``/api/claims`` first page (50 claims), without and with each kind of filter, split into the page
  of ids (``queries/internal/claims-page.rq`` + its count) and the reading of those claims
  (``claims.rq`` restricted to them); the reference is the whole filtered result, as the API read
  it before paging;
- ``near`` at 10, 50 and 150 km;
- ``corroboration`` for one relation (subject and relation bound) and, with ``--corroboration-all``,
  for the whole knowledge base (minutes at 1M triples).

Prints p50 (and the row counts) per figure. ``python bench/bench_paging.py [--kb FILE.nq] [--triples N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat

from bench.generate import generate
from orbat import answers, paging
from orbat.names import NameIndex
from orbat.queries import execute, get_query, internal_query
from orbat.store import EmbeddedStore

TARGET_CLAIMS_MS = 20.0
TARGET_CORROBORATION_ONE_MS = 20.0
TARGET_CORROBORATION_ALL_MS = 200.0
NEAR_TARGETS_MS = {10: 3.0, 50: 8.0, 150: 20.0}


def p50(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def line(label: str, ms: float, detail: str = "", target: float | None = None) -> None:
    verdict = "" if target is None else f"  target < {target:g} ms: {'met' if ms < target else 'MISSED'}"
    print(f"  {label:<46} p50 {ms:9.1f} ms  {detail}{verdict}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kb", type=Path, help="N-Quads from bench/generate.py (else generated)")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corroboration-all", action="store_true", help="also the whole knowledge base (slow)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="orbat-bench-paging-") as tmp:
        path = args.kb
        if path is None:
            path = Path(tmp) / "kb.nq"
            summary = generate(args.triples, path)
            print(summary.describe(), flush=True)
        store = EmbeddedStore()
        started = time.perf_counter()
        store.native.load(path=str(path), format=RdfFormat.N_QUADS)
        names = NameIndex(store)
        print(f"loaded {len(store):,} triples and the name index in {time.perf_counter() - started:.1f} s", flush=True)
        measure(store, names, args.runs, args.corroboration_all)
    return 0


def measure(store: EmbeddedStore, names: NameIndex, runs: int, corroboration_all: bool) -> None:
    subject = next(m.id for m in names.search("bri", "MilitaryUnit", 50) if "-bri" in m.id)
    place = next(m.id for m in names.search("tall", "Place", 50))
    print("/api/claims, first page of 50 (orbat.answers.claims):")
    for filters in ({}, {"subject": subject}, {"relation": "positionedAt"}, {"status": "assessed"}, {"hedged": True}):
        label = ", ".join(f"{k}={v}" for k, v in filters.items()) or "no filter"
        ms, _ = p50(lambda f=filters: answers.claims(store, names, f, 50, 0), runs)  # type: ignore[misc]
        query_args = {
            answers._CLAIM_FILTERS.get(k, k): str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in filters.items()
        }
        ids_ms, ids = p50(
            lambda a=query_args: paging.page_ids(store, internal_query("claims-page"), a, names, "claim", 50, 0), runs
        )
        reference_ms, rows = p50(lambda a=query_args: execute(store, get_query("claims"), a, names).rows, 1)
        line(
            label,
            ms,
            f"(ids and count {ids_ms:.1f} ms, total {ids.total}; whole result as before paging: "
            f"{reference_ms:,.0f} ms, {len(rows):,} rows, {reference_ms / ms:.1f}x)",
            TARGET_CLAIMS_MS,
        )
    print("near (orbat.answers.near):")
    for radius, target in NEAR_TARGETS_MS.items():
        ms, answer = p50(lambda r=radius: answers.near(store, names, place, r), runs)  # type: ignore[misc]
        line(f"{place}, {radius} km", ms, f"({len(answer.results)} results)", target)
    print("corroboration (queries/corroboration.rq):")
    corroboration = get_query("corroboration")
    one = {"subject": subject, "relation": "positionedAt", "min_lines": "1"}
    ms, rows = p50(lambda: execute(store, corroboration, one, names).rows, runs)
    line("one subject and relation", ms, f"({len(rows)} rows)", TARGET_CORROBORATION_ONE_MS)
    if corroboration_all:
        ms, rows = p50(lambda: execute(store, corroboration, {"min_lines": "2"}, names).rows, 1)
        line("whole knowledge base, min_lines 2", ms, f"({len(rows)} rows)", TARGET_CORROBORATION_ALL_MS)


if __name__ == "__main__":
    sys.exit(main())
