"""Benchmarks, run by hand or by the ``slow`` tests (``pytest -m slow``), never in the default test run.

Each module says what it measures and against which reference measured in the same run;
``bench/generate.py`` writes synthetic knowledge bases of a chosen size for ``bench/bench_store.py``.
"""
