"""The REST API over real HTTP: a uvicorn process on a free 127.0.0.1 port, started and stopped by
its PID (``orbat serve`` over a new store folder), asked with httpx like any client."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from orbat.servers import free_port, running

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``orbat serve``, the README's main command, on a free port: it builds the seed into a new
    store folder, then serves it; stopped by its PID."""
    port = free_port()
    store = tmp_path_factory.mktemp("live") / "store"
    command = [sys.executable, "-m", "orbat.cli", "serve", "--store", str(store), "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/sources", timeout=120, cwd=ROOT):
        yield url


def test_near_over_http(live_url: str) -> None:
    response = httpx.get(f"{live_url}/api/near", params={"place": "At-Tanf", "radius_km": 30}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer["place"]["id"] == "al-tanf"
    results = [r for r in answer["results"] if r["actor"]["id"] == "norwegian-soldiers-iraq"]
    quotes = [c["quote"] for r in results for c in r["claims"]]
    assert any("60 Norwegian soldiers" in q for q in quotes)


def test_concurrent_requests_over_http(live_url: str) -> None:
    """Several clients at once: the query pool answers them all, the same way."""
    with httpx.Client(base_url=live_url, timeout=30) as client, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.get("/api/near", params={"place": "al tanf"}).json(), range(16)))
    assert all(a == answers[0] for a in answers)


def test_errors_over_http(live_url: str) -> None:
    response = httpx.get(f"{live_url}/api/near", params={"place": "al tanff"}, timeout=30)
    assert response.status_code == 404
    assert response.json()["error"]["detail"]["suggestions"] == ["al-tanf"]


def test_streamed_export_over_http(live_url: str) -> None:
    with httpx.stream("GET", f"{live_url}/api/export", params={"format": "geojson"}, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-disposition"] == 'attachment; filename="orbat-all.geojson"'
        body = b"".join(response.iter_bytes())
    assert int(response.headers["content-length"]) == len(body)
    assert json.loads(body)["type"] == "FeatureCollection"


def test_abandoned_export_does_not_block_the_server(live_url: str) -> None:
    """Clients that read one chunk and hang up leave the query pool free for the next requests."""
    for _ in range(8):  # twice the query pool's workers
        with httpx.stream("GET", f"{live_url}/api/export", params={"format": "nquads"}, timeout=30) as response:
            assert response.status_code == 200
            next(response.iter_bytes())
    assert httpx.get(f"{live_url}/api/sources", timeout=10).status_code == 200
