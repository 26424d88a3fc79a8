"""The annotation loader accepts the seed files and rejects bad entries with file, line and reason."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import entities_only
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbat.annotations import load_annotations
from orbat.workspace import Workspace
from orbat.yamlfile import AnnotationError

DOC = "sst-2017-05-21-hezbollah-iraqi-forces"


def test_seed_annotations_load(seed: Workspace) -> None:
    annotations = load_annotations(seed)
    reported = [c for c in annotations.claims if c.document is not None]
    assert len(reported) > 150, "well over a hundred claims from the post and its comments"
    passages = {e.passage.id for c in reported for e in c.evidence}
    assert {"amn", "post"} <= passages and len(passages) > 30
    for claim in reported:
        for evidence in claim.evidence:
            assert claim.document.text[evidence.start : evidence.end] == evidence.quote


def test_claim_ids_are_deterministic(seed: Workspace) -> None:
    first = [c.id for c in load_annotations(seed).claims]
    second = [c.id for c in load_annotations(seed).claims]
    assert first == second and len(set(first)) == len(first)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A new workspace with the seed's sources and entities, no claims, to add one bad file to."""
    return entities_only(tmp_path / "workspace")


def load(workspace: Workspace) -> None:
    load_annotations(workspace)


def write_claims(workspace: Workspace, body: str) -> None:
    text = f"document: {DOC}\nclaims:\n" + textwrap.indent(textwrap.dedent(body), "  ")
    (workspace.annotations / "claims-test.yaml").write_text(text, encoding="utf-8")


GOOD = """\
- passage: c19
  subject: russian-aerospace-forces
  relation: providesAirCoverFor
  object: r-plus-6
  quote: "Two Russian Su-30s flew cover for the advancing forces yesterday."
  credibility: 3
"""


def test_a_good_claim_loads(workspace: Workspace) -> None:
    write_claims(workspace, GOOD)
    annotations = load_annotations(workspace)
    (claim,) = [c for c in annotations.claims if c.document]
    assert claim.asserted_by.startswith("unknown-author-")  # c19 prints no author
    assert claim.evidence[0].passage.id == "c19"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("credibility: 3", "credibility: 3\n  colour: red"), "unknown key(s): colour"),
        (("object: r-plus-6", "object: r-plus-7"), "object refers to unknown entity 'r-plus-7'"),
        (("subject: russian-aerospace-forces", "subject: ghosts"), "subject refers to unknown entity 'ghosts'"),
        (("relation: providesAirCoverFor", "relation: flatters"), "unknown relation 'flatters'"),
        (("flew cover for", "flew top cover for"), "quote not found verbatim in passage c19"),
        (("passage: c19", "passage: c99"), "passage 'c99' is not in document"),
        (("credibility: 3", "credibility: 9"), "credibility must be an integer 1-6"),
        (("object: r-plus-6", "value: 60"), "takes an entity 'object'"),
        (("credibility: 3", "credibility: 3\n  hedge: maybe"), "hedge cue 'maybe' is not in the passage text"),
        (("credibility: 3", "credibility: 3\n  status: rumour"), "unknown status 'rumour'"),
        (("credibility: 3", "credibility: 3\n  cites: [nobody]"), "cites refers to unknown entity 'nobody'"),
    ],
)
def test_bad_claims_are_rejected_with_file_line_and_reason(
    workspace: Workspace, change: tuple[str, str], reason: str
) -> None:
    write_claims(workspace, GOOD.replace(*change))
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    message = str(caught.value)
    assert reason in message
    assert "claims-test.yaml:3" in message  # the entry's line


def test_folded_quote_gets_a_hint(workspace: Workspace) -> None:
    write_claims(workspace, GOOD.replace("Two Russian Su-30s", "two russian  Su-30s"))
    with pytest.raises(AnnotationError, match="matches only after folding"):
        load(workspace)


def test_duplicate_claims_are_rejected(workspace: Workspace) -> None:
    write_claims(workspace, GOOD + GOOD)
    with pytest.raises(AnnotationError, match="the same claim is already at"):
        load(workspace)


def test_duplicate_entity_ids_are_rejected(workspace: Workspace) -> None:
    (workspace.annotations / "entities-extra.yaml").write_text(
        "- id: al-tanf\n  kind: Town\n  label: Tanf again\n", encoding="utf-8"
    )
    with pytest.raises(AnnotationError, match="duplicate entity id 'al-tanf'"):
        load(workspace)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("- id: x1\n  kind: Castle\n  label: X\n", "unknown kind 'Castle'"),
        ("- id: X One\n  kind: Town\n  label: X\n", "is not a lower-case slug"),
        ("- id: x1\n  kind: MilitaryUnit\n  label: X\n  echelon: legion\n", "unknown echelon 'legion'"),
        (
            "- id: x1\n  kind: Town\n  label: X\n  geo: {lat: 95, lon: 10, precision_km: 1}\n",
            "coordinates out of range",
        ),
        (
            "- id: x1\n  kind: Town\n  label: X\n  located_in: [atlantis]\n",
            "located_in refers to unknown entity 'atlantis'",
        ),
        ("- id: x1\n  kind: NewsOutlet\n  label: X\n  reliability: Z\n", "is not one of A-F"),
        ("- id: x1\n  kind: Town\n  lable: X\n", "missing key(s): label"),
    ],
)
def test_bad_entities_are_rejected(workspace: Workspace, entry: str, reason: str) -> None:
    (workspace.annotations / "entities-extra.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(AnnotationError, match=reason.replace("(", r"\(").replace(")", r"\)")) as caught:
        load(workspace)
    assert "entities-extra.yaml:" in str(caught.value)


def test_background_knowledge_needs_a_basis(workspace: Workspace) -> None:
    (workspace.background / "bg.yaml").write_text(
        "claims:\n  - subject: hezbollah\n    relation: memberOf\n    object: r-plus-6\n", encoding="utf-8"
    )
    with pytest.raises(AnnotationError, match="needs a 'basis'"):
        load(workspace)


def test_yaml_syntax_errors_name_the_line(workspace: Workspace) -> None:
    (workspace.annotations / "claims-test.yaml").write_text(f"document: {DOC}\nclaims: [\n  - x: [\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"claims-test.yaml:\d+: YAML syntax"):
        load(workspace)


# ---------------------------------------------------------------- any file: data or file:line: reason

LOCATED = re.compile(r"^\S.*\.(yaml|txt):\d+: \S")


def assert_located(error: AnnotationError) -> None:
    """Readable lines, one a problem, each starting with file:line (every problem is listed)."""
    message = str(error)
    for line in message.splitlines():
        assert LOCATED.match(line), message


DOC_LINE = f"document: {DOC}\n".encode()
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nclaims: [*b, *b]\n"


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (DOC_LINE + b"claims: 5\n", 1, "claims must be a list, got 5"),
        (DOC_LINE + b"claims: {a: 1}\n", 1, "claims must be a list"),
        (DOC_LINE + b"claims:\n  - subject: \xff\xfe\n", 3, "not UTF-8 text (byte 0xff"),
        (DOC_LINE + b"claims: []\n# \x00\n", 3, "character U+0000 is not allowed"),
        (DOC_LINE + b"claims: []\n\x07\n", 3, "character U+0007 is not allowed"),
        (b"", 1, "a claims file {document, claims} must be a mapping, got None"),
        (b"- claims: []\n", 1, "must be a mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "not UTF-8 text"),
        (DOC_LINE + b"document: E\nclaims: []\n", 2, "duplicate key 'document'"),
        (BILLION_LAUGHS.encode(), 2, "YAML aliases (*name) are not allowed"),
        (b"claims: " + b"[" * 200 + b"]" * 200 + b"\n", 1, "nested deeper than 50 levels"),
        (b"claims:\n  - {[1]: x}\n", 2, "key [1] is not text"),
        (b"claims:\n  - yes: x\n", 2, "key True is not text"),
        (b"claims:\n  - valid_time: {from: 2017-13-45}\n", 2, "cannot read the value '2017-13-45'"),
        (b"claims:\n  - count: 0x_\n", 2, "cannot read the value '0x_'"),
        (b"claims: [5]\n", 1, "a claim must be a mapping, got 5"),
        (b"document: [D]\nclaims: []\n", 1, "document must be text"),
        (b"claims: !!python/object:os.system [ls]\n", 1, "YAML syntax: could not determine a constructor"),
        (b"claims: [\n", 2, "YAML syntax"),
        (b"--- {claims: []}\n--- {claims: []}\n", 2, "YAML syntax: but found another document"),
    ],
)
def test_any_bad_claims_file_gives_file_line_and_reason(
    workspace: Workspace, content: bytes, line: int, reason: str
) -> None:
    (workspace.root / "annotations" / "claims-test.yaml").write_bytes(content)
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    assert_located(caught.value)
    assert f"claims-test.yaml:{line}: " in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("credibility: 3", "credibility: true"), "credibility must be an integer 1-6, got True"),
        (("credibility: 3", "credibility: 3\n  count: '3'"), "count must be an integer, got '3'"),
        (("credibility: 3", "credibility: 3\n  distance_km: .nan"), "distance_km must be a finite number"),
        (("credibility: 3", "credibility: 3\n  distance_km: [1]"), "distance_km must be a finite number"),
        (("credibility: 3", "credibility: 3\n  note: {a: 1}"), "note must be text"),
        (("credibility: 3", "credibility: 3\n  valid_time: 2017"), "valid_time {text, from, to} must be a mapping"),
        (("subject: russian-aerospace-forces", "subject: [a, b]"), "subject must be text, got ['a', 'b']"),
        (("object: r-plus-6", "object: null"), "object must be text, got None"),
        (("passage: c19", "passage: {c: 19}"), "passage must be text"),
        (('quote: "Two', 'quote: [] # "Two'), "needs at least one quote"),
        (('quote: "Two', 'quote: {a: 1} # "Two'), "quote must be text"),
    ],
)
def test_values_of_the_wrong_type_are_rejected_at_their_entry(
    workspace: Workspace, change: tuple[str, str], reason: str
) -> None:
    write_claims(workspace, GOOD.replace(*change))
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    assert_located(caught.value)
    assert "claims-test.yaml:3: " in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("id: x1\nkind: Town\nlabel: X\n", "an entities file must be a list"),
        ("- id: x1\n  kind: NewsOutlet\n  label: X\n  reliability: 5\n", "reliability '5' is not one of A-F"),
        ("- id: x1\n  kind: Town\n  label: X\n  geo: {lat: north, lon: 1, precision_km: 1}\n", "lat must be a finite"),
        ("- id: x1\n  kind: Town\n  label: X\n  geo: [1, 2]\n", "geo {lat, lon, precision_km} must be a mapping"),
        ("- id: x1\n  kind: Town\n  label: {en: X}\n", "label must be text"),
        ("- id: x1\n  kind: []\n  label: X\n", "kind must name at least one class"),
        ("- id: x1\n  kind: Town\n  label: X\n  echelon: [brigade]\n", "echelon must be text"),
        ("- [x1]\n", "an entity must be a mapping"),
    ],
)
def test_any_bad_entities_file_gives_file_line_and_reason(workspace: Workspace, content: str, reason: str) -> None:
    (workspace.root / "annotations" / "entities-extra.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    assert_located(caught.value)
    assert "entities-extra.yaml:" in str(caught.value) and reason in str(caught.value)


def block(key: str) -> str:
    """A pattern for a top-level key and its indented lines."""
    return rf"(?m)^{key}:\n(?:  .*\n)+"


@pytest.mark.parametrize(
    ("pattern", "replacement", "reason"),
    [
        (block("passages"), "passages: 5\n", "passages must be a list, got 5"),
        (re.escape("  - id: amn\n"), "  - 7\n  - id: amn\n", "a passage must be a mapping, got 7"),
        (re.escape("file: 000_"), "file: ../sources/000_", "must be a file name in the same folder"),
        (r"file: \S+", "file: [a]", "file must be text"),
        (re.escape("date: 2017-05-21"), "date: May", "date 'May' is not YYYY-MM-DD"),
        (r"publisher: \S+", "publisher: {a: 1}", "publisher must be text"),
        (re.escape("header: '^  (?P<number>"), "header: '^  ((?P<number>", "header is not a regular expression"),
        (re.escape("(?P<number>\\d+)"), r"(\d+)", "header must have the named group(s): number"),
        (re.escape("'^  (?P<number>"), "'^ (?P<number> ", "the header's number group matched"),
        (re.escape("turcopolier: pat-lang"), "turcopolier: [pat-lang]", "turcopolier must be text"),
        (block("comments"), "comments: [1]\n", "comments must be a mapping"),
    ],
)
def test_any_bad_source_description_gives_file_line_and_reason(
    workspace: Workspace, pattern: str, replacement: str, reason: str
) -> None:
    (meta,) = (workspace.root / "sources").glob("*.yaml")
    changed, found = re.subn(pattern, lambda _: replacement, meta.read_text(encoding="utf-8"), count=1)
    assert found == 1
    meta.write_text(changed, encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    assert_located(caught.value)
    assert f"{meta.name}:" in str(caught.value) and reason in str(caught.value)


def test_a_source_text_that_is_not_utf8_gives_its_line(workspace: Path) -> None:
    (text,) = (workspace.root / "sources").glob("*.txt")
    text.write_bytes(b"first line\nsecond \xc3\x28 line\n")
    with pytest.raises(AnnotationError) as caught:
        load(workspace)
    assert_located(caught.value)
    assert f"{text.name}:2: not UTF-8 text" in str(caught.value)


# ---------------------------------------------------------------- fuzzing: mutated and garbage files

ENTITY = """\
- id: x1
  kind: [Town]
  label: X
  aliases: [Ex, "Ex Town"]
  geo: {lat: 33.5, lon: 38.6, precision_km: 1}
  located_in: [al-tanf]
  description: A town.
"""
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.sampled_from(["c19", "r-plus-6", "Town", "memberOf", "2017-05-21", "amn", "post"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def byte_mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with a few spans deleted or replaced by arbitrary bytes."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 8))
        data[at : at + cut] = draw(st.binary(max_size=8))
    return bytes(data)


def _paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@st.composite
def value_mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with the value at one place (any level, the whole file included) of another type."""
    data = yaml.safe_load(seed)
    path = draw(st.sampled_from(_paths(data)))
    new = draw(VALUES)
    if not path:
        return yaml.safe_dump(new, allow_unicode=True).encode()
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return yaml.safe_dump(data, allow_unicode=True).encode()


@pytest.fixture(scope="module")
def fuzz_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = entities_only(tmp_path_factory.mktemp("fuzz") / "ws")
    (workspace.annotations / "claims-test.yaml").write_text(
        f"document: {DOC}\nclaims:\n" + textwrap.indent(GOOD, "  "), encoding="utf-8"
    )
    (workspace.annotations / "entities-test.yaml").write_text(ENTITY, encoding="utf-8")
    load(workspace)  # the seeds are valid
    return workspace


@given(
    data=st.data(), target=st.sampled_from(["annotations/claims-test.yaml", "annotations/entities-test.yaml", "source"])
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
def test_any_file_gives_data_or_a_located_error(fuzz_workspace: Workspace, data: st.DataObject, target: str) -> None:
    """Whatever a file holds, the loader returns annotations or raises one readable, located error."""
    root = fuzz_workspace.root
    path = next((root / "sources").glob("*.yaml")) if target == "source" else root / target
    seed = path.read_bytes()
    mutated = data.draw(st.one_of(byte_mutations(seed), value_mutations(seed), st.binary(max_size=64)))
    path.write_bytes(mutated)
    try:
        load(fuzz_workspace)
    except AnnotationError as error:
        assert_located(error)
    finally:
        path.write_bytes(seed)
