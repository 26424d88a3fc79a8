"""KML 2.2 (OGC 07-147r2) for Google Earth: places, and one placemark per actor at a place.

An actor's placemark is named "ACTOR at PLACE"; its description lists every claim that puts it
there with the verbatim quotes, the source and the grading; its TimeSpan begins at the first
report (Google Earth's time slider then hides what had not been reported yet); ExtendedData
carries the SIDC, affiliation, function and echelon for tools that draw military symbols. Written
with the standard library's ElementTree (escaped text, no CDATA), deterministic.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

from orbat import symbols
from orbat.exporters.mapdata import MapData, Options, Position, map_data
from orbat.store.base import TripleStore

KML = "http://www.opengis.net/kml/2.2"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{KML}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _coordinates(geometry: dict[str, Any]) -> list[tuple[str, Any]]:
    """KML geometry elements for a GeoJSON geometry: (tag, coordinates)."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [("Point", [coords])]
    if kind == "LineString":
        return [("LineString", coords)]
    if kind == "Polygon":
        return [("Polygon", coords)]
    if kind == "MultiPoint":
        return [("Point", [c]) for c in coords]
    if kind == "MultiLineString":
        return [("LineString", c) for c in coords]
    return [("Polygon", c) for c in coords]


def _text(points: list[list[float]]) -> str:
    return " ".join(f"{lon},{lat},0" for lon, lat in points)


def _geometry(placemark: ET.Element, geometry: dict[str, Any]) -> None:
    parts = _coordinates(geometry)
    parent = _sub(placemark, "MultiGeometry") if len(parts) > 1 else placemark
    for tag, coords in parts:
        element = _sub(parent, tag)
        if tag == "Polygon":
            outer = _sub(_sub(element, "outerBoundaryIs"), "LinearRing")
            _sub(outer, "coordinates", _text(coords[0]))
            for ring in coords[1:]:
                _sub(_sub(_sub(element, "innerBoundaryIs"), "LinearRing"), "coordinates", _text(ring))
        else:
            _sub(element, "coordinates", _text(coords))


def _description(position: Position) -> str:
    lines = []
    for claim in position.claims:
        head = f"{claim.relation_label} {position.place.label} ({claim.id}; {claim.modality}"
        head += f", {claim.reliability or '?'}{claim.credibility}, {claim.reported_by}, {claim.date or 'no date'}"
        head += ", hedged)" if claim.hedged else ")"
        lines.append(head)
        lines.extend(f"  “{q.quote}” ({q.passage})" for q in claim.quotes)
    return "\n".join(lines)


def document(data: MapData, options: Options) -> ET.Element:
    root = ET.Element(f"{{{KML}}}kml")
    doc = _sub(root, "Document")
    _sub(doc, "name", "orbat")
    view = f"side {options.side}" if options.side else "no side chosen (affiliation unknown)"
    reported = f", claims reported by {options.as_of}" if options.as_of else ""
    _sub(doc, "description", f"Order of battle from evidence-backed claims: {view}{reported}.")
    places = _sub(doc, "Folder")
    _sub(places, "name", "Places")
    for place in data.places.values():
        placemark = _sub(places, "Placemark", id=f"place-{place.id}")
        _sub(placemark, "name", place.label)
        precision = f" ±{place.precision_km:g} km" if place.precision_km is not None else ""
        _sub(placemark, "description", f"{place.id}: coordinates are background knowledge{precision}.")
        _geometry(placemark, place.geometry)
    actors = _sub(doc, "Folder")
    _sub(actors, "name", "Actors at places")
    for position in data.positions:
        status = symbols.STATUS_ANTICIPATED if position.only_hedged else symbols.STATUS_PRESENT
        sidc, affiliation = data.symbol(position.actor_iri, status)
        parts = data.parts.get(position.actor_iri)
        placemark = _sub(actors, "Placemark", id=f"{position.actor}-at-{position.place.id}")
        _sub(placemark, "name", f"{position.actor_label} at {position.place.label}")
        _sub(placemark, "description", _description(position))
        if position.dates:
            _sub(_sub(placemark, "TimeSpan"), "begin", position.dates[0])
        extended = _sub(placemark, "ExtendedData")
        for name, value in (
            ("actor", position.actor),
            ("place", position.place.id),
            ("sidc", sidc),
            ("affiliation", affiliation),
            ("function", parts.function if parts else None),
            ("echelon", parts.echelon if parts else None),
            ("claims", str(len(position.claims))),
            ("only_hedged", str(position.only_hedged).lower()),
        ):
            if value is not None:
                _sub(_sub(extended, "Data", name=name), "value", value)
        _geometry(placemark, position.place.geometry)
    return root


def write(store: TripleStore, output: IO[bytes], options: Options) -> None:
    root = document(map_data(store, options), options)
    ET.register_namespace("", KML)
    ET.indent(root, space=" ")
    output.write(ET.tostring(root, encoding="utf-8", xml_declaration=True))
