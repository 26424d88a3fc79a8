"""Named bearer tokens for a team: each token has a name (recorded as who changed a report) and a
role.

Roles, each allowing what the one before allows:

- ``read``: reads, when the server requires a token for them (``ORBAT_READS_NEED_TOKEN``; reads
  are open by default);
- ``annotate``: add, replace and remove reports (``POST``/``DELETE /api/reports``);
- ``admin``: SPARQL Update and the Graph Store Protocol's writes, and everything else.

The tokens come from a TOML file named by ``ORBAT_TOKENS_FILE``::

    [[token]]
    name = "alice"          # letters, digits, '.', '_', '-'
    role = "annotate"
    token = "a long random secret"

The single ``ORBAT_UPDATE_TOKEN`` of earlier versions still works: it is an admin token named
``admin``. A file that cannot be read, an unknown key, role or duplicate is a ``TokenFileError``
at start, naming the file and the entry; the service does not start with half a configuration.
"""

from __future__ import annotations

import hmac
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("read", "annotate", "admin")
LEGACY_NAME = "admin"  # the name of ORBAT_UPDATE_TOKEN
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_KEYS = {"name", "role", "token"}
MIN_SECRET = 16


class TokenFileError(ValueError):
    """The tokens file is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class Token:
    name: str
    role: str
    secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"Token(name={self.name!r}, role={self.role!r})"

    def allows(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def load(path: Path) -> tuple[Token, ...]:
    """The tokens of a TOML file (see the module docstring)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TokenFileError(f"ORBAT_TOKENS_FILE={path}: cannot read it ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TokenFileError(f"ORBAT_TOKENS_FILE={path}: not TOML: {exc}") from exc
    unknown = sorted(set(data) - {"token"})
    entries = data.get("token", [])
    if unknown or not isinstance(entries, list) or not entries:
        raise TokenFileError(f"{path}: expected one or more [[token]] tables (and nothing else: {unknown or 'none'})")
    tokens: list[Token] = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: token {number}"
        if not isinstance(entry, dict) or set(entry) != _KEYS:
            keys = sorted(entry) if isinstance(entry, dict) else entry
            raise TokenFileError(f"{where}: needs exactly the keys name, role and token (has {keys})")
        name, role, secret = entry["name"], entry["role"], entry["token"]
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise TokenFileError(f"{where}: name {name!r} must be 1-64 letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise TokenFileError(f"{where} ({name}): unknown role {role!r} (known: {', '.join(ROLES)})")
        if not isinstance(secret, str) or len(secret) < MIN_SECRET or secret != secret.strip():
            raise TokenFileError(f"{where} ({name}): the token must be a string of at least {MIN_SECRET} characters")
        for other in tokens:
            if other.name == name:
                raise TokenFileError(f"{where}: the name {name!r} is used twice")
            if other.secret == secret:
                raise TokenFileError(f"{where} ({name}): the same token as {other.name!r}")
        tokens.append(Token(name, role, secret))
    return tuple(tokens)


def find(secret: str | None, tokens: tuple[Token, ...]) -> Token | None:
    """The token whose secret this is (compared in constant time), else None."""
    if not secret:
        return None
    found = None
    for token in tokens:
        if hmac.compare_digest(secret.encode(), token.secret.encode()):
            found = token
    return found
