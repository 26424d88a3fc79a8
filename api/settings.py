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
    query_workers: int = 8  # threads for store work; see api.execution for why more than the cores
    max_overdue_queries: int = 2  # of the query_workers threads, how many queries past their limit may keep

    @classmethod
    def from_env(cls) -> Settings:
        """ORBAT_QUERY_TIMEOUT, ORBAT_MAX_RESULTS, ORBAT_ENABLE_UPDATE + ORBAT_UPDATE_TOKEN,
        ORBAT_ALLOW_SERVICE, ORBAT_ALLOW_REMOTE_LOAD, ORBAT_QUERY_WORKERS, ORBAT_MAX_OVERDUE_QUERIES."""
        return cls(
            query_timeout_s=float(os.environ.get("ORBAT_QUERY_TIMEOUT", cls.query_timeout_s)),
            max_results=int(os.environ.get("ORBAT_MAX_RESULTS", cls.max_results)),
            update_enabled=_flag("ORBAT_ENABLE_UPDATE"),
            update_token=os.environ.get("ORBAT_UPDATE_TOKEN") or None,
            allow_service=_flag("ORBAT_ALLOW_SERVICE"),
            allow_remote_load=_flag("ORBAT_ALLOW_REMOTE_LOAD"),
            query_workers=int(os.environ.get("ORBAT_QUERY_WORKERS", cls.query_workers)),
            max_overdue_queries=int(os.environ.get("ORBAT_MAX_OVERDUE_QUERIES", cls.max_overdue_queries)),
        )
