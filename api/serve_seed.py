"""An app factory that serves the seed knowledge base from memory: no store folder, no state left.

For demos and for tests that need a real HTTP server::

    python -m uvicorn api.serve_seed:create_seed_app --factory --port 8000

ORBAT_SEED_REASON=0 skips the HermiT reasoner (needs Java; about 6 s) for a faster start, at the
price of the inferred graph (transitive partOf, locatedIn...).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from orbat.build import build
from orbat.store import EmbeddedStore


def create_seed_app() -> FastAPI:
    store = EmbeddedStore()
    build(store, reason=os.environ.get("ORBAT_SEED_REASON", "1").lower() not in ("0", "false", "no", "off"))
    return create_app(store, Settings.from_env())
