"""/api/near: who is positioned at or near a place, by reported relation and by distance, paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.execution import NAMES, STORE
from api.routes.common import (
    AsOf,
    IncludeDrafts,
    ValidAt,
    blocking,
    error_responses,
    iso,
    next_page,
    page_limit,
    page_offset,
    query_parameter,
)
from orbat import answers
from orbat.models import NearAnswer

router = APIRouter(tags=["near"])
_PLACE = query_parameter("near", "place")
_RADIUS = query_parameter("near", "radius_km")  # the bounds are the query header's [0..150]


@router.get(
    "/near",
    summary="Who is positioned at or near a place",
    responses=error_responses(404, 422),
)
async def near(
    request: Request,
    response: Response,
    place: Annotated[str, Query(min_length=1, max_length=500, description=_PLACE.description)],
    radius_km: Annotated[
        float,
        Query(ge=_RADIUS.minimum, le=_RADIUS.maximum, allow_inf_nan=False, description=_RADIUS.description),
    ] = float(_RADIUS.default or 0),
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    include_drafts: IncludeDrafts = False,
    limit: Annotated[int, page_limit("Results (actor, relation, location)")] = 100,
    offset: Annotated[int, page_offset("Results")] = 0,
) -> NearAnswer:
    """Actors that sources place at, near, in or moving to the place (or a place inside it), and those
    reported at places within the radius; each with the claims, their quotes and grading. Nearest first,
    then by actor id; paged in the store."""
    answer = await blocking(
        request, answers.near, STORE, NAMES, place, radius_km, iso(as_of), iso(valid_at), include_drafts, limit, offset
    )
    return next_page(request, response, answer)
