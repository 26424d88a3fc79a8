"""/api/export: the knowledge base as a download, in an RDF format or a map format (GeoJSON, KML,
ORBAT Mapper; with as_of and side).

The format and the graph are checked first (400, 404); the serialization (``orbat.export.write``,
the CLI's) runs on the query pool into a spooled file that is then streamed (``api.streaming``).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query, Request

from api.execution import STORE
from api.routes.common import blocking, error_responses, in_pool
from api.streaming import SpooledResponse, spool, take
from orbat.export import FORMATS, ExportFormat, filename, prepare, write
from orbat.exporters import Options
from orbat.store import TripleStore

router = APIRouter(tags=["export"])

_GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}},
}
_BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "geojson": _GEOJSON,
    "jsonld": {},
    "orbat-mapper": {"type": "object"},
}  # JSON; the others are text
_BODIES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export, as an attachment named orbat-<graph or all>.<extension>.",
        "content": {f.media_type: {"schema": _BODY_SCHEMAS.get(f.name, {"type": "string"})} for f in FORMATS.values()},
    }
}


def write_export(store: TripleStore, fmt: ExportFormat, graph: str | None, options: Options, output: IO[bytes]) -> None:
    write(store, fmt, output, graph=graph, options=options)


@router.get(
    "/export",
    response_class=SpooledResponse,
    summary="Download the knowledge base or one named graph",
    responses={**_BODIES, **error_responses(404, 422)},
)
async def export(
    request: Request,
    format_name: Annotated[
        str,
        Query(alias="format", description="The output format.", json_schema_extra={"enum": list(FORMATS)}),
    ] = "turtle",
    graph: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=1000,
            description="A named graph: an IRI or a short name (background, inferred, ontology, source/DOC); "
            "default: every graph (the union for triple formats). The map formats take none.",
        ),
    ] = None,
    as_of: Annotated[
        dt.date | None,
        Query(
            description="Map formats (geojson, kml, orbat-mapper): only claims reported by this date; others ignore it."
        ),
    ] = None,
    side: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Map formats: the alliance or coalition id whose viewpoint sets the symbols' affiliation "
            "(others ignore it).",
        ),
    ] = None,
) -> SpooledResponse:
    options = Options(as_of=as_of.isoformat() if as_of else None, side=side)
    fmt, iri = await blocking(request, prepare, STORE, format_name, graph, options)
    # no query timeout: an export's work is bounded by the size of the knowledge base
    path = await in_pool(request, spool, write_export, STORE, fmt, iri, options)
    return SpooledResponse(
        take(path),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename(fmt, iri)}"'},
    )
