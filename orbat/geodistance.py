"""GeoSPARQL's ``geof:distance`` for engines that lack it (Virtuoso 7.2.5): the same answers, computed here.

A query such as queries/near.rq binds ``geof:distance(?wkt0, ?wkt, <metre>)`` after patterns that
find the candidates (the grid-cell prefilter: plain SPARQL). On an engine without the function the
query runs in two passes (https://docs.ogc.org/is/22-047r1/22-047r1.html#_function_geofdistance):

1. the patterns of the group before the ``BIND`` run alone, selecting the distinct pairs of WKT
   points (``?wkt0 ?wkt``), as text: the candidates the prefilter lets through;
2. their great-circle distances are computed here, and the query runs with the call replaced by a
   variable that a ``VALUES`` block of (text, text, distance) binds just before the ``BIND``. The
   join is on the texts (``STR``): Virtuoso turns ``geo:wktLiteral`` values into its own geometry
   type, which a VALUES block cannot match, and stores their coordinates as 32-bit floats
   (``POINT(38.65 33.495)`` reads back as ``POINT(38.650001525879 33.494998931885)``), so its
   distances differ from the embedded store's by well under a metre.

The distance is the haversine formula on the mean-radius sphere (6,371,008.8 m), written in the order
of operations of the ``geo`` crate that Oxigraph uses, so the two agree to the last bit (tested on
2,000 random pairs): a "near" answer is identical on every engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from pyoxigraph import Literal, NamedNode, QuerySolutions

from orbat.store.base import Term

MEAN_EARTH_RADIUS_M = 6_371_008.8
METRE = "<http://www.opengis.net/def/uom/OGC/1.0/metre>"
XSD_DOUBLE = NamedNode("http://www.w3.org/2001/XMLSchema#double")
_FUNCTION = r"(?:geof:distance|<http://www\.opengis\.net/def/function/geosparql/distance>)"
CALL = re.compile(_FUNCTION + r"\s*\(\s*\?(?P<a>\w+)\s*,\s*\?(?P<b>\w+)\s*,\s*" + re.escape(METRE) + r"\s*\)")
MENTION = re.compile(_FUNCTION)
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(?P<x>[-+0-9.eE]+)\s+(?P<y>[-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)
_SKIP = re.compile(r"""\#[^\n]*|<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[{}]""")
_PROLOGUE = re.compile(r"^\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)", re.IGNORECASE | re.MULTILINE)
_BIND = re.compile(r"\bBIND\s*\(", re.IGNORECASE)

Query = Callable[[str, Mapping[str, Term]], object]


def point(wkt: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT ``POINT(x y)``, or None for any other geometry."""
    match = _POINT.match(wkt)
    return (float(match["x"]), float(match["y"])) if match else None


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (longitude, latitude) points, as geo's Haversine."""
    theta1, theta2 = math.radians(a[1]), math.radians(b[1])
    delta_theta = math.radians(b[1] - a[1])
    delta_lambda = math.radians(b[0] - a[0])
    h = math.sin(delta_theta / 2) ** 2 + math.cos(theta1) * math.cos(theta2) * math.sin(delta_lambda / 2) ** 2
    return MEAN_EARTH_RADIUS_M * (2 * math.asin(math.sqrt(h)))


def _open_group(text: str, position: int) -> int | None:
    """The offset of the ``{`` of the innermost group still open at ``position``."""
    stack: list[int] = []
    for match in _SKIP.finditer(text, 0, position):
        if match.group() == "{":
            stack.append(match.start())
        elif match.group() == "}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def without_distance(sparql: str, bindings: Mapping[str, Term], query: Query) -> str:
    """``sparql`` with every ``geof:distance(?a, ?b, <metre>)`` replaced by distances computed here
    for the candidates that ``query`` (the store's) finds; unchanged if it calls the function otherwise."""
    prologue = "\n".join(m.group().strip() for m in _PROLOGUE.finditer(sparql))
    for number in range(100):
        call = CALL.search(sparql)
        if call is None:
            return sparql
        binds = [m for m in _BIND.finditer(sparql, 0, call.start())]
        group = _open_group(sparql, call.start())
        if not binds or group is None or binds[-1].start() < group:
            return sparql
        statement = binds[-1].start()
        a, b = call["a"], call["b"]
        key_a, key_b, variable = f"?orbat_a_{number}", f"?orbat_b_{number}", f"?orbat_distance_{number}"
        keys = f"(STR(?{a}) AS {key_a}) (STR(?{b}) AS {key_b})"
        candidates = f"{prologue}\nSELECT DISTINCT {keys} WHERE {{{sparql[group + 1 : statement]}}}"
        rows = query(candidates, bindings)
        found = [_row(row[key_a[1:]], row[key_b[1:]]) for row in rows] if isinstance(rows, QuerySolutions) else []
        block = (
            f"BIND(STR(?{a}) AS {key_a}) BIND(STR(?{b}) AS {key_b})\n"
            f"VALUES ({key_a} {key_b} {variable}) {{ {' '.join(found)} }}\n"
        )
        sparql = sparql[:statement] + block + sparql[statement : call.start()] + variable + sparql[call.end() :]
    return sparql


def _row(a: object, b: object) -> str:
    """One row of the VALUES block: the two WKT texts and their distance (unbound if not points)."""
    if not isinstance(a, Literal) or not isinstance(b, Literal):
        return ""
    pa, pb = point(a.value), point(b.value)
    distance = "UNDEF" if pa is None or pb is None else Literal(repr(haversine_m(pa, pb)), datatype=XSD_DOUBLE)
    return f"({Literal(a.value)} {Literal(b.value)} {distance})"
