"""The analysts' annotation files, read and checked: entities and claims.

In a workspace (orbat.workspace), ``reports/*.yaml`` are reports (one file each: the document, the
entities it introduces and its claims, orbat.reports); ``annotations/entities*.yaml`` is the
registry of entities; ``annotations/claims-*.yaml`` lists the claims read from one document of
``sources/`` (the layout of the seed); ``background/*.yaml`` lists background knowledge. Every entry
is checked here against the ontology and the source text, and every problem is collected: the
load fails with all of them at once (``orbat.yamlfile.Problems``), each with the file, the line and
the reason (unknown key, dangling id, a quote that is not in the passage...).

A claim's id says what it states and where (document, passage, subject, relation, object or value),
not how the quote is worded, so it survives a corrected quote and a reordered file; true duplicates
(the same statement in the same passage, with other quotes or qualifiers) are told apart by a
suffix given in the order of their content, not of the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orbat import ontology
from orbat.claimlinks import resolve_links
from orbat.decisions import Merge, load_merges
from orbat.entities import (
    Entity,
    add_entity,
    as_list,
    check_located_in,
    commenter_entities,
    described,
    load_entities,
    unknown_author_entities,
    unknown_author_id,
)
from orbat.ids import digest, slug
from orbat.proposals import DRAFT, Proposal, draft_of
from orbat.reports import ReportFile, load_report, report_files
from orbat.sources import Document, Passage, load_documents
from orbat.validtime import ValidTime, load_valid_time
from orbat.workspace import Workspace
from orbat.yamlfile import (
    AnnotationError,
    Collector,
    check_keys,
    date,
    file_where,
    integer,
    load_yaml,
    mapping,
    number,
    optional_text,
    sequence,
    text,
    texts,
)

BACKGROUND_ASSERTER = "orbat-analysts"


@dataclass(frozen=True)
class Evidence:
    passage: Passage
    quote: str
    start: int  # offset in the document text
    end: int


@dataclass(frozen=True)
class Claim:
    id: str
    document: Document | None  # None for background knowledge
    subject: str
    relation: ontology.Relation
    object: str | None
    value: int | float | str | None
    evidence: tuple[Evidence, ...]
    asserted_by: str
    cites: tuple[str, ...]
    status: str
    credibility: int
    report_date: dt.date | None
    hedge: str | None
    count: int | None = None
    quantity_text: str | None = None
    distance_km: float | None = None
    valid_time: ValidTime | None = None
    equipment: str | None = None
    basis: str | None = None
    note: str | None = None
    where: str = "?"
    modality: str = "reported"  # how the source puts it (ontology: the modality scheme)
    originator: str | None = None  # who first said it; None: the asserter (the claim's own line)
    same_line_as: str | None = None  # the claim whose line of reporting this one repeats (claim id)
    disputes: tuple[str, ...] = ()  # claims this one contradicts, denies or corrects (claim ids)

    @property
    def origin(self) -> str:
        """The originator, or else the asserter."""
        return self.originator or self.asserted_by

    report: str | None = None  # the report whose graph holds it; None: background knowledge
    proposal: Proposal | None = None  # why a draft was proposed (status draft: orbat.proposals)

    def content(self) -> tuple[object, ...]:
        """Everything it says beyond its identity, to order true duplicates (orbat.annotations)."""
        return (
            tuple(e.quote for e in self.evidence),
            self.asserted_by,
            self.cites,
            self.status,
            self.credibility,
            self.hedge or "",
            repr(self.count),
            self.quantity_text or "",
            repr(self.distance_km),
            repr(self.valid_time),
            self.equipment or "",
            self.basis or "",
            self.note or "",
            repr(self.value),
            self.modality,
            self.originator or "",
            self.same_line_as or "",
            self.disputes,
        )


@dataclass
class Annotations:
    """Everything the analysts wrote down, checked."""

    documents: list[Document]
    entities: dict[str, Entity]
    claims: list[Claim] = field(default_factory=list)
    workspace: Workspace | None = None  # whose ontology the entries were checked against
    reports: list[ReportFile] = field(default_factory=list)  # the reports/*.yaml among the documents
    merges: list[Merge] = field(default_factory=list)  # entity resolution decisions (orbat.decisions)


# ---------------------------------------------------------------- claims

_CLAIM_KEYS = (
    ["subject", "relation"],
    [
        "object",
        "value",
        "passage",
        "quote",
        "asserted_by",
        "cites",
        "status",
        "credibility",
        "hedge",
        "count",
        "quantity_text",
        "distance_km",
        "valid_time",
        "equipment",
        "basis",
        "note",
        "modality",
        "originator",
        "same_line_as",
        "disputes",
        "proposal",
    ],
)
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_FOLD)).lower()


def _locate(quote: str, passage: Passage, where: str) -> Evidence:
    if not quote.strip():
        raise AnnotationError(where, "empty quote")
    index = passage.text.find(quote)
    if index < 0:
        hint = ""
        folded = _fold(passage.text)
        at = folded.find(_fold(quote))
        if at >= 0:
            hint = " (it matches only after folding quotes, dashes and spaces: copy the exact characters)"
        raise AnnotationError(where, f"quote not found verbatim in passage {passage.id}{hint}: {quote!r}")
    start = passage.start + index
    return Evidence(passage, quote, start, start + len(quote))


def _ref(entities: dict[str, Entity], value: Any, key: str, where: str) -> str:
    ref = text(value, where, key)
    if ref not in entities:
        raise AnnotationError(where, f"{key} refers to unknown entity {ref!r}")
    return ref


def _date(value: Any, where: str) -> dt.date | None:
    return None if value is None else date(value, where, "valid_time")


def claim_id(document_id: str, passage_id: str, subject: str, relation: str, obj: str) -> str:
    """Readable and deterministic: what a claim states and where (not its quote's wording)."""
    base = f"{passage_id}-{subject}-{relation}-{slug(obj)}"
    return f"{base[:90]}-{digest(document_id, passage_id, subject, relation, obj)}"


def number_duplicates(claims: list[Claim], found: Collector) -> list[Claim]:
    """Claims with one id (the same statement in the same passage) get ``-2``, ``-3``... in the
    order of their content (quotes, qualifiers), so the file's order does not matter; two that say
    exactly the same are a problem."""
    groups: dict[str, list[int]] = {}
    for index, claim in enumerate(claims):
        groups.setdefault(claim.id, []).append(index)
    numbered = list(claims)
    for indices in groups.values():
        if len(indices) == 1:
            continue
        ordered = sorted(indices, key=lambda i: claims[i].content())
        for rank, index in enumerate(ordered):
            claim = claims[index]
            if rank and claim.content() == claims[ordered[rank - 1]].content():
                found.add(claim.where, f"the same claim is already at {claims[ordered[rank - 1]].where}")
            elif rank:
                numbered[index] = replace(claim, id=f"{claim.id}-{rank + 1}")
    return numbered


def _value(value: Any, where: str) -> int | float | str:
    """A literal value: text or a finite number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if isinstance(value, int) else number(value, where, "value")
    return text(value, where, "value")


def claim_entry(
    entry: Any, document: Document | None, entities: dict[str, Entity], fallback: str, workspace: Workspace | None
) -> Claim:
    """One claim entry, checked: ids known, relation of the ontology, quotes verbatim in the passage."""
    entry = mapping(entry, fallback, "a claim")
    check_keys(entry, *_CLAIM_KEYS)
    where = entry.where
    subject = _ref(entities, entry["subject"], "subject", where)
    relations = ontology.relations(workspace)
    relation = relations.get(text(entry["relation"], where, "relation"))
    if relation is None:
        raise AnnotationError(where, f"unknown relation {entry['relation']!r} (known: {', '.join(sorted(relations))})")
    has_object, has_value = "object" in entry, "value" in entry
    if relation.literal and (has_object or not has_value):
        raise AnnotationError(where, f"{relation.name} takes a literal 'value', not an 'object'")
    if not relation.literal and (has_value or not has_object):
        raise AnnotationError(where, f"{relation.name} takes an entity 'object', not a 'value'")
    obj = _ref(entities, entry["object"], "object", where) if has_object else None
    value = _value(entry["value"], where) if has_value else None

    modalities = ontology.modalities(workspace)
    modality = text(entry.get("modality", "reported"), where, "modality")
    if modality not in modalities:
        raise AnnotationError(where, f"unknown modality {modality!r} (known: {', '.join(sorted(modalities))})")
    statuses = ontology.statuses(workspace)
    default_status = "background" if document is None else "assessed" if modality == "assessed" else "reported"
    status = text(entry.get("status", default_status), where, "status")
    if status not in statuses:
        raise AnnotationError(where, f"unknown status {status!r} (known: {', '.join(statuses)})")
    _, proposed = draft_of(entry)
    if status == "assessed" and "modality" not in entry:
        modality = "assessed"  # status: assessed is the older spelling of modality: assessed
    if document is not None and status != DRAFT and (status == "assessed") != (modality == "assessed"):
        raise AnnotationError(where, f"status {status} and modality {modality} disagree: write modality only")
    if document is None and not modalities[modality].asserts:
        raise AnnotationError(where, f"background knowledge is asserted, not a {modality}")
    evidence: list[Evidence] = []
    passage: Passage | None = None
    if document is None:
        if status == DRAFT:
            raise AnnotationError(where, "background knowledge is not drafted: write it, or propose it in a report")
        if status != "background" or "passage" in entry or "quote" in entry:
            raise AnnotationError(where, "background knowledge has status background, a basis, and no passage or quote")
        if not entry.get("basis"):
            raise AnnotationError(where, "background knowledge needs a 'basis'")
        asserted_by = _ref(entities, entry.get("asserted_by", BACKGROUND_ASSERTER), "asserted_by", where)
    else:
        if status == "background":
            raise AnnotationError(where, "background knowledge belongs in background/, not in a source's claims")
        only = document.passages[0].id if len(document.passages) == 1 else None
        if ("passage" not in entry and only is None) or "quote" not in entry:
            raise AnnotationError(where, "a claim from a source needs 'passage' and 'quote'")
        passage = document.passage(text(entry.get("passage", only), where, "passage"))
        if passage is None:
            raise AnnotationError(where, f"passage {entry['passage']!r} is not in document {document.id}")
        quotes = texts(entry["quote"], where, "quote")
        if not quotes:
            raise AnnotationError(where, "a claim from a source needs at least one quote")
        evidence = [_locate(q, passage, where) for q in quotes]
        default_asserter = passage.author or unknown_author_id(document, passage)
        asserted_by = _ref(entities, entry.get("asserted_by", default_asserter), "asserted_by", where)
    cites = tuple(_ref(entities, c, "cites", where) for c in as_list(entry.get("cites")))
    credibility = entry.get("credibility", 6 if document is None else None)
    if isinstance(credibility, bool) or not isinstance(credibility, int) or not 1 <= credibility <= 6:
        raise AnnotationError(where, f"credibility must be an integer 1-6, got {credibility!r}")
    hedge = optional_text(entry, "hedge")
    if hedge is not None and (passage is None or hedge not in passage.text):
        raise AnnotationError(where, f"hedge cue {hedge!r} is not in the passage text")
    report_date = document.date if document else None
    valid_time = load_valid_time(entry["valid_time"], where, report_date) if "valid_time" in entry else None
    originator = _ref(entities, entry["originator"], "originator", where) if "originator" in entry else None
    count = None if entry.get("count") is None else integer(entry["count"], where, "count")
    equipment = entry.get("equipment")
    if equipment is not None:
        equipment = _ref(entities, equipment, "equipment", where)
    object_key = obj if obj is not None else str(value)
    document_id = document.id if document else "background"
    return Claim(
        id=claim_id(document_id, passage.id if passage else "bg", subject, relation.name, object_key),
        document=document,
        subject=subject,
        relation=relation,
        object=obj,
        value=value,
        evidence=tuple(evidence),
        asserted_by=asserted_by,
        cites=cites,
        status=status,
        credibility=credibility,
        report_date=document.date if document else None,
        hedge=hedge,
        count=count,
        quantity_text=optional_text(entry, "quantity_text"),
        distance_km=None if entry.get("distance_km") is None else number(entry["distance_km"], where, "distance_km"),
        valid_time=valid_time,
        equipment=equipment,
        basis=optional_text(entry, "basis"),
        note=optional_text(entry, "note"),
        where=where,
        modality=modality,
        originator=originator,
        same_line_as=optional_text(entry, "same_line_as"),
        disputes=tuple(texts(entry.get("disputes"), where, "disputes")),
        report=document.id if document else None,
        proposal=proposed,
    )


def claim_entries(
    entries: list[Any],
    document: Document | None,
    entities: dict[str, Entity],
    fallback: str,
    workspace: Workspace | None,
    found: Collector,
) -> list[Claim]:
    """The claims of ``entries`` that pass their checks; the problems of the others go to ``found``."""
    claims: list[Claim] = []
    for entry in entries:
        with found.check():
            claims.append(claim_entry(entry, document, entities, fallback, workspace))
    return claims


def load_claims(
    path: Path,
    documents: dict[str, Document],
    entities: dict[str, Entity],
    workspace: Workspace | None = None,
    found: Collector | None = None,
) -> list[Claim]:
    """One claims file: ``{document: ID, claims: [...]}`` or, for background, ``{claims: [...]}``."""
    problems = found or Collector()
    claims: list[Claim] = []
    with problems.check():
        data = mapping(load_yaml(path), file_where(path), "a claims file {document, claims}")
        check_keys(data, ["claims"], ["document"])
        document = None
        if "document" in data:
            document = documents.get(text(data["document"], data.where, "document"))
            if document is None:
                raise AnnotationError(data.where, f"unknown document {data['document']!r}")
        entries = sequence(data["claims"], data.where, "claims")
        claims = claim_entries(entries, document, entities, data.where, workspace, problems)
    if found is None:
        problems.raise_any()
    return claims


def check_document_refs(document: Document, entities: dict[str, Entity], found: Collector) -> None:
    """A document's publisher, author and named passage authors are known entities."""
    for key in (document.publisher, document.author):
        if key not in entities:
            found.add(document.where, f"document refers to unknown entity {key!r}")
    for passage in document.passages:
        if passage.author and passage.author not in entities and passage.kind != "comment":
            found.add(passage.where, f"passage {passage.id} author {passage.author!r} is unknown")


def implied_entities(documents: list[Document], entities: dict[str, Entity]) -> dict[str, Entity]:
    """The commenters and unknown authors the documents imply beyond the described entities."""
    implied = commenter_entities(documents, described(entities))
    implied.update(unknown_author_entities(documents))
    return implied


def report_claims(
    report: ReportFile, entities: dict[str, Entity], workspace: Workspace | None, found: Collector
) -> list[Claim]:
    """The claims of a report, and the containment claims of the entities it introduces."""
    claims = claim_entries(list(report.claims), report.document, entities, report.where, workspace, found)
    for learned in report.aliases:
        if learned.entity not in entities:
            found.add(learned.where, f"aliases learned of unknown entity {learned.entity!r}")
        elif learned.entity in {e.id for e in report.entities}:
            found.add(
                learned.where, f"entity {learned.entity!r} is described in this report: give it the aliases there"
            )
    for entity in report.entities:
        claims.extend(_containment_claim(entity, place, workspace) for place in entity.located_in)
    return claims


def load_annotations(workspace: Workspace) -> Annotations:
    """Read and check every annotation file of a workspace; raise ``Problems`` listing every problem."""
    found = Collector()
    documents = load_documents(workspace.sources, found)
    entities = load_entities(sorted(workspace.annotations.glob("entities*.yaml")), workspace, found)
    reports: list[ReportFile] = []
    for path in report_files(workspace):
        report = load_report(path, workspace, found)
        if report is not None:
            reports.append(report)
    documents_by_id: dict[str, Document] = {}
    for document in [*documents, *(r.document for r in reports)]:
        if document.id in documents_by_id:
            found.add(
                document.where, f"report id {document.id!r} is already used at {documents_by_id[document.id].where}"
            )
            continue
        documents_by_id[document.id] = document
    for report in reports:
        for entity in report.entities:
            with found.check():
                add_entity(entities, entity)
    for report in reports:
        for entity in report.entities:
            with found.check():
                check_located_in(entity, entities)
    documents = list(documents_by_id.values())
    for document in documents:
        check_document_refs(document, entities, found)
    entities.update(implied_entities(documents, entities))
    claims: list[Claim] = []
    for path in sorted(workspace.annotations.glob("claims*.yaml")) + sorted(workspace.background.glob("*.yaml")):
        claims.extend(load_claims(path, documents_by_id, entities, workspace, found))
    for report in reports:
        if documents_by_id.get(report.id) is report.document:
            claims.extend(report_claims(report, entities, workspace, found))
    for entity in described(entities).values():
        if entity.report is None:
            claims.extend(_containment_claim(entity, place, workspace) for place in entity.located_in)
    claims = number_duplicates(claims, found)
    found.raise_any()
    with found.check():
        claims = resolve_links(claims)
    found.raise_any()
    merges: list[Merge] = []
    with found.check():
        merges = load_merges(workspace)
    found.raise_any()
    return Annotations(
        documents=documents, entities=entities, claims=claims, workspace=workspace, reports=reports, merges=merges
    )


def _containment_claim(entity: Entity, place: str, workspace: Workspace | None) -> Claim:
    """An entity's ``located_in`` is background knowledge, recorded as a background claim (in the
    graph of the report that introduces the entity, if a report does)."""
    relation = ontology.relations(workspace)["locatedIn"]
    return Claim(
        id=claim_id(entity.report or "background", "bg", entity.id, relation.name, place),
        document=None,
        subject=entity.id,
        relation=relation,
        object=place,
        value=None,
        evidence=(),
        asserted_by=BACKGROUND_ASSERTER,
        cites=(),
        status="background",
        credibility=1,
        report_date=None,
        hedge=None,
        basis="Gazetteer knowledge of the annotators (entities file, located_in).",
        where=entity.where,
        report=entity.report,
    )


def main() -> None:
    """Check the annotation files of the workspace (``$ORBAT_WORKSPACE``, else the default one, as
    ``orbat``) and print a summary (``python -m orbat.annotations``)."""
    import collections
    import sys

    from orbat import config
    from orbat.workspace import WorkspaceError

    try:
        annotations = load_annotations(config.open_workspace(say=lambda text: print(text, file=sys.stderr)))
    except (AnnotationError, WorkspaceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    by_file = collections.Counter(c.where.split(":")[0] for c in annotations.claims)
    print(f"{len(annotations.entities)} entities, {len(annotations.claims)} claims")
    for name, count in sorted(by_file.items()):
        print(f"  {name}: {count}")


if __name__ == "__main__":
    main()
