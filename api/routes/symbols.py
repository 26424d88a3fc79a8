"""/api/symbols: every actor's military symbol toward one side, for a map that draws many at once.

One answer instead of one entity page per symbol: the SIDC (APP-6 D / MIL-STD-2525 D, affiliation
relative to ``side``, unknown without one), function, echelon and the basis of the affiliation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.execution import STORE
from api.routes.common import blocking, error_responses
from orbat import symbols
from orbat.models import SymbolEntry

router = APIRouter(tags=["symbols"])


@router.get(
    "/symbols",
    summary="The military symbol of every actor a map draws, toward one side",
    responses=error_responses(404, 422),
)
async def get_symbols(
    request: Request,
    side: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="An alliance or coalition id (r-plus-6); default: no side, every affiliation unknown.",
        ),
    ] = None,
) -> list[SymbolEntry]:
    return await blocking(request, symbols.symbol_table, STORE, side)
