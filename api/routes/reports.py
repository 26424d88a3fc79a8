"""/api/reports: the reports of the knowledge base, listed, read, added (or corrected) and removed.

Reads run on the service's runner like every read. ``POST /api/reports`` (the report file as YAML
or JSON) and ``DELETE /api/reports/{id}`` write, so they need the update token as SPARQL Update
does, of role annotate or admin (api.auth; the token's name is recorded as who made the
change), and run in the service's one writer (``ServiceState.write``), which serialises
them with every other write: the report file goes into the served workspace and its graphs into
the store together (orbat.changes), after every check passed; every problem of a rejected report
is listed (``detail.problems``, each ``file:line: rule``) and nothing changes. The body limit
(api.body_limit) counts a report as a write: ``ORBAT_MAX_UPDATE_BYTES`` with the token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth import require_role
from api.errors import ApiError
from api.execution import STORE
from api.models import ErrorResponse
from api.routes.common import blocking, error_responses
from api.state import get_state
from orbat import changes, reports, staging
from orbat.models import ReportChange, Reports, ReportSummary
from orbat.store.base import TripleStore
from orbat.workspace import Workspace
from orbat.yamlfile import Problems

router = APIRouter(tags=["reports"])

BODY_TYPES = {
    "application/yaml": "report.yaml",
    "application/x-yaml": "report.yaml",
    "text/yaml": "report.yaml",
    "text/x-yaml": "report.yaml",
    "application/json": "report.json",
}
_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        401: "No 'Authorization: Bearer <token>'.",
        403: "Writes are disabled, the token is unknown, or its role is read (annotate or admin needed).",
        404: "No report with that id (DELETE).",
        409: "The server serves no workspace; or the report is needed by another one, or in the seed's layout.",
        413: "The body is larger than ORBAT_MAX_UPDATE_BYTES.",
        415: "A Content-Type that is not YAML or JSON.",
        422: "The report has problems: detail.problems lists every one (file:line: rule); nothing changed.",
        503: "The store or the workspace folder could not be written; nothing changed.",
        507: "The disk of the store or of the workspace is full; nothing changed.",
    }.items()
}
_POST_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "The report file (docs/annotating.md), its text inline ('text:').",
        "content": {media: {"schema": {"type": "string"}} for media in BODY_TYPES},
    }
}


def report_detail(store: TripleStore, report_id: str) -> ReportSummary:
    """One report, or a 404 (in a worker: the error travels back pickled)."""
    try:
        return reports.summary(store, report_id)
    except reports.ReportNotFound as exc:
        raise ApiError(404, str(exc), {"report": report_id}) from exc


def _refusal(exc: Exception) -> ApiError:
    """A change that did not happen, in the one error shape."""
    if isinstance(exc, Problems):
        count = len(exc.problems)
        message = f"the report has {count} problem{'s' if count > 1 else ''}, nothing changed: {exc.lines()[0]}"
        return ApiError(422, message, {"problems": exc.lines()})
    if isinstance(exc, reports.ReportNotFound):
        return ApiError(404, str(exc))
    if isinstance(exc, changes.ReportConflict):
        return ApiError(409, str(exc))
    assert isinstance(exc, staging.WorkspaceWriteError)
    return ApiError(507 if exc.full else 503, str(exc))


_REFUSED = (Problems, reports.ReportNotFound, changes.ReportConflict, staging.WorkspaceWriteError)


def add_report(
    store: TripleStore, workspace: Workspace, body: bytes, name: str, drafts: bool = False, by: str | None = None
) -> ReportChange:
    try:
        return changes.add(store, workspace, body, name=name, inline_only=True, drafts=drafts, by=by)
    except _REFUSED as exc:
        raise _refusal(exc) from exc


def remove_report(store: TripleStore, workspace: Workspace, report_id: str, by: str | None = None) -> ReportChange:
    try:
        return changes.remove(store, workspace, report_id, by=by)
    except _REFUSED as exc:
        raise _refusal(exc) from exc


def _served_workspace(request: Request) -> Workspace:
    workspace = get_state(request).workspace
    if workspace is None:
        raise ApiError(409, "this server serves a store without a workspace: reports cannot be added or removed")
    return workspace


@router.get(
    "/reports", response_model=Reports, summary="The reports of the knowledge base", responses=error_responses()
)
async def list_reports(request: Request) -> Any:
    return await blocking(request, reports.listing, STORE)


@router.get(
    "/reports/{report_id}",
    response_model=ReportSummary,
    summary="A report: its document, files, graphs and the entities it introduces",
    responses=error_responses(404, 422),
)
async def get_report(
    request: Request, report_id: Annotated[str, Path(description="The report's id (see /api/reports).")]
) -> Any:
    return await blocking(request, report_detail, STORE, report_id)


@router.post(
    "/reports",
    response_model=ReportChange,
    status_code=201,
    summary="Add a report, or replace it by a corrected version (needs an annotate or admin token)",
    openapi_extra=_POST_OPENAPI,
    responses={200: {"description": "The report was there: replaced, or unchanged."}, **_WRITE_RESPONSES},
)
async def post_report(
    request: Request,
    drafts: Annotated[
        bool,
        Query(
            description="Load its draft claims as drafts (queries leave them out unless include_drafts); "
            "without it a draft is refused (422): accept it first (POST /api/drafts/accept)."
        ),
    ] = False,
) -> Any:
    state = get_state(request)
    token = require_role(request, state.settings, "annotate")
    workspace = _served_workspace(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise ApiError(
            415, f"unsupported Content-Type {media or '(none)'!r} for a report", {"supported": sorted(BODY_TYPES)}
        )
    body = await request.body()
    outcome = await state.write(add_report, state.store, workspace, body, BODY_TYPES[media], drafts, token.name)
    return JSONResponse(outcome.model_dump(mode="json"), status_code=201 if outcome.action == "added" else 200)


@router.delete(
    "/reports/{report_id}",
    response_model=ReportChange,
    summary="Remove a report: its file, its graphs and its inferences (needs an annotate or admin token)",
    responses=_WRITE_RESPONSES,
)
async def delete_report(
    request: Request, report_id: Annotated[str, Path(description="The report's id (see /api/reports).")]
) -> Any:
    state = get_state(request)
    token = require_role(request, state.settings, "annotate")
    workspace = _served_workspace(request)
    return await state.write(remove_report, state.store, workspace, report_id, token.name)
