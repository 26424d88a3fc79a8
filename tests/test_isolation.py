"""Reads through worker processes (api.isolation) answer exactly what reads in threads answer.

Every kind of read job crosses a process boundary there: its arguments, its answer and its errors
are pickled. One request per route, over the same knowledge base, once from an app over the
in-memory store (threads) and once from an app over the store folder (worker processes): same
status, same media type, same body; JSON bodies compared with their lists sorted (the two stores
hand over unordered rows in different orders).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.execution import ThreadRunner
from api.isolation import ProcessRunner
from orbat.store import EmbeddedStore

REQUESTS = [
    "/api/entities?q=tanf",
    "/api/entities/al-tanf",
    "/api/entities/nowhere-at-all",  # 404 with suggestions: an error that travels back
    "/api/near?place=al-tanf&radius_km=150",
    "/api/claims?limit=3",
    "/api/claims?relation=deployedTo&limit=5",
    "/api/sources",
    "/api/alliances/r-plus-6/members",
    "/api/units/russian-armed-forces/hierarchy",
    "/api/queries/hedged-claims",
    "/api/export?format=turtle&graph=background",
    "/api/export?format=geojson",
    "/sparql?query=SELECT%20%3Fp%20%3Fo%20WHERE%20%7B%20%3Chttps%3A%2F%2Fw3id.org%2Forbat%2Fid%2Fal-tanf%3E%20%3Fp%20%3Fo%20%7D",
    "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/sparql?query=SELEC%20nonsense",  # a syntax error from the engine, in the worker
    "/rdf-graphs?graph=https%3A%2F%2Fw3id.org%2Forbat%2Fgraph%2Fbackground",
]


@pytest.fixture(scope="module")
def threads(kb: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(kb)) as client:
        assert isinstance(client.app.state.orbat.runner, ThreadRunner)  # type: ignore[attr-defined]
        yield client


@pytest.fixture(scope="module")
def processes(kb_on_disk: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(kb_on_disk)) as client:
        assert isinstance(client.app.state.orbat.runner, ProcessRunner)  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize("url", REQUESTS)
def test_a_worker_process_answers_what_a_thread_answers(url: str, threads: TestClient, processes: TestClient) -> None:
    expected, actual = threads.get(url), processes.get(url)
    assert actual.status_code == expected.status_code, actual.text[:300]
    assert actual.headers["content-type"] == expected.headers["content-type"]
    if "json" in expected.headers["content-type"]:
        assert canonical(actual.json()) == canonical(expected.json())
    else:
        assert actual.content == expected.content


def canonical(value: Any) -> Any:
    """JSON with every list sorted, so that row order does not count."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value
