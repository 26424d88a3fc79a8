"""/api/sources: the documents the knowledge base reads from, and their passages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.execution import STORE
from api.models import Document, DocumentDetail
from api.routes.common import blocking, error_responses
from orbat import answers

router = APIRouter(tags=["sources"])


@router.get(
    "/sources",
    response_model=list[Document],
    summary="Source documents with their numbers of passages and claims",
    responses=error_responses(),
)
async def list_sources(request: Request) -> Any:
    return await blocking(request, answers.sources, STORE)


@router.get(
    "/sources/{document_id}",
    response_model=DocumentDetail,
    summary="A source document and its passages: author as printed, offsets, text, claims per passage",
    responses=error_responses(404, 422),
)
async def get_source(
    request: Request,
    document_id: Annotated[str, Path(description="The document id (see /api/sources).")],
) -> Any:
    return await blocking(request, answers.source, STORE, document_id)
