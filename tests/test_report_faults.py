"""Faults while reports change: a process killed at any step of an add or a remove, and a workspace
folder that is read-only or full. After a restart (a build, as ``orbat serve`` does first) the
workspace and the store agree: the report is fully in or fully out; a folder that refuses the file
is a clear error and nothing is half-written.

A kill is simulated in the process (``Killed``, a BaseException nothing catches, after which every
further file or store step of the dead process fails too), at each step in turn; the slow test
kills a real ``orbat add`` with SIGKILL. The full and read-only folders are a real tmpfs (root only).
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from report_support import FIRST, FIXTURES, SECOND, THIRD, add, built_from_files, files, fixture_bytes, quads
from sparql_support import WRITABLE, bearer
from test_store_disk import fill, small_disk  # noqa: F401  (a fixture)

from api.app import create_app
from orbat import changes, manifest, staging
from orbat.build import build
from orbat.namespaces import source_graph
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace, init

CORRECTED = fixture_bytes(FIRST).replace(b"on Thursday", b"on Wednesday")


class Killed(BaseException):
    """The process is gone: raised at the chosen step and at every step after it."""


def kill_at(monkeypatch: pytest.MonkeyPatch, step: str, skip: int = 0) -> None:
    """Let ``skip`` calls of ``step`` (rename, unlink, store) pass, then die at the next one."""
    state = {"dead": False, "seen": 0}
    steps: dict[str, tuple[Any, str]] = {
        "rename": (Path, "replace"),
        "unlink": (Path, "unlink"),
        "store": (manifest, "apply"),
    }
    for name, (owner, attribute) in steps.items():
        original = getattr(owner, attribute)

        def wrapper(*args: Any, _original: Callable[..., Any] = original, _name: str = name, **kwargs: Any) -> Any:
            if not state["dead"] and _name == step:
                if state["seen"] == skip:
                    state["dead"] = True
                else:
                    state["seen"] += 1
            if state["dead"]:
                raise Killed(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, wrapper)


def restart_and_check(store: EmbeddedStore, workspace: Workspace, report: str) -> bool:
    """What ``orbat serve`` does first (a build), then: the store is what the files give, nothing
    hidden is left, and the report is in both or in neither. Returns whether it is in."""
    build(store, workspace, reason=False)
    assert quads(store) == built_from_files(workspace)
    assert not [p.name for p in workspace.reports.iterdir() if p.name.startswith(".")]
    in_files = (workspace.reports / f"{report}.yaml").exists()
    assert in_files == (source_graph(report) in store.graphs())
    return in_files


@pytest.fixture
def one(tmp_path: Path) -> tuple[EmbeddedStore, Workspace]:
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    add(store, workspace, FIRST)
    add(store, workspace, SECOND)
    return store, workspace


@pytest.mark.parametrize(
    ("report", "data", "step", "skip", "outcome"),
    [
        (THIRD, None, "store", 0, "out"),  # killed as it would write the store: the file is staged only
        (THIRD, None, "rename", 0, "out"),  # the store written, no file renamed: the build takes it out
        (THIRD, None, "rename", 1, "out"),  # its text file renamed, not the report file (which comes last)
        (FIRST, CORRECTED, "rename", 0, "old"),  # a correction whose file never landed: the old one stays
    ],
    ids=["before-store", "after-store", "between-renames", "correction"],
)
def test_an_add_killed_at_any_step_is_fully_in_or_fully_out(
    one: tuple[EmbeddedStore, Workspace],
    monkeypatch: pytest.MonkeyPatch,
    report: str,
    data: bytes | None,
    step: str,
    skip: int,
    outcome: str,
) -> None:
    store, workspace = one
    kill_at(monkeypatch, step, skip)
    with pytest.raises(Killed):
        add(store, workspace, report, data)
    monkeypatch.undo()
    in_files = restart_and_check(store, workspace, report)
    assert in_files == (outcome == "old")
    if outcome == "old":
        assert (workspace.reports / f"{FIRST}.yaml").read_bytes() == fixture_bytes(FIRST)


@pytest.mark.parametrize(("step", "skip"), [("rename", 0), ("store", 0), ("unlink", 0)])
def test_a_remove_killed_at_any_step_is_fully_in_or_fully_out(
    one: tuple[EmbeddedStore, Workspace], monkeypatch: pytest.MonkeyPatch, step: str, skip: int
) -> None:
    store, workspace = one
    kill_at(monkeypatch, step, skip)
    with pytest.raises(Killed):
        changes.remove(store, workspace, SECOND)
    monkeypatch.undo()
    in_files = restart_and_check(store, workspace, SECOND)
    assert in_files == (step == "rename"), "once the file is hidden, the remove goes through"


@pytest.mark.slow
def test_orbat_add_killed_by_sigkill_leaves_workspace_and_store_agreeing(tmp_path: Path) -> None:
    """A real ``orbat add`` in its own process, killed with SIGKILL after a while (a different while
    each round); the next build makes the store what the files say."""
    workspace = init(tmp_path / "ours")
    store_path = tmp_path / "store"
    env = {**os.environ, "ORBAT_WORKSPACE": str(workspace.root), "ORBAT_STORE": str(store_path), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "orbat.cli", "build", "--no-reason"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    subprocess.run([sys.executable, "-m", "orbat.cli", "add", str(FIXTURES / f"{FIRST}.yaml")], env=env, check=True)
    outcomes = []
    for delay in (0.4 + 0.12 * step for step in range(9)):  # an add takes about 1 s, most of it starting Python
        process = subprocess.Popen([sys.executable, "-m", "orbat.cli", "add", str(FIXTURES / f"{THIRD}.yaml")], env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        store = EmbeddedStore(store_path)
        outcomes.append(restart_and_check(store, workspace, THIRD))
        if outcomes[-1]:
            changes.remove(store, workspace, THIRD)
        del store
        gc.collect()  # releases RocksDB's lock for the next process
    print(f"report in after the kill: {outcomes}")


# ---------------------------------------------------------------- a workspace folder that refuses


@pytest.fixture
def on_small_disk(small_disk: Path) -> tuple[EmbeddedStore, Workspace]:  # noqa: F811
    """A workspace on a 24 MB tmpfs (the store in memory), with the first report in."""
    workspace = init(small_disk / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    add(store, workspace, FIRST)
    return store, workspace


def test_a_read_only_workspace_is_a_clear_error_and_nothing_changes(
    on_small_disk: tuple[EmbeddedStore, Workspace],
    small_disk: Path,  # noqa: F811
) -> None:
    store, workspace = on_small_disk
    before, on_disk = quads(store), files(workspace)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(staging.WorkspaceWriteError, match="Read-only file system; nothing was changed"):
            add(store, workspace, SECOND)
        with pytest.raises(staging.WorkspaceWriteError, match="Read-only file system; nothing was changed"):
            changes.remove(store, workspace, FIRST)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert quads(store) == before and files(workspace) == on_disk


def test_a_full_workspace_is_a_clear_error_nothing_is_half_written_and_it_recovers(
    on_small_disk: tuple[EmbeddedStore, Workspace],
    small_disk: Path,  # noqa: F811
) -> None:
    store, workspace = on_small_disk
    before, on_disk = quads(store), files(workspace)
    filler = fill(small_disk)
    with TestClient(create_app(store, WRITABLE, workspace=workspace)) as client:
        body = fixture_bytes(SECOND)
        response = client.post("/api/reports", content=body, headers={**bearer(), "Content-Type": "application/yaml"})
        assert response.status_code == 507, response.text
        assert "the disk is full; nothing was changed" in response.json()["error"]["message"]
        assert quads(store) == before and files(workspace) == on_disk
        filler.unlink()
        response = client.post("/api/reports", content=body, headers={**bearer(), "Content-Type": "application/yaml"})
        assert response.status_code == 201, response.text
