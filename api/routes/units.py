"""/api/units/{id}/hierarchy: every subunit under a unit, with the claims that state each link; paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.execution import NAMES, STORE
from api.routes.common import AsOf, ValidAt, blocking, error_responses, iso, next_page, page_limit, page_offset
from orbat import answers
from orbat.models import Hierarchy

router = APIRouter(tags=["structure"])


@router.get(
    "/units/{unit_id}/hierarchy",
    summary="The hierarchy under a unit, at any depth",
    responses=error_responses(404, 422),
)
async def unit_hierarchy(
    request: Request,
    response: Response,
    unit_id: Annotated[str, Path(description="The unit: id, name or alias (31st-guards-air-assault-brigade).")],
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    limit: Annotated[int, page_limit("Subunits")] = 100,
    offset: Annotated[int, page_offset("Subunits")] = 0,
) -> Hierarchy:
    answer = await blocking(request, answers.hierarchy, STORE, NAMES, unit_id, iso(as_of), iso(valid_at), limit, offset)
    return next_page(request, response, answer)
