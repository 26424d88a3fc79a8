"""Entities of the annotation files: actors, places, events and equipment, checked against the
ontology (kinds, echelons, functions) and for dangling references; plus the commenters and unknown authors
that the source documents imply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orbat import ontology
from orbat.ids import slug
from orbat.proposals import DRAFT, Proposal, draft_of
from orbat.sources import Document, Passage
from orbat.workspace import Workspace
from orbat.yamlfile import (
    AnnotationError,
    Collector,
    check_keys,
    file_where,
    load_yaml,
    mapping,
    number,
    optional_text,
    sequence,
    text,
    texts,
)

RELIABILITY_GRADES = "ABCDEF"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Geo:
    lat: float
    lon: float
    precision_km: float


@dataclass(frozen=True)
class Entity:
    id: str
    kinds: tuple[str, ...]
    label: str
    aliases: tuple[str, ...] = ()
    echelon: str | None = None
    function: str | None = None  # a concept of the unit-function scheme (the symbol's main icon)
    function_basis: str | None = None
    reliability: str | None = None
    reliability_basis: str | None = None
    geo: Geo | None = None
    located_in: tuple[str, ...] = ()
    description: str | None = None
    where: str = "?"
    report: str | None = None  # the report that introduces it; None: the workspace's registry
    implied: bool = False  # a commenter or unknown author that a document implies, in no file
    draft: bool = False  # proposed with a draft report, not yet accepted (orbat.proposals)
    proposal: Proposal | None = None


def described(entities: dict[str, Entity]) -> dict[str, Entity]:
    """The entities a file describes (the registry's and the reports'), without implied ones."""
    return {key: e for key, e in entities.items() if not e.implied}


_ENTITY_KEYS = (
    ["id", "kind", "label"],
    [
        "aliases",
        "echelon",
        "function",
        "function_basis",
        "reliability",
        "reliability_basis",
        "geo",
        "located_in",
        "description",
        "status",
        "proposal",
    ],
)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _geo(value: Any, where: str) -> Geo:
    geo = mapping(value, where, "geo {lat, lon, precision_km}")
    check_keys(geo, ["lat", "lon", "precision_km"], [])
    lat, lon = number(geo["lat"], geo.where, "lat"), number(geo["lon"], geo.where, "lon")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnnotationError(geo.where, f"coordinates out of range: lat {lat}, lon {lon}")
    precision = number(geo["precision_km"], geo.where, "precision_km")
    if precision < 0:
        raise AnnotationError(geo.where, f"precision_km must not be negative, got {precision}")
    return Geo(lat, lon, precision)


def entity_entry(entry: Any, fallback: str, workspace: Workspace | None, report: str | None = None) -> Entity:
    """One entity entry of an entities file or of a report, checked against the ontology."""
    entry = mapping(entry, fallback, "an entity")
    check_keys(entry, *_ENTITY_KEYS)
    where = entry.where
    entity_id = text(entry["id"], where, "id")
    if not ID_PATTERN.match(entity_id):
        raise AnnotationError(where, f"id {entity_id!r} is not a lower-case slug")
    classes = ontology.entity_classes(workspace)
    kinds = tuple(texts(entry["kind"], where, "kind"))
    if not kinds:
        raise AnnotationError(where, "kind must name at least one class")
    for kind in kinds:
        if kind not in classes:
            raise AnnotationError(where, f"unknown kind {kind!r} (known: {', '.join(sorted(classes))})")
    echelon = optional_text(entry, "echelon")
    echelons = ontology.echelons(workspace)
    if echelon is not None and echelon not in echelons:
        raise AnnotationError(where, f"unknown echelon {echelon!r} (known: {', '.join(echelons)})")
    if entry.get("status", DRAFT) != DRAFT:
        raise AnnotationError(where, f"an entity's status is draft or none, got {entry['status']!r}")
    draft, proposed = draft_of(entry)
    function = optional_text(entry, "function")
    functions = ontology.functions(workspace)
    if function is not None and function not in functions:
        raise AnnotationError(where, f"unknown function {function!r} (known: {', '.join(sorted(functions))})")
    function_basis = optional_text(entry, "function_basis")
    if function_basis is not None and function is None:
        raise AnnotationError(where, "function_basis without a function")
    reliability = optional_text(entry, "reliability")
    if reliability is not None and (len(reliability) != 1 or reliability not in RELIABILITY_GRADES):
        raise AnnotationError(where, f"reliability {reliability!r} is not one of A-F")
    return Entity(
        id=entity_id,
        kinds=kinds,
        label=text(entry["label"], where, "label"),
        aliases=tuple(texts(entry.get("aliases"), where, "aliases")),
        echelon=echelon,
        function=function,
        function_basis=function_basis,
        reliability=reliability,
        reliability_basis=optional_text(entry, "reliability_basis"),
        geo=None if entry.get("geo") is None else _geo(entry["geo"], where),
        located_in=tuple(texts(entry.get("located_in"), where, "located_in")),
        description=optional_text(entry, "description"),
        where=where,
        report=report,
        draft=draft,
        proposal=proposed,
    )


def add_entity(entities: dict[str, Entity], entity: Entity) -> None:
    """Register ``entity``; an id already taken is an error naming the first place."""
    if entity.id in entities:
        raise AnnotationError(entity.where, f"duplicate entity id {entity.id!r} (first at {entities[entity.id].where})")
    entities[entity.id] = entity


def check_located_in(entity: Entity, known: Any) -> None:
    for place in entity.located_in:
        if place not in known:
            raise AnnotationError(entity.where, f"located_in refers to unknown entity {place!r}")


def load_entities(
    paths: list[Path], workspace: Workspace | None = None, found: Collector | None = None
) -> dict[str, Entity]:
    """The entities of ``paths``, checked against the workspace's ontology; every problem goes to
    ``found`` (raised here when none is given)."""
    problems = found or Collector()
    entities: dict[str, Entity] = {}
    for path in paths:
        data: Any = None
        with problems.check():
            data = sequence(load_yaml(path), file_where(path), "an entities file")
        for entry in data or []:
            with problems.check():
                add_entity(entities, entity_entry(entry, file_where(path), workspace))
    for entity in entities.values():
        with problems.check():
            check_located_in(entity, entities)
    if found is None:
        problems.raise_any()
    return entities


def commenter_entities(documents: list[Document], known: dict[str, Entity]) -> dict[str, Entity]:
    """Entities for the printed authors of comments that the entity files do not list."""
    found: dict[str, Entity] = {}
    for document in documents:
        for passage in document.passages:
            author = passage.author
            if author and author not in known and author not in found:
                found[author] = Entity(
                    id=author,
                    kinds=("Commenter",),
                    label=passage.author_as_printed,
                    reliability="F",
                    reliability_basis="A reader comment under a pseudonym; cannot be judged.",
                    where=passage.where,
                    report=document.id,
                    implied=True,
                )
    return found


def unknown_author_id(document: Document, passage: Passage) -> str:
    """A separate unknown author per passage: unknown commenters are not one person."""
    return f"unknown-author-{slug(document.id)}-{passage.id}"


def unknown_author_entities(documents: list[Document]) -> dict[str, Entity]:
    found: dict[str, Entity] = {}
    for document in documents:
        for passage in document.passages:
            if passage.author is None:
                entity_id = unknown_author_id(document, passage)
                found[entity_id] = Entity(
                    id=entity_id,
                    kinds=("Commenter",),
                    label=f"unknown author of {passage.id} ({document.id})",
                    reliability="F",
                    reliability_basis="The comment prints no author; cannot be judged.",
                    where=passage.where,
                    report=document.id,
                    implied=True,
                )
    return found
