"""A build replaces the knowledge base in one atomic write, only after every check passed: a build
that fails (bad annotation, SHACL violation, inconsistency) leaves the previous store as it was."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat, serialize
from sparql_support import copy_of

from orbat import build as build_module
from orbat import manifest
from orbat.build import BuildReport, build
from orbat.reasoning import Inconsistent
from orbat.store import EmbeddedStore
from orbat.validation import ValidationFailed, Violation
from orbat.workspace import Workspace
from orbat.yamlfile import AnnotationError


@pytest.fixture
def store(kb: EmbeddedStore) -> EmbeddedStore:
    return copy_of(kb)


def dump(store: EmbeddedStore) -> bytes:
    return serialize(sorted(store.quads(), key=str), format=RdfFormat.N_QUADS) or b""


def _raise(error: Exception):  # type: ignore[no-untyped-def]
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("load_annotations", AnnotationError("kb/annotations/claims-x.yaml:3", "quote not found verbatim")),
        ("validation.require_valid", ValidationFailed([Violation("claim/x", None, "bad", None, "shape", None)])),
        ("reasoning.materialise", Inconsistent("HermiT finds the knowledge base inconsistent")),
    ],
)
def test_a_failed_build_leaves_the_store_as_it_was(
    store: EmbeddedStore, seed: Workspace, monkeypatch: pytest.MonkeyPatch, target: str, error: Exception
) -> None:
    before = dump(store)
    owner, _, name = target.rpartition(".")
    monkeypatch.setattr(getattr(build_module, owner) if owner else build_module, name, _raise(error))
    with pytest.raises(type(error)):
        build(store, seed, full=True)
    assert dump(store) == before


def test_a_rebuild_gives_the_same_store(rebuilt: EmbeddedStore, kb: EmbeddedStore) -> None:
    assert dump(rebuilt) == dump(kb)


def test_the_build_report_names_the_workspace_and_its_files(
    built: tuple[EmbeddedStore, BuildReport], seed: Workspace
) -> None:
    _, report = built
    assert report.workspace == str(seed.root)
    assert report.fingerprint == seed.fingerprint()


# 329 before claim ids stopped depending on quotes, and after (no claim lost to a collision); then
# the issue 9 re-read: 3 claims for misreadings the seed lacked, 38 for passages it had left empty;
# then 4 background memberships of armed forces in their coalitions (issue 10: symbols' affiliation)
SEED_CLAIMS = 374


def test_the_seed_is_one_report_with_all_its_claims(built: tuple[EmbeddedStore, BuildReport], seed: Workspace) -> None:
    """The seed's layout (sources/ + annotations/ + background/) still builds: one report, its
    document graph, and every claim of its files (stable ids lose none)."""
    store, report = built
    assert report.claims == SEED_CLAIMS and report.sources == 1
    (entry,) = manifest.read(store).reports().values()
    assert (
        entry.report == "sst-2017-05-21-hezbollah-iraqi-forces" and entry.triples == report.quads_by_graph[entry.graph]
    )
    assert manifest.read(store).workspace == str(seed.root)
