"""Benchmarks of the store and the named queries on synthetic knowledge bases (not in the default test run).

``bench/generate.py`` writes a knowledge base of a chosen size with the shape of the real build;
``bench/bench_store.py`` measures loads, queries and exports on it against in-run references.
"""
