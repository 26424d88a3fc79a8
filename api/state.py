"""What the handlers share: the store, the settings, the name index, the runner of reads, the workspace.

Held on ``app.state`` by the factory (no module-level globals), reached through ``get_state``.
Reads go through ``read`` (the runner: worker processes or threads, see api.execution); writes go
through ``write``, one at a time in the process that holds the writable store, and tell the runner
afterwards so that every reader sees them.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request

from api.execution import Deadline, Job, Resource, Runner, ThreadRunner
from api.isolation import ProcessRunner
from api.settings import Settings
from orbat.names import NameIndex
from orbat.store import EmbeddedStore, TripleStore
from orbat.workspace import Workspace

T = TypeVar("T")
VERSION_CHECK_S = 0.5  # how often a cache asks the store whether another process wrote to it


@dataclass
class ServiceState:
    store: TripleStore
    settings: Settings
    runner: Runner = field(init=False)
    workspace: Workspace | None = None  # whose named queries are served; None: the package's
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _names: NameIndex | None = None
    _names_version: str | None = None
    _version_checked: float = 0.0
    _names_lock: threading.Lock = field(default_factory=threading.Lock)
    _writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="orbat-write")
    )

    def __post_init__(self) -> None:
        self.runner = self._make_runner()

    def _make_runner(self) -> Runner:
        """Worker processes over an embedded store on disk (they can open it read-only, and be killed);
        threads otherwise: an in-memory store is not shared between processes, and a remote server's
        queries end with their connection."""
        settings = self.settings
        store = self.store
        if settings.isolate_queries and isinstance(store, EmbeddedStore) and store.path is not None:
            return ProcessRunner(
                store.path,
                workers=settings.query_workers,
                max_long=settings.max_long_queries,
                long_after_s=settings.long_query_s,
                memory_mb=settings.worker_memory_mb,
            )
        return ThreadRunner(self.provide, settings.query_workers, settings.max_overdue_queries)

    @property
    def names(self) -> NameIndex:
        """The name index of this process's store, built on first use (worker processes have their own),
        and built again when the store's version changed: several API processes may share one SPARQL
        server, so a write through another one is seen here within ``VERSION_CHECK_S`` (one cheap
        look-up at most that often, orbat.store.version)."""
        with self._names_lock:
            now = time.monotonic()
            if self._names is not None and now - self._version_checked < VERSION_CHECK_S:
                return self._names
            version = self.store.version()
            self._version_checked = now
            if self._names is None or version != self._names_version:
                self._names, self._names_version = NameIndex(self.store), version
            return self._names

    def provide(self, resource: Resource) -> Any:
        return self.store if resource is Resource.STORE else self.names

    async def read(self, job: Job, deadline: Deadline, *, abandon: bool = True) -> Any:
        return await self.runner.run(job, deadline, abandon=abandon)

    async def write(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(*args)`` to its end (a write cannot be stopped halfway) in the writer thread,
        under the write lock; then the name index and the readers follow the new state."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, functools.partial(self._write, work, *args))

    def _write(self, work: Callable[..., T], *args: Any) -> T:
        with self.write_lock:
            try:
                return work(*args)
            finally:
                self._names = None
                self.runner.store_changed()

    def close(self) -> None:
        self.runner.close()
        self._writer.shutdown(wait=False, cancel_futures=True)


def get_state(request: Request) -> ServiceState:
    return request.app.state.orbat  # type: ignore[no-any-return]
