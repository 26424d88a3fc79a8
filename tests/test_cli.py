"""The ``orbat`` command end to end, as a user runs it (subprocesses), errors included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

ORBAT = [sys.executable, "-m", "orbat.cli"]


def orbat(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORBAT_STORE": str(store), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("ORBAT_SPARQL_URL", None)
    result = subprocess.run([*ORBAT, *args], capture_output=True, text=True, env=env, timeout=300, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"orbat {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = orbat("build", store=path)
    assert "claims from 1 source(s), 53 passages" in result.stdout
    assert "inferred:" in result.stdout
    return path


def test_build_records_its_report(store: Path) -> None:
    report = json.loads(store.with_name("store.build.json").read_text())
    assert report["claims"] > 200 and report["reasoned"] is True


def test_near_as_json(store: Path) -> None:
    result = orbat("near", "al tanf", "--radius", "30", "--format", "json", store=store)
    answer = json.loads(result.stdout)
    assert answer["place"]["id"] == "al-tanf"
    actors = {r["actor"]["id"] for r in answer["results"]}
    assert "norwegian-soldiers-iraq" in actors


def test_named_query_as_csv(store: Path) -> None:
    result = orbat("query", "unit-hierarchy", "-p", "unit=31st Guards Air Assault Brigade", "-f", "csv", store=store)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("unit,subunit,subunitLabel")
    assert len(lines) == 6


def test_query_file(store: Path, tmp_path: Path) -> None:
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/orbat/ontology#Claim> }")
    result = orbat("query", "--file", str(query), "-f", "json", store=store)
    assert json.loads(result.stdout)["rows"][0]["n"] > 200


def test_table_output_and_queries_listing(store: Path) -> None:
    assert "Who is positioned at or near a place" in orbat("queries", store=store).stdout
    table = orbat("query", "alliance-members", "-p", "alliance=R+6", store=store)
    assert "Hezbollah" in table.stdout and "row(s)" in table.stderr


def test_export_turtle_and_trig(store: Path, tmp_path: Path) -> None:
    ttl, trig = tmp_path / "kb.ttl", tmp_path / "kb.trig"
    orbat("export", "-f", "turtle", "-o", str(ttl), store=store)
    orbat("export", "-f", "trig", "-o", str(trig), store=store)
    assert len(Graph().parse(ttl, format="turtle")) > 5000
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    assert len([g for g in dataset.graphs() if len(g)]) == 4
    background = orbat("export", "-f", "ntriples", "--graph", "background", store=store)
    assert "<https://w3id.org/orbat/id/al-tanf/geometry>" in background.stdout


def test_stats(store: Path) -> None:
    result = orbat("stats", store=store)
    assert "https://w3id.org/orbat/graph/inferred" in result.stdout
    assert "claims reported:" in result.stdout


def test_validate_needs_no_store(tmp_path: Path) -> None:
    assert "valid" in orbat("validate", store=tmp_path / "unused").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("near", "Atlantis"), "no place named 'Atlantis'"),
        (("near", "al tanf", "--radius", "900"), "outside [0, 150]"),
        (("query", "nonsense"), "no named query 'nonsense'"),
        (("query", "near", "-p", "place"), "is not NAME=VALUE"),
        (("query", "--file", "/nonexistent.rq"), "no such query file"),
        (("export", "-f", "docx"), "unknown export format 'docx'"),
        (("export", "--graph", "nothing"), "no named graph"),
    ],
)
def test_errors_are_one_readable_line_and_exit_1(store: Path, args: tuple[str, ...], message: str) -> None:
    result = orbat(*args, store=store, check=False)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_help_on_every_command(store: Path) -> None:
    for command in ("build", "validate", "query", "queries", "near", "export", "stats", "serve"):
        result = orbat(command, "--help", store=store)
        assert "Usage" in result.stdout and "--" in result.stdout
