"""A workspace is the analysts' folder: made by ``init``, refused when it is not one, and able to add
its own ontology, shapes and named queries to the package's, which it cannot replace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import entities_only
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from api.app import create_app
from orbat import ontology
from orbat.annotations import load_annotations
from orbat.build import compile_graphs
from orbat.namespaces import ORB
from orbat.queries import QueryError, get_query, named_queries, to_term
from orbat.store import EmbeddedStore
from orbat.validation import ValidationFailed
from orbat.workspace import Workspace, WorkspaceError, init, package_data
from orbat.yamlfile import AnnotationError

CHECKPOINT_CLASS = """\
@prefix orb: <https://w3id.org/orbat/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
orb:Checkpoint a owl:Class ; rdfs:subClassOf orb:Place ;
    rdfs:label "checkpoint"@en ; skos:definition "A place where a force controls passage."@en .
orb:guards a owl:ObjectProperty ; rdfs:subPropertyOf orb:relatedTo ;
    rdfs:label "guards"@en ; skos:definition "An actor guards a place."@en .
"""
CHECKPOINTS_NEED_A_DESCRIPTION = """\
@prefix orb: <https://w3id.org/orbat/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://example.org/shapes/CheckpointShape> a sh:NodeShape ; sh:targetClass orb:Checkpoint ;
    sh:property [ sh:path dct:description ; sh:minCount 1 ; sh:message "a checkpoint needs a description" ] .
"""
CHECKPOINT = "- id: tanf-gate\n  kind: Checkpoint\n  label: Tanf gate\n"
PUBLISHERS_QUERY = """\
# name: documents-by-publisher
# title: Documents and their publishers
# description: Every source document with its publisher.
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?document ?publisher WHERE { ?document dct:publisher ?publisher } ORDER BY ?document
"""


def test_an_empty_workspace_has_the_layout_and_nothing_else(tmp_path: Path) -> None:
    workspace = init(tmp_path / "new")
    assert workspace.root == (tmp_path / "new").resolve()
    assert workspace.sources.is_dir() and workspace.annotations.is_dir() and workspace.background.is_dir()
    annotations = load_annotations(workspace)
    assert annotations.documents == [] and annotations.entities == {} and annotations.claims == []
    assert workspace.ontology_files() == ontology.ontology_files()  # the package's, nothing added


def test_init_accepts_an_empty_folder_and_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert init(tmp_path / "empty").sources.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError, match="is not empty"):
        init(tmp_path / "file")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: None, "no workspace at"),
        (lambda root: root.mkdir(), "is not an orbat workspace"),
        (lambda root: root.write_text("x"), "no workspace at"),
    ],
)
def test_a_folder_that_is_not_a_workspace_is_refused(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    root = tmp_path / "candidate"
    make(root)
    with pytest.raises(WorkspaceError, match=message):
        Workspace.open(root)


def test_the_example_is_the_seed_shipped_with_the_package(seed: Workspace) -> None:
    assert seed.root == package_data() / "kb"
    assert [d.id for d in load_annotations(seed).documents] == ["sst-2017-05-21-hezbollah-iraqi-forces"]


def test_any_change_to_the_files_changes_the_fingerprint(tmp_path: Path, seed: Workspace) -> None:
    workspace = init(tmp_path / "copy", example=True)
    assert workspace.fingerprint() == seed.fingerprint()
    (workspace.background / "more.yaml").write_text("claims: []\n", encoding="utf-8")
    assert workspace.fingerprint() != seed.fingerprint()


def test_a_workspace_adds_its_own_class_relation_and_shape(tmp_path: Path) -> None:
    workspace = entities_only(tmp_path / "ours")
    (workspace.annotations / "entities-checkpoints.yaml").write_text(CHECKPOINT, encoding="utf-8")
    with pytest.raises(AnnotationError, match="unknown kind 'Checkpoint'"):
        load_annotations(workspace)  # not in the package's ontology
    (workspace.root / "ontology").mkdir()
    (workspace.root / "ontology" / "checkpoints.ttl").write_text(CHECKPOINT_CLASS, encoding="utf-8")
    assert ontology.is_subkind("Checkpoint", "Place", workspace)
    assert "Checkpoint" not in ontology.entity_classes()  # the package's ontology is unchanged
    family = next(p for p in get_query("claims").parameters if p.name == "family")
    assert to_term(family, "guards", None, workspace) == NamedNode(ORB + "guards")
    with pytest.raises(QueryError, match="unknown relation 'guards'"):
        to_term(family, "guards", None)
    (workspace.root / "shapes").mkdir()
    (workspace.root / "shapes" / "checkpoints.ttl").write_text(CHECKPOINTS_NEED_A_DESCRIPTION, encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        compile_graphs(workspace, reason=False)
    assert [v.message for v in failed.value.violations] == ["a checkpoint needs a description"]
    assert failed.value.violations[0].where.startswith(str(workspace.annotations / "entities-checkpoints.yaml"))
    (workspace.annotations / "entities-checkpoints.yaml").write_text(
        CHECKPOINT + "  description: The gate of the al-Tanf garrison.\n", encoding="utf-8"
    )
    report = compile_graphs(workspace, reason=False).report
    assert report.entities_by_kind["Checkpoint"] == 1 and report.workspace == str(workspace.root)


def test_the_app_serves_the_workspace_s_own_named_queries(tmp_path: Path, kb: EmbeddedStore) -> None:
    workspace = init(tmp_path / "ours", example=True)
    (workspace.root / "queries").mkdir()
    (workspace.root / "queries" / "documents-by-publisher.rq").write_text(PUBLISHERS_QUERY, encoding="utf-8")
    assert set(named_queries(workspace)) == set(named_queries()) | {"documents-by-publisher"}
    with TestClient(create_app(kb, workspace=workspace)) as client:
        listed = {q["name"] for q in client.get("/api/queries").json()}
        assert "documents-by-publisher" in listed and "near" in listed
        answer = client.get("/api/queries/documents-by-publisher").json()
        assert answer["columns"] == ["document", "publisher"]
        assert answer["rows"] == [
            {
                "document": "https://w3id.org/orbat/source/sst-2017-05-21-hezbollah-iraqi-forces",
                "publisher": "https://w3id.org/orbat/id/sic-semper-tyrannis",
            }
        ]
        operations = client.get("/openapi.json").json()["paths"]
        assert "/api/queries/documents-by-publisher" in operations
    with TestClient(create_app(kb)) as client:  # another app, without the workspace
        assert client.get("/api/queries/documents-by-publisher").status_code == 404


def test_a_workspace_query_cannot_replace_a_package_query(tmp_path: Path) -> None:
    workspace = init(tmp_path / "ours")
    (workspace.root / "queries").mkdir()
    near = (package_data() / "queries" / "near.rq").read_text(encoding="utf-8")
    (workspace.root / "queries" / "near.rq").write_text(near, encoding="utf-8")
    with pytest.raises(QueryError, match="a named query 'near' exists already"):
        named_queries(workspace)
