"""The endpoint benchmark (bench/bench_endpoint.py) runs end to end: a few iterations, both servers.

A benchmark, not a check of speed: marked ``slow`` and skipped unless selected (``pytest -m slow``).
"""

from __future__ import annotations

import pytest

from bench import bench_endpoint


@pytest.mark.slow
def test_the_endpoint_benchmark_runs(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("a benchmark: run it with -m slow")
    timings = bench_endpoint.main(["--iterations", "5", "--warmup", "1", "--no-reason"])
    assert {(t.query, t.server) for t in timings} == {
        (query, server) for query in bench_endpoint.queries() for server in ("orbat", "oxigraph")
    }
    assert all(t.rows > 0 and 0 < t.p50_ms <= t.p95_ms for t in timings)
    assert "ratio ours/oxigraph" in capsys.readouterr().out
