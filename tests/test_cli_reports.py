"""``orbat add``, ``orbat remove`` and ``orbat reports`` on a workspace of one's own (``orbat init``):
the same changes as over HTTP (orbat.changes), with every problem of a rejected report printed one
a line, and the knowledge base answering the new claims at once."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from report_support import FIRST, FIXTURES, SECOND, THIRD, built_from_files, files, quads
from test_cli import Run, one_line_error
from test_cli import orbat as orbat_in_process

from orbat.store import EmbeddedStore
from orbat.workspace import Workspace


def orbat(*args: str | Path, env: dict[str, str], check: bool = True) -> Run:
    """``orbat`` in this process, its store handle released after it (RocksDB's lock is per process)."""
    try:
        return orbat_in_process(*args, env=env, check=check)
    finally:
        gc.collect()


@pytest.fixture
def env(kb_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A new workspace (``orbat init``) and a store folder for it, built."""
    workspace, store = tmp_path / "ours", tmp_path / "store"
    variables = {**kb_env, "ORBAT_WORKSPACE": str(workspace), "ORBAT_STORE": str(store)}
    orbat("init", workspace, env=variables)
    orbat("build", "--no-reason", env=variables)
    return variables


def add(name: str, env: dict[str, str], check: bool = True) -> Run:
    return orbat("add", FIXTURES / f"{name}.yaml", env=env, check=check)


def test_reports_added_on_the_command_line_answer_at_once(env: dict[str, str]) -> None:
    for name in (FIRST, SECOND, THIRD):
        assert f"added report {name}: 3 claim(s), reports/{name}.yaml" in add(name, env).stdout
    near = json.loads(orbat("near", "Tanf outpost", "--radius", "30", "--json", env=env).stdout)
    assert {"desert-hawks-brigade", "maghawir-al-thawra"} <= {r["actor"]["id"] for r in near["results"]}
    listed = orbat("reports", "-f", "csv", env=env).stdout
    assert all(name in listed for name in (FIRST, SECOND, THIRD))
    assert "Liwa al-Badiya" in orbat("export", "-f", "ntriples", "--graph", f"source/{SECOND}", env=env).stdout
    assert "unchanged report" in add(FIRST, env).stdout
    workspace = Workspace.open(env["ORBAT_WORKSPACE"])
    assert sorted(files(workspace)) == sorted([f"{n}.yaml" for n in (FIRST, SECOND, THIRD)] + [f"{THIRD}.txt"])
    assert "up to date: nothing changed" in orbat("build", env=env).stdout


def test_a_removed_report_leaves_no_trace(env: dict[str, str]) -> None:
    add(FIRST, env)
    add(SECOND, env)
    store = EmbeddedStore(env["ORBAT_STORE"], read_only=True)
    before = quads(store)
    del store
    gc.collect()
    add(THIRD, env)
    assert f"removed report {THIRD}" in orbat("remove", THIRD, env=env).stdout
    store = EmbeddedStore(env["ORBAT_STORE"], read_only=True)
    assert quads(store) == before == built_from_files(Workspace.open(env["ORBAT_WORKSPACE"]))
    refused = one_line_error(orbat("remove", FIRST, env=env, check=False))
    assert f"is used by report '{SECOND}'" in refused


def test_a_rejected_report_prints_every_problem_and_changes_nothing(env: dict[str, str]) -> None:
    add(FIRST, env)
    workspace = Workspace.open(env["ORBAT_WORKSPACE"])
    on_disk = files(workspace)
    rejected = add("many-problems", env, check=False)
    lines = [line for line in rejected.stderr.splitlines() if line.strip()]
    assert rejected.code == 1 and len(lines) == 5, rejected.stderr
    assert lines[0].startswith("error: ") and lines[0].endswith("(and 4 more problems)")
    assert all("many-problems.yaml:" in line for line in lines)
    assert files(workspace) == on_disk
