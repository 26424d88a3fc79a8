"""Report changes on a large knowledge base: adding a 50-claim report (every check included),
removing it, and an unchanged ``orbat build``, beside a full rebuild of the same workspace in the
same run. Issue 7's goals: add well under 1 s (300 ms aimed at), remove under 1 s, unchanged build
under 2 s.

The workspace is synthetic (bench/workspace.py: the registry, the background and ~1,500 reports
that build to about a million triples); the store is on disk, as ``orbat serve`` holds it. Each
change goes through ``orbat.changes`` as the server's writer runs it (the report file written into
the workspace, the graphs into the store), timed end to end; medians of ``--repeat`` rounds.

    python bench/bench_reports.py                      # 1M triples: generating and the full build take minutes
    python bench/bench_reports.py --triples 100000 --repeat 3
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

from bench.workspace import generate
from orbat import changes, manifest
from orbat.build import build
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run(triples: int, repeat: int, folder: Path, claims: int = 50) -> dict[str, Any]:
    figures: dict[str, Any] = {"triples_asked": triples}
    seconds, made = timed(lambda: generate(folder / "workspace", triples))
    figures["generate_s"] = seconds
    workspace = Workspace.open(made.root)
    store = EmbeddedStore(folder / "store")
    steps: list[tuple[float, str]] = []
    started = time.perf_counter()
    seconds, report = timed(
        lambda: build(
            store,
            workspace,
            reason=False,
            full=True,
            progress=lambda s: steps.append((time.perf_counter() - started, s)),
        )
    )
    figures["full_build_s"] = seconds
    figures["full_build_steps"] = [f"{at:.1f} s {step}" for at, step in steps]
    figures["quads"] = len(store)
    figures["graphs"] = len(store.graphs())
    figures["claims"] = report.claims
    figures["unchanged_build_s"] = statistics.median(timed(lambda: build(store, workspace))[0] for _ in range(repeat))
    figures["staleness_check_s"] = statistics.median(timed(lambda: manifest.read(store))[0] for _ in range(repeat))
    adds, removes, readds = [], [], []
    before = len(store)
    for round_ in range(repeat):
        report_id = f"bench-added-{round_}"
        data = made.extra_report(report_id, claims)
        seconds, outcome = timed(lambda data=data: changes.add(store, workspace, data))
        assert outcome.action == "added" and outcome.claims == claims, outcome
        adds.append(seconds)
        readds.append(timed(lambda data=data: changes.add(store, workspace, data))[0])  # the same again: no change
        removes.append(timed(lambda report_id=report_id: changes.remove(store, workspace, report_id))[0])
        assert len(store) == before, "a removed report leaves no trace"
    figures["add_50_claims_s"] = statistics.median(adds)
    figures["add_again_unchanged_s"] = statistics.median(readds)
    figures["remove_s"] = statistics.median(removes)
    figures["add_all_s"] = adds
    figures["remove_all_s"] = removes
    return figures


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples the workspace builds to")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of add / add again / remove")
    parser.add_argument("--folder", type=Path, default=None, help="where to put the workspace and store (a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        figures = run(args.triples, args.repeat, Path(folder))
    for key, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key}: {shown}", file=sys.stderr)
    return figures


if __name__ == "__main__":
    main()
