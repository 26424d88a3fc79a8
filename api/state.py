"""What the handlers share: the store, the settings, the name index, the query executor, the workspace.

Held on ``app.state`` by the factory (no module-level globals), reached through ``get_state``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from fastapi import Request

from api.execution import QueryGate
from api.settings import Settings
from orbat.names import NameIndex
from orbat.store import TripleStore
from orbat.workspace import Workspace


@dataclass
class ServiceState:
    store: TripleStore
    settings: Settings
    names: NameIndex
    executor: ThreadPoolExecutor
    workspace: Workspace | None = None  # whose named queries are served; None: the package's
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    gate: QueryGate = field(init=False)  # live/overdue accounting of the executor's threads (api.execution)

    def __post_init__(self) -> None:
        self.gate = QueryGate(self.settings.query_workers, self.settings.max_overdue_queries)

    def refresh_names(self) -> None:
        """Rebuild the name index after a write changed labels."""
        self.names = NameIndex(self.store)


def get_state(request: Request) -> ServiceState:
    return request.app.state.orbat  # type: ignore[no-any-return]
