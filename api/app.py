"""The FastAPI application factory: ``create_app(store, settings, workspace=...)``.

The SPARQL 1.1 Protocol endpoint and the REST API are separate routers over one shared state. The
workspace brings its own named queries (each at its own URL); without one, the package's alone.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import errors, rest, sparql
from api.auth import require_reader
from api.body_limit import BodyLimit
from api.client_limit import ClientLimit
from api.settings import Settings
from api.state import ServiceState
from orbat import __version__
from orbat.config import Freshness
from orbat.store import StoreError, TripleStore
from orbat.workspace import Workspace


def create_app(
    store: TripleStore,
    settings: Settings | None = None,
    *,
    freshness: Freshness | None = None,
    workspace: Workspace | None = None,
) -> FastAPI:
    settings = settings or Settings()
    state = ServiceState(store=store, settings=settings, workspace=workspace)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.runner.start()
        with contextlib.suppress(StoreError):  # the probe at start; a server not up yet is probed on first use
            store.capabilities()
        yield
        state.close()

    app = FastAPI(
        title="orbat",
        version=__version__,
        description="Order-of-battle knowledge base: SPARQL 1.1 endpoint at /sparql, REST API under /api.",
        lifespan=lifespan,
        docs_url=None,  # /docs is api.routes.page's, from assets that ship (no CDN)
        redoc_url=None,
    )
    app.state.orbat = state
    app.state.freshness = freshness or Freshness()  # whether the store holds the current files (/api/health)
    weakref.finalize(app, state.close)  # an app dropped without its lifespan still stops its workers
    errors.install(app)
    app.add_middleware(BodyLimit, settings=settings)  # pure ASGI, before any handler reads a body
    app.add_middleware(ClientLimit, settings=settings)  # outermost: a client over its limit costs nothing
    app.include_router(sparql.router, dependencies=[Depends(require_reader)])
    app.include_router(rest.router(workspace))
    return app
