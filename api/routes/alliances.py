"""/api/alliances/{id}/members: who belongs to an alliance, stated by a source or background; paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.execution import NAMES, STORE
from api.routes.common import AsOf, ValidAt, blocking, error_responses, iso, next_page, page_limit, page_offset
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
    response: Response,
    alliance_id: Annotated[str, Path(description="The alliance: id, name or alias (r-plus-6, R+6).")],
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    limit: Annotated[int, page_limit("Members")] = 100,
    offset: Annotated[int, page_offset("Members")] = 0,
) -> Members:
    answer = await blocking(
        request, answers.members, STORE, NAMES, alliance_id, iso(as_of), iso(valid_at), limit, offset
    )
    return next_page(request, response, answer)
