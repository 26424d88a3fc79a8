"""The analysts' annotation files, read and checked: entities and claims.

In a workspace (orbat.workspace), ``annotations/entities*.yaml`` lists entities;
``annotations/claims-*.yaml`` lists the claims read from one source document; ``background/*.yaml``
lists background knowledge. Every entry is
checked here against the ontology and the source text; the first problem stops the load with the
file, the line and the reason (unknown key, dangling id, a quote that is not in the passage...).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orbat import ontology
from orbat.claimlinks import resolve_links
from orbat.entities import (
    Entity,
    as_list,
    commenter_entities,
    load_entities,
    unknown_author_entities,
    unknown_author_id,
)
from orbat.ids import digest, slug
from orbat.sources import Document, Passage, load_documents
from orbat.validtime import ValidTime, load_valid_time
from orbat.workspace import Workspace
from orbat.yamlfile import (
    AnnotationError,
    check_keys,
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


@dataclass
class Annotations:
    """Everything the analysts wrote down, checked."""

    documents: list[Document]
    entities: dict[str, Entity]
    claims: list[Claim] = field(default_factory=list)
    workspace: Workspace | None = None  # whose ontology the entries were checked against


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


def claim_id(document_id: str, passage_id: str, subject: str, relation: str, obj: str, quotes: list[str]) -> str:
    """Readable and deterministic: the same annotation always gets the same id."""
    base = f"{passage_id}-{subject}-{relation}-{slug(obj)}"
    return f"{base[:90]}-{digest(document_id, passage_id, subject, relation, obj, *quotes)}"


def _value(value: Any, where: str) -> int | float | str:
    """A literal value: text or a finite number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if isinstance(value, int) else number(value, where, "value")
    return text(value, where, "value")


def _claim(
    entry: Any, document: Document | None, entities: dict[str, Entity], fallback: str, workspace: Workspace | None
) -> Claim:
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
    if status == "assessed" and "modality" not in entry:
        modality = "assessed"  # status: assessed is the older spelling of modality: assessed
    if document is not None and (status == "assessed") != (modality == "assessed"):
        raise AnnotationError(where, f"status {status} and modality {modality} disagree: write modality only")
    if document is None and not modalities[modality].asserts:
        raise AnnotationError(where, f"background knowledge is asserted, not a {modality}")
    evidence: list[Evidence] = []
    passage: Passage | None = None
    if document is None:
        if status != "background" or "passage" in entry or "quote" in entry:
            raise AnnotationError(where, "background knowledge has status background, a basis, and no passage or quote")
        if not entry.get("basis"):
            raise AnnotationError(where, "background knowledge needs a 'basis'")
        asserted_by = _ref(entities, entry.get("asserted_by", BACKGROUND_ASSERTER), "asserted_by", where)
    else:
        if status == "background":
            raise AnnotationError(where, "background knowledge belongs in background/, not in a source's claims")
        if "passage" not in entry or "quote" not in entry:
            raise AnnotationError(where, "a claim from a source needs 'passage' and 'quote'")
        passage = document.passage(text(entry["passage"], where, "passage"))
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
    valid_time = load_valid_time(entry["valid_time"], where) if "valid_time" in entry else None
    originator = _ref(entities, entry["originator"], "originator", where) if "originator" in entry else None
    count = None if entry.get("count") is None else integer(entry["count"], where, "count")
    equipment = entry.get("equipment")
    if equipment is not None:
        equipment = _ref(entities, equipment, "equipment", where)
    object_key = obj if obj is not None else str(value)
    quotes = [e.quote for e in evidence]
    document_id = document.id if document else "background"
    return Claim(
        id=claim_id(document_id, passage.id if passage else "bg", subject, relation.name, object_key, quotes),
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
    )


def load_claims(
    path: Path, documents: dict[str, Document], entities: dict[str, Entity], workspace: Workspace | None = None
) -> list[Claim]:
    """One claims file: ``{document: ID, claims: [...]}`` or, for background, ``{claims: [...]}``."""
    data = mapping(load_yaml(path), file_where(path), "a claims file {document, claims}")
    check_keys(data, ["claims"], ["document"])
    document = None
    if "document" in data:
        document = documents.get(text(data["document"], data.where, "document"))
        if document is None:
            raise AnnotationError(data.where, f"unknown document {data['document']!r}")
    entries = sequence(data["claims"], data.where, "claims")
    return [_claim(entry, document, entities, data.where, workspace) for entry in entries]


def load_annotations(workspace: Workspace) -> Annotations:
    """Read and check every annotation file of a workspace; raise AnnotationError at the first problem."""
    documents = load_documents(workspace.sources)
    entities = load_entities(sorted(workspace.annotations.glob("entities*.yaml")), workspace)
    for document in documents:
        for key in (document.publisher, document.author):
            if key not in entities:
                raise AnnotationError(document.where, f"document refers to unknown entity {key!r}")
        for passage in document.passages:
            if passage.author and passage.author not in entities and passage.kind != "comment":
                raise AnnotationError(passage.where, f"passage {passage.id} author {passage.author!r} is unknown")
    entities.update(commenter_entities(documents, entities))
    entities.update(unknown_author_entities(documents))
    by_id = {d.id: d for d in documents}
    claims: list[Claim] = []
    for path in sorted(workspace.annotations.glob("claims*.yaml")) + sorted(workspace.background.glob("*.yaml")):
        claims.extend(load_claims(path, by_id, entities, workspace))
    seen: dict[str, Claim] = {}
    for claim in claims:
        if claim.id in seen:
            raise AnnotationError(claim.where, f"the same claim is already at {seen[claim.id].where}")
        seen[claim.id] = claim
    claims = resolve_links(claims)
    for entity in entities.values():
        for place in entity.located_in:
            claims.append(_containment_claim(entity, place, workspace))
    return Annotations(documents=documents, entities=entities, claims=claims, workspace=workspace)


def _containment_claim(entity: Entity, place: str, workspace: Workspace) -> Claim:
    """An entity's ``located_in`` is background knowledge, recorded as a background claim."""
    relation = ontology.relations(workspace)["locatedIn"]
    return Claim(
        id=claim_id("background", "bg", entity.id, relation.name, place, []),
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
