"""A time limit that travels with the work: from the API's ``ORBAT_QUERY_TIMEOUT`` down to each store call.

A request gets a ``Deadline`` when it arrives (api.execution); the runner that executes its job makes
it the current deadline of the worker thread (``within``), and every store call reads it (``current``)
unless one is passed explicitly. The remote store turns the remaining time into its HTTP timeout, so
a query to a SPARQL server never outlives the answer the client is waiting for; the embedded store
refuses to start a query whose time is already up (pyoxigraph cannot stop one that runs).

The monotonic clock is the system's, so a deadline means the same in a worker process.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class QueryTimeout(Exception):
    """Raised at a deadline check: the work ran out of time."""


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` after which work stops, and the limit it came from."""

    at: float
    limit_s: float

    @classmethod
    def start(cls, limit_s: float) -> Deadline:
        return cls(time.monotonic() + limit_s, limit_s)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise QueryTimeout(f"time limit of {self.limit_s:g} s reached")


_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("orbat_deadline", default=None)


def current(explicit: Deadline | None = None) -> Deadline | None:
    """The deadline a store call runs under: the one it was given, else the caller's current one."""
    return explicit if explicit is not None else _CURRENT.get()


@contextmanager
def within(deadline: Deadline | None) -> Iterator[None]:
    """Make ``deadline`` the current one for the store calls made inside the block (this thread)."""
    token = _CURRENT.set(deadline)
    try:
        yield
    finally:
        _CURRENT.reset(token)
