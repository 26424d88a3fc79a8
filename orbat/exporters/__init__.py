"""Exports that other tools open, one module a format, and their one registry.

RDF formats are pyoxigraph's serializers (orbat.export); the map formats here read places,
positions and symbols (orbat.exporters.mapdata) and take ``Options`` (as_of, side).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from orbat.exporters import geojson, kml, orbat_mapper
from orbat.exporters.mapdata import Options, check_options
from orbat.store.base import TripleStore

__all__ = ["MAP_EXPORTS", "MapExport", "Options", "check_options"]


@dataclass(frozen=True)
class MapExport:
    name: str
    media_type: str
    extension: str
    write: Callable[[TripleStore, IO[bytes], Options], None]


MAP_EXPORTS = {
    e.name: e
    for e in (
        MapExport("geojson", "application/geo+json", "geojson", geojson.write),
        MapExport("kml", "application/vnd.google-earth.kml+xml", "kml", kml.write),
        MapExport("orbat-mapper", "application/json", "orbat-mapper.json", orbat_mapper.write),
    )
}
