"""/api/entities: find entities the way analysts type names, and an entity's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.execution import NAMES, STORE
from api.routes.common import (
    AsOf,
    IncludeDrafts,
    ValidAt,
    blocking,
    error_responses,
    iso,
    next_link,
    page_limit,
    page_offset,
)
from orbat import answers, ontology, paging
from orbat.models import EntityDetail, EntitySummary

router = APIRouter(tags=["entities"])


@router.get(
    "/entities",
    summary="Search entities by label and alias",
    responses=error_responses(422),
)
async def search_entities(
    request: Request,
    response: Response,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description="A name as typed: case, hyphens, diacritics and Arabic articles do not matter (at tanf).",
        ),
    ],
    kind: Annotated[
        str | None,
        Query(
            description="Only entities of this ontology class or of its subclasses (Place, MilitaryUnit...).",
            json_schema_extra={"enum": sorted(ontology.entity_classes())},
        ),
    ] = None,
    limit: Annotated[int, page_limit("Entities")] = 50,
    offset: Annotated[int, page_offset("Entities")] = 0,
) -> list[EntitySummary]:
    """Exact matches of a label or alias first, then entities whose names contain the text. A list
    (the search box reads it so): the next page, if any, is the Link header's rel=next."""
    found = await blocking(request, answers.search, NAMES, q, kind, limit + 1, offset)  # one more: is there a next?
    if len(found) > limit:
        next_link(request, response, paging.next_query(offset + limit, limit))
    return found[:limit]


@router.get(
    "/entities/{entity_id}",
    summary="An entity: labels, kind, coordinates, structure and every claim about it",
    responses=error_responses(404, 422),
)
async def get_entity(
    request: Request,
    entity_id: Annotated[str, Path(description="The entity id (al-tanf, hezbollah).")],
    as_of: AsOf = None,
    valid_at: ValidAt = None,
    include_drafts: IncludeDrafts = False,
    side: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="An alliance or coalition id (r-plus-6): the symbol's affiliation is relative to it.",
        ),
    ] = None,
) -> EntityDetail:
    return await blocking(
        request, answers.entity, STORE, NAMES, entity_id, iso(as_of), iso(valid_at), include_drafts, side
    )
