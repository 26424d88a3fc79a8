"""GeoJSON (RFC 7946) for GIS and web maps: places, and one feature per actor at a place.

A place feature carries its label and its precision (coordinates are background knowledge). An
actor feature sits on the place's geometry and carries the actor's label, its symbol (SIDC,
affiliation toward the chosen side, function, echelon) and every claim that puts it there, each
with its quotes and grading, so a map can draw the symbol and show the evidence on a click, and
QGIS can filter the layer. Labels, not IRIs; ids are the knowledge base's short ids.
"""

from __future__ import annotations

import json
from typing import IO, Any

from orbat import symbols
from orbat.exporters.mapdata import MapData, Options, map_data
from orbat.store.base import TripleStore


def collection(data: MapData) -> dict[str, Any]:
    """The FeatureCollection of ``data``."""
    features: list[dict[str, Any]] = []
    for place in data.places.values():
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": place.geometry,
                "properties": {
                    "feature": "place",
                    "id": place.id,
                    "label": place.label,
                    "precision_km": place.precision_km,
                    "coordinates": "background knowledge",
                },
            }
        )
    for position in data.positions:
        status = symbols.STATUS_ANTICIPATED if position.only_hedged else symbols.STATUS_PRESENT
        sidc, affiliation = data.symbol(position.actor_iri, status)
        parts = data.parts.get(position.actor_iri)
        dates = position.dates
        features.append(
            {
                "type": "Feature",
                "id": f"{position.actor}@{position.place.id}",
                "geometry": position.place.geometry,
                "properties": {
                    "feature": "actor",
                    "actor": position.actor,
                    "label": position.actor_label,
                    "place": position.place.id,
                    "place_label": position.place.label,
                    "precision_km": position.place.precision_km,
                    "sidc": sidc,
                    "side": symbols.short_side(data.side),
                    "affiliation": affiliation,
                    "function": parts.function if parts else None,
                    "echelon": parts.echelon if parts else None,
                    "relations": sorted({c.relation_label for c in position.claims}),
                    "first_reported": dates[0] if dates else None,
                    "last_reported": dates[-1] if dates else None,
                    "only_hedged": position.only_hedged,
                    "claim_count": len(position.claims),
                    "claims": [c.as_dict() for c in position.claims],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write(store: TripleStore, output: IO[bytes], options: Options) -> None:
    text = json.dumps(collection(map_data(store, options)), ensure_ascii=False, indent=1)
    output.write(text.encode("utf-8"))
