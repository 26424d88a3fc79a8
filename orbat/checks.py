"""The knowledge base's violation checks: every ``queries/checks/*-violation.rq`` must return no rows.

The convention of ontology repositories built with the Ontology Development Kit: a quality rule
is a SPARQL query named ``*-violation.rq`` whose rows are the offenders. The ontology's rules
(a label, a definition, a header) and the grading rules of the evidence (issue 9: credibility 1-2
on a single line of reporting; better than 3 on a question or scenario) are both written so, run
by ``orbat validate`` over the graphs a build would store, and by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat

from orbat.build import dataset_bytes
from orbat.queries import parse_header, table
from orbat.store import EmbeddedStore
from orbat.workspace import package_files


@dataclass(frozen=True)
class Failure:
    """A check that found offenders."""

    name: str
    title: str
    rows: list[dict[str, Any]]


def check_files() -> tuple[Path, ...]:
    return package_files("queries/checks", "*-violation.rq")


def run_checks(graphs: dict[str, bytes]) -> tuple[int, list[Failure]]:
    """Run every check over the named graphs (N-Triples each; the default graph is their union); return how many
    checks ran and those that failed."""
    store = EmbeddedStore()
    store.load(dataset_bytes(graphs), RdfFormat.N_QUADS)
    failures = []
    files = check_files()
    for path in files:
        check = parse_header(path)
        rows = table(store.query(check.sparql)).rows
        if rows:
            failures.append(Failure(check.name, check.title, rows))
    return len(files), failures
