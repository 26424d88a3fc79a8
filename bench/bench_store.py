"""Store benchmark: loads, the named queries and exports on synthetic knowledge bases of 100k and 1M triples.

Why: the seed knowledge base is a few thousand triples, where everything is fast; the questions are
whether Oxigraph keeps the named queries interactive at production size, whether the grid index
behind ``near`` is really used, and what the choice of pyoxigraph over rdflib buys. Every figure is
printed next to a reference measured in the same run on the same data (rdflib's in-memory Dataset
at 100k, a grid-less distance scan for ``near``) and next to its target, so a slow machine shifts
both sides and the ratios stay meaningful. Wall-clock targets are printed, never asserted: tests
check that the figures are produced (tests/test_bench.py).

Each size runs in its own process so that the peak RSS reported belongs to that size alone.
Queries go through the real code path: ``orbat.queries.execute`` on an ``EmbeddedStore``, with
the parameters bound as terms (entity ids resolve through ``NameIndex``).

``python bench/bench_store.py`` (100k and 1M, about 4 minutes on 2 cores), ``--sizes 100000`` for
a subset, ``--runs 30`` runs per query figure.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from orbat.export import FORMATS, write
from orbat.names import NameIndex
from orbat.queries import NamedQuery, execute, get_query
from orbat.store import EmbeddedStore
from orbat.store.base import Term
from orbat.store.remote import bind_parameters

try:
    from bench.generate import Summary, generate
except ModuleNotFoundError:  # run as a script without the repository on sys.path
    from generate import Summary, generate  # type: ignore[no-redef]

DEFAULT_SIZES = (100_000, 1_000_000)
RADII_KM = (10, 50, 150)
ID = "https://w3id.org/orbat/id/"
XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")

# Targets of the issue, printed next to the figures.
TARGET_LOAD_PER_S = 200_000
TARGET_NEAR_P50_MS_AT_1M = 20.0
TARGET_ENTITY_MS = 5.0
TARGET_PEAK_RSS_MB_AT_1M = 1536.0

# near.rq's distance, swapped for arithmetic for the rdflib comparison: rdflib has no geof:distance.
DISTANCE_BIND = "BIND(geof:distance(?wkt0, ?wkt, <http://www.opengis.net/def/uom/OGC/1.0/metre>) / 1000 AS ?d)"
BBOX_BIND = "BIND(110.5 * (ABS(?lat - ?lat0) + ABS(?lon - ?lon0)) AS ?d)"

# The reference for the grid: near.rq's candidate search replaced by a geof:distance scan over
# every geometry of the store (the rest of the query as in near.rq).
GRID_BRANCH_START = "        ?from geo:hasGeometry ?g0 ."
GRID_BRANCH_END = '        BIND("coordinates" AS ?h)'
SCAN_BRANCH = """        ?from geo:hasGeometry ?g0 .
        ?g0 geo:asWKT ?wkt0 .
        ?g geo:asWKT ?wkt .
        ?location geo:hasGeometry ?g .
        BIND(geof:distance(?wkt0, ?wkt, <http://www.opengis.net/def/uom/OGC/1.0/metre>) / 1000 AS ?d)
        FILTER (?d <= ?radius)
"""


@dataclass
class Timing:
    """Milliseconds per run of one query figure."""

    samples: list[float]
    rows: int = 0  # rows of all runs

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def mean_rows(self) -> float:
        return self.rows / len(self.samples)

    def text(self) -> str:
        return f"p50 {self.p50:8.2f} ms  p95 {self.p95:8.2f}  (n={len(self.samples)}, {self.mean_rows:.0f} rows)"


@dataclass
class Figure:
    """One printed line: a figure, the reference measured in the same run, and the target."""

    label: str
    value: float
    text: str
    reference: str = ""
    ratio: str = ""
    target: str = ""


@dataclass
class SizeReport:
    """Everything measured for one size; ``figures`` keyed by a short name for tests and reuse."""

    size: int
    triples: int = 0
    lines: list[Figure] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _by_key: dict[str, Figure] = field(default_factory=dict, repr=False)

    def add(self, key: str, figure: Figure) -> Figure:
        self.lines.append(figure)
        self.figures[key] = figure.value
        self._by_key[key] = figure
        return figure

    def line(self, key: str) -> Figure:
        return self._by_key[key]

    def render(self) -> str:
        out = [f"== {self.size:,} triples requested, {self.triples:,} quads loaded =="]
        for f in self.lines:
            line = f"  {f.label:<40} {f.text}"
            if f.reference:
                line += f"\n  {'':<40} vs {f.reference}" + (f"  -> {f.ratio}" if f.ratio else "")
            if f.target:
                line += f"\n  {'':<40} target {f.target}"
            out.append(line)
        out += [f"  note: {n}" for n in self.notes]
        return "\n".join(out)


class CountingSink:
    """A write-only binary stream that only counts: export timings without the disk."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError):
        return None


def seconds(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def time_runs(run: Callable[[Any], int], params: Sequence[Any], max_seconds: float = 30.0) -> Timing:
    """Run ``run(param)`` once per param (it returns a row count), stopping early past ``max_seconds``."""
    timing = Timing([])
    deadline = time.perf_counter() + max_seconds
    for param in params:
        started = time.perf_counter()
        timing.rows += run(param)
        timing.samples.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline and len(timing.samples) >= 3:
            break
    return timing


def ratio(reference: float, value: float, faster: str = "faster") -> str:
    if value <= 0 or reference <= 0:
        return ""
    return f"{reference / value:,.1f}x {faster}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def sample(items: Sequence[str], count: int, seed: int) -> list[str]:
    """``count`` items, spread over the list, the same in every run (cycled if the list is short)."""
    if not items:
        return []
    picked = random.Random(seed).sample(list(items), min(count, len(items)))
    return [picked[i % len(picked)] for i in range(count)]


def near_scan_query() -> NamedQuery:
    """near.rq with the grid replaced by a distance scan over all geometries: the reference for the grid."""
    near = get_query("near")
    start, end = near.sparql.find(GRID_BRANCH_START), near.sparql.find(GRID_BRANCH_END)
    if start < 0 or end < 0:
        raise RuntimeError("queries/near.rq changed: update GRID_BRANCH_START/END in bench/bench_store.py")
    sparql = near.sparql[:start] + SCAN_BRANCH + near.sparql[end:]
    return NamedQuery("near-scan", near.title, near.description, near.parameters, sparql, near.path)


def near_bbox_sparql() -> str:
    """near.rq without geof:distance (a lat/long box instead), which rdflib can run too."""
    sparql = get_query("near").sparql
    if DISTANCE_BIND not in sparql:
        raise RuntimeError("queries/near.rq changed: update DISTANCE_BIND in bench/bench_store.py")
    return sparql.replace(DISTANCE_BIND, BBOX_BIND)


def inline(sparql: str, bindings: dict[str, Term]) -> str:
    """Parameters written into the text as escaped terms (as the remote store does), without the
    trailing VALUES echo, which rdflib 7 mishandles (it then answers nothing)."""
    text = bind_parameters(sparql, bindings)
    return text[: text.rindex("\nVALUES (")] if bindings else text


def near_args(place: str, radius: int) -> dict[str, str]:
    return {"place": place, "radius_km": str(radius)}


def run_size(
    size: int,
    workdir: Path,
    runs: int = 30,
    rdflib_max: int = 100_000,
    rdflib_runs: int = 1,
    disk: bool = True,
    say: Callable[[str], None] = lambda _: None,
) -> SizeReport:
    """Generate a knowledge base of ``size`` triples and measure everything on it."""
    report = SizeReport(size)
    path = workdir / f"kb-{size}.nq"

    summary: Summary
    summary, gen_s = seconds(lambda: generate(size, path))
    megabytes = path.stat().st_size / 1e6
    report.add(
        "generate_s",
        Figure(
            "generate (bench/generate.py)",
            gen_s,
            f"{gen_s:8.2f} s  ({summary.triples / gen_s:,.0f} triples/s, {megabytes:,.0f} MB N-Quads)",
        ),
    )
    report.notes.append(summary.describe())
    say(f"generated {summary.triples:,} triples in {gen_s:.1f} s")
    measure_in_memory(report, path, summary, runs, rdflib_max, rdflib_runs, say)
    gc.collect()
    if disk:  # last: RocksDB's caches would inflate the memory figure
        measure_on_disk(report, path, workdir)
        say("disk load done")
    path.unlink(missing_ok=True)
    return report


def measure_in_memory(
    report: SizeReport,
    path: Path,
    summary: Summary,
    runs: int,
    rdflib_max: int,
    rdflib_runs: int,
    say: Callable[[str], None],
) -> None:
    """Load into an in-memory store, run the named queries and the exports (and rdflib, if small)."""
    size = report.size
    megabytes = path.stat().st_size / 1e6

    # --- load -------------------------------------------------------------------------------
    store = EmbeddedStore()
    _, load_s = seconds(lambda: store.native.load(path=str(path), format=RdfFormat.N_QUADS))
    report.triples = len(store)
    load_rate = report.triples / load_s
    peak = peak_rss_mb()
    rss = current_rss_mb()
    report.add(
        "load_mem_per_s",
        Figure(
            "load, in-memory Store.load",
            load_rate,
            f"{load_rate:10,.0f} triples/s  ({load_s:.2f} s, {megabytes / load_s:,.0f} MB/s)",
            target=f">= {TARGET_LOAD_PER_S:,}/s: {verdict(load_rate >= TARGET_LOAD_PER_S)}",
        ),
    )
    rss_text = f", current {rss:,.0f} MB" if rss is not None else ""
    mem_target = ""
    if size >= 1_000_000:
        mem_target = f"< {TARGET_PEAK_RSS_MB_AT_1M:,.0f} MB at 1M: {verdict(peak < TARGET_PEAK_RSS_MB_AT_1M)}"
    report.add(
        "peak_rss_mb",
        Figure("peak RSS after the in-memory load", peak, f"{peak:10,.0f} MB (ru_maxrss{rss_text})", target=mem_target),
    )
    say(f"loaded in {load_s:.1f} s")

    names, names_s = seconds(lambda: NameIndex(store))
    report.add(
        "names_s",
        Figure("NameIndex build (labels query)", names_s, f"{names_s * 1000:8.1f} ms ({len(names):,} entities)"),
    )

    # --- named queries ------------------------------------------------------------------------
    places = sample(summary.claimed_places or summary.places, runs, seed=1)
    near = get_query("near")
    scan = near_scan_query()

    def run_near(query: NamedQuery, radius: int) -> Callable[[str], int]:
        return lambda place: len(execute(store, query, near_args(place, radius), names).rows)

    def run_store_only(radius: int) -> Callable[[str], int]:
        literal = Literal(str(radius), datatype=XSD_DECIMAL)

        def run(place: str) -> int:
            rows = store.query(near.sparql, {"place": NamedNode(ID + place), "radius_km": literal})
            return len(list(rows))  # type: ignore[arg-type]

        return run

    for radius in RADII_KM:
        grid = time_runs(run_near(near, radius), places)
        store_only = time_runs(run_store_only(radius), places)
        reference = time_runs(run_near(scan, radius), places)
        target = ""
        if size >= 1_000_000:
            target = f"p50 < {TARGET_NEAR_P50_MS_AT_1M:g} ms at 1M: {verdict(grid.p50 < TARGET_NEAR_P50_MS_AT_1M)}"
        report.add(
            f"near_{radius}_p50_ms",
            Figure(
                f"near.rq, {radius} km (grid)",
                grid.p50,
                f"{grid.text()}\n  {'':<40} of which the store (rows not converted): p50 {store_only.p50:.2f} ms",
                reference=f"distance scan of every geometry: {reference.text()}",
                ratio=ratio(reference.p50, grid.p50),
                target=target,
            ),
        )
        report.figures[f"near_{radius}_p95_ms"] = grid.p95
        report.figures[f"near_{radius}_store_p50_ms"] = store_only.p50
        report.figures[f"near_scan_{radius}_p50_ms"] = reference.p50
        say(f"near {radius} km: p50 {grid.p50:.1f} ms")

    units = sample(summary.units, runs, seed=2)
    entity = get_query("entity")
    entity_timing = time_runs(lambda unit: len(execute(store, entity, {"entity": unit}, names).rows), units)
    report.add(
        "entity_p50_ms",
        Figure(
            "entity.rq, a unit's page",
            entity_timing.p50,
            entity_timing.text(),
            target=f"< {TARGET_ENTITY_MS:g} ms: {verdict(entity_timing.p50 < TARGET_ENTITY_MS)}",
        ),
    )
    report.figures["entity_p95_ms"] = entity_timing.p95

    alliances = sample(summary.alliances, runs, seed=3)
    members_query = get_query("alliance-members")
    members = time_runs(lambda a: len(execute(store, members_query, {"alliance": a}, names).rows), alliances)
    report.add("alliance_p50_ms", Figure("alliance-members.rq", members.p50, members.text()))

    corroboration_query = get_query("corroboration")
    corroboration = time_runs(
        lambda n: len(execute(store, corroboration_query, {"min_lines": n}, names).rows),
        ["2"] * min(runs, 5),
    )
    report.add(
        "corroboration_p50_ms", Figure("corroboration.rq (min_lines 2)", corroboration.p50, corroboration.text())
    )
    say("named queries done")

    # --- exports ---------------------------------------------------------------------------------
    export_s: dict[str, float] = {}
    for name in ("turtle", "nquads"):
        sink = CountingSink()
        started = time.perf_counter()
        write(store, FORMATS[name], sink)  # type: ignore[arg-type]
        export_s[name] = time.perf_counter() - started
        report.add(
            f"export_{name}_s",
            Figure(
                f"export {name} (orbat.export.write)",
                export_s[name],
                f"{export_s[name]:8.2f} s  ({sink.bytes / 1e6:,.0f} MB, "
                f"{report.triples / export_s[name]:,.0f} triples/s)",
            ),
        )
    say("exports done")

    # --- rdflib, the reference, at small sizes ------------------------------------------------
    if size <= rdflib_max:
        compare_rdflib(report, store, path, places, units, rdflib_runs, load_rate, export_s, entity_timing, say)


def measure_on_disk(report: SizeReport, path: Path, workdir: Path) -> None:
    """Bulk load into a fresh RocksDB store, then remove it."""
    location = Path(tempfile.mkdtemp(prefix="orbat-bench-store-", dir=workdir))
    try:
        disk_store = Store(str(location))
        started = time.perf_counter()
        disk_store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
        disk_s = time.perf_counter() - started
        disk_rate = len(disk_store) / disk_s
        report.add(
            "load_disk_per_s",
            Figure(
                "load, on-disk Store.bulk_load (RocksDB)",
                disk_rate,
                f"{disk_rate:10,.0f} triples/s  ({disk_s:.2f} s)",
                target=f">= {TARGET_LOAD_PER_S:,}/s: {verdict(disk_rate >= TARGET_LOAD_PER_S)}",
            ),
        )
    finally:
        shutil.rmtree(location, ignore_errors=True)


def compare_rdflib(
    report: SizeReport,
    store: EmbeddedStore,
    path: Path,
    places: list[str],
    units: list[str],
    runs: int,
    load_rate: float,
    export_s: dict[str, float],
    entity_timing: Timing,
    say: Callable[[str], None],
) -> None:
    """The same work in rdflib's in-memory Dataset (the union of the graphs as default graph)."""
    from rdflib import Dataset, Graph

    dataset, rdf_load_s = seconds(lambda: Dataset(default_union=True).parse(str(path), format="nquads"))
    rdf_rate = report.triples / rdf_load_s
    load = report.line("load_mem_per_s")
    load.reference = f"rdflib Dataset.parse: {rdf_rate:,.0f} triples/s ({rdf_load_s:.1f} s)"
    load.ratio = ratio(load_rate, rdf_rate)
    report.figures["rdflib_load_per_s"] = rdf_rate
    say(f"rdflib loaded in {rdf_load_s:.1f} s")

    bbox = near_bbox_sparql()
    for radius in RADII_KM:

        def bound(place: str, radius: int = radius) -> str:
            return inline(
                bbox, {"place": NamedNode(ID + place), "radius_km": Literal(str(radius), datatype=XSD_DECIMAL)}
            )

        ox = time_runs(lambda p: len(list(store.query(bound(p)))), places)  # type: ignore[arg-type]
        rdf = time_runs(lambda p: len(list(dataset.query(bound(p)))), places[:runs], max_seconds=60)
        same = sum(len(list(store.query(bound(p)))) for p in places[: len(rdf.samples)])  # type: ignore[arg-type]
        if same != rdf.rows:
            report.notes.append(f"near with a box, {radius} km: rdflib answered {rdf.rows} rows, Oxigraph {same}")
        report.add(
            f"near_bbox_{radius}_p50_ms",
            Figure(
                f"near.rq with a lat/long box, {radius} km",
                ox.p50,
                ox.text(),
                reference=f"rdflib: {rdf.text()}",
                ratio=ratio(rdf.p50, ox.p50),
            ),
        )
        report.figures[f"rdflib_near_bbox_{radius}_p50_ms"] = rdf.p50
        say(f"rdflib near {radius} km: p50 {rdf.p50:.0f} ms")
    report.notes.append(
        "rdflib has no geof:distance, so the rdflib comparison runs near.rq with the distance replaced by a "
        "lat/long box (same grid, same joins), on both stores, parameters written into the text."
    )

    entity_sparql = get_query("entity").sparql
    rdf_entity = time_runs(
        lambda u: len(list(dataset.query(inline(entity_sparql, {"entity": NamedNode(ID + u)})))), units[: runs * 3]
    )
    entity = report.line("entity_p50_ms")
    entity.reference = f"rdflib: {rdf_entity.text()}"
    entity.ratio = ratio(rdf_entity.p50, entity_timing.p50)
    report.figures["rdflib_entity_p50_ms"] = rdf_entity.p50
    same = sum(
        len(list(store.query(inline(entity_sparql, {"entity": NamedNode(ID + u)}))))  # type: ignore[arg-type]
        for u in units[: len(rdf_entity.samples)]
    )
    if same != rdf_entity.rows:
        report.notes.append(f"entity page: rdflib answered {rdf_entity.rows} rows, Oxigraph {same}")

    def union_turtle() -> int:
        graph = Graph()
        for triple in dataset.triples((None, None, None)):
            graph.add(triple)
        return len(graph.serialize(format="turtle", encoding="utf-8"))

    _, rdf_turtle_s = seconds(union_turtle)
    _, rdf_nquads_s = seconds(lambda: dataset.serialize(format="nquads", encoding="utf-8"))
    turtle, nquads = report.line("export_turtle_s"), report.line("export_nquads_s")
    turtle.reference = f"rdflib, union Graph -> turtle: {rdf_turtle_s:.2f} s"
    turtle.ratio = ratio(rdf_turtle_s, export_s["turtle"])
    nquads.reference = f"rdflib, Dataset -> nquads: {rdf_nquads_s:.2f} s"
    nquads.ratio = ratio(rdf_nquads_s, export_s["nquads"])
    report.figures["rdflib_export_turtle_s"] = rdf_turtle_s
    report.figures["rdflib_export_nquads_s"] = rdf_nquads_s
    say("rdflib done")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated triple counts")
    parser.add_argument("--runs", type=int, default=30, help="runs per query figure (different parameters)")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="largest size also measured in rdflib")
    parser.add_argument("--rdflib-runs", type=int, default=1, help="runs per rdflib near figure (5-60 s each at 100k)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to write the N-Quads (default: a temp dir)")
    parser.add_argument("--no-disk", action="store_true", help="skip the on-disk bulk load")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args(argv)

    if args.one:
        workdir = args.workdir or Path(tempfile.gettempdir())
        report = run_size(
            args.one,
            workdir,
            runs=args.runs,
            rdflib_max=args.rdflib_max,
            rdflib_runs=args.rdflib_runs,
            disk=not args.no_disk,
            say=lambda text: print(f"  ... {text}", file=sys.stderr, flush=True),
        )
        print(report.render(), flush=True)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    print(f"orbat store benchmark: sizes {', '.join(f'{s:,}' for s in sizes)}; {args.runs} runs per query figure")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="orbat-bench-", dir=args.workdir) as tmp:
        for size in sizes:
            command = [sys.executable, str(Path(__file__).resolve()), "--one", str(size), "--runs", str(args.runs)]
            command += ["--rdflib-max", str(args.rdflib_max), "--rdflib-runs", str(args.rdflib_runs), "--workdir", tmp]
            command += ["--no-disk"] if args.no_disk else []
            done = subprocess.run(command, check=False)
            if done.returncode != 0:
                print(f"size {size:,} failed (exit {done.returncode})", file=sys.stderr)
                return done.returncode
            print(flush=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
