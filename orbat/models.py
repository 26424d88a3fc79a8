"""The answers' one shape: typed models of what orbat answers (entity, claim, near, members,
hierarchy, sources, query tables).

``orbat.answers`` returns them; the REST API declares them as its response models, so
/openapi.json is generated from these classes and every answer is checked against them before it
leaves; the CLI prints the same JSON (``orbat ... --json``) or the flat table of ``table()``; the
web page reads the JSON. Every model that states a relation carries its claims, and every claim
its evidence, its grading and the labels of its subject and object.

Plain pydantic models with no logic beyond their flat view: they travel pickled from the API's
worker processes (api.isolation), and they import nothing else of orbat.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

Scalar = str | int | float | bool | None
Row = dict[str, Scalar]


class Answer(BaseModel):
    """An answer to one question. ``table()`` is its flat view for a terminal or CSV: one row per
    claim (or per item), with labels where people read names."""

    def caption(self) -> str:
        """The lines above the table: what was asked and how much was found."""
        return ""

    def table(self) -> tuple[list[str], list[Row]]:
        """The columns and the rows."""
        raise NotImplementedError


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


class ValidTime(BaseModel):
    """When a claim holds, as the text states it, apart from when it was reported."""

    text: str | None = Field(description="The time as printed (yesterday, since September).")
    start: str | None = Field(description="First day it holds, YYYY-MM-DD.")
    start_precision: str | None = Field(description="How precisely the text knows the start: day, month or year.")
    end: str | None = Field(description="Last day it holds, YYYY-MM-DD.")
    end_precision: str | None = Field(description="How precisely the text knows the end: day, month or year.")
    resolved: bool = Field(
        default=False, description="The bounds were resolved from the text against the report date, not annotated."
    )


class Claim(BaseModel):
    """A statement by a source (or background knowledge) with its evidence and grading."""

    id: str | None
    subject: str | None
    subject_label: str | None = Field(description="The subject's label, when the knowledge base has one.")
    relation: str | None = Field(description="An ontology relation, e.g. positionedAt, memberOf.")
    object: str | None
    object_label: str | None = Field(description="The object's label, when the object is a labelled entity.")
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
    modality: str | None = Field(
        default=None,
        description="How the source puts it: reported, assessed, question, hypothetical, prediction, denied or"
        " opinion. Only reported and assessed claims state their triple as holding.",
    )
    originator: str | None = Field(default=None, description="Who first said it (the line of reporting).")
    originator_label: str | None = None
    same_line_as: str | None = Field(default=None, description="The claim whose line of reporting this one repeats.")
    disputes: list[str] = Field(default=[], description="Claims this one contradicts, denies or corrects.")
    count: int | None = Field(default=None, description="How many (personnel, aircraft, units).")
    quantity_text: str | None = Field(default=None, description="The quantity as printed (a battalion, 60).")
    distance_km: float | None = Field(default=None, description="A distance the source reports, in km.")
    equipment: str | None = Field(default=None, description="The equipment type the claim is about (entity id).")
    equipment_label: str | None = None
    valid_time: ValidTime | None = Field(default=None, description="When it holds, where the text says.")
    hedge_cue: str | None = Field(default=None, description="The words that signal doubt.")
    note: str | None = Field(default=None, description="How the analyst read it.")
    role: str | None = Field(
        default=None, description="On an entity page: the entity's part in the claim (subject, object, equipment)."
    )

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "claim",
        "subject",
        "relation",
        "object",
        "modality",
        "qualifiers",
        "status",
        "quote",
        "reported_by",
        "date",
        "reliability",
        "credibility",
        "hedged",
    )

    def row(self, columns: tuple[str, ...] = COLUMNS) -> Row:
        """The claim as people read it (``columns`` of ``COLUMNS``): labels before ids, the value
        where there is no object, the basis where there is no quote."""
        row: Row = {
            "claim": self.id,
            "subject": self.subject_label or self.subject,
            "relation": self.relation,
            "object": self.object_label or self.object or self.value,
            "modality": self.modality,
            "qualifiers": self.qualifiers(),
            "status": self.status,
            "quote": self.quote if self.quote is not None else self.basis,
            "reported_by": self.reported_by_label or self.reported_by,
            "date": self.date,
            "reliability": self.reliability,
            "credibility": self.credibility,
            "hedged": self.hedged,
        }
        return {column: row[column] for column in columns}

    def qualifiers(self) -> str | None:
        """What the claim carries beyond its triple, in a few words: count, equipment, distance, time."""
        parts = []
        if self.count is not None or self.quantity_text:
            parts.append(f"count {self.quantity_text or self.count}")
        if self.equipment:
            parts.append(f"with {self.equipment_label or self.equipment}")
        if self.distance_km is not None:
            parts.append(f"{self.distance_km:g} km")
        if self.valid_time:
            vt = self.valid_time
            span = vt.start if vt.start == vt.end else f"{vt.start or '…'} to {vt.end or '…'}"
            said = f"{vt.text!r} " if vt.text else ""
            parts.append(f"when {said}({span})" if span else f"when {said.strip()}")
        return "; ".join(parts) or None


def _without_parties(columns: tuple[str, ...]) -> tuple[str, ...]:
    """A claim's columns where the row already says whom it is about (a member, a subunit)."""
    return tuple(c for c in columns if c not in ("subject", "object"))


class Coordinates(BaseModel):
    lat: float
    lon: float
    precision_km: float | None
    wkt: str | None
    status: str = Field(description="Coordinates are background knowledge.")


class Link(Ref):
    graph: str = Field(description="The named graph that holds the link: background, inferred or source/DOC.")


class SideAffiliation(BaseModel):
    """How an entity stands toward one side (an alliance or coalition), and why."""

    side: str
    side_label: str | None
    affiliation: str = Field(description="friend, assumed-friend, neutral, hostile (unknown when absent).")
    standard_identity: str = Field(description="The SIDC's standard identity digit (3 friend, 6 hostile...).")
    basis: str | None = Field(description="The link that gives it: 'Russian Armed Forces member of R+6'.")


class Symbol(BaseModel):
    """What the entity's military symbol is made of (APP-6 D / MIL-STD-2525 D)."""

    function: str | None = Field(description="A concept of the unit-function scheme: infantry, air-assault...")
    function_label: str | None
    function_basis: str | None = Field(description="The source's words or background knowledge behind it.")
    function_status: str = Field(description="The function is background knowledge of the annotators.")
    echelon: str | None = Field(description="A concept of the echelon scheme: brigade, battalion...")
    side: str | None = Field(description="The side the sidc's affiliation is relative to (none: unknown).")
    affiliation: str = Field(description="The affiliation toward that side.")
    affiliation_by_side: dict[str, SideAffiliation] = Field(
        description="Side id -> affiliation, for every side the knowledge base relates the entity to."
    )


class SymbolEntry(BaseModel):
    """One actor's symbol toward a side (GET /api/symbols)."""

    id: str
    label: str
    sidc: str
    function: str | None
    echelon: str | None
    affiliation: str
    basis: str | None = Field(description="The link that gives the affiliation.")


class EntityDetail(Answer):
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
    claims: list[Claim] = Field(
        description="Every claim in which the entity is subject or object, or the equipment used (see role)."
    )
    claims: list[Claim] = Field(description="Every claim in which the entity is subject or object.")
    sidc: str | None = Field(
        default=None,
        description="20-digit APP-6 D / MIL-STD-2525 D SIDC of the entity's symbol, its affiliation relative to "
        "the chosen side (unknown without one); none for entities a map does not draw as units.",
    )
    symbol: Symbol | None = Field(default=None, description="What the symbol is made of.")

    def caption(self) -> str:
        parts = [f"{self.label} ({self.id}; {', '.join(self.kind)})"]
        if self.sidc and self.symbol:
            function = self.symbol.function_label or "function unknown"
            parts.append(f"symbol {self.sidc} ({function}, {self.symbol.affiliation})")
        if self.description:
            parts.append(self.description)
        if self.coordinates:
            at = self.coordinates
            parts.append(f"at {at.lat}, {at.lon} (±{at.precision_km} km, background knowledge)")
        if self.aliases:
            parts.append(f"also: {'; '.join(self.aliases)}")
        for title, links in (
            ("part of", self.parents),
            ("subunits", self.subunits),
            ("alliances", self.alliances),
            ("located in", self.located_in),
        ):
            if links:
                parts.append(f"{title}: {', '.join(sorted({link.label or str(link.id) for link in links}))}")
        parts.append(f"{len(self.claims)} claim(s)")
        return "\n".join(parts)

    def table(self) -> tuple[list[str], list[Row]]:
        return list(Claim.COLUMNS), [claim.row() for claim in self.claims]


class Page(BaseModel):
    """A page of a list cut in the store (orbat.paging): where it starts, its size, how many there
    are in all and the next page."""

    total: int | None = Field(
        description="Items before paging: counted in the store up to 1,000; null when there are more (follow next)."
    )
    limit: int = Field(description="Items per page.")
    offset: int = Field(description="Items skipped before this page.")
    next: str | None = Field(
        default=None,
        description="The next page, if any: its URL in the API (the query string of its offset and limit in "
        "the CLI's answer); also the Link header's rel=next.",
    )

    def shown(self, count: int) -> str:
        """Which items a page of ``count`` shows: all of them, or the range of the total."""
        if self.offset == 0 and self.next is None:
            return str(count)
        total = "more than 1,000" if self.total is None else self.total
        return f"{self.offset + 1}-{self.offset + count} of {total}" if count else f"none of {total}"


class NearResult(BaseModel):
    actor: EntityRef
    location: Ref
    distance_km: float
    how: str = Field(description="named (the place or a place inside it) or coordinates (within the radius).")
    relation: str | None
    claims: list[Claim]


class NearAnswer(Answer, Page):
    place: Ref
    radius_km: float
    results: list[NearResult]

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "actor",
        "relation",
        "location",
        "distance_km",
        "claim",
        "quote",
        "reported_by",
        "reliability",
        "credibility",
        "hedged",
    )

    def caption(self) -> str:
        shown = self.shown(len(self.results))
        return f"near {self.place.label} ({self.place.id}), {self.radius_km:g} km: {shown} result(s)"

    def table(self) -> tuple[list[str], list[Row]]:
        return list(self.COLUMNS), [
            {
                "actor": r.actor.label,
                "relation": r.relation,
                "location": r.location.label,
                "distance_km": r.distance_km,
                "claim": c.id,
                "quote": c.quote,
                "reported_by": c.reported_by_label,
                "reliability": c.reliability,
                "credibility": c.credibility,
                "hedged": c.hedged,
            }
            for r in self.results
            for c in r.claims
        ]


class ClaimsPage(Answer, Page):
    claims: list[Claim]

    def caption(self) -> str:
        shown = f"{self.offset + 1}-{self.offset + len(self.claims)}" if self.claims else "none"
        total = "more than 1,000" if self.total is None else self.total
        return f"claims {shown} of {total}"

    def table(self) -> tuple[list[str], list[Row]]:
        return list(Claim.COLUMNS), [claim.row() for claim in self.claims]


class Member(BaseModel):
    member: EntityRef
    claims: list[Claim]
    stated_by_source: bool = Field(description="A source states the membership (reported or assessed).")
    background_only: bool = Field(description="Only background knowledge says so.")


class Members(Answer, Page):
    alliance: Ref
    members: list[Member]

    def caption(self) -> str:
        return f"members of {self.alliance.label} ({self.alliance.id}): {self.shown(len(self.members))}"

    def table(self) -> tuple[list[str], list[Row]]:
        columns = _without_parties(Claim.COLUMNS)
        return ["member", "stated_by_source", *columns], [
            {"member": m.member.label, "stated_by_source": m.stated_by_source, **c.row(columns)}
            for m in self.members
            for c in m.claims
        ]


class Subunit(BaseModel):
    unit: EntityRef
    echelon: str | None
    parent: Ref
    claims: list[Claim]


class Hierarchy(Answer, Page):
    unit: Ref
    subunits: list[Subunit]

    def caption(self) -> str:
        return f"under {self.unit.label} ({self.unit.id}): {self.shown(len(self.subunits))} subunit(s)"

    def table(self) -> tuple[list[str], list[Row]]:
        columns = _without_parties(Claim.COLUMNS)
        return ["unit", "echelon", "parent", *columns], [
            {"unit": s.unit.label, "echelon": s.echelon, "parent": s.parent.label, **c.row(columns)}
            for s in self.subunits
            for c in s.claims
        ]


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


class DocumentDetail(Document, Page):
    """A document and a page of its passages (total: its passage count)."""

    passages: list[Passage]


class QueryParameter(BaseModel):
    name: str
    type: str = Field(description="entity, document, relation, string, integer, decimal, boolean or date.")
    required: bool
    default: str | None
    description: str
    minimum: float | None
    maximum: float | None


class QueryDescription(BaseModel):
    """A named query as its header declares it."""

    name: str
    title: str
    description: str
    parameters: list[QueryParameter]


class QueryResult(Answer):
    query: str = Field(description="The named query (for the CLI's query files: the file).")
    columns: list[str]
    rows: list[Row] = Field(description="IRIs as strings, literals as JSON values.")

    def table(self) -> tuple[list[str], list[Row]]:
        return self.columns, self.rows


class ReportSummary(BaseModel):
    """A report of the knowledge base: its document, its file and the graphs derived from it."""

    id: str
    title: str
    date: str
    publisher: str = Field(description="Entity id.")
    author: str = Field(description="Entity id.")
    claims: int = Field(description="Claims in the report's graph (its containment claims included).")
    files: list[str] = Field(description="Its files in the workspace: reports/<id>.yaml (and its text).")
    graphs: dict[str, int] = Field(description="Graph IRI -> triples: the report's graph and its inferences.")
    introduces: list[str] = Field(description="Ids of the entities the report describes itself.")


class Reports(Answer):
    reports: list[ReportSummary]

    def caption(self) -> str:
        return f"{len(self.reports)} report(s)"

    def table(self) -> tuple[list[str], list[Row]]:
        columns = ["id", "date", "title", "claims", "files"]
        return columns, [
            {"id": r.id, "date": r.date, "title": r.title, "claims": r.claims, "files": ", ".join(r.files)}
            for r in self.reports
        ]


class ReportChange(BaseModel):
    """What adding or removing a report did."""

    id: str
    action: str = Field(description="added, replaced, unchanged or removed.")
    claims: int
    file: str = Field(description="The report's file in the workspace.")
    graphs: dict[str, int] = Field(description="Graphs written (IRI -> triples) or dropped (0).")
    by: str | None = Field(
        default=None,
        description="The name of the token that made the change (recorded in the manifest); none from the CLI.",
    )


class LineClaim(BaseModel):
    """A claim about a relation, with its part in the corroboration and its line of reporting."""

    role: str = Field(
        description="supports (reported or assessed), disputes (denies it, or is annotated as disputing a"
        " supporting claim), or the modality of a claim that only mentions it: question, hypothetical,"
        " prediction, opinion."
    )
    line: Ref = Field(description="The line of reporting: who first said it, after following same_line_as.")
    claim: Claim


class Corroboration(BaseModel):
    """One relation that sources state, with the independent lines of reporting behind it."""

    subject: Ref
    relation: str
    object: Ref | None
    value: Scalar
    lines: int = Field(description="Independent lines of reporting among the supporting claims.")
    claims: list[LineClaim]


class CorroborationAnswer(Answer):
    relations: list[Corroboration]

    def caption(self) -> str:
        return f"{len(self.relations)} relation(s)"

    def table(self) -> tuple[list[str], list[Row]]:
        columns = ["subject", "relation", "object", "lines", "role", "line", "claim", "modality", "quote"]
        columns.append("credibility")
        return columns, [
            {
                "subject": r.subject.label or r.subject.id,
                "relation": r.relation,
                "object": (r.object.label or r.object.id) if r.object else r.value,
                "lines": r.lines,
                "role": c.role,
                "line": c.line.label or c.line.id,
                "claim": c.claim.id,
                "modality": c.claim.modality,
                "quote": c.claim.quote,
                "credibility": c.claim.credibility,
            }
            for r in self.relations
            for c in r.claims
        ]


class Contradiction(BaseModel):
    """Two claims that cannot both hold."""

    kind: str = Field(
        description="disputes (annotated), denial (a denied claim against a stated one), far apart (one unit"
        " at distant places at once), supports and opposes, strengths (different strengths at once)."
    )
    detail: str | None = Field(description="What makes it a contradiction, e.g. '412 km apart'.")
    claim: Claim
    other: Claim


class Contradictions(Answer):
    contradictions: list[Contradiction]

    def caption(self) -> str:
        return f"{len(self.contradictions)} contradiction(s)"

    def table(self) -> tuple[list[str], list[Row]]:
        columns = ["kind", "detail", "claim", "quote", "by", "other", "other_quote", "other_by"]
        return columns, [
            {
                "kind": c.kind,
                "detail": c.detail,
                "claim": c.claim.id,
                "quote": c.claim.quote,
                "by": c.claim.reported_by_label,
                "other": c.other.id,
                "other_quote": c.other.quote,
                "other_by": c.other.reported_by_label,
            }
            for c in self.contradictions
        ]


class AcceptedDraft(BaseModel):
    """What accepting a draft gave (orbat.accept): the proposals by fate, and the report itself."""

    id: str
    accepted: list[str] = Field(description="Proposal ids of the claims and learned aliases accepted.")
    rejected: list[str] = Field(description="Proposal ids dropped (--reject, or left out of --claims).")
    entities: list[str] = Field(description="Ids of the proposed entities kept (an accepted claim uses them).")
    unused: list[str] = Field(description="Ids of the proposed entities dropped: no accepted claim uses them.")
    report: dict[str, Any] = Field(description="The accepted report, ready for POST /api/reports.")


class MergeDecision(BaseModel):
    """An entity resolution decision (orbat.decisions): who merged what into what, when, why."""

    id: str
    keep: str
    merge: str
    by: str
    at: str
    reason: str | None = None
    undone_by: str | None = None
    undone_at: str | None = None

    @property
    def active(self) -> bool:
        """Not undone."""
        return self.undone_at is None


class MergeRequest(BaseModel):
    """An entity resolution decision sent over HTTP (as ``orbat merge KEEP MERGED``); who decides is
    the name of the request's token."""

    model_config = ConfigDict(extra="forbid")  # a "by" or a misspelt key is refused, not ignored

    keep: str = Field(min_length=1, max_length=200, description="The entity kept (its id).")
    merge: str = Field(min_length=1, max_length=200, description="The entity that is the same (its id).")
    reason: str | None = Field(None, max_length=2000, description="Why: the evidence that they are one.")


class DraftMention(BaseModel):
    """A name found in a report's text: offsets, the entity it resolves to, how, the candidates."""

    start: int
    end: int
    text: str
    entity: str | None
    how: str
    score: float
    candidates: list[str] = Field(default_factory=list)
    new: bool = False


class DraftAnswer(BaseModel):
    """A draft report (POST /api/drafts, ``orbat draft``): the report file's mapping, its YAML text,
    the sentences' offsets and the mentions found; every claim and new entity is a proposal."""

    report: dict[str, object]
    yaml: str
    sentences: list[tuple[int, int]]
    mentions: list[DraftMention]
    notes: list[str] = Field(default_factory=list)  # why a draft is empty (a text in another language)
    quotes: dict[str, tuple[int, int]] = Field(
        default_factory=dict, description="Each proposed claim's quote as offsets in the report's text, by proposal id."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="The label of every entity the proposed claims name, known or proposed."
    )
