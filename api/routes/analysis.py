"""/api/corroboration and /api/contradictions: how well the evidence holds together.

Corroboration counts independent lines of reporting behind each relation (a question and its
answer, or two outlets quoting one official, are one line); contradictions pair claims that cannot
both hold. Both are the named queries of the same names (queries/), with every claim shown whole.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.execution import NAMES, STORE
from api.routes.common import AsOf, ValidAt, blocking, error_responses, iso, name_parameter, query_parameter
from orbat import analysis, ontology
from orbat.models import Contradictions, CorroborationAnswer

router = APIRouter(tags=["evidence"])
_MIN_LINES = query_parameter("corroboration", "min_lines")
_MIN_KM = query_parameter("contradictions", "min_km")


@router.get(
    "/corroboration",
    summary="Relations with their independent lines of reporting, supporting and disputing claims",
    responses=error_responses(404, 422),
)
async def corroboration(
    request: Request,
    subject: Annotated[str | None, name_parameter("Only relations of this subject: id, name or alias.")] = None,
    relation: Annotated[
        str | None,
        Query(
            description="Only this relation (not its sub-relations).",
            json_schema_extra={"enum": sorted(ontology.relations())},
        ),
    ] = None,
    object: Annotated[str | None, name_parameter("Only relations with this object: id, name or alias.")] = None,
    min_lines: Annotated[
        int, Query(ge=_MIN_LINES.minimum, le=_MIN_LINES.maximum, description=_MIN_LINES.description)
    ] = int(_MIN_LINES.default or 1),
    as_of: AsOf = None,
    valid_at: ValidAt = None,
) -> CorroborationAnswer:
    """Each relation that reported or assessed claims state, with the number of independent lines
    behind it and every claim about it: supports, disputes, or only mentions it (a question, a
    scenario, a prediction, an opinion), each with its line of reporting."""
    return await blocking(
        request, analysis.corroboration, STORE, NAMES, subject, relation, object, min_lines, iso(as_of), iso(valid_at)
    )


@router.get(
    "/contradictions",
    summary="Pairs of claims that cannot both hold, with both quotes and sources",
    responses=error_responses(422),
)
async def contradictions(
    request: Request,
    min_km: Annotated[
        float,
        Query(ge=_MIN_KM.minimum, le=_MIN_KM.maximum, allow_inf_nan=False, description=_MIN_KM.description),
    ] = float(_MIN_KM.default or 100),
    as_of: AsOf = None,
    valid_at: ValidAt = None,
) -> Contradictions:
    """Annotated disputes, denials of stated claims, one unit at distant places at once, supports and
    opposes between the same pair, and different strengths of one unit at once."""
    return await blocking(request, analysis.contradictions, STORE, NAMES, min_km, iso(as_of), iso(valid_at))
