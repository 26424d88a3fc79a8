"""/api/sources: the documents the knowledge base reads from, and their passages (paged)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.execution import STORE
from api.routes.common import blocking, error_responses, next_page, page_limit, page_offset
from orbat import answers
from orbat.models import Document, DocumentDetail

router = APIRouter(tags=["sources"])


@router.get(
    "/sources",
    summary="Source documents with their numbers of passages and claims",
    responses=error_responses(),
)
async def list_sources(request: Request) -> list[Document]:
    return await blocking(request, answers.sources, STORE)


@router.get(
    "/sources/{document_id}",
    summary="A source document and its passages: author as printed, offsets, text, claims per passage",
    responses=error_responses(404, 422),
)
async def get_source(
    request: Request,
    response: Response,
    document_id: Annotated[str, Path(description="The document id (see /api/sources).")],
    limit: Annotated[int, page_limit("Passages")] = 100,
    offset: Annotated[int, page_offset("Passages")] = 0,
) -> DocumentDetail:
    """The passages in reading order (by start offset), paged in the store; total is the passage count."""
    answer = await blocking(request, answers.source, STORE, document_id, limit, offset)
    return next_page(request, response, answer)
