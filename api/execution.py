"""Running store work off the event loop, under a time limit, without letting slow queries starve others.

Queries run in the state's ThreadPoolExecutor: pyoxigraph releases the GIL while it evaluates, so
the event loop keeps serving other requests while a query runs.

What can and cannot be interrupted, honestly:

- pyoxigraph has no cancellation. The worker checks a ``Deadline`` each time the result iterator
  hands over a row (or triple) and while it serializes, so a query that streams its answer stops
  within one row of its limit and frees its thread.
- A query that works inside Rust before yielding its first row (an aggregate, ORDER BY, a big
  join filtered down to nothing) cannot be stopped: it keeps its thread, and a CPU core, until it
  ends by itself. The client still gets its 503 at the deadline, because the handler stops
  waiting then; the thread is then *overdue*. "At the deadline" means when the event loop next
  gets the CPU: with both cores of the test machine busy with such queries, 503s for a 0.5 s limit
  left 0.05-0.6 s late (tests/test_sparql_concurrency.py).
- Never a 200 with a truncated body: the whole answer is built in the worker before any byte is
  sent, so a query that runs out of time is an error, and one that runs out of rows (the result
  cap) says so in headers.

So that overdue threads do not starve everyone else, the pool of ``settings.query_workers``
threads is split by ``QueryGate``: ``settings.max_overdue_queries`` threads are set aside for
overdue queries, the rest serve live ones. A query admitted as live moves to the overdue reserve
when it misses its deadline, freeing its live slot at once; only when the reserve is full does an
overdue query keep its live slot and shrink capacity. A request that cannot get a live slot
before its own deadline is answered 503 with Retry-After. Because live + overdue never exceeds the
pool, admitted work never waits inside the executor's queue, where it could not be counted.

Sizing: until a slow query misses its deadline it holds a live slot like any other, so the live
slots (``query_workers - max_overdue_queries``) must outnumber the slow queries expected at once,
or small queries queue behind them for up to a whole time limit. Threads are cheap (idle ones
cost nothing; pyoxigraph runs them in parallel without the GIL); the reserve bounds how many
cores abandoned queries may burn.

pyoxigraph's result iterators are "unsendable" (they must be freed by the thread that made them),
so ``in_worker`` clears the frames of an exception before it travels to the event loop's thread.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from api.errors import ApiError

T = TypeVar("T")
ADMISSION_POLL_S = 0.002


class QueryTimeout(Exception):
    """Raised inside a worker at a deadline check: the query ran out of time."""


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


@dataclass
class Ticket:
    """One admitted job; ``overdue`` once it missed its deadline while holding a thread."""

    overdue: bool = False
    done: bool = False


class QueryGate:
    """Counts live and overdue jobs so that they never outnumber the pool's threads."""

    def __init__(self, workers: int, overdue_reserve: int) -> None:
        self.workers = max(workers, 1)
        self.reserve = min(max(overdue_reserve, 0), self.workers - 1)
        self.live_limit = self.workers - self.reserve
        self.live = 0
        self.overdue = 0
        self._lock = threading.Lock()

    def try_enter(self) -> Ticket | None:
        with self._lock:
            if self.live >= self.live_limit or self.live + self.overdue >= self.workers:
                return None
            self.live += 1
            return Ticket()

    def mark_overdue(self, ticket: Ticket) -> None:
        """The client got its timeout; move the job to the reserve if there is room."""
        with self._lock:
            if ticket.done or ticket.overdue or self.overdue >= self.reserve:
                return
            ticket.overdue = True
            self.live -= 1
            self.overdue += 1

    def leave(self, ticket: Ticket, _: object = None) -> None:
        """The job's thread is free again (it ended, failed, or was cancelled before it started)."""
        with self._lock:
            if ticket.done:
                return
            ticket.done = True
            if ticket.overdue:
                self.overdue -= 1
            else:
                self.live -= 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"workers": self.workers, "live": self.live, "overdue": self.overdue, "reserve": self.reserve}

    def busy(self) -> int:
        with self._lock:
            return self.live + self.overdue


def timeout_error(limit_s: float) -> ApiError:
    return ApiError(
        503,
        f"the query exceeded the time limit of {limit_s:g} s (ORBAT_QUERY_TIMEOUT) and was abandoned; "
        "narrow it (more specific patterns, LIMIT) and try again",
        {"time_limit_s": limit_s},
    )


def _release_frames(exc: BaseException | None) -> None:
    """Clear the locals of every finished frame in an exception's tracebacks (and its causes)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def in_worker(job: Callable[[], T]) -> T:
    """Run ``job`` in this worker thread. pyoxigraph's result iterators are "unsendable": they must be
    freed by the thread that made them, but an exception carries its frames, and with them the
    iterators, to the event loop's thread. So the frames are cleared here before the error leaves."""
    try:
        return job()
    except BaseException as exc:  # not handled here: cleaned up and re-raised as it is
        _release_frames(exc)
        raise


async def _admit(gate: QueryGate, deadline: Deadline) -> Ticket:
    while True:
        ticket = gate.try_enter()
        if ticket is not None:
            return ticket
        if deadline.remaining() <= 0:
            raise ApiError(
                503,
                f"the server is busy: no query worker became free within {deadline.limit_s:g} s; retry shortly",
                gate.snapshot(),
                {"Retry-After": "1"},
            )
        await asyncio.sleep(ADMISSION_POLL_S)


async def run_limited(
    executor: ThreadPoolExecutor, gate: QueryGate, job: Callable[[], T], deadline: Deadline, *, abandon: bool = True
) -> T:
    """Run ``job`` in a worker thread; the deadline bounds the wait for a thread and, with ``abandon``,
    the wait for the answer (then a 503). Writes pass ``abandon=False``: an update cannot be stopped,
    and answering before it finished would not say whether it was applied."""
    ticket = await _admit(gate, deadline)
    try:
        future: Future[T] = executor.submit(in_worker, job)
    except RuntimeError as exc:  # the executor is shut down: the app is stopping
        gate.leave(ticket)
        raise ApiError(503, "the server is shutting down") from exc
    future.add_done_callback(functools.partial(gate.leave, ticket))
    if not abandon:
        return await asyncio.wrap_future(future)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), max(deadline.remaining(), 0.0))
    except (TimeoutError, QueryTimeout) as exc:
        # wait_for cancelled the wrapper, which cancels the job if it had not started; a running
        # job stops at its next deadline check or, stuck inside Rust, becomes overdue.
        gate.mark_overdue(ticket)
        raise timeout_error(deadline.limit_s) from exc
