"""Who may do what: bearer tokens with a name and a role (api.tokens: read < annotate < admin).

Bearer tokens as in RFC 6750 (https://www.rfc-editor.org/rfc/rfc6750#section-2.1): no token is a
401 with ``WWW-Authenticate: Bearer``; an unknown token, a token whose role is too low, or writes
switched off, is a 403 saying which. Writes need ``settings.update_enabled`` as before: a server with
updates enabled but no token configured refuses every write rather than accept anyone. Reads are
open unless ``settings.reads_need_token``.
"""

from __future__ import annotations

from fastapi import Request

from api.errors import ApiError
from api.settings import Settings
from api.tokens import Token, find

REALM = 'Bearer realm="orbat"'
WHAT = {"read": "reads the knowledge base", "annotate": "changes reports", "admin": "writes to the store directly"}


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def is_writer(authorization: str | None, settings: Settings) -> bool:
    """The header carries a token that allows writes (used to size what a request may send)."""
    token = find(bearer_token(authorization), settings.all_tokens)
    return bool(settings.update_enabled and token and token.allows("annotate"))


def require_role(request: Request, settings: Settings, role: str) -> Token:
    """The request's token, if its role allows ``role``; else 401 (no token) or 403 (why not)."""
    if role != "read" and not settings.update_enabled:
        raise ApiError(403, "updates are disabled on this server (the operator enables them with ORBAT_ENABLE_UPDATE)")
    secret = bearer_token(request.headers.get("authorization"))
    if secret is None:
        raise ApiError(
            401,
            f"this operation {WHAT[role]} and needs 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": REALM},
        )
    if not settings.all_tokens:
        raise ApiError(
            403, "no token is configured (ORBAT_UPDATE_TOKEN or ORBAT_TOKENS_FILE): the operation is refused"
        )
    token = find(secret, settings.all_tokens)
    if token is None:
        raise ApiError(403, "the bearer token is not one this server knows")
    if not token.allows(role):
        raise ApiError(
            403,
            f"the token {token.name!r} has the role {token.role!r}; this operation {WHAT[role]} and needs {role!r}",
            {"token": token.name, "role": token.role, "needs": role},
        )
    return token


def require_writer(request: Request, settings: Settings) -> Token:
    """SPARQL Update and Graph Store writes: an admin token."""
    return require_role(request, settings, "admin")


async def require_reader(request: Request) -> None:
    """A dependency of every read route: a token of role read when the server asks for one."""
    from api.state import get_state

    settings = get_state(request).settings
    if settings.reads_need_token:
        require_role(request, settings, "read")
