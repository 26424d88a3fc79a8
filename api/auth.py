"""Who may write: SPARQL Update and Graph Store writes need ``settings.update_enabled`` and the bearer token.

Bearer tokens as in RFC 6750 (https://www.rfc-editor.org/rfc/rfc6750#section-2.1): no token is a
401 with ``WWW-Authenticate: Bearer``; a wrong token, or writes switched off, is a 403. A server
with updates enabled but no token configured refuses every write rather than accept anyone.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ApiError
from api.settings import Settings

REALM = 'Bearer realm="orbat"'


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def is_writer(authorization: str | None, settings: Settings) -> bool:
    """The header carries the token that allows writes (used to size what a request may send)."""
    token = bearer_token(authorization)
    expected = settings.update_token
    return bool(
        settings.update_enabled and token and expected and hmac.compare_digest(token.encode(), expected.encode())
    )


def require_writer(request: Request, settings: Settings) -> None:
    if not settings.update_enabled:
        raise ApiError(403, "updates are disabled on this server (the operator enables them with ORBAT_ENABLE_UPDATE)")
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise ApiError(
            401,
            "this operation writes to the knowledge base and needs 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": REALM},
        )
    expected = settings.update_token
    if not expected:
        raise ApiError(403, "updates are enabled but no token is configured (ORBAT_UPDATE_TOKEN): writes are refused")
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(403, "the bearer token does not allow updates")
