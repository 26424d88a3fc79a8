"""Answers to analysts' questions, shared by the CLI and the HTTP API.

Each function runs named (or internal) queries and shapes the rows into the typed answers of
``orbat.models``: every relation carries its claims (``grouped``: rows grouped by what they are
about, then one claim per id with its quotes as evidence), and every claim its evidence, grading
and the labels of its subject and object.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Hashable
from typing import Any

from orbat import namespaces, ontology, paging, symbols
from orbat.models import (
    Claim,
    ClaimsPage,
    Coordinates,
    Document,
    DocumentDetail,
    EntityDetail,
    EntityRef,
    EntitySummary,
    Evidence,
    Hierarchy,
    Link,
    Member,
    Members,
    NearAnswer,
    NearResult,
    Passage,
    QueryDescription,
    QueryParameter,
    QueryResult,
    Ref,
    Subunit,
    ValidTime,
)
from orbat.names import NameIndex
from orbat.namespaces import ID, SOURCE
from orbat.queries import (
    QueryError,
    did_you_mean,
    execute,
    get_query,
    internal_query,
    named_queries,
    resolve_entity,
    restrict,
    run,
    table,
)
from orbat.store.base import TripleStore
from orbat.triples import PRECISION_UNITS
from orbat.workspace import Workspace

ORB = str(namespaces.ORB)
QueryRow = dict[str, Any]  # a query row: IRIs as strings, literals as Python values (orbat.queries.Table)


def short(iri: str | None) -> str | None:
    """Readable ids: entity and claim ids, relation and status names, passage ids."""
    if iri is None:
        return None
    for prefix in (str(ID), ORB, str(namespaces.STATUS), str(namespaces.CLAIM), str(SOURCE)):
        if iri.startswith(prefix):
            return iri.removeprefix(prefix)
    return iri


def _label(names: NameIndex, iri: str | None) -> str | None:
    """An entity's label from the name index (None for a literal or an unlabelled node)."""
    found = names.get(iri) if iri else None
    return found.label if found else None


def _entity_ref(names: NameIndex, iri: str, label: str | None = None) -> EntityRef:
    found = names.get(iri)
    return EntityRef(
        id=short(iri),
        label=label or (found.label if found else None),
        kind=list(found.kinds) if found else [],
    )


def _ref(iri: str | None, label: str | None) -> Ref:
    return Ref(id=short(iri), label=label)


def _close(word: str, known: list[str]) -> list[str]:
    return difflib.get_close_matches(word, known, n=5, cutoff=0.6)


def _check_vocabulary(word: str, known: list[str], what: str) -> None:
    """400 for a word outside a closed list (kinds, relations, statuses), with close spellings."""
    if word not in known:
        suggestions = _close(word, known)
        raise QueryError(f"unknown {what} {word!r}{did_you_mean(suggestions)}", status=400, suggestions=suggestions)


def search(
    names: NameIndex, text: str, kind: str | None = None, limit: int = 50, offset: int = 0
) -> list[EntitySummary]:
    """Entities whose label or alias matches ``text`` the way analysts type it, best first; ``limit``
    of them after the first ``offset`` (the name index is in memory: the page is a slice of it).

    ``kind`` is an ontology class; its subclasses count (kind=Place finds the border crossing).
    """
    paging.check_window(limit, offset)
    if kind:
        _check_vocabulary(kind, sorted(ontology.entity_classes()), "kind")
    return [
        EntitySummary(id=m.id, label=m.label, kind=list(m.kinds), aliases=list(m.aliases))
        for m in names.search(text, kind, offset + limit)[offset:]
    ]


Details = dict[str, list[QueryRow]]  # claim IRI -> its rows of queries/internal/claim-details.rq
_DETAILS_CHUNK = 400  # claims per VALUES block
_PRECISIONS = {str(iri): name for name, iri in PRECISION_UNITS.items()}


def _read_by_claim(store: TripleStore, name: str, iris: list[str]) -> list[QueryRow]:
    """The rows of the internal query ``name`` for the claims ``iris``, 400 claims a query (a VALUES
    block first in its pattern: orbat.queries.restrict)."""
    query = internal_query(name)
    rows: list[QueryRow] = []
    for start in range(0, len(iris), _DETAILS_CHUNK):
        rows += table(store.query(restrict(query, "claim", iris[start : start + _DETAILS_CHUNK]).sparql)).rows
    return rows


def rows_of_claims(store: TripleStore, iris: list[str]) -> list[QueryRow]:
    """The rows of claims read by IRI (queries/internal/claim-cards.rq: the columns of the named
    query claims, one row per claim and quote)."""
    return _read_by_claim(store, "claim-cards", iris)


def claim_details(store: TripleStore, rows: list[QueryRow]) -> Details:
    """What the claims of ``rows`` carry beyond their triple (modality, originator, qualifiers, valid
    time, lines of reporting), read once for all of them."""
    found: Details = {}
    iris = sorted({str(row["claim"]) for row in rows if row.get("claim")})
    for row in _read_by_claim(store, "claim-details", iris):
        found.setdefault(str(row["claim"]), []).append(row)
    return found


def _valid_time(detail: QueryRow) -> ValidTime | None:
    if not any(detail.get(k) for k in ("validTimeText", "validFrom", "validTo")):
        return None
    return ValidTime(
        text=detail.get("validTimeText"),
        start=detail.get("validFrom"),
        start_precision=_PRECISIONS.get(str(detail.get("validFromPrecision"))),
        end=detail.get("validTo"),
        end_precision=_PRECISIONS.get(str(detail.get("validToPrecision"))),
        resolved=bool(detail.get("validTimeResolved")),
    )


def _detailed(claim: Claim, rows: list[QueryRow]) -> Claim:
    """The claim with what its detail rows say (one row per disputed claim)."""
    if not rows:
        return claim
    first = rows[0]
    claim.modality = str(first["modality"]).rsplit("/", 1)[-1]
    claim.originator = short(first.get("originator"))
    claim.originator_label = first.get("originatorLabel")
    claim.same_line_as = short(first.get("sameLineAs"))
    claim.disputes = sorted({str(short(row["disputes"])) for row in rows if row.get("disputes")})
    claim.count = first.get("count")
    claim.quantity_text = first.get("quantityText")
    claim.distance_km = first.get("distanceKm")
    claim.equipment = short(first.get("equipment"))
    claim.equipment_label = first.get("equipmentLabel")
    claim.valid_time = _valid_time(first)
    claim.hedge_cue = first.get("hedgeCue")
    claim.note = first.get("note")
    return claim


def _claim(row: QueryRow, names: NameIndex, details: Details) -> Claim:
    """A claim from the first row of its group (the rows of a query name the claim's own subject
    and object ``subject`` and ``object``: see ``_parties``), with its details."""
    return _detailed(_bare_claim(row, names), details.get(str(row["claim"]), []))


def _bare_claim(row: QueryRow, names: NameIndex) -> Claim:
    return Claim(
        id=short(row.get("claim")),
        subject=short(row.get("subject")),
        subject_label=_label(names, row.get("subject")),
        relation=short(row.get("relation")),
        object=short(row.get("object")),
        object_label=_label(names, row.get("object")),
        value=row.get("value"),
        status=short(row.get("status")),
        quote=row.get("quote"),
        passage=short(row.get("passage")),
        source=short(row.get("source")),
        reported_by=short(row.get("reportedBy")),
        reported_by_label=row.get("reportedByLabel"),
        date=row.get("date"),
        hedged=row.get("hedged"),
        reliability=row.get("reliability"),
        credibility=row.get("credibility"),
        basis=row.get("basis"),
        cites=short(row.get("citedSource")),
        evidence=[],
        role=row.get("role"),
    )


def _parties(row: QueryRow, subject_key: str, object_key: str) -> QueryRow:
    """A row with the claim's own subject and object under ``subject`` and ``object``, for queries
    that name them after their role (actor and location)."""
    return {**row, "subject": row[subject_key], "object": row[object_key]}


def _oriented(row: QueryRow, part: str, whole: str, inverse: str) -> QueryRow:
    """A row of a query that reads a link in both directions (memberOf / hasMember, partOf / hasPart),
    with the claim's own subject and object: a hasPart claim's subject is the whole, not the part."""
    if row.get("relation") == inverse:
        return _parties(row, whole, part)
    return _parties(row, part, whole)


def claims_of(rows: list[QueryRow], names: NameIndex, details: Details) -> list[Claim]:
    """One claim per id in the order of the rows, its quotes gathered as evidence (the queries give
    one row per claim and quote), with its details (``claim_details`` of the same rows)."""
    claims: dict[Any, Claim] = {}
    for row in rows:
        claim = claims.get(row["claim"])
        if claim is None:
            claim = claims[row["claim"]] = _claim(row, names, details)
        if row.get("quote") is not None:
            evidence = Evidence(quote=str(row["quote"]), passage=short(row.get("passage")))
            if evidence not in claim.evidence:
                claim.evidence.append(evidence)
    return list(claims.values())


def _claims(store: TripleStore, rows: list[QueryRow], names: NameIndex) -> list[Claim]:
    """The claims of ``rows`` with their details."""
    return claims_of(rows, names, claim_details(store, rows))


def when(as_of: str | None, valid_at: str | None, include_drafts: bool = False) -> dict[str, str]:
    """The filters every claim-returning query takes: reported by ``as_of``, holding at ``valid_at``,
    and drafts let in (orbat.proposals) only when asked."""
    found = {k: v for k, v in (("as_of", as_of), ("valid_at", valid_at)) if v}
    return {**found, "include_drafts": "true"} if include_drafts else found


def grouped(
    store: TripleStore, rows: list[QueryRow], key: Callable[[QueryRow], Hashable], names: NameIndex
) -> list[tuple[QueryRow, list[Claim]]]:
    """Rows grouped by ``key`` in the order first seen: each group's first row (what the group is
    about: an actor at a location, a member, a subunit) and the claims of its rows."""
    groups: dict[Hashable, list[QueryRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    details = claim_details(store, rows)
    return [(group[0], claims_of(group, names, details)) for group in groups.values()]


# The items of the answers paged by their query's rows (orbat.paging.Items): what one item is, in order.
# near: nearest first, then by actor id. On an engine without geof:distance (Virtuoso) the distances
# are computed in Python in a first pass (orbat.geodistance) and written into the query as a VALUES
# block, so the engine still orders by the exact distance and cuts the page: no engine needs the
# page cut in Python.
NEAR_ITEMS = paging.Items(("actor", "location", "relation"), ("MIN(?distance_km)",))
MEMBER_ITEMS = paging.Items(("member",), ("MIN(?memberLabel)",))
SUBUNIT_ITEMS = paging.Items(("subunit",), ("MIN(?parentLabel)", "MIN(?subunitLabel)"))


def _paged(
    store: TripleStore, name: str, args: dict[str, str], names: NameIndex, items: paging.Items, limit: int, offset: int
) -> tuple[dict[str, Any], list[QueryRow]]:
    """One page of a named query's items: the page's fields (total, limit, offset, next) and the rows
    of its items in the page's order. The sort is stable: an item's rows keep the query's order (by
    claim, then quote); it is needed where the query orders by label alone and two items share one
    (a subunit's first row is under the first of its parents' labels, as MIN orders the items)."""
    page, found = paging.page_items(store, get_query(name), args, names, items, limit, offset)
    position = {key: i for i, key in enumerate(page.keys)}
    rows = sorted(found.rows, key=lambda row: position[tuple(str(row[k]) for k in items.keys)])
    return {"total": page.total, "limit": limit, "offset": offset, "next": page.next_query(limit)}, rows


def near(
    store: TripleStore,
    names: NameIndex,
    place: str,
    radius_km: float,
    as_of: str | None = None,
    valid_at: str | None = None,
    include_drafts: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> NearAnswer:
    """Actors positioned at or near a place: by reported relation and by distance (drafts too, if
    ``include_drafts``), nearest first; paged by (actor, location, relation)."""
    paging.check_window(limit, offset)
    match = resolve_entity(names, place, "place")
    args = {"place": match.id, "radius_km": str(radius_km), **when(as_of, valid_at, include_drafts)}
    page, found = _paged(store, "near", args, names, NEAR_ITEMS, limit, offset)
    rows = [_parties(row, "actor", "location") for row in found]
    results = [
        NearResult(
            actor=_entity_ref(names, first["actor"], first["actorLabel"]),
            location=_ref(first["location"], first["locationLabel"]),
            distance_km=round(float(first["distance_km"]), 3),
            how=first["how"],
            relation=short(first["relation"]),
            claims=claims,
        )
        for first, claims in grouped(store, rows, lambda r: (r["actor"], r["location"], r["relation"]), names)
    ]
    return NearAnswer(place=Ref(id=match.id, label=match.label), radius_km=radius_km, results=results, **page)


def entity(
    store: TripleStore,
    names: NameIndex,
    entity_id: str,
    as_of: str | None = None,
    valid_at: str | None = None,
    include_drafts: bool = False,
    side: str | None = None,
) -> EntityDetail:
    """An entity page: labels, kinds, facts, structure, its military symbol (affiliation relative to
    ``side``, an alliance id) and every claim about it (drafts too, if ``include_drafts``)."""
    match = names.get(entity_id)
    if match is None:
        suggestions = [m.id for m in names.suggest(entity_id)]
        raise QueryError(f"no entity with id {entity_id!r}", status=404, suggestions=suggestions)
    args = {"entity": match.id}
    sidc, symbol = symbols.entity_symbol(store, match.iri, side)
    facts = execute(store, internal_query("entity-facts"), args, names).rows
    fact = facts[0] if facts else {}
    links: dict[str, list[Link]] = {"parent": [], "subunit": [], "alliance": [], "located_in": []}
    for row in execute(store, internal_query("entity-links"), args, names).rows:
        graph = str(row["graph"]).rsplit("/graph/", 1)[-1]
        link = Link(id=short(row["other"]), label=row["otherLabel"], graph=graph)
        if link not in links[str(row["link"])]:
            links[str(row["link"])].append(link)
    coordinates = None
    if fact.get("lat") is not None:
        coordinates = Coordinates(
            lat=fact["lat"], lon=fact["lon"], precision_km=fact["precision"], wkt=fact["wkt"], status="background"
        )
    return EntityDetail(
        id=match.id,
        iri=match.iri,
        label=match.label,
        kind=list(match.kinds),
        aliases=list(match.aliases),
        description=fact.get("description"),
        echelon=fact.get("echelon"),
        reliability=fact.get("reliability"),
        coordinates=coordinates,
        parents=links["parent"],
        subunits=links["subunit"],
        alliances=links["alliance"],
        located_in=links["located_in"],
        claims=_claims(
            store, run(store, "entity", {**args, **when(as_of, valid_at, include_drafts)}, names).rows, names
        ),
        sidc=sidc,
        symbol=symbol,
    )


# The API's filter names -> the parameters of queries/claims.rq
_CLAIM_FILTERS = {"relation": "family", "source": "document", "object": "with_object", "status": "with_status"}


def claims(
    store: TripleStore,
    names: NameIndex,
    filters: dict[str, str | bool | None],
    limit: int = 50,
    offset: int = 0,
    as_of: str | None = None,
    valid_at: str | None = None,
) -> ClaimsPage:
    """Claims filtered by subject, relation, object, source, hedged (a bool), status, include_drafts
    (a bool); paged by claim.

    Unknown relations and statuses are 400 (closed vocabularies); unknown subjects, objects and
    source documents are 404 with close names, as everywhere else.
    """
    paging.check_window(limit, offset)
    args = {k: v for k, v in filters.items() if v not in (None, "") and not (k == "include_drafts" and v is False)}
    if "status" in args:
        _check_vocabulary(str(args["status"]), sorted(ontology.statuses()), "status")
    if "relation" in args:
        _check_vocabulary(str(args["relation"]), sorted(ontology.relations()), "relation")
    if "source" in args:
        document_ids = [d.id for d in sources(store)]
        if args["source"] not in document_ids:
            suggestions = _close(str(args["source"]), document_ids)
            raise QueryError(f"no source document {args['source']!r}", status=404, suggestions=suggestions)
    query_args = {_CLAIM_FILTERS.get(k, k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in args.items()}
    page_args = {**query_args, **when(as_of, valid_at)}
    page = paging.page_ids(store, internal_query("claims-page"), page_args, names, "claim", limit, offset)
    # the page's claims, read by id (the filters were applied to the ids); claim-cards.rq orders its
    # rows by claim IRI, as claims-page.rq orders the ids, so the claims come in the page's order
    found = _claims(store, rows_of_claims(store, page.ids), names) if page.ids else []
    return ClaimsPage(total=page.total, limit=limit, offset=offset, claims=found, next=page.next_query(limit))


def members(
    store: TripleStore,
    names: NameIndex,
    alliance: str,
    as_of: str | None = None,
    valid_at: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Members:
    """Who belongs to an alliance: each member with the claims that say so, stated or background;
    paged by member, in the order of their labels."""
    paging.check_window(limit, offset)
    match = resolve_entity(names, alliance, "alliance")
    args = {"alliance": match.id, **when(as_of, valid_at)}
    page, found = _paged(store, "alliance-members", args, names, MEMBER_ITEMS, limit, offset)
    rows = [_oriented(row, "member", "alliance", inverse=ORB + "hasMember") for row in found]
    result = []
    for first, member_claims in grouped(store, rows, lambda r: r["member"], names):
        statuses = {c.status for c in member_claims}
        result.append(
            Member(
                member=_entity_ref(names, first["member"], first["memberLabel"]),
                claims=member_claims,
                stated_by_source=bool(statuses & {"reported", "assessed"}),
                background_only=statuses == {"background"},
            )
        )
    return Members(alliance=Ref(id=match.id, label=match.label), members=result, **page)


def hierarchy(
    store: TripleStore,
    names: NameIndex,
    unit: str,
    as_of: str | None = None,
    valid_at: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Hierarchy:
    """Every subunit under a unit, at any depth, with its parent and the claims that state the link;
    paged by subunit, in the order of their parents' labels and their own."""
    paging.check_window(limit, offset)
    match = resolve_entity(names, unit, "unit")
    args = {"unit": match.id, **when(as_of, valid_at)}
    page, found = _paged(store, "unit-hierarchy", args, names, SUBUNIT_ITEMS, limit, offset)
    # a has-part claim (typed ones included) names the parent first: the query says which it read backwards
    order = {False: ("subunit", "parent"), True: ("parent", "subunit")}
    rows = [_parties(row, *order[bool(row["backwards"])]) for row in found]
    subunits = [
        Subunit(
            unit=_entity_ref(names, first["subunit"], first["subunitLabel"]),
            echelon=first["echelon"],
            parent=_ref(first["parent"], first["parentLabel"]),
            claims=unit_claims,
        )
        for first, unit_claims in grouped(store, rows, lambda r: r["subunit"], names)
    ]
    return Hierarchy(unit=Ref(id=match.id, label=match.label), subunits=subunits, **page)


def _document(row: QueryRow) -> Document:
    return Document(
        id=row["id"],
        iri=row["document"],
        title=row["title"],
        publisher=_ref(row["publisher"], row["publisherLabel"]),
        author=_ref(row["author"], row["authorLabel"]),
        date=row["date"],
        date_basis=row["dateBasis"],
        file=row["file"],
        passage_count=row["passages"],
        claim_count=row["claims"],
    )


def sources(store: TripleStore) -> list[Document]:
    """The source documents, with the number of their passages and of the claims read from them."""
    return [_document(row) for row in execute(store, internal_query("documents"), {}).rows]


def source(store: TripleStore, document_id: str, limit: int = 100, offset: int = 0) -> DocumentDetail:
    """One source document and a page of its passages in reading order (by start offset), each with
    its offsets, its text and the number of claims that quote it; 404 with close ids for an unknown
    document. The total is the document's passage count."""
    paging.check_window(limit, offset)
    documents = {d.id: d for d in sources(store)}
    if document_id not in documents:
        suggestions = _close(document_id, sorted(documents))
        raise QueryError(f"no source document {document_id!r}", status=404, suggestions=suggestions)
    document = documents[document_id]
    rows = execute(store, internal_query("passages"), {"document": document_id}, limit=limit, offset=offset).rows
    passages = [
        Passage(
            id=short(row["passage"]),
            identifier=row["id"],
            kind=row["kind"],
            ordinal=row["ordinal"],
            author_as_printed=row["authorAsPrinted"],
            author=_ref(row["author"], row["authorLabel"]) if row["author"] else None,
            start=row["start"],
            end=row["end"],
            text=row["text"],
            claim_count=row["claims"],
        )
        for row in rows
    ]
    following = offset + limit if offset + limit < document.passage_count else None
    return DocumentDetail(
        **document.model_dump(),
        passages=passages,
        total=document.passage_count,
        limit=limit,
        offset=offset,
        next=paging.next_query(following, limit),
    )


def query_catalogue(workspace: Workspace | None = None) -> list[QueryDescription]:
    """The named queries (the package's and the workspace's) with their titles, descriptions and
    parameters, as their headers declare."""
    return [
        QueryDescription(
            name=query.name,
            title=query.title,
            description=query.description,
            parameters=[QueryParameter(**dataclasses.asdict(p)) for p in query.parameters],
        )
        for query in named_queries(workspace).values()
    ]


def query_table(
    store: TripleStore, names: NameIndex, name: str, args: dict[str, str], workspace: Workspace | None = None
) -> QueryResult:
    """A named query run with user arguments (checked against its header): columns and rows."""
    table = run(store, name, args, names, workspace)
    return QueryResult(query=name, columns=table.columns, rows=table.rows)
