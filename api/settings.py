"""Service configuration, from the environment: limits, and what is switched off by default.

Every value is parsed strictly (``orbat.numbers``): ``ORBAT_MAX_QUERY_BYTES=5_0``, ``nan`` or ``yes
please`` stops the server at start with a ``SettingsError`` naming the variable, rather than running
with a limit nobody meant. The limits are listed in the service description (api.service_description)
and in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from api.tokens import LEGACY_NAME, Token, TokenFileError, load
from orbat.numbers import parse_float, parse_integer

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise SettingsError(f"{name}={value!r}: expected one of {', '.join(_TRUE)} or {', '.join(_FALSE[1:])}")
    return value in _TRUE


def _number(name: str, default: float, *, integer: bool = True, minimum: float = 1) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value: float = parse_integer(raw) if integer else parse_float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc
    if value < minimum:
        raise SettingsError(f"{name}={raw}: must be at least {minimum:g}")
    return value


def _url(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip().rstrip("/")
    try:
        NamedNode(value)
    except ValueError as exc:
        raise SettingsError(f"{name}={value!r}: not an absolute URL") from exc
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name}={value!r}: expected an http:// or https:// URL")
    return value


@dataclass(frozen=True)
class Settings:
    """What the service allows; every risky capability is off unless enabled."""

    query_timeout_s: float = 5.0
    max_results: int = 10_000
    update_enabled: bool = False
    update_token: str | None = None
    tokens: tuple[Token, ...] = ()  # named tokens with roles (api.tokens), from ORBAT_TOKENS_FILE
    reads_need_token: bool = False  # reads (REST, SPARQL queries, Graph Store GET) need a token of role read
    allow_service: bool = False  # SPARQL SERVICE (federation) lets the server fetch URLs
    allow_remote_load: bool = False  # SPARQL LOAD <url> likewise
    query_workers: int = 8  # workers (processes, or threads) for reads; see api.execution and api.isolation
    max_overdue_queries: int = 2  # threads only: of the query_workers, how many queries past their limit may keep
    max_long_queries: int = 16  # processes only: queries running longer than long_query_s at once (api.isolation)
    long_query_s: float = 0.25  # processes only: after this a query yields the CPU to cheap ones
    isolate_queries: bool = True  # reads of an on-disk embedded store run in worker processes
    worker_memory_mb: int = 4096  # processes only: a worker's address space (0: no limit)
    header_timeout_s: float = 10.0  # a request head must be complete this long after it starts (api.server)
    keep_alive_timeout_s: float = 5.0  # an idle keep-alive connection is closed after this
    max_url_bytes: int = 65_536  # longer request targets get 414 (long SPARQL queries go in a POST body)
    max_header_bytes: int = 32_768  # larger header blocks get 431
    # Where clients reach the service: the Service Description names <public_url>/sparql (never the Host header).
    public_url: str = "http://127.0.0.1:8000"
    # Limits checked before any parser (api.sparql_limits, api.body_limit); crash thresholds are 10x higher.
    max_query_bytes: int = 1_000_000  # a query, and any request body that is not a write with a valid token
    max_update_bytes: int = 10_000_000  # a SPARQL update or a Graph Store body, from a writer
    max_query_depth: int = 200  # nesting of { ( [; the parser crashes near 2,200
    max_query_branches: int = 400  # UNION, OPTIONAL, MINUS, sub-SELECT; crash near 7,000; < half the operators
    max_query_operators: int = 1_000  # joins, FILTER, BIND, path and expression operators; crash near 2,500 BINDs
    max_client_requests: int = 16  # in flight per client on /sparql, /rdf-graphs, /api/export (api.client_limit)

    @property
    def all_tokens(self) -> tuple[Token, ...]:
        """The named tokens, and ORBAT_UPDATE_TOKEN as an admin token named "admin"."""
        legacy = (Token(LEGACY_NAME, "admin", self.update_token),) if self.update_token else ()
        return legacy + self.tokens

    @property
    def sparql_endpoint(self) -> str:
        return f"{self.public_url.rstrip('/')}/sparql"

    @classmethod
    def from_env(cls, public_url: str | None = None) -> Settings:
        """ORBAT_QUERY_TIMEOUT, ORBAT_MAX_RESULTS, ORBAT_ENABLE_UPDATE + ORBAT_UPDATE_TOKEN,
        ORBAT_ALLOW_SERVICE, ORBAT_ALLOW_REMOTE_LOAD, ORBAT_QUERY_WORKERS, ORBAT_MAX_OVERDUE_QUERIES,
        ORBAT_MAX_LONG_QUERIES, ORBAT_LONG_QUERY_S, ORBAT_ISOLATE_QUERIES (default on), ORBAT_WORKER_MEMORY_MB,
        ORBAT_HEADER_TIMEOUT, ORBAT_KEEP_ALIVE_TIMEOUT, ORBAT_MAX_URL_BYTES, ORBAT_MAX_HEADER_BYTES,
        ORBAT_PUBLIC_URL (else ``public_url``, e.g. from ``orbat serve --host --port``), ORBAT_MAX_QUERY_BYTES,
        ORBAT_MAX_UPDATE_BYTES, ORBAT_MAX_QUERY_DEPTH, ORBAT_MAX_QUERY_BRANCHES, ORBAT_MAX_QUERY_OPERATORS,
        ORBAT_MAX_CLIENT_REQUESTS, ORBAT_TOKENS_FILE, ORBAT_READS_NEED_TOKEN. A bad value raises
        ``SettingsError``."""
        tokens: tuple[Token, ...] = ()
        if os.environ.get("ORBAT_TOKENS_FILE"):
            try:
                tokens = load(Path(os.environ["ORBAT_TOKENS_FILE"]))
            except TokenFileError as exc:
                raise SettingsError(str(exc)) from exc
        return cls(
            tokens=tokens,
            reads_need_token=_flag("ORBAT_READS_NEED_TOKEN"),
            query_timeout_s=_number("ORBAT_QUERY_TIMEOUT", cls.query_timeout_s, integer=False, minimum=0.001),
            max_results=int(_number("ORBAT_MAX_RESULTS", cls.max_results)),
            update_enabled=_flag("ORBAT_ENABLE_UPDATE"),
            update_token=os.environ.get("ORBAT_UPDATE_TOKEN") or None,
            allow_service=_flag("ORBAT_ALLOW_SERVICE"),
            allow_remote_load=_flag("ORBAT_ALLOW_REMOTE_LOAD"),
            query_workers=int(_number("ORBAT_QUERY_WORKERS", cls.query_workers)),
            max_overdue_queries=int(_number("ORBAT_MAX_OVERDUE_QUERIES", cls.max_overdue_queries, minimum=0)),
            public_url=_url("ORBAT_PUBLIC_URL", public_url or cls.public_url),
            max_query_bytes=int(_number("ORBAT_MAX_QUERY_BYTES", cls.max_query_bytes)),
            max_update_bytes=int(_number("ORBAT_MAX_UPDATE_BYTES", cls.max_update_bytes)),
            max_query_depth=int(_number("ORBAT_MAX_QUERY_DEPTH", cls.max_query_depth)),
            max_query_branches=int(_number("ORBAT_MAX_QUERY_BRANCHES", cls.max_query_branches, minimum=0)),
            max_query_operators=int(_number("ORBAT_MAX_QUERY_OPERATORS", cls.max_query_operators)),
            max_client_requests=int(_number("ORBAT_MAX_CLIENT_REQUESTS", cls.max_client_requests)),
            max_long_queries=int(_number("ORBAT_MAX_LONG_QUERIES", cls.max_long_queries, minimum=0)),
            long_query_s=_number("ORBAT_LONG_QUERY_S", cls.long_query_s, integer=False, minimum=0.001),
            isolate_queries=_flag("ORBAT_ISOLATE_QUERIES") if "ORBAT_ISOLATE_QUERIES" in os.environ else True,
            worker_memory_mb=int(_number("ORBAT_WORKER_MEMORY_MB", cls.worker_memory_mb, minimum=0)),
            header_timeout_s=_number("ORBAT_HEADER_TIMEOUT", cls.header_timeout_s, integer=False, minimum=0.001),
            keep_alive_timeout_s=_number(
                "ORBAT_KEEP_ALIVE_TIMEOUT", cls.keep_alive_timeout_s, integer=False, minimum=0.001
            ),
            max_url_bytes=int(_number("ORBAT_MAX_URL_BYTES", cls.max_url_bytes)),
            max_header_bytes=int(_number("ORBAT_MAX_HEADER_BYTES", cls.max_header_bytes)),
        )
