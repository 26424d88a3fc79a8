"""Response models of the REST API: what /openapi.json promises and what every answer is checked
against before it leaves (FastAPI validates handler results against ``response_model``).

They mirror the plain dicts of ``orbat.answers`` (shared with the CLI) and restate none of their
logic. Every model that states a relation carries its claims, and every claim its evidence.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

Scalar = str | int | float | bool | None


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="What went wrong, for people.")
    detail: Any = Field(
        None, description="Structured detail: {suggestions: [...]} for unknown names, the problems of a bad request."
    )


class ErrorResponse(BaseModel):
    """The one error shape of the service, for every status and every endpoint."""

    error: ErrorBody


class Ref(BaseModel):
    id: str | None
    label: str | None


class EntityRef(Ref):
    kind: list[str] = Field(description="Ontology classes (local names), e.g. MilitaryUnit.")


class EntitySummary(BaseModel):
    id: str
    label: str
    kind: list[str]
    aliases: list[str]


class Evidence(BaseModel):
    quote: str = Field(description="The exact words of the source.")
    passage: str | None = Field(description="The passage that holds the quote: DOCUMENT/PASSAGE.")


class Claim(BaseModel):
    """A statement by a source (or background knowledge) with its evidence and grading."""

    id: str | None
    subject: str | None
    relation: str | None = Field(description="An ontology relation, e.g. positionedAt, memberOf.")
    object: str | None
    value: Scalar = Field(description="The literal value of a quantity claim (hasStrength).")
    status: str | None = Field(description="reported, assessed, inferred or background.")
    quote: str | None = Field(description="The first quote; all of them are under evidence.")
    passage: str | None
    source: str | None = Field(description="The source document's id.")
    reported_by: str | None = Field(description="The entity that asserts the claim.")
    reported_by_label: str | None
    date: str | None = Field(description="Report date, YYYY-MM-DD.")
    hedged: bool | None = Field(description="The text signals doubt.")
    reliability: str | None = Field(description="Admiralty source reliability A-F of the asserter.")
    credibility: int | None = Field(description="Admiralty information credibility 1-6.")
    basis: str | None = Field(description="Why a background claim is held.")
    cites: str | None = Field(description="The source the asserter cites, if any.")
    evidence: list[Evidence]


class Coordinates(BaseModel):
    lat: float
    lon: float
    precision_km: float | None
    wkt: str | None
    status: str = Field(description="Coordinates are background knowledge.")


class Link(Ref):
    graph: str = Field(description="The named graph that holds the link: background, inferred or source/DOC.")


class EntityDetail(BaseModel):
    id: str
    iri: str
    label: str
    kind: list[str]
    aliases: list[str]
    description: str | None
    echelon: str | None
    reliability: str | None
    coordinates: Coordinates | None
    parents: list[Link]
    subunits: list[Link]
    alliances: list[Link]
    located_in: list[Link]
    claims: list[Claim] = Field(description="Every claim in which the entity is subject or object.")


class NearResult(BaseModel):
    actor: EntityRef
    location: Ref
    distance_km: float
    how: str = Field(description="named (the place or a place inside it) or coordinates (within the radius).")
    relation: str | None
    claims: list[Claim]


class NearAnswer(BaseModel):
    place: Ref
    radius_km: float
    results: list[NearResult]


class ClaimsPage(BaseModel):
    total: int = Field(description="Claims matching the filters, before paging.")
    limit: int
    offset: int
    claims: list[Claim]


class Member(BaseModel):
    member: EntityRef
    claims: list[Claim]
    stated_by_source: bool = Field(description="A source states the membership (reported or assessed).")
    background_only: bool = Field(description="Only background knowledge says so.")


class Members(BaseModel):
    alliance: Ref
    members: list[Member]


class Subunit(BaseModel):
    unit: EntityRef
    echelon: str | None
    parent: Ref
    claims: list[Claim]


class Hierarchy(BaseModel):
    unit: Ref
    subunits: list[Subunit]


class Document(BaseModel):
    id: str
    iri: str
    title: str
    publisher: Ref
    author: Ref
    date: str
    date_basis: str | None
    file: str | None
    passage_count: int
    claim_count: int = Field(description="Claims with a quote in the document.")


class Passage(BaseModel):
    id: str | None = Field(description="DOCUMENT/PASSAGE, as in a claim's passage.")
    identifier: str
    kind: str
    ordinal: int = Field(description="Position in the document; the printed number for comments.")
    author_as_printed: str
    author: Ref | None
    start: int = Field(description="Offset of the first character in the document text.")
    end: int = Field(description="Offset after the last character.")
    text: str
    claim_count: int


class DocumentDetail(Document):
    passages: list[Passage]


class QueryParameter(BaseModel):
    name: str
    type: str = Field(description="entity, document, relation, string, integer, decimal, boolean or date.")
    required: bool
    default: str | None
    description: str
    minimum: float | None
    maximum: float | None


class NamedQueryInfo(BaseModel):
    name: str
    title: str
    description: str
    url: str
    parameters: list[QueryParameter]


class QueryResult(BaseModel):
    query: str
    columns: list[str]
    rows: list[dict[str, Scalar]] = Field(description="IRIs as strings, literals as JSON values.")
