"""A plain (non-editable) install ships the ontology, shapes, queries and sources: the installed
``orbat`` works from anywhere, without the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("orbat-*.whl")
    return found


def test_the_wheel_contains_the_knowledge(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "orbat/data/ontology/orbat.ttl",
        "orbat/data/shapes/orbat-shapes.ttl",
        "orbat/data/queries/near.rq",
        "orbat/data/queries/checks/missing-label-violation.rq",
        "orbat/data/kb/sources/000_d8014e27a7843867.txt",
        "orbat/data/kb/annotations/entities.yaml",
        "api/app.py",
    ):
        assert expected in names, expected


def test_installed_orbat_runs_without_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "ORBAT_STORE": str(tmp_path / "store")}
    where = subprocess.run(
        [sys.executable, "-c", "import orbat.paths as p; print(p.DATA_ROOT)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(target / "orbat" / "data")
    result = subprocess.run(
        [sys.executable, "-m", "orbat.cli", "validate"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
