"""Request bodies are sized before they are read: 413 in the one error shape, before authentication
or any handler has spent memory on them.

A pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which buffers and wraps the stream):
a ``Content-Length`` over the limit is answered at once without reading a byte; a body without one
(``Transfer-Encoding: chunked``) is counted as it arrives and refused at the first chunk past the
limit, so at most the limit is ever held. The limit depends on who sends what:

- a write (``POST /sparql``, ``PUT``/``POST /rdf-graphs``, ``POST /api/reports``, and the draft
  review ``POST /api/drafts/accept``) carrying the valid bearer token of an enabled update:
  ``max_update_bytes`` (SPARQL Update, Graph Store bodies, reports, drafts);
- anything else, anonymous or not: ``max_query_bytes`` (a query, sent as the body); an update without
  the token would be refused anyway, so it never makes the server hold more than that.

The limit counts the body as sent: a form-encoded query counts its encoding.
RFC 9110 section 15.5.14 (413 Content Too Large): https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import is_writer
from api.errors import ApiError, error_response
from api.settings import Settings

WRITE_ROUTES = {
    ("POST", "/sparql"),
    ("PUT", "/rdf-graphs"),
    ("POST", "/rdf-graphs"),
    ("POST", "/api/reports"),
    ("POST", "/api/drafts/accept"),
}


class BodyTooLarge(ApiError):
    def __init__(self, limit: int, size: int | None, env: str) -> None:
        told = f"{size:,} bytes" if size is not None else "more than that"
        super().__init__(
            413,
            f"the request body is {told}, more than this server's limit of {limit:,} bytes for this request ({env}"
            + (
                "; updates with the bearer token may send up to ORBAT_MAX_UPDATE_BYTES)"
                if env == "ORBAT_MAX_QUERY_BYTES"
                else ")"
            ),
            {"limit": "body bytes", "maximum": limit, **({"size": size} if size is not None else {})},
        )


def body_limit(settings: Settings, method: str, path: str, headers: Headers) -> tuple[int, str]:
    """The most bytes this request may send, and the setting that says so."""
    if (method, path.rstrip("/")) in WRITE_ROUTES and is_writer(headers.get("authorization"), settings):
        return settings.max_update_bytes, "ORBAT_MAX_UPDATE_BYTES"
    return settings.max_query_bytes, "ORBAT_MAX_QUERY_BYTES"


class BodyLimit:
    """The middleware: ``app.add_middleware(BodyLimit, settings=settings)``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, env = body_limit(self.settings, scope["method"], scope["path"], headers)
        declared = headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
            await _refuse(BodyTooLarge(limit, int(declared), env), scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, None, env)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:  # raised where nothing turned it into a response (ApiError's handler does)
            if started:
                raise
            await _refuse(exc, scope, receive, send)


async def _refuse(exc: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await error_response(exc.status, exc.message, exc.detail, {"Connection": "close"})(scope, receive, send)
