"""One report = one file: the document (metadata and text), the entities it introduces, its claims.

A report is how knowledge grows: an analyst reads a document and writes down, in one file of the
workspace (``reports/<id>.yaml``), what the document is, the new entities it names and the claims
it makes, each with its verbatim quote. The file is the record (reviewable, diffable); its named
graph in the store is derived from it (orbat.changes adds, replaces and removes both together).
``listing`` and ``summary`` read the reports a store holds (its manifest and their documents).

    id: a-stable-slug            # the report's id (its document's); the file is reports/<id>.yaml
    title: "..."
    publisher: an-entity-id
    author: an-entity-id
    date: 2024-05-01
    date_basis: optional         # how the date was found, when the document does not print it
    text: |                      # the document's text, verbatim; or `file: NAME.txt` beside the file
      ...
    passages: [...]              # optional, as in sources/*.yaml; without passages or comments the
    comments: {...}              #   whole text is one passage, `text`, written by the author
    entities: [...]              # optional: the entities it introduces, as in annotations/entities*.yaml
    claims: [...]                # as in annotations/claims-*.yaml, without `document:` (it is this one)

The format in full, with the rules the loader enforces: docs/annotating.md. Claims are checked by
orbat.annotations, which needs every entity of the workspace; this module reads the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orbat import manifest
from orbat.entities import ID_PATTERN, Entity, entity_entry
from orbat.models import Reports, ReportSummary
from orbat.namespaces import ID
from orbat.proposals import Proposal, draft_of, is_draft
from orbat.sources import DOCUMENT_KEYS, Document, document, text_file
from orbat.store.base import TripleStore
from orbat.workspace import Workspace
from orbat.yamlfile import (
    AnnotationError,
    Collector,
    check_keys,
    decode,
    display,
    load_yaml_text,
    mapping,
    read_text,
    sequence,
    text,
    texts,
)

REPORT_KEYS = (DOCUMENT_KEYS[0], [*DOCUMENT_KEYS[1], "text", "file", "entities", "claims", "aliases_learned"])
_LEARNED_KEYS = (["entity", "aliases"], ["status", "proposal"])
SUFFIX = ".yaml"


class ReportNotFound(LookupError):
    """No report with that id."""


@dataclass(frozen=True)
class LearnedAliases:
    """Names of an entity described elsewhere that a report teaches (its graph holds them, so they
    go when the report goes): ``aliases_learned: [{entity: ID, aliases: [...]}]``, or an entry of
    ``entities:`` with only ``id`` and ``aliases``."""

    entity: str
    aliases: tuple[str, ...]
    where: str
    draft: bool = False
    proposal: Proposal | None = None


def learned_aliases(entry: Any, where: str, *, key: str = "entity") -> LearnedAliases:
    entry = mapping(entry, where, "learned aliases {entity, aliases}")
    required = [key, "aliases"]
    check_keys(entry, required, _LEARNED_KEYS[1])
    names = tuple(texts(entry["aliases"], entry.where, "aliases"))
    if not names:
        raise AnnotationError(entry.where, "learned aliases name at least one alias")
    draft, proposed = draft_of(entry)
    return LearnedAliases(text(entry[key], entry.where, key), names, entry.where, draft, proposed)


def _only_aliases(entry: Any) -> bool:
    """An ``entities:`` entry that names an entity described elsewhere, to add aliases to it."""
    return isinstance(entry, dict) and "id" in entry and "aliases" in entry and not {"kind", "label"} & set(entry)


@dataclass(frozen=True)
class ReportFile:
    """A report file, read: its document segmented, its entities checked; claims still raw."""

    id: str
    path: Path  # the YAML file
    text_path: Path | None  # the text file beside it, when the text is not inline
    document: Document
    entities: tuple[Entity, ...]
    claims: tuple[Any, ...]  # the entries, checked by orbat.annotations against every entity
    where: str  # file:line of the report's top level
    aliases: tuple[LearnedAliases, ...] = ()  # names it teaches of entities described elsewhere

    def drafts(self) -> tuple[int, int]:
        """How many draft claims, and draft entities or learned aliases, it holds."""
        others = sum(e.draft for e in self.entities) + sum(a.draft for a in self.aliases)
        return sum(is_draft(c) for c in self.claims), others


def report_path(workspace: Workspace, report_id: str) -> Path:
    return workspace.reports / f"{report_id}{SUFFIX}"


def report_files(workspace: Workspace) -> list[Path]:
    """The report files of a workspace, sorted (hidden files, such as a write in progress, are not)."""
    return sorted(p for p in workspace.reports.glob(f"*{SUFFIX}") if not p.name.startswith("."))


def check_id(value: Any, where: str) -> str:
    report_id = text(value, where, "id")
    if not ID_PATTERN.match(report_id):
        raise AnnotationError(where, f"report id {report_id!r} is not a lower-case slug (a-z, 0-9, -)")
    return report_id


def parse_report(
    data: bytes, name: str, path: Path, workspace: Workspace | None, found: Collector, *, inline_only: bool = False
) -> ReportFile | None:
    """Read a report from its bytes (YAML, or JSON, which is YAML too); errors call it ``name`` and
    ``path`` is where it lives (a ``file:`` text is beside it; with ``inline_only``, as over HTTP,
    the text must be inline). Problems go to ``found``; None if the report cannot be read as a whole
    (its entities and claims are still checked when it can)."""
    report: ReportFile | None = None
    with found.check():
        raw = mapping(load_yaml_text(decode(data, name), name), f"{name}:1", "a report {id, title, ..., claims}")
        check_keys(raw, *REPORT_KEYS)
        where = raw.where
        report_id = check_id(raw["id"], where)
        if ("text" in raw) == ("file" in raw):
            raise AnnotationError(where, "a report has its text inline ('text:') or beside it ('file:'), one of them")
        if inline_only and "file" in raw:
            raise AnnotationError(where, "a report sent over HTTP carries its text inline ('text:'), not in a file")
        text_path = None if "text" in raw else text_file(raw, path.parent)
        body = text(raw["text"], where, "text") if text_path is None else read_text(text_path)
        doc = document(raw, body, text_path or path, whole_text_default=True)
        entities: list[Entity] = []
        learned: list[LearnedAliases] = []
        for entry in sequence(raw.get("entities"), where, "entities"):
            with found.check():
                if _only_aliases(entry):
                    learned.append(learned_aliases(entry, where, key="id"))
                else:
                    entities.append(entity_entry(entry, where, workspace, report=report_id))
        for entry in sequence(raw.get("aliases_learned"), where, "aliases_learned"):
            with found.check():
                learned.append(learned_aliases(entry, where))
        claims = tuple(sequence(raw.get("claims"), where, "claims"))
        report = ReportFile(report_id, path, text_path, doc, tuple(entities), claims, where, tuple(learned))
    return report


def load_report(path: Path, workspace: Workspace, found: Collector) -> ReportFile | None:
    """A report file of the workspace, which must be named after its id."""
    with found.check():
        report = parse_report(path.read_bytes(), display(path), path, workspace, found)
        if report is not None and path.parent == workspace.reports and path.name != f"{report.id}{SUFFIX}":
            raise AnnotationError(report.where, f"report {report.id!r} must be in {report.id}{SUFFIX}, not {path.name}")
        return report
    return None


# ---------------------------------------------------------------- reading


_REPORTS = """
PREFIX orb: <https://w3id.org/orbat/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?title ?date ?publisher ?author (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  GRAPH ?graph { ?document a orb:SourceDocument ; dcterms:identifier ?id ; dcterms:title ?title ; dcterms:date ?date ;
                 dcterms:publisher ?publisher ; dcterms:creator ?author .
                 OPTIONAL { ?claim a orb:Claim } }
  FILTER (STRSTARTS(STR(?graph), "https://w3id.org/orbat/graph/source/"))
}
GROUP BY ?id ?title ?date ?publisher ?author
ORDER BY ?id
"""


def listing(store: TripleStore) -> Reports:
    """The reports the store holds: id, title, date, publisher, author, claims, files, graphs."""
    current = manifest.read(store)
    by_report: dict[str, list[manifest.Entry]] = {}
    for entry in current.entries.values():
        if entry.report is not None:
            by_report.setdefault(entry.report, []).append(entry)
    found = []
    for row in store.query(_REPORTS):  # type: ignore[union-attr]
        rid = row["id"].value  # type: ignore[index]
        entries = sorted(by_report.get(rid, []), key=lambda e: e.graph)
        found.append(
            ReportSummary(
                id=rid,
                title=row["title"].value,  # type: ignore[index]
                date=row["date"].value,  # type: ignore[index]
                publisher=row["publisher"].value.removeprefix(str(ID)),  # type: ignore[index]
                author=row["author"].value.removeprefix(str(ID)),  # type: ignore[index]
                claims=int(row["claims"].value),  # type: ignore[index]
                files=sorted({f for e in entries for f in e.files}),
                graphs={e.graph: e.triples for e in entries},
                introduces=sorted({i for e in entries for i in e.introduces}),
            )
        )
    return Reports(reports=found)


def summary(store: TripleStore, report_id: str) -> ReportSummary:
    """One report of the store, as ``listing`` gives it; ``ReportNotFound`` if there is none."""
    for item in listing(store).reports:
        if item.id == report_id:
            return item
    raise ReportNotFound(f"no report {report_id!r} in the knowledge base (see GET /api/reports)")
