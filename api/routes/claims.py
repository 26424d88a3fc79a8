"""/api/claims: claims filtered by their parts, source, hedging and status, paged."""

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
    name_parameter,
    next_page,
    page_limit,
    page_offset,
)
from orbat import answers, ontology
from orbat.models import ClaimsPage

router = APIRouter(tags=["claims"])


@router.get(
    "/claims",
    summary="Claims, filtered and paged",
    responses=error_responses(404, 422),
)
async def list_claims(
    request: Request,
    response: Response,
    subject: Annotated[str | None, name_parameter("The subject: id, name or alias.")] = None,
    relation: Annotated[
        str | None,
        Query(
            description="An ontology relation; its sub-relations count (supports includes trains).",
            json_schema_extra={"enum": sorted(ontology.relations())},
        ),
    ] = None,
    object: Annotated[str | None, name_parameter("The object: id, name or alias.")] = None,
    source: Annotated[str | None, name_parameter("A source document id (see /api/sources).")] = None,
    hedged: Annotated[bool | None, Query(description="Only hedged (true) or unhedged (false) claims.")] = None,
    status: Annotated[
        str | None,
        Query(
            description="reported, assessed, inferred, background or draft (draft: with include_drafts).",
            json_schema_extra={"enum": sorted(ontology.statuses())},
        ),
    ] = None,
    limit: Annotated[int, page_limit("Claims")] = 50,
    offset: Annotated[int, page_offset("Claims")] = 0,
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    include_drafts: IncludeDrafts = False,
) -> ClaimsPage:
    filters = {
        "subject": subject,
        "relation": relation,
        "object": object,
        "source": source,
        "hedged": hedged,
        "status": status,
        "include_drafts": include_drafts,
    }
    answer = await blocking(request, answers.claims, STORE, NAMES, filters, limit, offset, iso(as_of), iso(valid_at))
    return next_page(request, response, answer)
