"""Service configuration, from the environment: limits, and what is switched off by default."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """What the service allows; every risky capability is off unless enabled."""

    query_timeout_s: float = 5.0
    max_results: int = 10_000
    update_enabled: bool = False
    update_token: str | None = None
    allow_service: bool = False  # SPARQL SERVICE (federation) lets the server fetch URLs
    allow_remote_load: bool = False  # SPARQL LOAD <url> likewise
    query_workers: int = 8  # workers (processes, or threads) for reads; see api.execution and api.isolation
    max_overdue_queries: int = 2  # threads only: of the query_workers, how many queries past their limit may keep
    max_long_queries: int = 8  # processes only: queries running longer than long_query_s at once (api.isolation)
    long_query_s: float = 0.25  # processes only: after this a query yields the CPU to cheap ones
    isolate_queries: bool = True  # reads of an on-disk embedded store run in worker processes
    header_timeout_s: float = 10.0  # a request head must be complete this long after it starts (api.server)
    keep_alive_timeout_s: float = 5.0  # an idle keep-alive connection is closed after this
    max_url_bytes: int = 65_536  # longer request targets get 414 (long SPARQL queries go in a POST body)
    max_header_bytes: int = 32_768  # larger header blocks get 431

    @classmethod
    def from_env(cls) -> Settings:
        """ORBAT_QUERY_TIMEOUT, ORBAT_MAX_RESULTS, ORBAT_ENABLE_UPDATE + ORBAT_UPDATE_TOKEN,
        ORBAT_ALLOW_SERVICE, ORBAT_ALLOW_REMOTE_LOAD, ORBAT_QUERY_WORKERS, ORBAT_MAX_OVERDUE_QUERIES,
        ORBAT_MAX_LONG_QUERIES, ORBAT_LONG_QUERY_S, ORBAT_ISOLATE_QUERIES (default on),
        ORBAT_HEADER_TIMEOUT, ORBAT_KEEP_ALIVE_TIMEOUT, ORBAT_MAX_URL_BYTES, ORBAT_MAX_HEADER_BYTES."""
        return cls(
            query_timeout_s=float(os.environ.get("ORBAT_QUERY_TIMEOUT", cls.query_timeout_s)),
            max_results=int(os.environ.get("ORBAT_MAX_RESULTS", cls.max_results)),
            update_enabled=_flag("ORBAT_ENABLE_UPDATE"),
            update_token=os.environ.get("ORBAT_UPDATE_TOKEN") or None,
            allow_service=_flag("ORBAT_ALLOW_SERVICE"),
            allow_remote_load=_flag("ORBAT_ALLOW_REMOTE_LOAD"),
            query_workers=int(os.environ.get("ORBAT_QUERY_WORKERS", cls.query_workers)),
            max_overdue_queries=int(os.environ.get("ORBAT_MAX_OVERDUE_QUERIES", cls.max_overdue_queries)),
            max_long_queries=int(os.environ.get("ORBAT_MAX_LONG_QUERIES", cls.max_long_queries)),
            long_query_s=float(os.environ.get("ORBAT_LONG_QUERY_S", cls.long_query_s)),
            isolate_queries=os.environ.get("ORBAT_ISOLATE_QUERIES", "1").lower() not in ("0", "false", "no", "off"),
            header_timeout_s=float(os.environ.get("ORBAT_HEADER_TIMEOUT", cls.header_timeout_s)),
            keep_alive_timeout_s=float(os.environ.get("ORBAT_KEEP_ALIVE_TIMEOUT", cls.keep_alive_timeout_s)),
            max_url_bytes=int(os.environ.get("ORBAT_MAX_URL_BYTES", cls.max_url_bytes)),
            max_header_bytes=int(os.environ.get("ORBAT_MAX_HEADER_BYTES", cls.max_header_bytes)),
        )
