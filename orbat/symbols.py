"""Military symbols of actors: the 20-digit SIDC of APP-6 D / MIL-STD-2525 D, derived from data.

A number SIDC, as milsymbol and ORBAT Mapper read it (orbat-mapper ``src/symbology/sidc.ts``)::

    digits  1-2  version            10 (APP-6 D / 2525 D)
            3    context            0 reality
            4    standard identity  the affiliation toward the chosen side: 1 unknown, 2 assumed
                                    friend, 3 friend, 4 neutral, 6 hostile
            5-6  symbol set         10 land unit
            7    status             0 present, 1 planned/anticipated (drawn dashed)
            8    HQ / task force    0 none, 2 headquarters
            9-10 amplifier          the echelon (18 brigade, 16 battalion, 00 unspecified)
            11-16 entity            the function's main icon (121100 infantry)
            17-18 sector 1 modifier (01 air mobile / air assault)
            19-20 sector 2 modifier (01 airborne)

Every code is data: the function, echelon and affiliation concepts of ontology/vocabularies.ttl
carry theirs (orb:sidc...), queries/internal/symbols.rq reads them per actor, and
queries/internal/affiliations.rq derives each actor's affiliation toward each side from
membership, subordination and the relations marked orb:impliesAffiliation. This module only
composes the digits and keeps, per actor and side, the affiliation of highest rank with its basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import RDFS, URIRef

from orbat import ontology
from orbat.models import SideAffiliation, Symbol, SymbolEntry
from orbat.namespaces import ID, ORB
from orbat.queries import QueryError, Table, internal_query, table
from orbat.store.base import TripleStore

VERSION = "10"  # APP-6 D / MIL-STD-2525 D
CONTEXT_REALITY = "0"
STATUS_PRESENT = "0"
STATUS_ANTICIPATED = "1"  # planned / anticipated: a dashed frame, for positions a source only hedges
LAND_UNIT = "10"
UNKNOWN = "unknown"
MEMBER_OF = str(ORB.memberOf)
UNKNOWN_IDENTITY = "1"  # the standard identity when no side is chosen or nothing relates the actor to it


@dataclass(frozen=True)
class SymbolParts:
    """What an actor's symbol needs, as the knowledge base gives it (codes from the ontology)."""

    actor: str  # IRI
    label: str
    function: str | None = None  # local name of the function concept (air-assault)
    function_label: str | None = None
    function_basis: str | None = None
    symbol_set: str = LAND_UNIT
    entity_code: str = "000000"
    modifier1: str = "00"
    modifier2: str = "00"
    headquarters: str = "0"
    echelon: str | None = None  # local name of the echelon concept (brigade)
    echelon_label: str | None = None
    amplifier: str = "00"


@dataclass(frozen=True)
class Affiliation:
    """How an actor stands toward a side, and the link of the knowledge base that says so."""

    side: str  # IRI
    side_label: str | None
    affiliation: str  # local name of the affiliation concept (friend, hostile, ...)
    identity: str  # the SIDC standard identity digit
    rank: int
    basis: str | None  # "Russian Armed Forces member of R+6"


def compose(parts: SymbolParts, identity: str = UNKNOWN_IDENTITY, status: str = STATUS_PRESENT) -> str:
    """The 20-digit SIDC of ``parts`` for a standard identity and a status."""
    sidc = (
        VERSION
        + CONTEXT_REALITY
        + identity
        + parts.symbol_set
        + status
        + parts.headquarters
        + parts.amplifier
        + parts.entity_code
        + parts.modifier1
        + parts.modifier2
    )
    if len(sidc) != 20 or not sidc.isdigit():
        raise ValueError(f"malformed SIDC {sidc!r} for {parts.actor}: check the orb:sidc... codes of its concepts")
    return sidc


def _local(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


def _rows(store: TripleStore, name: str, actor: str | None) -> Table:
    from pyoxigraph import NamedNode

    bindings = {"actor": NamedNode(actor)} if actor else {}
    return table(store.query(internal_query(name).sparql, bindings))


def symbol_parts(store: TripleStore, actor: str | None = None) -> dict[str, SymbolParts]:
    """Actor IRI -> what its symbol needs, for every actor a map draws (or only ``actor``: an IRI)."""
    found: dict[str, SymbolParts] = {}
    for row in _rows(store, "symbols", actor).rows:
        found[row["actor"]] = SymbolParts(
            actor=row["actor"],
            label=row["label"],
            function=_local(row["function"]),
            function_label=row["functionLabel"],
            function_basis=row["functionBasis"],
            symbol_set=row["symbolSet"] or LAND_UNIT,
            entity_code=row["entityCode"] or "000000",
            modifier1=row["modifier1"] or "00",
            modifier2=row["modifier2"] or "00",
            headquarters=row["headquarters"] or "0",
            echelon=_local(row["echelon"]),
            echelon_label=row["echelonLabel"],
            amplifier=row["amplifier"] or "00",
        )
    return found


@cache
def _relation_label(relation: str) -> str:
    label = ontology.ontology_graph().value(URIRef(relation), RDFS.label)
    return str(label) if label is not None else relation.rsplit("#", 1)[-1]


def _basis(row: dict[str, str | None]) -> str | None:
    if row["relation"] is None:
        return None  # the side itself
    via = row["viaLabel"] or _local(row["via"])
    return f"{via} {_relation_label(str(row['relation']))} {row['otherLabel'] or _local(row['other'])}"


def affiliations(store: TripleStore, actor: str | None = None) -> dict[str, dict[str, Affiliation]]:
    """Actor IRI -> side IRI -> the affiliation of highest rank (the first basis in a stable order).

    Pairs the knowledge base says nothing about are absent: their affiliation is unknown."""
    best: dict[str, dict[str, Affiliation]] = {}
    rows = sorted(
        _rows(store, "affiliations", actor).rows,
        # the highest rank; then the actor's own links, memberships, links with the side itself, a stable order
        key=lambda r: (
            -int(r["rank"]),
            r["via"] not in (None, r["actor"]),
            r["relation"] != MEMBER_OF,
            r["other"] != r["side"],
            str(r["via"] or ""),
            str(r["relation"] or ""),
            str(r["other"] or ""),
        ),
    )
    for row in rows:
        by_side = best.setdefault(row["actor"], {})
        if row["side"] not in by_side:
            by_side[row["side"]] = Affiliation(
                side=row["side"],
                side_label=row["sideLabel"],
                affiliation=str(_local(row["affiliation"])),
                identity=row["identity"],
                rank=int(row["rank"]),
                basis=_basis(row),
            )
    return best


def sides(store: TripleStore) -> dict[str, str]:
    """The sides an analyst can pick: alliance and coalition ids -> labels, most members first."""
    rows = table(store.query(internal_query("sides").sparql)).rows
    return {str(_local(row["side"])): row["label"] for row in rows}


def side_iri(store: TripleStore, side: str | None) -> str | None:
    """The IRI of the side with id ``side`` (None: no side chosen); 404 naming the sides otherwise."""
    if side is None:
        return None
    known = sides(store)
    if side not in known:
        raise QueryError(f"no side {side!r}: a side is an alliance or coalition ({', '.join(known)})", status=404)
    return str(ID[side])


def identity_for(by_side: dict[str, Affiliation] | None, side: str | None) -> tuple[str, str]:
    """The affiliation name and standard identity digit toward ``side`` (an IRI; None: unknown)."""
    found = (by_side or {}).get(side) if side else None
    return (found.affiliation, found.identity) if found else (UNKNOWN, UNKNOWN_IDENTITY)


def symbol_of(
    parts: SymbolParts, by_side: dict[str, Affiliation] | None, side: str | None, status: str = STATUS_PRESENT
) -> tuple[str, Symbol]:
    """The SIDC (affiliation toward ``side``, an IRI or None) and the symbol's parts as an answer."""
    affiliation, identity = identity_for(by_side, side)
    symbol = Symbol(
        function=parts.function,
        function_label=parts.function_label,
        function_basis=parts.function_basis,
        function_status="background",
        echelon=parts.echelon,
        side=_local(side),
        affiliation=affiliation,
        affiliation_by_side={
            str(_local(iri)): SideAffiliation(
                side=str(_local(iri)),
                side_label=a.side_label,
                affiliation=a.affiliation,
                standard_identity=a.identity,
                basis=a.basis,
            )
            for iri, a in sorted((by_side or {}).items())
        },
    )
    return compose(parts, identity, status), symbol


def entity_symbol(store: TripleStore, actor: str, side: str | None = None) -> tuple[str | None, Symbol | None]:
    """An entity's SIDC and symbol toward ``side`` (an id; None: unknown); (None, None) when a map
    does not draw it as a unit (a place, a person, an information source)."""
    parts = symbol_parts(store, actor).get(actor)
    if parts is None:
        return None, None
    return symbol_of(parts, affiliations(store, actor).get(actor), side_iri(store, side))


def short_side(side: str | None) -> str | None:
    """A side's id from its IRI."""
    return _local(side)


def symbol_table(store: TripleStore, side: str | None = None) -> list[SymbolEntry]:
    """Every actor a map draws, with its SIDC toward ``side`` (an id; None: unknown)."""
    iri = side_iri(store, side)
    found = affiliations(store)
    entries = []
    for actor, parts in symbol_parts(store).items():
        affiliation, identity = identity_for(found.get(actor), iri)
        link = found.get(actor, {}).get(iri) if iri else None
        entries.append(
            SymbolEntry(
                id=str(_local(actor)),
                label=parts.label,
                sidc=compose(parts, identity),
                function=parts.function,
                echelon=parts.echelon,
                affiliation=affiliation,
                basis=link.basis if link else None,
            )
        )
    return entries
