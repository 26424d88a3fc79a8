"""Answers to analysts' questions as plain data, shared by the CLI and the HTTP API.

Each function runs named (or internal) queries and shapes the rows into the documents the API
returns: every relation carries its claims, and every claim its evidence and grading.
"""

from __future__ import annotations

import difflib
from collections import OrderedDict
from typing import Any

from orbat import namespaces, ontology
from orbat.names import Match, NameIndex
from orbat.namespaces import ID, SOURCE
from orbat.queries import (
    QueryError,
    Table,
    did_you_mean,
    execute,
    get_query,
    internal_query,
    named_queries,
    resolve_entity,
    run,
)
from orbat.store.base import TripleStore
from orbat.workspace import Workspace

ORB = str(namespaces.ORB)


def short(iri: str | None) -> str | None:
    """Readable ids: entity and claim ids, relation and status names, passage ids."""
    if iri is None:
        return None
    for prefix in (str(ID), ORB, str(namespaces.STATUS), str(namespaces.CLAIM), str(SOURCE)):
        if iri.startswith(prefix):
            return iri.removeprefix(prefix)
    return iri


def entity_ref(match_or_iri: Match | str, label: str | None = None, names: NameIndex | None = None) -> dict[str, Any]:
    if isinstance(match_or_iri, Match):
        return {"id": match_or_iri.id, "label": match_or_iri.label, "kind": list(match_or_iri.kinds)}
    found = names.get(short(match_or_iri) or "") if names else None
    return {
        "id": short(match_or_iri),
        "label": label or (found.label if found else None),
        "kind": list(found.kinds) if found else [],
    }


def _close(word: str, known: list[str]) -> list[str]:
    return difflib.get_close_matches(word, known, n=5, cutoff=0.6)


def _check_vocabulary(word: str, known: list[str], what: str) -> None:
    """400 for a word outside a closed list (kinds, relations, statuses), with close spellings."""
    if word not in known:
        suggestions = _close(word, known)
        raise QueryError(f"unknown {what} {word!r}{did_you_mean(suggestions)}", status=400, suggestions=suggestions)


def search(names: NameIndex, text: str, kind: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Entities whose label or alias matches ``text`` the way analysts type it, best first.

    ``kind`` is an ontology class; its subclasses count (kind=Place finds the border crossing).
    """
    if kind:
        _check_vocabulary(kind, sorted(ontology.entity_classes()), "kind")
    return [
        {"id": m.id, "label": m.label, "kind": list(m.kinds), "aliases": list(m.aliases)}
        for m in names.search(text, kind, limit)
    ]


def _claim(row: dict[str, Any], subject_key: str = "subject", object_key: str = "object") -> dict[str, Any]:
    return {
        "id": short(row.get("claim")),
        "subject": short(row.get(subject_key)),
        "relation": short(row.get("relation")),
        "object": short(row.get(object_key)),
        "value": row.get("value"),
        "status": short(row.get("status")),
        "quote": row.get("quote"),
        "passage": short(row.get("passage")),
        "source": short(row.get("source")),
        "reported_by": short(row.get("reportedBy")),
        "reported_by_label": row.get("reportedByLabel"),
        "date": row.get("date"),
        "hedged": row.get("hedged"),
        "reliability": row.get("reliability"),
        "credibility": row.get("credibility"),
        "basis": row.get("basis"),
        "cites": short(row.get("citedSource")),
        "evidence": [],
    }


def _oriented(row: dict[str, Any], part: str, whole: str, inverse: str) -> dict[str, Any]:
    """A row of a query that reads a link in both directions (memberOf / hasMember, partOf / hasPart),
    with the claim's own subject and object: a hasPart claim's subject is the whole, not the part."""
    if row.get("relation") == inverse:
        return {**row, "subject": row[whole], "object": row[part]}
    return {**row, "subject": row[part], "object": row[whole]}


def group_claims(
    rows: list[dict[str, Any]], subject_key: str = "subject", object_key: str = "object"
) -> list[dict[str, Any]]:
    """One claim per id, its quotes gathered as evidence (rows come one per claim and quote)."""
    claims: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in rows:
        claim = claims.setdefault(row["claim"], _claim(row, subject_key, object_key))
        if row.get("quote") is not None:
            evidence = {"quote": row["quote"], "passage": short(row.get("passage"))}
            if evidence not in claim["evidence"]:
                claim["evidence"].append(evidence)
    return list(claims.values())


def near(store: TripleStore, names: NameIndex, place: str, radius_km: float) -> dict[str, Any]:
    """Actors positioned at or near a place: by reported relation and by distance."""
    match = resolve_entity(names, place, "place")
    table = run(store, "near", {"place": match.id, "radius_km": str(radius_km)}, names)
    results: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
    for row in table.rows:
        key = (row["actor"], row["location"], row["relation"])
        result = results.setdefault(
            key,
            {
                "actor": entity_ref(row["actor"], row["actorLabel"], names),
                "location": {"id": short(row["location"]), "label": row["locationLabel"]},
                "distance_km": round(float(row["distance_km"]), 3),
                "how": row["how"],
                "relation": short(row["relation"]),
                "rows": [],
            },
        )
        result["rows"].append(row)
    answers = []
    for result in results.values():
        result["claims"] = group_claims(result.pop("rows"), "actor", "location")
        answers.append(result)
    return {
        "place": {"id": match.id, "label": match.label},
        "radius_km": radius_km,
        "results": answers,
    }


def entity(store: TripleStore, names: NameIndex, entity_id: str) -> dict[str, Any]:
    """An entity page: labels, kinds, facts, structure and every claim about it."""
    match = names.get(entity_id)
    if match is None:
        suggestions = [m.id for m in names.suggest(entity_id)]
        raise QueryError(f"no entity with id {entity_id!r}", status=404, suggestions=suggestions)
    args = {"entity": match.id}
    facts = execute(store, internal_query("entity-facts"), args, names).rows
    fact = facts[0] if facts else {}
    links: dict[str, list[dict[str, Any]]] = {"parent": [], "subunit": [], "alliance": [], "located_in": []}
    for row in execute(store, internal_query("entity-links"), args, names).rows:
        graph = row["graph"].rsplit("/graph/", 1)[-1]
        item = {"id": short(row["other"]), "label": row["otherLabel"], "graph": graph}
        if item not in links[row["link"]]:
            links[row["link"]].append(item)
    claims = group_claims(run(store, "entity", args, names).rows)
    coordinates = None
    if fact.get("lat") is not None:
        coordinates = {
            "lat": fact["lat"],
            "lon": fact["lon"],
            "precision_km": fact["precision"],
            "wkt": fact["wkt"],
            "status": "background",
        }
    return {
        "id": match.id,
        "iri": match.iri,
        "label": match.label,
        "kind": list(match.kinds),
        "aliases": list(match.aliases),
        "description": fact.get("description"),
        "echelon": fact.get("echelon"),
        "reliability": fact.get("reliability"),
        "coordinates": coordinates,
        "parents": links["parent"],
        "subunits": links["subunit"],
        "alliances": links["alliance"],
        "located_in": links["located_in"],
        "claims": claims,
    }


# The API's filter names -> the parameters of queries/claims.rq
_CLAIM_FILTERS = {"relation": "family", "source": "document", "object": "with_object", "status": "with_status"}


def claims(
    store: TripleStore, names: NameIndex, filters: dict[str, str | None], limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Claims filtered by subject, relation, object, source, hedged, status; paged by claim.

    Unknown relations and statuses are 400 (closed vocabularies); unknown subjects, objects and
    source documents are 404 with close names, as everywhere else.
    """
    if limit < 1 or offset < 0:
        raise QueryError(f"limit must be at least 1 and offset at least 0 (got {limit}, {offset})")
    args = {k: v for k, v in filters.items() if v not in (None, "")}
    if "status" in args:
        _check_vocabulary(str(args["status"]), sorted(ontology.statuses()), "status")
    if "relation" in args:
        _check_vocabulary(str(args["relation"]), sorted(ontology.relations()), "relation")
    if "source" in args:
        document_ids = [d["id"] for d in sources(store)]
        if args["source"] not in document_ids:
            suggestions = _close(str(args["source"]), document_ids)
            raise QueryError(f"no source document {args['source']!r}", status=404, suggestions=suggestions)
    query_args = {_CLAIM_FILTERS.get(k, k): str(v) for k, v in args.items()}
    table: Table = execute(store, get_query("claims"), query_args, names)
    grouped = group_claims(table.rows)
    return {"total": len(grouped), "limit": limit, "offset": offset, "claims": grouped[offset : offset + limit]}


def members(store: TripleStore, names: NameIndex, alliance: str) -> dict[str, Any]:
    """Who belongs to an alliance: each member with the claims that say so, stated or background."""
    match = resolve_entity(names, alliance, "alliance")
    table = run(store, "alliance-members", {"alliance": match.id}, names)
    by_member: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in table.rows:
        member = by_member.setdefault(
            row["member"], {"member": entity_ref(row["member"], row["memberLabel"], names), "rows": []}
        )
        member["rows"].append(_oriented(row, "member", "alliance", inverse=ORB + "hasMember"))
    result = []
    for member in by_member.values():
        member["claims"] = group_claims(member.pop("rows"))
        statuses = {c["status"] for c in member["claims"]}
        member["stated_by_source"] = bool(statuses & {"reported", "assessed"})
        member["background_only"] = statuses == {"background"}
        result.append(member)
    return {"alliance": {"id": match.id, "label": match.label}, "members": result}


def hierarchy(store: TripleStore, names: NameIndex, unit: str) -> dict[str, Any]:
    """Every subunit under a unit, at any depth, with its parent and the claims that state the link."""
    match = resolve_entity(names, unit, "unit")
    table = run(store, "unit-hierarchy", {"unit": match.id}, names)
    units: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in table.rows:
        item = units.setdefault(
            row["subunit"],
            {
                "unit": entity_ref(row["subunit"], row["subunitLabel"], names),
                "echelon": row["echelon"],
                "parent": {"id": short(row["parent"]), "label": row["parentLabel"]},
                "rows": [],
            },
        )
        item["rows"].append(_oriented(row, "subunit", "parent", inverse=ORB + "hasPart"))
    subunits = []
    for item in units.values():
        item["claims"] = group_claims(item.pop("rows"))
        subunits.append(item)
    return {"unit": {"id": match.id, "label": match.label}, "subunits": subunits}


def _document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "iri": row["document"],
        "title": row["title"],
        "publisher": {"id": short(row["publisher"]), "label": row["publisherLabel"]},
        "author": {"id": short(row["author"]), "label": row["authorLabel"]},
        "date": row["date"],
        "date_basis": row["dateBasis"],
        "file": row["file"],
        "passage_count": row["passages"],
        "claim_count": row["claims"],
    }


def sources(store: TripleStore) -> list[dict[str, Any]]:
    """The source documents, with the number of their passages and of the claims read from them."""
    return [_document(row) for row in execute(store, internal_query("documents"), {}).rows]


def source(store: TripleStore, document_id: str) -> dict[str, Any]:
    """One source document and its passages in reading order, each with its offsets, its text and
    the number of claims that quote it; 404 with close ids for an unknown document."""
    documents = {d["id"]: d for d in sources(store)}
    if document_id not in documents:
        suggestions = _close(document_id, sorted(documents))
        raise QueryError(f"no source document {document_id!r}", status=404, suggestions=suggestions)
    rows = execute(store, internal_query("passages"), {"document": document_id}).rows
    passages = [
        {
            "id": short(row["passage"]),
            "identifier": row["id"],
            "kind": row["kind"],
            "ordinal": row["ordinal"],
            "author_as_printed": row["authorAsPrinted"],
            "author": {"id": short(row["author"]), "label": row["authorLabel"]} if row["author"] else None,
            "start": row["start"],
            "end": row["end"],
            "text": row["text"],
            "claim_count": row["claims"],
        }
        for row in rows
    ]
    return {**documents[document_id], "passages": passages}


def query_catalogue(workspace: Workspace | None = None) -> list[dict[str, Any]]:
    """The named queries (the package's and the workspace's) with their titles, descriptions and
    parameters, as their headers declare."""
    return [
        {
            "name": query.name,
            "title": query.title,
            "description": query.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                    "minimum": p.minimum,
                    "maximum": p.maximum,
                }
                for p in query.parameters
            ],
        }
        for query in named_queries(workspace).values()
    ]


def query_table(
    store: TripleStore, names: NameIndex, name: str, args: dict[str, str], workspace: Workspace | None = None
) -> dict[str, Any]:
    """A named query run with user arguments (checked against its header): columns and rows."""
    table = run(store, name, args, names, workspace)
    return {"query": name, "columns": table.columns, "rows": table.rows}
