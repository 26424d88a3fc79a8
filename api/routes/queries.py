"""/api/queries: the named queries (the package's ``queries/*.rq`` and the workspace's), listed and
run, each at its own URL.

Every named query gets its own operation (``/api/queries/near``...) whose OpenAPI parameters are
generated from the query's header, so /docs documents each query's parameters, types, bounds and
defaults without restating them. Values are checked and bound by ``orbat.queries`` (400 for a bad
value or an unknown parameter, 404 for an unknown entity); they never become query text.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.errors import ApiError
from api.execution import NAMES, STORE
from api.models import NamedQueryInfo
from api.routes.common import blocking, error_responses
from api.state import get_state
from orbat import answers, ontology
from orbat.models import QueryResult
from orbat.queries import NamedQuery, Parameter, get_query, named_queries
from orbat.workspace import Workspace

PREFIX = "/api/queries"


async def list_queries(request: Request) -> list[NamedQueryInfo]:
    catalogue = answers.query_catalogue(get_state(request).workspace)
    return [NamedQueryInfo(**item.model_dump(), url=f"{PREFIX}/{item.name}") for item in catalogue]


class NamedQueryEndpoint:
    """The handler of one named query's URL: a callable holding the query's name (not a closure)."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, request: Request) -> QueryResult:
        args = dict(request.query_params)  # once each and non-empty: common.check_query_string
        workspace = get_state(request).workspace
        return await blocking(request, answers.query_table, STORE, NAMES, self.name, args, workspace)


# What query_arguments and orbat.queries.to_term accept, no more and no less.
_SCHEMAS: dict[str, dict[str, Any]] = {
    "entity": {"type": "string", "minLength": 1},
    "document": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    "string": {"type": "string", "minLength": 1},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
}


def openapi_parameter(param: Parameter) -> dict[str, Any]:
    """An OpenAPI query parameter from a named query's header line."""
    if param.type == "relation":
        schema: dict[str, Any] = {"type": "string", "enum": sorted(ontology.relations())}
    else:
        schema = dict(_SCHEMAS[param.type])
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.default is not None:
        kinds = {"integer": int, "decimal": float, "boolean": lambda v: v.lower() in ("true", "1")}
        schema["default"] = kinds.get(param.type, str)(param.default)
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": f"{param.description} ({param.type})",
        "schema": schema,
    }


def add_query_route(router: APIRouter, query: NamedQuery) -> None:
    router.add_api_route(
        f"/queries/{query.name}",
        NamedQueryEndpoint(query.name),
        methods=["GET"],
        name=f"query_{query.name}",
        operation_id=f"query_{query.name.replace('-', '_')}",
        summary=query.title,
        description=query.description,
        response_model=QueryResult,
        responses=error_responses(404),
        openapi_extra={"parameters": [openapi_parameter(p) for p in query.parameters]},
    )


async def unknown_query(request: Request, name: Annotated[str, Path()]) -> Any:
    """Named queries have their own routes: any other name is unknown (404, with the known ones)."""
    get_query(name, get_state(request).workspace)
    raise ApiError(404, f"no named query {name!r}")


def router(workspace: Workspace | None) -> APIRouter:
    """The list, one route per named query of ``workspace``, and the 404 for any other name."""
    queries = APIRouter(tags=["queries"])
    queries.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        response_model=list[NamedQueryInfo],
        summary="The named queries, with their parameters",
        responses=error_responses(),
    )
    for query in named_queries(workspace).values():
        add_query_route(queries, query)
    queries.add_api_route("/queries/{name}", unknown_query, methods=["GET"], include_in_schema=False)
    return queries
