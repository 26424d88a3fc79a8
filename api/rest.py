"""REST API under /api: entities, near, claims, sources, alliances, units, queries, export, health.

Each URL segment has its module under ``api/routes``; this router gathers them, and the web page
at ``/``. Handlers only shape HTTP: the answers come from ``orbat.answers``, ``orbat.queries`` and
``orbat.export``, the same functions the CLI calls.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.routes import alliances, claims, entities, export, health, near, page, queries, sources, units
from api.routes.common import check_query_string
from api.routes.numbers import check_numbers

router = APIRouter()
for _module in (entities, near, claims, sources, alliances, units, queries, export, health):
    router.include_router(
        _module.router, prefix="/api", dependencies=[Depends(check_query_string), Depends(check_numbers)]
    )
router.include_router(page.router)
