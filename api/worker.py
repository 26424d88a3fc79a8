"""One of several API processes behind one port: ``orbat serve --workers N``.

The workers are stateless: the knowledge base is on a SPARQL server they share (ORBAT_SPARQL_URL and
the settings of orbat.store.endpoints), the workspace is a folder they share, and each cache follows
the store's version (orbat.store.version, api.state). uvicorn starts each worker as a new process
that imports ``app`` from here (``create_worker_app``, a factory), so everything it needs comes from
the environment that ``orbat serve`` prepared; the parent checked it and built the store first.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from orbat import config

PUBLIC_URL = "ORBAT_PUBLIC_URL"


def create_worker_app() -> FastAPI:
    """The app of one worker, from the environment (uvicorn calls it in each worker process)."""
    settings = Settings.from_env(public_url=os.environ.get(PUBLIC_URL, "http://127.0.0.1:8000"))
    workspace = config.open_workspace(Path(os.environ["ORBAT_WORKSPACE"]))
    return create_app(config.open_store(), settings, workspace=workspace)
