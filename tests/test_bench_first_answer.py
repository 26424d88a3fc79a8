"""The first-answer benchmark (bench/bench_first_answer.py) runs end to end: two ``orbat serve``.

A benchmark, not a check of speed: marked ``slow`` and skipped unless selected (``pytest -m slow``).
"""

from __future__ import annotations

import pytest

from bench import bench_first_answer


@pytest.mark.slow
def test_the_first_answer_benchmark_runs(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("a benchmark: run it with -m slow")
    figures = bench_first_answer.main(["--iterations", "2"])
    assert set(figures) == {"after its own build", "after a restart"}
    assert all(status == 200 for answers in figures.values() for _, status in answers)
    assert "answered 200" in capsys.readouterr().out
