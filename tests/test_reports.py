"""Reports come and go one file at a time: ``orbat.changes`` adds, corrects and removes a report's
file and its graphs together, checks everything first and lists every problem, and leaves the
store as a full build of the workspace's files would make it.

The three reports of tests/fixtures/reports/ were written for these tests: the first introduces
every entity it names (it goes into an empty workspace), the second uses the first's brigade and
outpost, the third keeps its text in a file beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat
from report_support import (
    FIRST,
    FIXTURES,
    SECOND,
    THIRD,
    add,
    built_from_files,
    claim_ids,
    files,
    fixture_bytes,
    quads,
)

from orbat import changes, manifest, reports
from orbat.build import build
from orbat.namespaces import inferred_graph, source_graph
from orbat.store import EmbeddedStore, TripleStore
from orbat.workspace import Workspace, init
from orbat.yamlfile import Problems

FOREIGN = "https://example.org/graph/not-ours"


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[EmbeddedStore, Workspace]:
    """A new workspace from ``init``, built into a new store."""
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    return store, workspace


@pytest.fixture
def one(fresh: tuple[EmbeddedStore, Workspace]) -> tuple[EmbeddedStore, Workspace]:
    """The first report only: the others' entities come from it."""
    store, workspace = fresh
    assert add(store, workspace, FIRST).action == "added"
    return store, workspace


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, Workspace]:
    """The first report in a workspace of the module, for the tests of refused reports, which
    change nothing (each checks it): they share it."""
    workspace = init(tmp_path_factory.mktemp("refusing") / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    add(store, workspace, FIRST)
    return store, workspace


@pytest.fixture
def three(fresh: tuple[EmbeddedStore, Workspace]) -> tuple[EmbeddedStore, Workspace]:
    store, workspace = fresh
    for name in (FIRST, SECOND, THIRD):
        assert add(store, workspace, name).action == "added"
    return store, workspace


def test_three_reports_go_into_an_empty_workspace_as_a_full_build_would_put_them(
    three: tuple[EmbeddedStore, Workspace],
) -> None:
    store, workspace = three
    assert sorted(files(workspace)) == sorted([f"{FIRST}.yaml", f"{SECOND}.yaml", f"{THIRD}.yaml", f"{THIRD}.txt"])
    assert (workspace.reports / f"{FIRST}.yaml").read_bytes() == fixture_bytes(FIRST)
    listed = {r.id: r for r in reports.listing(store).reports}
    assert set(listed) == {FIRST, SECOND, THIRD}
    assert listed[FIRST].claims == 3 and "tanf-outpost" in listed[FIRST].introduces
    assert listed[THIRD].files == [f"reports/{THIRD}.txt", f"reports/{THIRD}.yaml"]
    assert quads(store) == built_from_files(workspace)


def test_adding_the_same_report_again_changes_nothing(three: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = three
    before, on_disk = quads(store), files(workspace)
    stamp = (workspace.reports / f"{SECOND}.yaml").stat().st_mtime_ns
    assert add(store, workspace, SECOND).action == "unchanged"
    assert quads(store) == before and files(workspace) == on_disk
    assert (workspace.reports / f"{SECOND}.yaml").stat().st_mtime_ns == stamp


CORRECTED = (
    fixture_bytes(FIRST)
    .decode()
    .replace("local sources said on Thursday", "local sources said on Wednesday")
    .replace('quote: "The brigade numbers about 400 fighters"', 'quote: "numbers about 400 fighters"')
    .replace("    credibility: 4\n", "    credibility: 5\n")
)


def test_a_corrected_report_replaces_its_graph_and_keeps_its_claim_ids(three: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = three
    others = {q for q in quads(store) if q[0] not in (source_graph(FIRST), manifest.MANIFEST_GRAPH)}
    ids = claim_ids(store, FIRST)
    assert add(store, workspace, FIRST, CORRECTED.encode()).action == "replaced"
    assert claim_ids(store, FIRST) == ids
    graph = {triple for name, triple in quads(store) if name == source_graph(FIRST)}
    assert any('"numbers about 400 fighters"' in t for t in graph)
    assert not any('"The brigade numbers about 400 fighters"' in t for t in graph)
    assert not any("Thursday" in t for t in graph)
    assert {q for q in quads(store) if q[0] not in (source_graph(FIRST), manifest.MANIFEST_GRAPH)} == others
    assert quads(store) == built_from_files(workspace)


def _reordered(text: str) -> str:
    """The claims of the first report in reverse order."""
    head, _, claims = text.partition("claims:\n")
    entries = ["  - " + e for e in claims.split("  - ") if e.strip()]
    return head + "claims:\n" + "".join(reversed(entries))


@pytest.fixture(scope="module")
def first_ids(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The claim ids of the first report as written."""
    workspace = init(tmp_path_factory.mktemp("ids") / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    add(store, workspace, FIRST)
    return claim_ids(store, FIRST)


@pytest.mark.parametrize(
    ("edit", "same"),
    [
        (lambda text: text, True),
        (_reordered, True),
        (lambda text: text.replace('"Its men were seen at the Zarqa well"', '"men were seen at the Zarqa well"'), True),
        (lambda text: text.replace("    credibility: 3\n", "    credibility: 2\n"), True),
        (lambda text: text.replace("relation: presentIn", "relation: movedTo"), False),
    ],
    ids=["as-is", "reordered", "quote-corrected", "regraded", "other-relation"],
)
def test_a_claim_id_is_what_it_states_and_where(
    fresh: tuple[EmbeddedStore, Workspace], first_ids: list[str], edit: Callable[[str], str], same: bool
) -> None:
    """Identity from document, passage, subject, relation and object: a quote corrected, a file
    reordered or a claim regraded keeps every id; another statement gets another id."""
    store, workspace = fresh
    add(store, workspace, FIRST, edit(fixture_bytes(FIRST).decode()).encode())
    ids = claim_ids(store, FIRST)
    assert (ids == first_ids) is same
    assert len(set(ids) & set(first_ids)) >= 2


def test_true_duplicates_are_numbered_by_content_not_by_file_order(fresh: tuple[EmbeddedStore, Workspace]) -> None:
    """Two claims of one statement in one passage, with different quotes: one keeps the id, the other
    gets -2, the same way whichever comes first in the file."""
    store, workspace = fresh
    duplicate = (
        "  - subject: desert-hawks-brigade\n    relation: positionedNear\n    object: tanf-outpost\n"
        '    quote: "taken up positions near the Tanf outpost"\n    credibility: 3\n'
    )
    text = fixture_bytes(FIRST).decode()
    add(store, workspace, FIRST, (text + duplicate).encode())
    appended = claim_ids(store, FIRST)
    add(store, workspace, FIRST, text.replace("claims:\n", "claims:\n" + duplicate).encode())
    assert claim_ids(store, FIRST) == appended
    numbered = [i for i in appended if i.endswith("-2")]
    assert len(numbered) == 1 and numbered[0].removesuffix("-2") in appended


def test_add_then_remove_leaves_no_trace(fresh: tuple[EmbeddedStore, Workspace]) -> None:
    """Every graph's triples, the inferred graphs included, back exactly to what they were."""
    store, workspace = fresh
    add(store, workspace, FIRST)
    add(store, workspace, SECOND)
    before, on_disk = quads(store), files(workspace)
    add(store, workspace, THIRD)
    inferred = {t for g, t in quads(store) if g == inferred_graph(THIRD)}
    assert any("alliedWith" in t for t in inferred), "the reverse of its alliance is inferred"
    assert changes.remove(store, workspace, THIRD).action == "removed"
    assert quads(store) == before and files(workspace) == on_disk


def test_a_report_that_others_use_cannot_be_removed(three: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = three
    before, on_disk = quads(store), files(workspace)
    with pytest.raises(changes.ReportConflict, match=f"is used by report '{SECOND}'"):
        changes.remove(store, workspace, FIRST)
    assert quads(store) == before and files(workspace) == on_disk
    with pytest.raises(reports.ReportNotFound):
        changes.remove(store, workspace, "no-such-report")


def test_a_rejected_report_lists_every_problem_and_changes_nothing(
    refusing: tuple[EmbeddedStore, Workspace],
) -> None:
    store, workspace = refusing
    before, on_disk = quads(store), files(workspace)
    with pytest.raises(Problems) as rejected:
        add(store, workspace, "many-problems")
    lines = rejected.value.lines()
    expected = [
        "unknown kind 'Battalion'",
        "unknown entity 'phantom-brigade'",
        "unknown relation 'leftFrom'",
        "quote not found verbatim",
        "credibility must be an integer 1-6, got 9",
    ]
    assert len(lines) == len(expected), lines
    for line, reason in zip(lines, expected, strict=True):
        assert line.startswith(f"{FIXTURES / 'many-problems.yaml'}:") and reason in line, line
    assert quads(store) == before and files(workspace) == on_disk


FIRST_TEXT = fixture_bytes(FIRST).decode()
NEW_ID = FIRST_TEXT.replace(f"id: {FIRST}", "id: steppe-monitor-2017-06-02")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"id: x\ntitle: [\n", "YAML syntax"),
        (b"id: x\n\xff\xfe\n", "not UTF-8 text (byte 0xff"),
        (b"- a list\n", "a report {id, title, ..., claims} must be a mapping"),
        (
            FIRST_TEXT.replace(
                "subject: desert-hawks-brigade\n    relation: hasStrength", "subject: nobody\n    relation: hasStrength"
            ).encode(),
            "unknown entity 'nobody'",
        ),
        (FIRST_TEXT.replace("relation: presentIn", "relation: campsAt").encode(), "unknown relation 'campsAt'"),
        (FIRST_TEXT.replace('"Its men were seen', '"His men were seen').encode(), "quote not found verbatim"),
        (FIRST_TEXT.replace("id: steppe", "id: Steppe").encode(), "is not a lower-case slug"),
        (NEW_ID.encode(), "entity 'steppe-monitor' is already described in report 'steppe-monitor-2017-06-01'"),
        (FIRST_TEXT.replace("text: |", "file: elsewhere.txt\ntext: |").encode(), "inline ('text:') or beside it"),
    ],
    ids=[
        "yaml",
        "encoding",
        "not-a-mapping",
        "unknown-entity",
        "unknown-relation",
        "quote",
        "id",
        "entity-id",
        "text-twice",
    ],
)
def test_bad_input_is_refused_with_its_place_and_changes_nothing(
    refusing: tuple[EmbeddedStore, Workspace], data: bytes, problem: str
) -> None:
    store, workspace = refusing
    before, on_disk = quads(store), files(workspace)
    with pytest.raises(Problems) as rejected:
        add(store, workspace, FIRST, data)
    assert any(problem in line and ".yaml:" in line for line in rejected.value.lines()), rejected.value.lines()
    assert quads(store) == before and files(workspace) == on_disk


def test_a_report_id_taken_by_the_seeds_layout_is_refused(tmp_path: Path) -> None:
    workspace = init(tmp_path / "seed", example=True)
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    taken = FIRST_TEXT.replace(f"id: {FIRST}", "id: sst-2017-05-21-hezbollah-iraqi-forces")
    with pytest.raises(Problems, match="is already used by another report"):
        add(store, workspace, FIRST, taken.encode())
    with pytest.raises(changes.ReportConflict, match="seed's layout"):
        changes.remove(store, workspace, "sst-2017-05-21-hezbollah-iraqi-forces")


def test_the_example_workspace_is_never_written_to(seed: Workspace) -> None:
    with pytest.raises(changes.ReportConflict, match="never written to"):
        add(EmbeddedStore(), seed, FIRST)


def test_a_graph_that_is_not_ours_survives_every_change(empty_store: TripleStore, tmp_path: Path) -> None:
    """On the embedded store and on a SPARQL server: builds, adds and removes touch only the graphs
    the manifest says we wrote."""
    foreign = {'<https://example.org/a> <https://example.org/b> "kept"'}
    empty_store.load(b"".join(f"{t} .\n".encode() for t in foreign), RdfFormat.N_TRIPLES, FOREIGN)
    workspace = init(tmp_path / "ours")
    steps = {
        "build": lambda: build(empty_store, workspace, reason=False),
        "add": lambda: add(empty_store, workspace, FIRST),
        "full build": lambda: build(empty_store, workspace, reason=False, full=True),
        "remove": lambda: changes.remove(empty_store, workspace, FIRST),
    }
    for step, change in steps.items():
        change()
        assert {str(q.triple) for q in empty_store.quads(FOREIGN)} == foreign, step
        assert FOREIGN not in manifest.read(empty_store).entries, step
    assert source_graph(FIRST) not in empty_store.graphs()


def test_build_reloads_only_the_report_that_changed(three: tuple[EmbeddedStore, Workspace]) -> None:
    store, workspace = three
    unchanged = build(store, workspace)
    assert not unchanged.full and unchanged.written == [] and unchanged.dropped == []
    (workspace.reports / f"{FIRST}.yaml").write_text(CORRECTED, encoding="utf-8")
    edited = build(store, workspace)
    assert not edited.full and edited.written == [source_graph(FIRST)], "its inferences did not change"
    (workspace.reports / f"{THIRD}.yaml").unlink()
    (workspace.reports / f"{THIRD}.txt").unlink()
    removed = build(store, workspace)
    assert sorted(removed.dropped) == sorted([source_graph(THIRD), inferred_graph(THIRD)]) and removed.written == []
    assert quads(store) == built_from_files(workspace)
