"""The FastAPI application factory: ``create_app(store, settings, workspace=...)``.

The SPARQL 1.1 Protocol endpoint and the REST API are separate routers over one shared state. The
workspace brings its own named queries (each at its own URL); without one, the package's alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors, rest, sparql
from api.settings import Settings
from api.state import ServiceState
from orbat import __version__
from orbat.names import NameIndex
from orbat.store import TripleStore
from orbat.workspace import Workspace


def create_app(store: TripleStore, settings: Settings | None = None, workspace: Workspace | None = None) -> FastAPI:
    settings = settings or Settings()
    executor = ThreadPoolExecutor(max_workers=settings.query_workers, thread_name_prefix="orbat-query")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="orbat",
        version=__version__,
        description="Order-of-battle knowledge base: SPARQL 1.1 endpoint at /sparql, REST API under /api.",
        lifespan=lifespan,
    )
    app.state.orbat = ServiceState(
        store=store, settings=settings, names=NameIndex(store), executor=executor, workspace=workspace
    )
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(rest.router(workspace))
    return app
