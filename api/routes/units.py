"""/api/units/{id}/hierarchy: every subunit under a unit, with the claims that state each link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.execution import NAMES, STORE
from api.routes.common import AsOf, ValidAt, blocking, error_responses, iso
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
    unit_id: Annotated[str, Path(description="The unit: id, name or alias (31st-guards-air-assault-brigade).")],
    as_of: AsOf = None,
    valid_at: ValidAt = None,
) -> Hierarchy:
    return await blocking(request, answers.hierarchy, STORE, NAMES, unit_id, iso(as_of), iso(valid_at))
