"""The report benchmark runs end to end on a small synthetic workspace (``pytest -m slow``): the
workspace builds, a generated 50-claim report is accepted and removed without a trace, and every
figure is produced. It checks that the figures exist, never how fast."""

from __future__ import annotations

import pytest

from bench import bench_reports


@pytest.mark.slow
def test_the_report_benchmark_runs_end_to_end() -> None:
    figures = bench_reports.main(["--triples", "20000", "--repeat", "1"])
    for key in ("full_build_s", "unchanged_build_s", "add_50_claims_s", "add_again_unchanged_s", "remove_s"):
        assert figures[key] > 0, key
    assert figures["claims"] > 0 and figures["quads"] > 10_000
