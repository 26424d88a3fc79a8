"""Answers to analysts' questions as plain data, shared by the CLI and the HTTP API.

Each function runs named (or internal) queries and shapes the rows into the documents the API
returns: every relation carries its claims, and every claim its evidence and grading.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from orbat.names import Match, NameIndex
from orbat.namespaces import ID, SOURCE
from orbat.queries import QueryError, Table, execute, get_query, internal_query, run
from orbat.store.base import TripleStore

ORB = "https://w3id.org/orbat/ontology#"
STATUS = "https://w3id.org/orbat/status/"


def short(iri: str | None) -> str | None:
    """Readable ids: entity and claim ids, relation and status names, passage ids."""
    if iri is None:
        return None
    for prefix in (str(ID), ORB, STATUS, "https://w3id.org/orbat/claim/", str(SOURCE)):
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


def resolve(names: NameIndex, text: str, what: str = "entity") -> Match:
    found = names.resolve(text)
    if not found:
        suggestions = [m.id for m in names.suggest(text)]
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        raise QueryError(f"no {what} named {text!r}{hint}", status=404, suggestions=suggestions)
    return found[0]


def _claim(row: dict[str, Any], subject_key: str = "subject", object_key: str = "object") -> dict[str, Any]:
    return {
        "id": short(row.get("claim")),
        "subject": short(row.get(subject_key)),
        "relation": short(row.get("relation")),
        "object": short(row.get(object_key)),
        "value": row.get("value"),
        "status": short(row.get("st") or row.get("status")),
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


def group_claims(rows: list[dict[str, Any]], subject_key: str = "subject", object_key: str = "object") -> list[dict[str, Any]]:
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
    match = resolve(names, place, "place")
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


def claims(
    store: TripleStore, names: NameIndex, filters: dict[str, str], limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Claims filtered by subject, relation, object, source, hedged, status; paged by claim."""
    args = {k: v for k, v in filters.items() if v not in (None, "")}
    if "relation" in args:
        args["family"] = args.pop("relation")
    if "source" in args:
        args["document"] = args.pop("source")
    table: Table = execute(store, get_query("claims"), args, names)
    grouped = group_claims(table.rows, "subject", "o")
    return {"total": len(grouped), "limit": limit, "offset": offset, "claims": grouped[offset : offset + limit]}


def members(store: TripleStore, names: NameIndex, alliance: str) -> dict[str, Any]:
    match = resolve(names, alliance, "alliance")
    table = run(store, "alliance-members", {"alliance": match.id}, names)
    by_member: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in table.rows:
        member = by_member.setdefault(
            row["member"], {"member": entity_ref(row["member"], row["memberLabel"], names), "rows": []}
        )
        member["rows"].append(row)
    result = []
    for member in by_member.values():
        member["claims"] = group_claims(member.pop("rows"), "member", "alliance")
        statuses = {c["status"] for c in member["claims"]}
        member["stated_by_source"] = bool(statuses & {"reported", "assessed"})
        member["background_only"] = statuses == {"background"}
        result.append(member)
    return {"alliance": {"id": match.id, "label": match.label}, "members": result}


def hierarchy(store: TripleStore, names: NameIndex, unit: str) -> dict[str, Any]:
    match = resolve(names, unit, "unit")
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
        item["rows"].append(row)
    subunits = []
    for item in units.values():
        item["claims"] = group_claims(item.pop("rows"), "subunit", "parent")
        subunits.append(item)
    return {"unit": {"id": match.id, "label": match.label}, "subunits": subunits}
