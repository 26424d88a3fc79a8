"""SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/) at /sparql."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sparql"])
