"""What the REST handlers share: store work off the event loop, the query-string rule, and the
documented error responses.

Store work runs on the service's runner (worker processes or threads, api.execution), the SPARQL
endpoint's path too: the event loop stays free while pyoxigraph evaluates, the query timeout
applies, and REST and SPARQL requests share the workers instead of queueing unseen. A handler
passes ``STORE`` and ``NAMES`` (api.execution) where the work takes the store and the name index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from api.errors import ApiError
from api.execution import Deadline, Job
from api.models import ErrorResponse
from api.state import ServiceState, get_state
from orbat import paging
from orbat.queries import Parameter, get_query

T = TypeVar("T")

IncludeDrafts = Annotated[
    bool,
    Query(description="Also claims still draft (proposed by 'orbat draft', not yet accepted); left out otherwise."),
]

_DESCRIPTIONS = {
    400: "Bad parameter: empty, repeated, unknown, an unknown kind, relation, status or format, or a number "
    "not written in ASCII digits (5_0, +5, NaN, inf, 1e999 are refused).",
    404: "Unknown id, name or graph; detail.suggestions lists close names.",
    422: "Missing parameter, a number out of range, or a value of the wrong type (a boolean).",
    503: "The answer took longer than the query timeout, or no worker was free in time.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for the error statuses an operation can answer, in the one error shape:
    ``statuses``, and for every operation 400 (``check_query_string``) and 503 (the timeout)."""
    return {
        status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]}
        for status in sorted({400, *statuses, 503})
    }


async def blocking(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args)`` on the runner under the query timeout (503 past it)."""
    state: ServiceState = get_state(request)
    deadline = Deadline.start(state.settings.query_timeout_s)
    return await state.read(Job.of(work, *args), deadline)  # type: ignore[no-any-return]


async def in_pool(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args)`` on the runner to its end (an export: bounded by the data); only the wait
    for a free worker is limited by the query timeout."""
    state: ServiceState = get_state(request)
    deadline = Deadline.start(state.settings.query_timeout_s)
    return await state.read(Job.of(work, *args), deadline, abandon=False)  # type: ignore[no-any-return]


def check_query_string(request: Request) -> None:
    """Every /api endpoint: a parameter given twice is ambiguous, and an empty one is a mistake
    (leaving it out is how to ask for its default); both are 400 rather than a silent guess."""
    seen: set[str] = set()
    for key, value in request.query_params.multi_items():
        if key in seen:
            raise ApiError(400, f"parameter {key} is given more than once", {"parameter": key})
        if value == "":
            raise ApiError(400, f"parameter {key} is empty: leave it out for its default", {"parameter": key})
        seen.add(key)


def query_parameter(query: str, name: str) -> Parameter:
    """A parameter as a named query's header declares it: the API reuses its bounds and default."""
    found = [p for p in get_query(query).parameters if p.name == name]
    if not found:
        raise LookupError(f"query {query} declares no parameter {name}")
    return found[0]


# The time filters of every claim-returning endpoint (as the named queries' as_of and valid_at).
AsOf = Annotated[dt.date | None, Query(description="Only claims reported by this date (YYYY-MM-DD).")]
ValidAt = Annotated[
    dt.date | None,
    Query(
        description="Only claims that held on this date: within their valid time, or on their report date when"
        " the text gives no time (YYYY-MM-DD)."
    ),
]


def iso(day: dt.date | None) -> str | None:
    """A date filter as the queries take it."""
    return day.isoformat() if day else None


def page_limit(what: str) -> Any:
    """The ``limit`` of a paged list: 1 to orbat.paging.MAX_LIMIT ``what`` a page (422 outside)."""
    return Query(ge=1, le=paging.MAX_LIMIT, description=f"{what} per page.")


def page_offset(what: str) -> Any:
    """The ``offset`` of a paged list: how many ``what`` to skip, 0 to orbat.paging.MAX_OFFSET (422 outside)."""
    return Query(ge=0, le=paging.MAX_OFFSET, description=f"{what} to skip.")


def next_link(request: Request, response: Response, following: str | None) -> str | None:
    """The URL of the next page (``following``: its query string ``offset=N&limit=M``, from
    orbat.answers) on this request's URL, also sent as ``Link: <url>; rel="next"`` (RFC 8288,
    https://www.rfc-editor.org/rfc/rfc8288#section-3); None on the last page."""
    if not following:
        return None
    params = dict(request.query_params)
    params.update(part.split("=", 1) for part in following.split("&"))
    url = str(request.url.include_query_params(**params))
    response.headers["Link"] = f'<{url}>; rel="next"'
    return url


def next_page(request: Request, response: Response, answer: T) -> T:
    """A paged answer (orbat.models.Page) with its ``next`` as the URL of the next page, also the
    Link header's rel=next."""
    answer.next = next_link(request, response, answer.next)  # type: ignore[attr-defined]
    return answer


def name_parameter(description: str) -> Any:
    """A query parameter that names an entity or a document as people type it (1-500 characters)."""
    return Query(min_length=1, max_length=500, description=description)
