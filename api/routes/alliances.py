"""/api/alliances/{id}/members: who belongs to an alliance, stated by a source or background."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.execution import NAMES, STORE
from api.routes.common import AsOf, ValidAt, blocking, error_responses, iso
from orbat import answers
from orbat.models import Members

router = APIRouter(tags=["structure"])


@router.get(
    "/alliances/{alliance_id}/members",
    summary="Members of an alliance or coalition, with the claims that say so",
    responses=error_responses(404, 422),
)
async def alliance_members(
    request: Request,
    alliance_id: Annotated[str, Path(description="The alliance: id, name or alias (r-plus-6, R+6).")],
    as_of: AsOf = None,
    valid_at: ValidAt = None,
) -> Members:
    return await blocking(request, answers.members, STORE, NAMES, alliance_id, iso(as_of), iso(valid_at))
