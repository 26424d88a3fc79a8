"""Stateless API workers for a team: two ``orbat serve`` processes against one Oxigraph server (and, in
the slow suite, one of them with ``--workers 2``). A report added through one is answered by the others within a second:
their name indexes follow the store's version (orbat.store.version), with no restart.

The processes are real (``python -m orbat.cli serve`` on free loopback ports, stopped by PID); the
server is an ``oxigraph serve`` of each test's own, so no other test's data is in it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from report_support import FIRST, fixture_bytes
from sparql_support import TOKEN, bearer

from orbat.build import build
from orbat.servers import free_port, oxigraph_server, stop, wait_until_up
from orbat.store import RemoteStore
from orbat.workspace import Workspace, init

NEW_NAME = "Desert Hawks"  # an alias the report FIRST introduces


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    """One Oxigraph server holding the build of a new workspace that the workers share."""
    root = tmp_path
    workspace = init(root / "workspace")
    with oxigraph_server(root / "oxigraph") as url:
        store = RemoteStore.oxigraph(url)
        build(store, workspace, reason=False)
        store.close()
        yield url, workspace


def serve(url: str, workspace: Workspace, *options: str) -> tuple[list[str], dict[str, str], str]:
    port = free_port()
    environment = {
        **os.environ,
        "ORBAT_SPARQL_URL": url,
        "ORBAT_WORKSPACE": str(workspace.root),
        "ORBAT_ENABLE_UPDATE": "1",
        "ORBAT_UPDATE_TOKEN": TOKEN,
        "NO_COLOR": "1",
    }
    command = [sys.executable, "-m", "orbat.cli", "serve", "--port", str(port), *options]
    return command, environment, f"http://127.0.0.1:{port}"


def names_found(http: httpx.Client, base: str) -> list[str]:
    answer = http.get(f"{base}/api/entities", params={"q": NEW_NAME})
    assert answer.status_code == 200, answer.text
    return [entity["id"] for entity in answer.json()]


@pytest.mark.parametrize(
    "second",
    [
        pytest.param((), id="two-processes"),
        pytest.param(("--workers", "2"), id="workers-2", marks=pytest.mark.slow),  # 3 processes to start: 20 s
    ],
)
def test_a_report_added_through_one_worker_is_answered_by_the_others_within_a_second(
    shared: tuple[str, Workspace], second: tuple[str, ...]
) -> None:
    url, workspace = shared
    one, env_one, base_one = serve(url, workspace)
    two, env_two, base_two = serve(url, workspace, *second)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen(one, env=env_one, **quiet), subprocess.Popen(two, env=env_two, **quiet)]
    # one client for the polling: making one takes 60-100 ms here, much of the second allowed below
    http = httpx.Client(timeout=5)
    try:  # both start at once (each takes seconds to import), then both must answer
        for process, base in zip(processes, (base_one, base_two), strict=True):
            wait_until_up(f"{base}/api/health", process, timeout=60)
        for _ in range(4):  # every worker of the second server builds their name index before the write
            assert names_found(http, base_two) == []
        added = httpx.post(
            f"{base_one}/api/reports",
            content=fixture_bytes(FIRST),
            headers={**bearer(), "Content-Type": "application/yaml"},
            timeout=60,
        )
        assert added.status_code == 201, added.text
        written = time.monotonic()
        while not names_found(http, base_two):
            assert time.monotonic() - written < 1.0, "the other server did not see the new report within 1 s"
            time.sleep(0.05)
        time.sleep(0.5)  # then every worker answers with it
        assert all(names_found(http, base_two) == ["desert-hawks-brigade"] for _ in range(8))
        report = httpx.get(f"{base_two}/api/reports/{FIRST}", timeout=5)
        assert report.status_code == 200
    finally:
        http.close()
        for process in processes:
            stop(process)


def test_several_workers_need_a_shared_sparql_server(tmp_path: Path) -> None:
    workspace = init(tmp_path / "workspace")
    command, environment, _ = serve("unused", workspace, "--workers", "2", "--store", str(tmp_path / "store"))
    environment.pop("ORBAT_SPARQL_URL")
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--workers needs a SPARQL server" in done.stderr
