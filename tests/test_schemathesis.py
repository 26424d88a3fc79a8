"""The REST API keeps the promises of its OpenAPI schema: property-based requests generated from
/openapi.json (schemathesis) get no 5xx, and every answer matches its documented status, media
type and body schema (the error shape included). The SPARQL and graph store endpoints are another
suite's; only /api/ operations are exercised here.

The schema is read at collection time from an app over an empty store (the schema does not
depend on the data); the requests go to an app over the seed knowledge base. (schemathesis's
``from_fixture`` would avoid that, but it does not run under pytest 9.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from orbat.store import EmbeddedStore

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(EmbeddedStore())).include(path_regex=r"^/api/")


@pytest.fixture
def seed_app(kb: EmbeddedStore) -> FastAPI:
    """A fresh app per operation: schemathesis ends an app's lifespan (our query pool) after each test."""
    return create_app(kb)


# One pytest item per operation, built here rather than by ``schema.parametrize()``: under
# pytest-xdist that collapses every operation into a single item.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_rest_api_conforms_to_its_schema(operation: Any, seed_app: FastAPI) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(app=seed_app)

    conforms()
