"""REST API under /api: entities, near, claims, corroboration, contradictions, sources, reports,
alliances, units, symbols, drafts, queries, export, health.

Each URL segment has its module under ``api/routes``; ``router(workspace)`` gathers them, and the
web page at ``/``, for one app (the named queries are the workspace's). Handlers only shape HTTP:
the answers come from ``orbat.answers``, ``orbat.queries`` and ``orbat.export``, the same functions
the CLI calls.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.auth import require_reader
from api.routes import (
    alliances,
    analysis,
    claims,
    drafts,
    entities,
    export,
    health,
    near,
    page,
    queries,
    reports,
    review,
    sources,
    symbols,
    units,
)
from api.routes.common import check_query_string
from api.routes.numbers import check_numbers
from orbat.workspace import Workspace


def router(workspace: Workspace | None) -> APIRouter:
    """The REST API of an app serving ``workspace``."""
    rest = APIRouter()
    for module_router in (
        entities.router,
        near.router,
        claims.router,
        analysis.router,
        sources.router,
        reports.router,
        review.router,
        drafts.router,
        alliances.router,
        units.router,
        symbols.router,
        queries.router(workspace),
        export.router,
        health.router,
    ):
        checks = [Depends(check_query_string), Depends(check_numbers)]
        if module_router is not health.router:  # a health check needs no token
            checks.append(Depends(require_reader))
        rest.include_router(module_router, prefix="/api", dependencies=checks)
    rest.include_router(page.router)
    return rest
