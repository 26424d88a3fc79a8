"""The pieces of a draft, whatever made them: mentions, proposed entities, proposed claims.

An extractor (``orbat.extract.Extractor``) turns a report's text into a ``Draft``; orbat.extract.output
writes it in the workspace's report format. Keeping these plain data lets another extractor (a
model, later) hand back the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Mention:
    """A name in the text: of a known entity (``entity``), of a proposed new one (``new``), or
    ambiguous (``candidates`` holds every entity it may be, best first)."""

    start: int
    end: int
    text: str
    entity: str | None  # the entity id it resolves to (known, or a proposed new one)
    kinds: tuple[str, ...]  # ontology classes of that entity
    how: str  # exact | alias | article | variant | skeleton | fuzzy | geonames | pattern
    score: float  # 0-1: how sure the resolution is
    candidates: tuple[str, ...] = ()  # for an ambiguous mention: every entity it may be
    new: bool = False


@dataclass
class NewEntity:
    """An entity the report names that the knowledge base does not know: a proposal."""

    id: str
    kind: str
    label: str
    confidence: float
    reason: str
    aliases: list[str] = field(default_factory=list)
    echelon: str | None = None
    geo: dict[str, float] | None = None
    description: str | None = None
    proposal: str = ""  # e1, e2, ... given when the draft is written


@dataclass
class Claim:
    """A proposed claim: subject, relation, object (or value) and the evidence for it."""

    subject: str
    relation: str
    object: str | None
    quote: str
    start: int
    end: int
    confidence: float
    reason: str
    value: Any = None
    modality: str = "reported"
    hedge: str | None = None
    originator: str | None = None
    valid_time: dict[str, Any] | None = None
    candidates: list[str] = field(default_factory=list)
    count: int | None = None
    proposal: str = ""  # p1, p2, ... given when the draft is written


@dataclass
class Draft:
    """What an extractor proposes for one report."""

    text: str
    date: dt.date | None
    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    entities: list[NewEntity]
    claims: list[Claim]
    publisher: str | None = None
    author: str | None = None
    notes: list[str] = field(default_factory=list)
