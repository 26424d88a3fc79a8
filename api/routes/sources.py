"""/api/sources: the documents the knowledge base reads from, and their passages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.execution import STORE
from api.routes.common import blocking, error_responses
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
    document_id: Annotated[str, Path(description="The document id (see /api/sources).")],
) -> DocumentDetail:
    return await blocking(request, answers.source, STORE, document_id)
