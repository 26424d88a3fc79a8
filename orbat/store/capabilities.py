"""What a store's engine can do, found by asking it once at start: the capability probe.

Two things decide whether orbat's named queries run as written:

- GeoSPARQL's ``geof:distance`` (https://docs.ogc.org/is/22-047r1/22-047r1.html#_function_geofdistance):
  Oxigraph answers it with a unit of measure (metres), without the unit it answers unbound; Virtuoso
  7.2.5 has no such function (an error). Where it is missing, orbat computes great-circle distances
  itself (orbat.geodistance), with the same formula and the same answers;
- the union default graph: a query without FROM must see every named graph (``oxigraph serve
  --union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph``; Virtuoso does so by default).

The result is recorded in the service description of /sparql (api.service_description).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QuerySolutions

METRE = "http://www.opengis.net/def/uom/OGC/1.0/metre"
DISTANCE_PROBE = f"""PREFIX geof: <http://www.opengis.net/def/function/geosparql/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?d WHERE {{
  BIND(geof:distance("POINT(0 0)"^^geo:wktLiteral, "POINT(1 0)"^^geo:wktLiteral, <{METRE}>) AS ?d)
}}"""
# One degree of longitude on the equator, on the mean-radius sphere: 111.195 km.
DEGREE_M = (111_000.0, 111_400.0)
ONE_NAMED_TRIPLE = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


@dataclass(frozen=True)
class Capabilities:
    """The engine's answers to the probe."""

    engine: str  # "pyoxigraph (embedded)", "oxigraph", "virtuoso", "fuseki", "generic"
    distance: str | None  # "geof:distance with a unit", or None: orbat computes the distance
    union_default_graph: bool | None  # None: the store held no triples to tell by

    @property
    def native_distance(self) -> bool:
        return self.distance is not None


EMBEDDED = Capabilities("pyoxigraph (embedded)", "geof:distance with a unit", True)


def distance_form(solutions: object) -> str | None:
    """The probe's answer read: a metre distance of about one degree means the function works."""
    if not isinstance(solutions, QuerySolutions):
        return None
    for row in solutions:
        term = row["d"]
        try:
            metres = float(term.value) if term is not None else None
        except ValueError:
            return None
        if metres is not None and DEGREE_M[0] <= metres <= DEGREE_M[1]:
            return "geof:distance with a unit"
    return None
