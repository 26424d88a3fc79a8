"""At most ``max_client_requests`` expensive requests in flight per client; beyond, 429 at once.

One client must not take every worker: a script firing SPARQL queries or exports in parallel would
otherwise queue everyone else behind it. The expensive endpoints are the SPARQL endpoint, the Graph
Store and the export (``EXPENSIVE``); the rest of the REST API is cheap lookups and is not counted.
A client is its address, except the holder of the update token, who is counted apart (a token
the server does not know names nobody: counting it apart would let a client dodge the limit by
sending a new made-up token with each request). Behind a reverse proxy every client shares the
proxy's address, so raise the limit there or let the proxy limit.

A pure ASGI middleware: the count is taken when the request arrives and given back when the
response is complete (a streamed export counts until its last byte). Over the limit the answer is
429 in the one error shape with ``Retry-After`` (RFC 6585 section 4,
https://www.rfc-editor.org/rfc/rfc6585#section-4): one query time limit, by which a slot is free.
"""

from __future__ import annotations

import math
from collections import Counter

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import is_writer
from api.errors import error_response
from api.settings import Settings

EXPENSIVE = ("/sparql", "/rdf-graphs", "/api/export")


def client_key(scope: Scope, settings: Settings) -> str:
    """ "writer" for the update token's holder, else the remote address."""
    if is_writer(Headers(scope=scope).get("authorization"), settings):
        return "writer"
    client = scope.get("client")
    return "address:" + (client[0] if client else "unknown")


def is_expensive(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in EXPENSIVE)


class ClientLimit:
    """The middleware: ``app.add_middleware(ClientLimit, settings=settings)``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.in_flight: Counter[str] = Counter()  # one event loop: no await between check and count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_expensive(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = client_key(scope, self.settings)
        maximum = self.settings.max_client_requests
        if self.in_flight[key] >= maximum:
            retry = max(1, math.ceil(self.settings.query_timeout_s))
            response = error_response(
                429,
                f"this client already has {maximum} requests in flight to the SPARQL endpoint, the Graph Store "
                f"or the export, the most this server allows (ORBAT_MAX_CLIENT_REQUESTS): retry in {retry} s",
                {"limit": "client requests", "maximum": maximum},
                {"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        self.in_flight[key] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[key] -= 1
            if not self.in_flight[key]:
                del self.in_flight[key]
