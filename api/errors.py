"""One JSON error shape for every error: ``{"error": {"status", "message", "detail"}}``.

Errors the user causes (bad parameter, unknown entity, malformed query) map to 4xx with a message
that says what and where; anything else is a 500 and is logged, never disguised as a 400.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from orbat.queries import QueryError
from orbat.store import StoreError
from orbat.store.base import scrub_paths

logger = logging.getLogger("orbat.api")


class ApiError(Exception):
    """An error with an HTTP status, a message for people and optional structured detail."""

    def __init__(self, status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
        self.headers = headers

    def __reduce__(self) -> tuple[type[ApiError], tuple[int, str, Any, dict[str, str] | None]]:
        """Errors travel back from worker processes pickled (api.isolation)."""
        return (type(self), (self.status, self.message, self.detail, self.headers))


def error_body(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "detail": detail}}


def error_response(
    status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, message, detail), status_code=status, headers=headers)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.detail, exc.headers)


async def _query_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryError)
    detail = {"suggestions": exc.suggestions} if exc.suggestions else None
    return error_response(exc.status, str(exc), detail)


async def _store_error(_: Request, exc: Exception) -> JSONResponse:
    """A store's refusal; no filesystem path of the server reaches the client (storage errors name files)."""
    assert isinstance(exc, StoreError)
    return error_response(exc.status, scrub_paths(str(exc)))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"where": ".".join(str(p) for p in error.get("loc", ())), "problem": error.get("msg")} for error in exc.errors()
    ]
    first = problems[0] if problems else {"where": "request", "problem": "invalid"}
    return error_response(422, f"invalid request: {first['where']}: {first['problem']}", problems)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette names the methods of the first route of the path only
        headers = {**(headers or {}), "Allow": allowed_methods(request)}
    return error_response(exc.status_code, str(exc.detail), None, headers)


def allowed_methods(request: Request) -> str:
    """Every method some route at the request's path takes (RFC 9110 section 15.5.6: a 405 lists them)."""
    routes = request.app.router.routes
    methods = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    return ", ".join(methods)


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: logged with its traceback, answered as a 500 in the same shape (never as a 4xx)."""
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal server error", {"type": type(exc).__name__})


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
