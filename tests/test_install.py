"""A plain (non-editable) install ships the ontology, shapes, queries and the example workspace: the
installed ``orbat`` works from anywhere, without the repository, and makes its default workspace
from the example on first use."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from orbat.workspace import Workspace

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
        "orbat/extract/rules.yaml",
        "api/app.py",
        "api/static/vendor/milsymbol/milsymbol.js",
        "api/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "api/static/vendor/world-atlas/countries-50m.json",
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
    data_home = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(data_home)}
    where = subprocess.run(
        [sys.executable, "-c", "from orbat.workspace import package_data; print(package_data())"],
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
    # with no workspace chosen, the default one is made from the example the wheel ships
    default = data_home / "orbat" / "workspace"
    assert f"made the workspace {default} from the example" in " ".join(result.stderr.split())
    shipped = Workspace(target / "orbat" / "data" / "kb")
    assert Workspace.open(default).fingerprint() == shipped.fingerprint() == Workspace.example().fingerprint()
