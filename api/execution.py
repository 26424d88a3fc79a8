"""Running store work off the event loop, under a time limit, without letting slow queries starve others.

Two runners do it, chosen by ``api.app.create_app`` from the store:

- ``api.isolation.ProcessRunner`` (an embedded store on disk, what ``orbat serve`` runs): every
  read runs in a worker process that opens the store read-only, so a query past its limit is
  really ended (the process is killed and replaced) and a crash in the query engine costs one
  worker, not the service.
- ``ThreadRunner`` (an in-memory store, or a remote SPARQL server whose queries end when their
  connection does): the jobs run in threads. pyoxigraph has no cancellation; the worker checks a
  ``Deadline`` each time the result iterator hands over a row, so a streaming query stops within
  one row of its limit, but one that works inside Rust before its first row keeps its thread until
  it ends by itself (the client still gets its 503 at the deadline). ``QueryGate`` sets
  ``settings.max_overdue_queries`` threads aside for such overdue queries so that they do not
  starve live ones.

A ``Job`` names its function and arguments; ``STORE`` and ``NAMES`` among the arguments stand for
the store and the name index of whoever runs it (the worker process has its own), so jobs pickle.
Never a 200 with a truncated body: the whole answer is built in the worker before any byte is sent.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from api.errors import ApiError
from orbat.deadline import Deadline, QueryTimeout, within

T = TypeVar("T")
ADMISSION_POLL_S = 0.002


class Resource(enum.Enum):
    """Stand-ins, in a job's arguments, for what the runner provides."""

    STORE = "store"
    NAMES = "names"


STORE = Resource.STORE
NAMES = Resource.NAMES


@dataclass(frozen=True)
class Job:
    """A function of the store (and the name index) to run elsewhere: module-level, so it pickles."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        return cls(fn, args, kwargs)

    def bind(self, provide: Callable[[Resource], Any]) -> Callable[[], Any]:
        """The call, with every ``Resource`` among the arguments replaced by what ``provide`` gives."""

        def resolve(value: Any) -> Any:
            return provide(value) if isinstance(value, Resource) else value

        args = tuple(resolve(a) for a in self.args)
        kwargs = {k: resolve(v) for k, v in self.kwargs.items()}
        return functools.partial(self.fn, *args, **kwargs)


class Runner(Protocol):
    """Where reads run: ``run`` under a deadline (503 past it, unless ``abandon`` is false: an
    export runs to its end); ``store_changed`` after every write, so readers see it; ``start`` and
    ``close`` with the app's lifespan (which may run more than once)."""

    async def run(self, job: Job, deadline: Deadline, *, abandon: bool = True) -> Any: ...

    def start(self) -> None: ...

    def store_changed(self) -> None: ...

    def snapshot(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def timeout_error(limit_s: float) -> ApiError:
    return ApiError(
        503,
        f"the query exceeded the time limit of {limit_s:g} s (ORBAT_QUERY_TIMEOUT) and was stopped; "
        "narrow it (more specific patterns, LIMIT) and try again",
        {"time_limit_s": limit_s},
    )


def busy_error(message: str, snapshot: dict[str, int]) -> ApiError:
    return ApiError(503, f"the server is busy: {message}; retry shortly", snapshot, {"Retry-After": "1"})


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


def _release_frames(exc: BaseException | None) -> None:
    """Clear the locals of every finished frame in an exception's tracebacks (and its causes)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def in_worker(job: Callable[[], T], deadline: Deadline | None = None) -> T:
    """Run ``job`` in this worker thread. pyoxigraph's result iterators are "unsendable": they must be
    freed by the thread that made them, but an exception carries its frames, and with them the
    iterators, to the event loop's thread. So the frames are cleared here before the error leaves.
    Store calls made by the job run under ``deadline`` (orbat.deadline)."""
    try:
        with within(deadline):
            return job()
    except BaseException as exc:  # not handled here: cleaned up and re-raised as it is
        _release_frames(exc)
        raise


async def admit(gate: QueryGate, deadline: Deadline) -> Ticket:
    while True:
        ticket = gate.try_enter()
        if ticket is not None:
            return ticket
        if deadline.remaining() <= 0:
            raise busy_error(f"no query worker became free within {deadline.limit_s:g} s", gate.snapshot())
        await asyncio.sleep(ADMISSION_POLL_S)


class ThreadRunner:
    """Jobs in a pool of ``settings.query_workers`` threads, ``max_overdue`` of them set aside for
    queries past their deadline (see the module docstring for what a thread cannot stop)."""

    def __init__(self, provide: Callable[[Resource], Any], workers: int, max_overdue: int) -> None:
        self._provide = provide
        self.gate = QueryGate(workers, max_overdue)
        self._executor = ThreadPoolExecutor(max_workers=self.gate.workers, thread_name_prefix="orbat-query")

    async def run(self, job: Job, deadline: Deadline, *, abandon: bool = True) -> Any:
        ticket = await admit(self.gate, deadline)
        try:
            # the resources are provided in the worker thread, under the deadline: the name index may
            # ask a SPARQL server for its version, or be rebuilt, and the event loop must not wait
            future: Future[Any] = self._executor.submit(in_worker, lambda: job.bind(self._provide)(), deadline)
        except RuntimeError as exc:  # the executor is shut down: the app is stopping
            self.gate.leave(ticket)
            raise ApiError(503, "the server is shutting down") from exc
        future.add_done_callback(functools.partial(self.gate.leave, ticket))
        try:
            if not abandon:
                return await asyncio.wrap_future(future)
            return await asyncio.wait_for(asyncio.wrap_future(future), max(deadline.remaining(), 0.0))
        except (TimeoutError, QueryTimeout) as exc:
            # wait_for cancelled the wrapper, which cancels the job if it had not started; a running
            # job stops at its next deadline check or, stuck inside Rust, becomes overdue.
            self.gate.mark_overdue(ticket)
            raise timeout_error(deadline.limit_s) from exc

    def start(self) -> None:
        """Threads start on demand; after ``close``, a new pool."""
        if self._executor._shutdown:
            self._executor = ThreadPoolExecutor(max_workers=self.gate.workers, thread_name_prefix="orbat-query")

    def store_changed(self) -> None:
        """Threads share the writer's store: they see every write at once."""

    def snapshot(self) -> dict[str, int]:
        return self.gate.snapshot()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
