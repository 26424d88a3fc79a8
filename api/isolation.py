"""Reads in worker processes, so that a query past its limit is really ended and a crash costs one worker.

pyoxigraph cannot interrupt a query from another thread, and its parser and evaluator can crash
the whole process on pathological input (``../shared/STACK.md``). So, for an embedded store on
disk, every read runs in a worker process that opens the store read-only (``Store.read_only``):

- **Deadline**: the parent waits for the answer until the request's deadline, then kills the
  worker (SIGKILL) and answers the time-limit 503. The capacity comes back at once: a fresh
  worker is forked from the forkserver (~15 ms) and opens the store (~20 ms on the seed).
- **Crash**: a worker that dies mid-job (a segfault in the engine, an allocation past its memory
  limit, ``settings.worker_memory_mb``) answers that request with a 500 in the error shape; the
  service stays up and replaces the worker.
- **Cheap work first**: ``settings.query_workers`` workers serve jobs as they come. A job still
  running after ``settings.long_query_s`` is *long*: its worker drops to the idle CPU class (SCHED_IDLE)
  and leaves the cheap lane, so a new worker can take the next cheap request, and the CPU goes to
  cheap work first. At most ``settings.max_long_queries`` long jobs run at once; past that, a long
  query is stopped with a 503 "busy". A worker whose long job ended serves again at normal priority
  where the system allows raising it back (root, CAP_SYS_NICE), else it is retired and replaced.
- The name index (for REST lookups by name) is built when a worker opens its view, before it takes
  a request.
- **Writes** stay in the parent (which holds the only writable handle). After each write the
  parent bumps a version that travels with every job; a worker whose view is older reopens the
  store before running the job (a read-only RocksDB view is a snapshot of the moment it opened).
  A read that fails because files were compacted away under an old view ("Corruption: IO error:
  No such file") reopens and retries, with a growing pause (0.3 s in all).

Jobs are ``api.execution.Job`` values; their results and errors travel back pickled.
"""

from __future__ import annotations

import asyncio
import contextlib
import copyreg
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pyoxigraph import QueryResultsFormat, RdfFormat

from api.errors import ApiError
from api.execution import Deadline, Job, QueryTimeout, Resource, busy_error, timeout_error
from orbat.names import NameIndex
from orbat.store import EmbeddedStore, StoreError

LOWEST_PRIORITY = 19
SPAWN_TIMEOUT_S = 30.0
SPARES = 4  # idle workers kept ready, the store open: a burst of runaway queries each takes one
IDLE_S = 20.0  # an idle worker beyond the spares is stopped after this long
REAP_EVERY_S = 5.0
# imported once in the forkserver, so that a worker starts with them loaded; "__main__" too, or
# every worker would import the server's main module (the CLI, with all its imports) again
PRELOAD = [
    "__main__",
    "api.isolation",
    "api.results",
    "api.graph_store",
    "api.routes.export",
    "orbat.answers",
    "orbat.export",
    "orbat.names",
]

# pyoxigraph's format objects do not pickle; they travel as their media type
copyreg.pickle(RdfFormat, lambda f: (RdfFormat.from_media_type, (f.media_type,)))
copyreg.pickle(QueryResultsFormat, lambda f: (QueryResultsFormat.from_media_type, (f.media_type,)))

_context_lock = threading.Lock()
_context: Any = None


def _forkserver() -> Any:
    """The forkserver context: workers fork from a clean, single-threaded process that holds no
    store handle (forking the server itself would copy its threads and its writable store)."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


# ----------------------------------------------------------------------------------------------
# the worker process


class _View:
    """The worker's read-only view of the store and its name index, reopened when the store changed."""

    def __init__(self, path: str, version: int) -> None:
        self.path = path
        self.version = -1
        self.store: EmbeddedStore | None = None
        self.names: Any = None
        self.open(version)

    def open(self, version: int) -> None:
        self.store = None
        self.names = None
        for attempt in range(STALE_VIEW_RETRIES + 1):
            try:
                self.store = EmbeddedStore(self.path, read_only=True)
                self.names = NameIndex(self.store)  # now, not on a request's time
                break
            except (StoreError, OSError, RuntimeError) as exc:  # files changing under the open: try again
                if attempt == STALE_VIEW_RETRIES or not _stale_view(exc):
                    raise
                time.sleep(0.005 * 2**attempt)
        self.version = version

    def provide(self, resource: Resource) -> Any:
        assert self.store is not None
        if resource is Resource.STORE:
            return self.store
        if self.names is None:
            self.names = NameIndex(self.store)
        return self.names


STALE_VIEW_SIGNS = ("IO error", "No such file", "Corruption")
STALE_VIEW_RETRIES = 6


def _stale_view(exc: BaseException) -> bool:
    """RocksDB's answer to a read-only view whose files a compaction of the writer removed since it
    opened ("Corruption: IO error: No such file ... .sst"): the view is old, not the store broken."""
    return isinstance(exc, OSError | RuntimeError | StoreError) and any(sign in str(exc) for sign in STALE_VIEW_SIGNS)


def _outcome(view: _View, job: Job) -> tuple[str, Any]:
    for attempt in range(STALE_VIEW_RETRIES + 1):
        try:
            return ("ok", job.bind(view.provide)())
        except BaseException as exc:
            if attempt == STALE_VIEW_RETRIES or not _stale_view(exc):
                raise
        time.sleep(0.005 * 2**attempt)
        view.open(view.version)  # a view older than the files on disk: reopen and retry
    raise AssertionError("unreachable")


def _send(conn: Connection, outcome: tuple[str, Any]) -> None:
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer or error that cannot travel is a server bug: say what it was
        kind, value = outcome
        payload = pickle.dumps(("error", RuntimeError(f"cannot return {kind} {type(value).__name__}: {exc}")))
    conn.send_bytes(payload)


def worker_main(conn: Connection, path: str, version: int, memory_mb: int) -> None:
    """Serve jobs from ``conn`` until it closes: ``(version, job)`` in, ``("ok"|"error", value)`` out.

    ``memory_mb`` bounds the worker's address space: a query that would take more fails inside the
    engine (which aborts the worker: that request gets the 500) instead of the whole machine's
    memory, and the server's with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops its workers
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        view: _View | None = _View(path, version)
    except StoreError:
        view = None  # said to the first job, which tries again
    conn.send_bytes(b"ready")
    while True:
        try:
            job_version, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if view is None:
                view = _View(path, job_version)
            elif job_version != view.version:
                view.open(job_version)
            outcome = _outcome(view, job)
        except BaseException as exc:  # every error travels back to the request that caused it
            outcome = ("error", exc)
        _send(conn, outcome)


# ----------------------------------------------------------------------------------------------
# the parent


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    long: bool = False
    idle_since: float = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stopped_by(self) -> str:
        self.process.join(timeout=1)
        code = self.process.exitcode
        if code is None:
            return "lost its connection"
        if code < 0:
            return f"was stopped by signal {signal.Signals(-code).name}"
        return f"exited with status {code}"


class ProcessRunner:
    """A pool of worker processes over one on-disk store (see the module docstring)."""

    def __init__(self, path: Path, *, workers: int, max_long: int, long_after_s: float, memory_mb: int = 0) -> None:
        self.path = str(path)
        self.memory_mb = memory_mb
        self.workers = max(workers, 1)
        self.max_long = max(max_long, 0)
        self.long_after_s = long_after_s
        self.version = 0
        self._idle: list[_Worker] = []
        self._cheap = 0  # jobs admitted and not (yet) long
        self._long = 0
        self._starting = 0  # workers being forked
        self._queue: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[_Worker]]] = deque()  # FIFO
        self._closed = False
        self._reaper: threading.Thread | None = None
        self._lock = threading.Lock()
        # a thread per job in flight waits for its worker's answer (at most workers + max_long, and
        # exports past max_long: they are not stopped); spares are forked on a thread of their own
        threads = self.workers + self.max_long + 8
        self._waiters = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="orbat-wait")
        self._forker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orbat-fork")
        self._spare_wanted = False
        self.crashes = 0
        self.kills = 0

    # -- admission ------------------------------------------------------------------------------

    async def run(self, job: Job, deadline: Deadline, *, abandon: bool = True) -> Any:
        worker = await self._admit(deadline)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._waiters, self._execute, worker, job, deadline, abandon)

    async def _admit(self, deadline: Deadline) -> _Worker:
        """A cheap-lane slot and an idle worker, first come first served. Workers are forked in the
        background, never on a request's path: a waiting request is handed whichever comes first,
        a forked worker or one that finished its job (a few ms), by ``_dispatch``; no polling."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise ApiError(503, "the server is shutting down")
            if self._cheap < self.workers and self._idle and not self._queue:
                self._cheap += 1
                worker = self._idle.pop()
                low = len(self._idle) < SPARES
                waiter = None
            else:
                waiter = loop.create_future()
                self._queue.append((loop, waiter))
                low = True
        if low:
            self._want_spare()
        if waiter is None:
            return worker
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), max(deadline.remaining(), 0.0))
        except (TimeoutError, asyncio.CancelledError) as exc:
            with self._lock:
                queued = (loop, waiter) in self._queue
                if queued:
                    self._queue.remove((loop, waiter))
            if not queued:  # handed a worker meanwhile: give it back for the next request
                waiter.add_done_callback(lambda done: None if done.cancelled() else self._give_back(done.result()))
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise busy_error(f"no query worker became free within {deadline.limit_s:g} s", self.snapshot()) from None

    def _dispatch(self) -> None:
        """Hand idle workers to the oldest waiting requests (call with the lock held)."""
        while self._queue and self._idle and self._cheap < self.workers:
            loop, waiter = self._queue.popleft()
            self._cheap += 1
            worker = self._idle.pop()
            loop.call_soon_threadsafe(self._deliver, waiter, worker)

    def _deliver(self, waiter: asyncio.Future[_Worker], worker: _Worker) -> None:
        if waiter.done():  # failed by close() meanwhile
            self._give_back(worker)
        else:
            waiter.set_result(worker)

    def _give_back(self, worker: _Worker) -> None:
        """A worker handed to a request that no longer wants it: idle again, for the next one."""
        with self._lock:
            self._cheap -= 1
            if self._closed:
                worker.kill()
                return
            worker.idle_since = time.monotonic()
            self._idle.append(worker)
            self._dispatch()

    # -- one job, in a waiter thread ------------------------------------------------------------

    def _execute(self, worker: _Worker, job: Job, deadline: Deadline, abandon: bool) -> Any:
        healthy = False
        try:
            try:
                worker.conn.send((self.version, job))
            except (BrokenPipeError, ConnectionResetError) as exc:  # it died idle (killed from outside)
                raise ApiError(
                    503, "a query worker stopped before it took this request; retry", None, {"Retry-After": "1"}
                ) from exc
            if not self._wait(worker, deadline, abandon):
                self._stop(worker)
                raise timeout_error(deadline.limit_s)
            try:
                status, value = pickle.loads(worker.conn.recv_bytes())
            except (EOFError, OSError) as exc:
                with self._lock:
                    self.crashes += 1
                limit = f", or ran out of its {self.memory_mb} MB (ORBAT_WORKER_MEMORY_MB)" if self.memory_mb else ""
                raise ApiError(
                    500,
                    f"the query engine failed while answering this request (its worker process "
                    f"{worker.stopped_by()}{limit}); the service is still up",
                ) from exc
            healthy = True
        finally:
            self._release(worker, healthy)
        if status == "error":
            if isinstance(value, QueryTimeout):
                raise timeout_error(deadline.limit_s)
            raise value
        return value

    def _wait(self, worker: _Worker, deadline: Deadline, abandon: bool) -> bool:
        """True when the worker has answered (or died); False when the deadline passed first."""
        first = min(self.long_after_s, deadline.remaining()) if abandon else self.long_after_s
        if worker.conn.poll(max(first, 0.0)):
            return True
        if abandon and deadline.remaining() <= 0:
            return False
        self._make_long(worker, abandon)
        return bool(worker.conn.poll(max(deadline.remaining(), 0.0) if abandon else None))

    def _make_long(self, worker: _Worker, abandon: bool) -> None:
        """The job outlasted ``long_after_s``: lowest CPU priority, out of the cheap lane."""
        with self._lock:
            over = self._long >= self.max_long
            if over and abandon:
                snapshot = self._snapshot()
            else:
                worker.long = True
                self._cheap -= 1
                self._long += 1
                self._dispatch()
        if over and abandon:
            self._stop(worker)
            raise busy_error(
                f"{self.max_long} long-running queries are already being answered (ORBAT_MAX_LONG_QUERIES), "
                "so this one was stopped",
                snapshot,
            )
        _lower_priority(worker.process.pid)

    def _stop(self, worker: _Worker) -> None:
        with self._lock:
            self.kills += 1
        worker.kill()

    def _release(self, worker: _Worker, healthy: bool) -> None:
        was_long = worker.long
        keep = healthy and (not was_long or _restore_priority(worker))
        with self._lock:
            if was_long:
                self._long -= 1
                worker.long = False
            else:
                self._cheap -= 1
            keep = keep and not self._closed
            if keep:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
            self._dispatch()
            low = not self._closed and len(self._idle) < SPARES
        if not keep:
            worker.kill()
        if low:  # so that the next cheap request finds a worker with the store open
            self._want_spare()

    def _spawn(self) -> _Worker:
        context = _forkserver()
        parent, child = context.Pipe()
        process = context.Process(
            target=worker_main, args=(child, self.path, self.version, self.memory_mb), name="orbat-query", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        try:  # started, with the store open: a job's time starts with the job
            if parent.poll(SPAWN_TIMEOUT_S) and parent.recv_bytes() == b"ready":
                return worker
        except (EOFError, OSError):
            pass
        worker.kill()
        raise ApiError(503, f"a query worker could not be started ({worker.stopped_by()})")

    def _want_spare(self) -> None:
        with self._lock:
            if self._spare_wanted:
                return
            self._spare_wanted = True
        self._forker.submit(self._add_spare)

    def _add_spare(self) -> None:
        """Fork workers until ``SPARES`` are idle beyond the requests waiting for one (and no more
        than the cheap lane can use)."""
        with self._lock:
            self._spare_wanted = False
        while True:
            with self._lock:
                ready = len(self._idle) + self._starting
                wanted = SPARES + len(self._queue)
                if self._closed or ready >= wanted or self._cheap + ready >= self.workers + SPARES:
                    return
                self._starting += 1
            try:
                worker = self._spawn()
            finally:
                with self._lock:
                    self._starting -= 1
            with self._lock:
                if not self._closed:
                    worker.idle_since = time.monotonic()
                    self._idle.append(worker)
                    self._dispatch()
                    continue
            worker.kill()
            return

    # -- the rest of the Runner protocol --------------------------------------------------------

    def start(self) -> None:
        """Start the forkserver and a worker before the first request, the other spares soon after,
        and the reaper that gives back the memory of workers no longer needed. An app
        can be started again after ``close`` (a test client, schemathesis, do that)."""
        with self._lock:
            self._closed = False
            reaper_running = self._reaper is not None and self._reaper.is_alive()
            ready = bool(self._idle)
        if not ready:  # one worker now (the forkserver's start, ~1 s, the first time), the others behind
            worker = self._spawn()
            with self._lock:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
        self._want_spare()
        if not reaper_running:
            self._reaper = threading.Thread(target=self._reap, name="orbat-reaper", daemon=True)
            self._reaper.start()

    def _reap(self) -> None:
        """Every few seconds, stop the idle workers beyond ``SPARES`` that have been idle for
        ``IDLE_S``: after a burst, the pool shrinks back to what it was."""
        while True:
            time.sleep(REAP_EVERY_S)
            with self._lock:
                if self._closed:
                    self._reaper = None
                    return
                now = time.monotonic()
                self._idle.sort(key=lambda w: w.idle_since)  # oldest first
                surplus = max(len(self._idle) - SPARES, 0)
                stale = [w for w in self._idle[:surplus] if now - w.idle_since > IDLE_S]
                self._idle = [w for w in self._idle if w not in stale]
            for worker in stale:
                worker.kill()

    def store_changed(self) -> None:
        with self._lock:
            self.version += 1

    def _snapshot(self) -> dict[str, int]:
        return {
            "workers": self.workers,
            "busy": self._cheap,
            "long": self._long,
            "max_long": self.max_long,
            "idle": len(self._idle),
        }

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return self._snapshot()

    def close(self) -> None:
        """Stop the idle workers now and the busy ones when their job ends; waiting requests get 503."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            queue, self._queue = self._queue, deque()
        for worker in idle:
            worker.kill()
        for loop, waiter in queue:
            loop.call_soon_threadsafe(_fail, waiter, ApiError(503, "the server is shutting down"))


def _lower_priority(pid: int) -> None:
    """SCHED_IDLE where Linux has it (the process runs only on CPU time nothing else wants), else
    the lowest nice value."""
    with contextlib.suppress(OSError):  # it may have ended meanwhile
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        else:
            os.setpriority(os.PRIO_PROCESS, pid, LOWEST_PRIORITY)


def _restore_priority(worker: _Worker) -> bool:
    """A worker whose long job ended may serve again at normal priority, where the system lets a
    process raise a priority (CAP_SYS_NICE, root); elsewhere it is retired and replaced."""
    try:
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(worker.process.pid, os.SCHED_OTHER, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
    except OSError:
        return False
    return True


def _fail(waiter: asyncio.Future[Any], error: Exception) -> None:
    if not waiter.done():
        waiter.set_exception(error)
