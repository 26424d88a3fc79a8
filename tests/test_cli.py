"""The ``orbat`` command as a user types it, run in-process (typer's CliRunner, the same entry point
as the installed script) against the session's knowledge base: reads, workspaces, errors.

Reads open the store read-only and never build: a missing or stale store is a one-line error.
Separate processes (reading while ``orbat serve`` runs, the installed script) are in
test_api_live.py and test_install.py.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from api.app import create_app
from orbat.cli import app
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def orbat(*args: str | Path, env: dict[str, str], check: bool = True) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], env={**env, "COLUMNS": "200"})
    run = Run(result.exit_code, result.stdout, result.stderr)
    if check and run.code != 0:
        raise AssertionError(f"orbat {' '.join(map(str, args))} failed ({run.code}): {run.stderr}{result.exception}")
    return run


def one_line_error(run: Run) -> str:
    """The single line a failed command prints on stderr, checked."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.code == 1 and len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "Traceback" not in run.stderr
    return lines[0]


def test_near_as_json(kb_env: dict[str, str]) -> None:
    result = orbat("near", "al tanf", "--radius", "30", "--json", env=kb_env)
    answer = json.loads(result.stdout)
    assert answer["place"]["id"] == "al-tanf"
    actors = {r["actor"]["id"] for r in answer["results"]}
    assert "norwegian-soldiers-iraq" in actors


# ------------------------------------------------- one shape: the CLI prints what the API answers

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"

QUESTIONS = [
    (("entity", "al-tanf"), "/api/entities/al-tanf", {}),
    (("entity", "hezbollah"), "/api/entities/hezbollah", {}),
    (("near", "At-Tanf", "--radius", "30"), "/api/near", {"place": "At-Tanf", "radius_km": 30}),
    (("near", "damascus", "--radius", "0"), "/api/near", {"place": "damascus", "radius_km": 0}),
    (
        ("near", "al tanf", "--radius", "150", "--limit", "4", "--offset", "4"),
        "/api/near",
        {"place": "al tanf", "radius_km": 150, "limit": 4, "offset": 4},
    ),
    (("members", "R+6"), "/api/alliances/R+6/members", {}),
    (("members", "R+6", "--limit", "3", "--offset", "3"), "/api/alliances/R+6/members", {"limit": 3, "offset": 3}),
    (("hierarchy", "31st Guards Air Assault Brigade"), "/api/units/31st-guards-air-assault-brigade/hierarchy", {}),
    (
        ("hierarchy", "russian-armed-forces", "--limit", "3", "--offset", "6"),
        "/api/units/russian-armed-forces/hierarchy",
        {"limit": 3, "offset": 6},
    ),
    (
        ("claims", "--status", "assessed", "--limit", "20", "--offset", "5"),
        "/api/claims",
        {"status": "assessed", "limit": 20, "offset": 5},
    ),
    (("claims", "--subject", "Hizbullah", "--not-hedged"), "/api/claims", {"subject": "Hizbullah", "hedged": "false"}),
    (("claims", "--relation", "supports", "--limit", "500"), "/api/claims", {"relation": "supports", "limit": 500}),
    (("query", "alliance-members", "-p", "alliance=R+6"), "/api/queries/alliance-members", {"alliance": "R+6"}),
]


@pytest.fixture(scope="module")
def served(kb_on_disk: EmbeddedStore) -> Iterator[TestClient]:
    """The app over the same store folder the commands read, answering from worker processes (the
    answers travel back pickled, as under ``orbat serve``)."""
    with TestClient(create_app(kb_on_disk)) as client:
        yield client


@pytest.mark.parametrize(("args", "url", "params"), QUESTIONS, ids=[" ".join(q[0][:2]) for q in QUESTIONS])
def test_the_json_of_a_command_is_the_json_the_api_answers(
    kb_env: dict[str, str], served: TestClient, args: tuple[str, ...], url: str, params: dict[str, object]
) -> None:
    response = served.get(url, params=params)
    assert response.status_code == 200, response.text
    answer = response.json()
    printed = json.loads(orbat(*args, "--json", env=kb_env).stdout)
    if answer.get("next"):  # the next page: a URL over HTTP, the query string of its offset and limit in the CLI
        url = urllib.parse.urlsplit(answer["next"])
        paging = sorted((k, v) for k, v in urllib.parse.parse_qsl(url.query) if k in ("offset", "limit"))
        assert sorted(urllib.parse.parse_qsl(printed["next"])) == paging
        answer["next"] = printed["next"]
    assert printed == answer
    assert json.loads(orbat(*args, "--format", "json", env=kb_env).stdout) == answer


def test_answers_as_tables_show_labels(kb_env: dict[str, str]) -> None:
    members = orbat("members", "R+6", env=kb_env)
    assert members.stdout.startswith("members of R+6 (r-plus-6):") and "Hezbollah" in members.stdout
    entity = orbat("entity", "al-tanf", env=kb_env).stdout
    assert entity.startswith("al-Tanf (al-tanf; BorderCrossing)") and "located in: Homs Governorate" in entity
    rows = list(csv.DictReader(io.StringIO(orbat("claims", "--subject", "hezbollah", "-f", "csv", env=kb_env).stdout)))
    assert rows and all(row["subject"] == "Hezbollah" for row in rows)  # the label, not the id
    hierarchy = csv.DictReader(
        io.StringIO(orbat("hierarchy", "31st-guards-air-assault-brigade", "-f", "csv", env=kb_env).stdout)
    )
    assert {row["parent"] for row in hierarchy} == {"31st Guards Air Assault Brigade"}


def test_named_query_as_csv(kb_env: dict[str, str]) -> None:
    result = orbat("query", "unit-hierarchy", "-p", "unit=31st Guards Air Assault Brigade", "-f", "csv", env=kb_env)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("unit,subunit,subunitLabel")
    assert len(lines) == 6


def test_query_file(kb_env: dict[str, str], tmp_path: Path) -> None:
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/orbat/ontology#Claim> }")
    result = orbat("query", "--file", query, "-f", "json", env=kb_env)
    assert json.loads(result.stdout)["rows"][0]["n"] > 200


def test_table_cells_are_printed_as_written(kb_env: dict[str, str], tmp_path: Path) -> None:
    """A quote's "[sic]" or "[bold]" is text, not terminal markup."""
    query = tmp_path / "brackets.rq"
    query.write_text('SELECT ("[bold]as printed[/bold] [sic]" AS ?quote) WHERE {}')
    assert "[bold]as printed[/bold] [sic]" in orbat("query", "--file", query, env=kb_env).stdout


def test_table_output_and_queries_listing(kb_env: dict[str, str]) -> None:
    assert "Who is positioned at or near a place" in orbat("queries", env=kb_env).stdout
    table = orbat("query", "alliance-members", "-p", "alliance=R+6", env=kb_env)
    assert "Hezbollah" in table.stdout and "row(s)" in table.stderr


def test_export_turtle_and_trig(kb_env: dict[str, str], tmp_path: Path) -> None:
    ttl, trig = tmp_path / "kb.ttl", tmp_path / "kb.trig"
    orbat("export", "-f", "turtle", "-o", ttl, env=kb_env)
    orbat("export", "-f", "trig", "-o", trig, env=kb_env)
    assert len(Graph().parse(ttl, format="turtle")) > 5000
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    names = {str(g.identifier).removeprefix("https://w3id.org/orbat/graph/") for g in dataset.graphs() if len(g)}
    assert names == {"ontology", "background", "inferred", f"source/{DOC}", f"inferred/source/{DOC}", "manifest"}
    background = orbat("export", "-f", "ntriples", "--graph", "background", env=kb_env)
    assert "<https://w3id.org/orbat/id/al-tanf/geometry>" in background.stdout


def test_stats(kb_env: dict[str, str]) -> None:
    result = orbat("stats", env=kb_env)
    assert "https://w3id.org/orbat/graph/inferred" in result.stdout
    assert "claims reported:" in result.stdout


def test_validate_needs_no_store(kb_env: dict[str, str], tmp_path: Path) -> None:
    assert "valid" in orbat("validate", env={**kb_env, "ORBAT_STORE": str(tmp_path / "unused")}).stdout
    assert not (tmp_path / "unused").exists()


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
        (("entity", "hezbolah"), "no entity with id 'hezbolah'"),
        (("members", "Atlantis"), "no alliance named 'Atlantis'"),
        (("near", "al tanf", "--limit", "0"), "limit must be at least 1"),
        (("hierarchy", "russian-armed-forces", "--offset", "-1"), "offset at least 0"),
        (("claims", "--relation", "supportz"), "unknown relation 'supportz' (did you mean: supports?)"),
        (("near", "al tanf", "--json", "-f", "csv"), "--json and --format csv ask for two outputs"),
    ],
)
def test_errors_are_one_readable_line_and_exit_1(kb_env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    assert message in one_line_error(orbat(*args, env=kb_env, check=False))


def test_help_on_every_command(kb_env: dict[str, str]) -> None:
    commands = ("init", "build", "validate", "query", "queries", "near", "entity", "members", "hierarchy", "claims")
    for command in (*commands, "export", "stats", "serve"):
        result = orbat(command, "--help", env=kb_env)
        assert "Usage" in result.stdout and "--" in result.stdout, command
    assert "--workspace" in orbat("--help", env=kb_env).stdout


# ---------------------------------------------------------------- workspaces


def test_init_makes_an_empty_workspace_that_builds(kb_env: dict[str, str], tmp_path: Path) -> None:
    folder, store = tmp_path / "ours", tmp_path / "store"
    assert "made the workspace" in orbat("init", folder, env=kb_env).stdout
    assert {p.name for p in folder.iterdir()} == {"README.md", "reports", "sources", "annotations", "background"}
    assert "sources/" in (folder / "README.md").read_text()
    built = orbat("--workspace", folder, "build", "--no-reason", "--store", store, env=kb_env)
    assert "built 0 claims from 0 source(s)" in built.stdout
    report = json.loads(store.with_name("store.build.json").read_text())
    assert report["workspace"] == str(folder.resolve()) and report["claims"] == 0
    stats = orbat("--workspace", folder, "stats", "--store", store, env=kb_env)
    assert "graph/ontology" in stats.stdout and "claims reported" not in stats.stdout
    # a file of the workspace changes: reads say the store is stale, and do not rebuild
    (folder / "background" / "notes.yaml").write_text("claims: []\n", encoding="utf-8")
    stale = one_line_error(orbat("--workspace", folder, "stats", "--store", store, env=kb_env, check=False))
    assert "changed since it was built" in stale and "orbat build" in stale
    assert json.loads(store.with_name("store.build.json").read_text()) == report


def test_init_example_copies_the_seed(kb_env: dict[str, str], seed: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    orbat("init", folder, "--example", env=kb_env)
    copied = Workspace.open(folder)
    assert copied.fingerprint() == seed.fingerprint()
    assert (folder / "README.md").is_file()


def test_init_refuses_a_folder_that_is_not_empty(kb_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert "is not empty" in one_line_error(orbat("init", tmp_path, env=kb_env, check=False))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("folder", "message"),
    [("missing", "no workspace at"), (".", "is not an orbat workspace")],
)
def test_a_workspace_that_is_not_one_is_a_one_line_error(
    kb_env: dict[str, str], tmp_path: Path, folder: str, message: str
) -> None:
    for args in (("stats",), ("validate",), ("queries",), ("build", "--store", str(tmp_path / "store"))):
        env = {**kb_env, "ORBAT_WORKSPACE": str(tmp_path / folder)}
        assert message in one_line_error(orbat(*args, env=env, check=False)), args
    assert not (tmp_path / "store").exists()


def test_the_default_workspace_is_made_from_the_example_once(
    kb_env: dict[str, str], seed: Workspace, tmp_path: Path
) -> None:
    env = {k: v for k, v in kb_env.items() if k != "ORBAT_WORKSPACE"} | {"XDG_DATA_HOME": str(tmp_path)}
    first = orbat("queries", env=env)
    default = tmp_path / "orbat" / "workspace"
    assert f"made the workspace {default} from the example" in first.stderr
    assert Workspace.open(default).fingerprint() == seed.fingerprint()
    assert "made the workspace" not in orbat("queries", env=env).stderr


def test_a_workspace_brings_its_own_named_queries(kb_env: dict[str, str], tmp_path: Path) -> None:
    """A query of the workspace's queries/ is listed and runs beside the package's."""
    folder = tmp_path / "ours"
    orbat("init", folder, "--example", env=kb_env)
    (folder / "queries").mkdir()
    (folder / "queries" / "documents-by-publisher.rq").write_text(
        "# name: documents-by-publisher\n# title: Documents and their publishers\n"
        "# description: Every source document with its publisher.\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\n"
        "SELECT ?document ?publisher WHERE { ?document dct:publisher ?publisher } ORDER BY ?document\n",
        encoding="utf-8",
    )
    env = {**kb_env, "ORBAT_WORKSPACE": str(folder)}
    assert "documents-by-publisher" in orbat("queries", env=env).stdout
    # the session store was built from another workspace: reads refuse it rather than mislead
    stale = one_line_error(orbat("query", "documents-by-publisher", env=env, check=False))
    assert "it was built from another workspace" in stale and "orbat build" in stale


# ---------------------------------------------------------------- reads never build


def test_a_read_on_a_missing_store_says_how_to_build(kb_env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "store"
    for args in (("stats",), ("near", "al tanf"), ("export",), ("query", "near", "-p", "place=al tanf")):
        line = one_line_error(orbat(*args, "--store", missing, env=kb_env, check=False))
        assert f"no knowledge base at {missing}" in line and "orbat build" in line
    assert not missing.exists()
