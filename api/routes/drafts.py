"""/api/drafts: a draft report from raw text (orbat.extract), for an analyst to review and accept.

A read: the draft is made from the knowledge base's names on the service's runner like every read,
and nothing is written; its time limit is the query timeout but at least ``MIN_TIME_S`` (the first
draft in a worker process reads the GeoNames places, a few seconds). The body is the report's text
(``text/plain`` or ``text/html``, optionally opened by a ``key: value`` header closed by ``---``)
or JSON ``{"text": ..., "source", "url", "date", "author", "language", "title"}``; it is sized by
the body limit of every request that is not a write (``ORBAT_MAX_QUERY_BYTES``, api.body_limit).
Input that cannot be read (empty, binary, not UTF-8, a bad date) is a 422 saying why; a text in
another language is an empty draft whose ``notes`` say why; a body of another type is a 415.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from api.errors import ApiError
from api.execution import NAMES, Deadline, Job
from api.routes.common import error_responses
from api.state import get_state
from orbat.extract import DraftInputError, ReportMeta, draft_report
from orbat.extract.inputs import parse_date
from orbat.models import DraftAnswer, DraftMention
from orbat.names import NameIndex

router = APIRouter(tags=["drafts"])

# some text that is not binary: no NUL or other control characters but tab and line ends
_TEXT = "^[^\\x00-\\x08\\x0b\\x0e-\\x1f]*[^\\s\\x00-\\x1f][^\\x00-\\x08\\x0b\\x0e-\\x1f]*$"
_LINE = "^[^\\x00-\\x1f]*$"  # one line of text
# the first draft in a worker process reads GeoNames (3-6 s); a draft of the largest body ~30 s
MIN_TIME_S = 60.0
TEXT_TYPES = ("text/plain", "text/html", "text/markdown")
FIELDS = ("text", "source", "url", "date", "author", "language", "title")
_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "The report's text, with an optional header (source: ..., date: ..., then a line ---); "
        "or JSON with the text and the same fields.",
        "content": {
            **{media: {"schema": {"type": "string", "pattern": _TEXT}} for media in TEXT_TYPES},
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {
                        **{name: {"type": "string", "pattern": _LINE} for name in FIELDS},
                        "text": {"type": "string", "pattern": _TEXT},
                        "date": {"type": "string", "format": "date"},
                    },
                }
            },
        },
    }
}


def _from_json(body: bytes) -> tuple[str, ReportMeta]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(422, f"the body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ApiError(422, "the JSON body must be an object with the report's text in 'text'")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ApiError(422, f"unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise ApiError(422, f"field {key!r} must be a string")
        if key != "text" and isinstance(value, str) and any(ord(c) < 32 for c in value):
            raise ApiError(422, f"field {key!r} must be one line of text, without control characters")
    date = parse_date(data["date"], "date") if data.get("date") else None
    meta = ReportMeta(
        data.get("source"), data.get("url"), date, data.get("author"), data.get("language"), data.get("title")
    )
    return data["text"], meta


def make_draft(names: NameIndex, body: bytes, media: str) -> DraftAnswer:
    """The draft of a request body (in a worker: errors travel back as ApiError)."""
    try:
        if media == "application/json":
            text, meta = _from_json(body)
            result = draft_report(text, names, meta, name="text")
        else:
            result = draft_report(body, names, None, name="body")
    except DraftInputError as exc:
        raise ApiError(422, str(exc)) from exc
    mentions = [
        DraftMention(
            start=m.start,
            end=m.end,
            text=m.text,
            entity=m.entity,
            how=m.how,
            score=m.score,
            candidates=list(m.candidates) if len(m.candidates) > 1 else [],
            new=m.new,
        )
        for m in result.draft.mentions
    ]
    report = json.loads(json.dumps(result.report, default=str))
    return DraftAnswer(
        report=report,
        yaml=result.yaml,
        sentences=result.draft.sentences,
        mentions=mentions,
        notes=result.draft.notes,
        quotes={c.proposal: (c.start, c.end) for c in result.draft.claims},
        labels=_labels(names, report),
    )


def _labels(names: NameIndex, report: dict[str, Any]) -> dict[str, str]:
    """The labels of the entities the claims name (and of an ambiguous name's candidates), for a
    reviewer who reads names, not ids."""
    proposed = {e["id"]: e["label"] for e in report.get("entities", [])}
    ids: set[str] = set()
    for claim in report.get("claims", []):
        ids.update(claim[k] for k in ("subject", "object", "originator") if isinstance(claim.get(k), str))
        ids.update(claim["proposal"].get("candidates", []))
    labels = {}
    for entity in sorted(ids):
        known = names.get(entity)
        label = proposed.get(entity) or (known.label if known else None)
        if label:
            labels[entity] = label
    return labels


@router.post(
    "/drafts",
    response_model=DraftAnswer,
    summary="Draft a report from raw text: every claim and new entity a proposal (nothing is written)",
    openapi_extra=_OPENAPI,
    responses={
        **error_responses(422),
        413: {"description": "The body is larger than ORBAT_MAX_QUERY_BYTES."},
        415: {"description": "A Content-Type that is not text or JSON."},
    },
)
async def post_draft(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in (*TEXT_TYPES, "application/json"):
        raise ApiError(
            415,
            f"unsupported Content-Type {media or '(none)'!r} for a draft",
            {"supported": [*TEXT_TYPES, "application/json"]},
        )
    body = await request.body()
    state = get_state(request)
    deadline = Deadline.start(max(state.settings.query_timeout_s, MIN_TIME_S))
    return await state.read(Job.of(make_draft, NAMES, body, media), deadline)
