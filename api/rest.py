"""REST API under /api: entities, near, claims, sources, alliances, units, queries, export."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["api"])
