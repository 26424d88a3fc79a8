"""/api/drafts/accept: a draft's proposals turned into claims, as ``orbat accept`` does (orbat.accept).

Nothing is stored: the answer is the accepted report (JSON), to be reviewed and then sent to
``POST /api/reports``. The draft is the body (YAML or JSON); ``claims`` keeps only the proposals
named, ``reject`` drops some. A draft that cannot be accepted as asked (an unknown proposal id, an
ambiguous proposal still listing its candidates) is a 422 listing every problem.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.errors import ApiError
from api.models import ErrorResponse
from api.routes.common import error_responses
from api.routes.reports import BODY_TYPES
from orbat.accept import accept_json
from orbat.models import AcceptedDraft
from orbat.yamlfile import AnnotationError, Problems, decode

router = APIRouter(tags=["reports"])


def _ids(values: list[str] | None) -> list[str] | None:
    return None if values is None else [p for v in values for p in v.replace(",", " ").split() if p]


@router.post(
    "/drafts/accept",
    response_model=AcceptedDraft,
    summary="Accept a draft's proposals (all, or those named), as 'orbat accept': the report, not stored",
    responses={**error_responses(422), 415: {"model": ErrorResponse, "description": "Not YAML or JSON."}},
)
async def accept_draft(
    request: Request,
    claims: Annotated[list[str] | None, Query(description="Accept only these proposals (p1,p2 or repeated).")] = None,
    reject: Annotated[list[str] | None, Query(description="Drop these proposals (p3,p4 or repeated).")] = None,
) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise ApiError(
            415, f"unsupported Content-Type {media or '(none)'!r} for a draft", {"supported": sorted(BODY_TYPES)}
        )
    body = await request.body()
    try:
        report, outcome = accept_json(decode(body, "draft"), "draft", _ids(claims), _ids(reject) or [])
    except Problems as exc:
        raise ApiError(422, f"the draft cannot be accepted so: {exc.lines()[0]}", {"problems": exc.lines()}) from exc
    except AnnotationError as exc:
        raise ApiError(422, str(exc), {"problems": [str(exc)]}) from exc
    return AcceptedDraft(
        id=outcome.id,
        accepted=outcome.accepted,
        rejected=outcome.rejected,
        entities=outcome.entities,
        unused=outcome.unused,
        report=report,
    )
