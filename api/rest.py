"""REST API under /api: entities, near, claims, sources, reports, alliances, units, symbols, queries, export,
health.

Each URL segment has its module under ``api/routes``; ``router(workspace)`` gathers them, and the
web page at ``/``, for one app (the named queries are the workspace's). Handlers only shape HTTP:
the answers come from ``orbat.answers``, ``orbat.queries`` and ``orbat.export``, the same functions
the CLI calls.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.routes import (
    alliances,
    claims,
    entities,
    export,
    health,
    near,
    page,
    queries,
    reports,
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
        sources.router,
        reports.router,
        alliances.router,
        units.router,
        symbols.router,
        queries.router(workspace),
        export.router,
        health.router,
    ):
        rest.include_router(
            module_router, prefix="/api", dependencies=[Depends(check_query_string), Depends(check_numbers)]
        )
    rest.include_router(page.router)
    return rest
