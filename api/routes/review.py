"""/api/drafts/accept: a draft's proposals turned into claims, as ``orbat accept`` does (orbat.accept);
/api/merges: entity resolution decisions, as ``orbat merge`` (orbat.decisions), behind the update token
(the decision records as ``by`` the name of the token that made it: api/tokens.py).

Nothing is stored: the answer is the accepted report (JSON), to be reviewed and then sent to
``POST /api/reports``; like that, it needs the update token (and may send as much). The draft is
the body (YAML or JSON); ``claims`` keeps only the proposals named (comma-separated), ``reject``
drops some. A draft that cannot be accepted as asked (an unknown proposal id, an
ambiguous proposal still listing its candidates) is a 422 listing every problem.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam

from api.auth import require_role
from api.errors import ApiError
from api.models import ErrorResponse
from api.routes.common import error_responses
from api.routes.reports import BODY_TYPES, _served_workspace
from api.state import get_state
from orbat import decisions
from orbat.accept import accept_json, proposal_ids
from orbat.models import AcceptedDraft, MergeDecision, MergeRequest
from orbat.reasoning import Inconsistent
from orbat.yamlfile import AnnotationError, Problems, decode

router = APIRouter(tags=["reports"])
_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No 'Authorization: Bearer <token>'."},
    403: {"model": ErrorResponse, "description": "Writes are disabled, or the token is wrong."},
}
_ACCEPT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(422),
    **_AUTH,
    413: {"model": ErrorResponse, "description": "The body is larger than ORBAT_MAX_UPDATE_BYTES."},
    415: {"model": ErrorResponse, "description": "A Content-Type that is not YAML or JSON."},
}
_ACCEPT_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "The draft report (docs/annotating.md), its text inline.",
        "content": {media: {"schema": {"type": "string"}} for media in BODY_TYPES},
    }
}


@router.post(
    "/drafts/accept",
    response_model=AcceptedDraft,
    summary="Accept a draft's proposals (all, or those named), as 'orbat accept': the report, not stored",
    responses=_ACCEPT_RESPONSES,
    openapi_extra=_ACCEPT_OPENAPI,
)
async def accept_draft(
    request: Request,
    claims: Annotated[
        str | None, Query(max_length=10_000, description="Accept only these proposals, comma-separated (p1,p2).")
    ] = None,
    reject: Annotated[str | None, Query(max_length=10_000, description="Drop these proposals (p3,p4).")] = None,
) -> Any:
    require_role(request, get_state(request).settings, "annotate")  # the analysts' review, as the reports it leads to
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise ApiError(
            415, f"unsupported Content-Type {media or '(none)'!r} for a draft", {"supported": sorted(BODY_TYPES)}
        )
    body = await request.body()
    try:
        report, outcome = accept_json(decode(body, "draft"), "draft", proposal_ids(claims), proposal_ids(reject) or [])
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


_MERGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(422),
    **_AUTH,
    409: {"model": ErrorResponse, "description": "No such entity or merge, already merged or undone; no workspace."},
}


def _decide(work: Any, *args: Any) -> MergeDecision:
    try:
        made = work(*args)
    except decisions.MergeRefused as exc:
        raise ApiError(409, str(exc)) from exc
    except (AnnotationError, Inconsistent) as exc:
        raise ApiError(422, f"the knowledge base would not build, nothing changed: {str(exc).splitlines()[0]}") from exc
    return made


@router.post(
    "/merges",
    response_model=MergeDecision,
    status_code=201,
    summary="Record that two entities are one, as 'orbat merge' (needs a token of role annotate)",
    responses=_MERGE_RESPONSES,
)
async def post_merge(request: Request, decision: MergeRequest) -> Any:
    state = get_state(request)
    token = require_role(request, state.settings, "annotate")
    workspace = _served_workspace(request)
    return await state.write(
        _decide, decisions.merge, state.store, workspace, decision.keep, decision.merge, token.name, decision.reason
    )


@router.post(
    "/merges/{merge_id}/undo",
    response_model=MergeDecision,
    summary="Undo a merge, as 'orbat merge --undo ID' (needs a token of role annotate)",
    responses=_MERGE_RESPONSES,
)
async def undo_merge(
    request: Request,
    merge_id: Annotated[str, PathParam(description="The merge's id (m1, m2...).")],
) -> Any:
    state = get_state(request)
    token = require_role(request, state.settings, "annotate")
    workspace = _served_workspace(request)
    return await state.write(_decide, decisions.undo, state.store, workspace, merge_id, token.name)
