"""The REST API over real HTTP: ``orbat serve`` in its own process on a free 127.0.0.1 port, over
the session's knowledge base (``ORBAT_STORE``, ``ORBAT_WORKSPACE``), asked with httpx like any
client and stopped by its PID; and the ``orbat`` command reading the same store at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from orbat.servers import free_port, running
from orbat.workspace import init

ROOT = Path(__file__).resolve().parent.parent


def orbat(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The ``orbat`` command in a process of its own, as a user runs it beside the server."""
    command = [sys.executable, "-m", "orbat.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def live_url(kb_env: dict[str, str]) -> Iterator[str]:
    """``orbat serve``, the README's main command, on a free port, over the session's store (built
    from the same workspace, so it serves it as it is); stopped by its PID."""
    report = Path(kb_env["ORBAT_STORE"] + ".build.json")
    before = report.read_text()
    port = free_port()
    command = [sys.executable, "-m", "orbat.cli", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/api/sources", timeout=120, cwd=ROOT, env=kb_env):
        yield url
    assert report.read_text() == before, "a fresh store is served as it is, not rebuilt"


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


def test_cli_reads_while_the_server_holds_the_store(live_url: str, kb_env: dict[str, str]) -> None:
    """The server holds the store for writing; ``orbat`` commands open it read-only meanwhile, while
    HTTP clients keep asking, and answer what the server answers."""
    near = {"place": "al tanf", "radius_km": "30"}
    with ThreadPoolExecutor(4) as pool:
        over_http = pool.submit(lambda: [httpx.get(f"{live_url}/api/near", params=near, timeout=30) for _ in range(5)])
        by_cli = pool.submit(orbat, "near", "al tanf", "--radius", "30", "-f", "json", env=kb_env)
        stats = pool.submit(orbat, "stats", env=kb_env)
        export = pool.submit(orbat, "export", "-f", "nquads", env=kb_env)
        answers = over_http.result()
    for result in (by_cli.result(), stats.result(), export.result()):
        assert result.returncode == 0, result.stderr
    assert all(r.status_code == 200 for r in answers)
    cli_actors = {r["actor"]["id"] for r in json.loads(by_cli.result().stdout)["results"]}
    http_actors = {r["actor"]["id"] for r in answers[0].json()["results"]}
    assert cli_actors == http_actors and "norwegian-soldiers-iraq" in cli_actors
    assert "claims reported:" in stats.result().stdout
    assert len(export.result().stdout.splitlines()) > 5000


def test_a_build_while_the_server_runs_fails_at_once_with_what_to_do(live_url: str, kb_env: dict[str, str]) -> None:
    result = orbat("build", env=kb_env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "is in use by another process" in lines[0] and "stop it first" in lines[0] and "HTTP API" in lines[0]
    assert httpx.get(f"{live_url}/api/sources", timeout=1).status_code == 200


@pytest.mark.parametrize("command", [("add", "tests/fixtures/reports/steppe-monitor-2017-06-01.yaml"), ("remove", "x")])
def test_a_report_change_while_the_server_runs_says_to_use_its_http_api(
    live_url: str, kb_env: dict[str, str], command: tuple[str, str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "orbat.cli", *command], capture_output=True, text=True, env=kb_env, cwd=ROOT, timeout=120
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "held by a running 'orbat serve'" in lines[0] and "POST /api/reports" in lines[0]
    assert httpx.get(f"{live_url}/api/sources", timeout=1).status_code == 200


def test_serve_builds_a_missing_store_first(kb_env: dict[str, str], tmp_path: Path) -> None:
    """``orbat serve`` over a new workspace and no store yet: it builds, records the build, serves."""
    workspace, store = tmp_path / "ours", tmp_path / "store"
    init(workspace)
    env = {**kb_env, "ORBAT_WORKSPACE": str(workspace), "ORBAT_STORE": str(store)}
    port = free_port()
    command = [sys.executable, "-m", "orbat.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/api/sources", timeout=120, cwd=ROOT, env=env):
        assert httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=10).json() == []
    report = json.loads(store.with_name("store.build.json").read_text())
    assert report["workspace"] == str(workspace.resolve()) and report["claims"] == 0
