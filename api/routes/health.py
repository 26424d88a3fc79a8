"""/api/health: is the service up, and does it serve the current build of the knowledge base?

Cheap on purpose (no store access, no query pool): monitors and the attack tests call it to see
that the service still answers. ``store.stale`` is true when ``orbat serve`` could not build the
current files and serves the previous build; ``store.reason`` says why (``file:line: reason``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from orbat.config import Freshness

router = APIRouter(tags=["health"])


class StoreHealth(BaseModel):
    stale: bool = Field(description="True when the served build is older than the files, which do not build.")
    reason: str | None = Field(description="Why the files do not build (file:line: reason), when stale.")


class Health(BaseModel):
    status: str = Field(description="'ok' while the service answers.")
    store: StoreHealth


@router.get("/health", response_model=Health, summary="Service health and the freshness of the served build")
async def health(request: Request) -> Health:
    freshness: Freshness = request.app.state.freshness
    return Health(status="ok", store=StoreHealth(stale=freshness.stale, reason=freshness.reason))
