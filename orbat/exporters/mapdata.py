"""What the map exports share: located places, actors at them with their claims, and symbols.

Read once per export from three internal queries (places, positions, symbols/affiliations) and
grouped here: one ``Position`` per actor at a place, holding every claim that puts it there (with
its quotes, modality and grading), so each format (GeoJSON, KML, ORBAT Mapper) only lays it out.
Ids are the knowledge base's short ids, never IRIs; geometries come from the WKT (a point, or a
line or polygon where the knowledge base has one).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode

from orbat import symbols
from orbat.queries import QueryError, internal_query, table
from orbat.store.base import TripleStore

XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")


@dataclass(frozen=True)
class Options:
    """What an analyst chooses for a map export: claims reported by a date, and the side whose
    viewpoint sets the symbols' affiliation (an alliance id; none: unknown)."""

    as_of: str | None = None
    side: str | None = None


def check_options(store: TripleStore, options: Options) -> None:
    """400 for a malformed date, 404 for a side that is not an alliance of the knowledge base."""
    if options.as_of is not None:
        try:
            dt.date.fromisoformat(options.as_of)
        except ValueError as exc:
            raise QueryError(f"as_of: {options.as_of!r} is not a date YYYY-MM-DD") from exc
    symbols.side_iri(store, options.side)


def short(iri: str) -> str:
    """The readable id: the last path segment of an entity, claim or passage IRI (passages keep
    DOCUMENT/PASSAGE)."""
    for marker in ("/id/", "/claim/", "/source/"):
        if marker in iri:
            return iri.split(marker, 1)[1]
    return iri.rsplit("#", 1)[-1]


_WKT = re.compile(r"^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*(\(.*\))\s*$", re.I | re.S)
_GEOJSON_TYPES = {
    "POINT": "Point",
    "LINESTRING": "LineString",
    "POLYGON": "Polygon",
    "MULTIPOINT": "MultiPoint",
    "MULTILINESTRING": "MultiLineString",
    "MULTIPOLYGON": "MultiPolygon",
}


def _nested(text: str) -> Any:
    """WKT's parenthesised coordinate lists as nested lists of [lon, lat]."""
    stack: list[list[Any]] = [[]]
    for token in re.findall(r"\(|\)|,|[^(),]+", text):
        if token == "(":
            stack.append([])
        elif token == ")":
            done = stack.pop()
            stack[-1].append(done)
        elif token.strip() and token != ",":
            stack[-1].append([float(n) for n in token.split()[:2]])
    return stack[0][0]


def geometry(wkt: str, lon: float, lat: float) -> dict[str, Any]:
    """A GeoJSON geometry from a WKT literal (a point at lon/lat when the WKT is another kind)."""
    match = _WKT.match(wkt.split(">", 1)[-1] if wkt.startswith("<") else wkt)
    if match is None:
        return {"type": "Point", "coordinates": [lon, lat]}
    kind, body = match.group(1).upper(), _nested(match.group(2))
    return {"type": _GEOJSON_TYPES[kind], "coordinates": body[0] if kind == "POINT" else body}


@dataclass
class Place:
    id: str
    label: str
    lat: float
    lon: float
    precision_km: float | None
    geometry: dict[str, Any]


@dataclass
class Quote:
    quote: str
    passage: str
    source: str


@dataclass
class PositionClaim:
    """One claim that puts an actor at a place."""

    id: str
    relation: str
    relation_label: str
    status: str
    modality: str
    asserts: bool  # reported or assessed: the plain triple holds
    hedged: bool
    credibility: int
    reliability: str | None
    reported_by: str
    date: str | None
    held_from: str | None
    quotes: list[Quote] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.id,
            "relation": self.relation,
            "relation_label": self.relation_label,
            "status": self.status,
            "modality": self.modality,
            "hedged": self.hedged,
            "reported_by": self.reported_by,
            "date": self.date,
            "reliability": self.reliability,
            "credibility": self.credibility,
            "grade": f"{self.reliability or '?'}{self.credibility}",
            "quotes": [{"quote": q.quote, "passage": q.passage, "source": q.source} for q in self.quotes],
        }


@dataclass
class Position:
    """An actor at a place, with every claim that puts it there (oldest report first)."""

    actor_iri: str
    actor: str
    actor_label: str
    place: Place
    claims: list[PositionClaim] = field(default_factory=list)

    @property
    def dates(self) -> list[str]:
        return sorted(c.date for c in self.claims if c.date)

    @property
    def only_hedged(self) -> bool:
        """No claim states the position plainly: every one is hedged or does not assert it."""
        return all(c.hedged or not c.asserts for c in self.claims)


@dataclass
class MapData:
    places: dict[str, Place]
    positions: list[Position]
    parts: dict[str, symbols.SymbolParts]
    affiliations: dict[str, dict[str, symbols.Affiliation]]
    side: str | None  # IRI

    def symbol(self, actor_iri: str, status: str = symbols.STATUS_PRESENT) -> tuple[str | None, str]:
        """The actor's SIDC (None when a map does not draw it as a unit) and affiliation name."""
        parts = self.parts.get(actor_iri)
        affiliation, identity = symbols.identity_for(self.affiliations.get(actor_iri), self.side)
        return (symbols.compose(parts, identity, status) if parts else None), affiliation


def map_data(store: TripleStore, options: Options) -> MapData:
    check_options(store, options)
    places = {
        row["place"]: Place(
            id=short(row["place"]),
            label=row["label"],
            lat=row["lat"],
            lon=row["lon"],
            precision_km=row["precision"],
            geometry=geometry(str(row["wkt"]), row["lon"], row["lat"]),
        )
        for row in table(store.query(internal_query("places").sparql)).rows
    }
    bindings = {"as_of": Literal(options.as_of, datatype=XSD_DATE)} if options.as_of else {}
    positions: dict[tuple[str, str], Position] = {}
    claims: dict[tuple[str, str, str], PositionClaim] = {}
    for row in table(store.query(internal_query("positions").sparql, bindings)).rows:
        if row["place"] not in places:
            continue
        key = (row["actor"], row["place"])
        position = positions.get(key)
        if position is None:
            position = positions[key] = Position(
                row["actor"], short(row["actor"]), row["actorLabel"], places[row["place"]]
            )
        claim = claims.get((*key, row["claim"]))
        if claim is None:
            claim = claims[(*key, row["claim"])] = PositionClaim(
                id=short(row["claim"]),
                relation=short(row["relation"]),
                relation_label=row["relationLabel"] or short(row["relation"]),
                status=str(row["status"]).rsplit("/", 1)[-1],
                modality=str(row["modality"]).rsplit("/", 1)[-1],
                asserts=bool(row["asserts"]),
                hedged=bool(row["hedged"]),
                credibility=row["credibility"],
                reliability=row["reliability"],
                reported_by=row["reportedByLabel"],
                date=row["date"],
                held_from=row["heldFrom"],
            )
            position.claims.append(claim)
        if row["quote"] is not None:
            quote = Quote(row["quote"], short(row["passage"]), short(row["source"]))
            if quote not in claim.quotes:
                claim.quotes.append(quote)
    for position in positions.values():
        position.claims.sort(key=lambda c: (c.date or "", c.id))
    return MapData(
        places=places,
        positions=sorted(positions.values(), key=lambda p: (p.actor, p.place.id)),
        parts=symbols.symbol_parts(store),
        affiliations=symbols.affiliations(store),
        side=symbols.side_iri(store, options.side),
    )
