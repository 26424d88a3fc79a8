"""``orbat serve`` after a bad edit: the previous build is served, marked stale (stderr and
/api/health say why, as file:line: reason); with no previous build, one error line and exit 1.

Each test runs the real command on a copy of the checkout (code and knowledge base), so that a
file of the copy can be broken; stores are new folders, servers run on free ports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from raw_http import exchange

from orbat import config
from orbat.servers import free_port, running

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ("claims-broken.yaml", "claims: 5\n")
REASON = "kb/annotations/claims-broken.yaml:1: claims must be a list, got 5"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    for name in ("orbat", "api", "ontology", "shapes", "queries", "kb"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def env(checkout: Path) -> dict[str, str]:
    variables = {**os.environ, "PYTHONPATH": str(checkout), "COLUMNS": "200", "NO_COLOR": "1"}
    variables["ORBAT_WORKSPACE"] = str(checkout / "kb")  # the copy's seed, which these tests break
    variables.pop("ORBAT_SPARQL_URL", None)
    return variables


def orbat(*args: str) -> list[str]:
    return [sys.executable, "-m", "orbat.cli", *args]


@pytest.fixture(scope="module")
def built_then_broken(checkout: Path, kb_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the good files (a copy of the session's build, with its report); then a
    claims file is broken (``claims: 5``), so the store is stale and cannot be rebuilt."""
    store = tmp_path_factory.mktemp("stale") / "store"
    shutil.copytree(kb_folder, store)
    shutil.copy(config.report_path(kb_folder), config.report_path(store))
    (checkout / "kb" / "annotations" / BROKEN[0]).write_text(BROKEN[1], encoding="utf-8")
    return store


def test_serve_keeps_the_previous_build_and_says_it_is_stale(
    checkout: Path, built_then_broken: Path, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = orbat("serve", "--store", str(built_then_broken), "--port", str(port))
    with (
        (tmp_path / "stderr").open("wb") as stderr,
        running(command, f"{url}/api/health", cwd=checkout, env=env(checkout), stderr=stderr),
    ):
        health = httpx.get(f"{url}/api/health", timeout=10).json()
        claims = httpx.get(f"{url}/api/claims", params={"limit": 1}, timeout=30)
        garbage = exchange(port, b"\x00\xff not http\r\n\r\n")
    assert health["store"]["stale"] is True and REASON in health["store"]["reason"]
    assert claims.status_code == 200 and claims.json()["total"] > 100  # the previous build, served
    assert garbage[0] == 400 and json.loads(garbage[2])["error"]["status"] == 400  # api.server is in use
    warnings = [line for line in (tmp_path / "stderr").read_text().splitlines() if "warning:" in line]
    assert any(REASON in line for line in warnings) and any("STALE" in line for line in warnings)


@pytest.mark.parametrize("command", [("validate",), ("build",), ("serve",)])
def test_with_no_previous_build_a_bad_file_is_one_error_line(
    checkout: Path, built_then_broken: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    args = [*command, "--store", str(tmp_path / "store")] if command != ("validate",) else list(command)
    if command == ("serve",):
        args += ["--port", str(free_port())]
    result = subprocess.run(orbat(*args), cwd=checkout, env=env(checkout), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (error,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert error.startswith("error: ") and REASON in error
