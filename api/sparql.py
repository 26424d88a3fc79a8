"""SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/) at /sparql.

- Query operation (section 2.1): GET ``?query=``, POST form (``application/x-www-form-urlencoded``)
  and POST direct (``application/sparql-query``), with ``default-graph-uri`` / ``named-graph-uri``
  (section 2.1.4), which override the query's FROM / FROM NAMED; with neither, the default graph is
  the union of all named graphs and every graph is a named graph (orbat.store.dataset).
- Update operation (section 2.2): POST form ``update=`` or ``application/sparql-update``; off unless
  the operator enabled it, then behind a bearer token (api.auth).
- ``GET /sparql`` without a query answers the Service Description (api.service_description).
- Answers are content-negotiated (api.negotiation), bounded in time and size (api.execution,
  api.results). Before any parser sees a text, its size, depth, branches and operators are checked
  and SERVICE and LOAD refused unless allowed (api.sparql_safety, api.sparql_limits), off the event
  loop; request bodies are sized before they are read (api.body_limit).

The Graph Store HTTP Protocol router (api.graph_store, /rdf-graphs) is included in this router,
so the application factory mounts the whole SPARQL side with one ``include_router``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode

from api import graph_store
from api.auth import require_writer
from api.errors import ApiError
from api.execution import STORE, Deadline, Job
from api.negotiation import BOOLEAN_OFFERS, RDF_OFFERS, SOLUTION_OFFERS, negotiate
from api.results import Answer, run_query, serialize_triples
from api.service_description import SD_PREFIXES, description
from api.settings import Settings
from api.sparql_safety import screen_query, screen_update
from api.state import ServiceState, get_state
from orbat.store import TripleStore

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
OFFERS_BY_FORM = {"SELECT": SOLUTION_OFFERS, "ASK": BOOLEAN_OFFERS, "CONSTRUCT": RDF_OFFERS, "DESCRIBE": RDF_OFFERS}
TRUNCATED = "X-Orbat-Truncated"
RESULT_LIMIT = "X-Orbat-Result-Limit"

_GRAPH_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": text,
    }
    for name, text in (
        (
            "default-graph-uri",
            "A graph merged into the query's default graph (repeatable). With this or named-graph-uri, the two "
            "parameters are the whole dataset (a missing one means none) and FROM / FROM NAMED in the query are "
            "ignored; with neither, the query's FROM / FROM NAMED, else the union of all graphs.",
        ),
        (
            "named-graph-uri",
            "A graph the query may name with GRAPH (repeatable); see default-graph-uri. Without any dataset "
            "parameter or FROM / FROM NAMED, every graph.",
        ),
    )
]
_RESULT_HEADERS = {
    RESULT_LIMIT: {
        "description": "The most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) an answer holds.",
        "schema": {"type": "integer"},
    },
    TRUNCATED: {
        "description": "true when the answer stopped at the limit and rows were left out.",
        "schema": {"type": "string", "enum": ["true", "false"]},
    },
}
_ANSWER_TYPES = [o.media_type for o in (*SOLUTION_OFFERS, *RDF_OFFERS)]
QUERY_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The answer: SELECT/ASK as SPARQL results (JSON, XML, CSV, TSV; ASK not in CSV/TSV), "
        "CONSTRUCT/DESCRIBE as RDF; without a query, the Service Description (RDF).",
        "headers": _RESULT_HEADERS,
        "content": {media: {} for media in _ANSWER_TYPES},
    },
    400: {"description": "Malformed query or request; the message gives the parser's line and column."},
    403: {"description": "SERVICE, LOAD or update refused by this server's settings, or a wrong token."},
    406: {"description": "No media type the Accept header allows; the error lists the available ones."},
    503: {"description": "The query exceeded the time limit, or no worker became free in time."},
}
router = APIRouter(tags=["sparql"])
router.include_router(graph_store.router)


@dataclass(frozen=True)
class Operation:
    """One SPARQL Protocol request, whichever way it was sent."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()


def _iris(values: list[str], parameter: str) -> tuple[str, ...]:
    for value in values:
        try:
            NamedNode(value)
        except ValueError as exc:
            raise ApiError(400, f"{parameter} is not an absolute IRI: {value!r}", {"parameter": parameter}) from exc
    return tuple(values)


def operation(pairs: list[tuple[str, str]], *, query: str | None = None, update: str | None = None) -> Operation:
    """Read the protocol parameters; more than one query, or a query and an update, is a 400."""
    values: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        values[key].append(value)
    queries = values["query"] + ([query] if query is not None else [])
    updates = values["update"] + ([update] if update is not None else [])
    if len(queries) > 1 or len(updates) > 1:
        raise ApiError(400, "a SPARQL Protocol request carries exactly one query or one update")
    if queries and updates:
        raise ApiError(400, "a request carries a query or an update, not both")
    return Operation(
        query=queries[0] if queries else None,
        update=updates[0] if updates else None,
        default_graphs=_iris(values["default-graph-uri"], "default-graph-uri"),
        named_graphs=_iris(values["named-graph-uri"], "named-graph-uri"),
        using_graphs=_iris(values["using-graph-uri"] + values["using-named-graph-uri"], "using-graph-uri"),
    )


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the request body is not UTF-8: {exc}") from exc


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """An HTML form body's pairs (in a worker thread: a scan of up to the body limit)."""
    return parse_qsl(decode(body), keep_blank_values=True)


def answer_headers(settings: Settings, answer: Answer) -> dict[str, str]:
    return {
        "Vary": "Accept",
        RESULT_LIMIT: str(settings.max_results),
        TRUNCATED: "true" if answer.truncated else "false",
    }


async def answer_query(request: Request, state: ServiceState, op: Operation) -> Response:
    assert op.query is not None
    settings = state.settings
    deadline = Deadline.start(settings.query_timeout_s)
    screened = await screen_query(op.query, settings)
    accept = request.headers.get("accept")
    form = screened.form
    if form:  # an early 406, before the query costs anything
        negotiate(accept, OFFERS_BY_FORM[form], f"the answer to this {form} query")
    job = Job.of(
        run_query,
        STORE,
        op.query,
        op.default_graphs,
        op.named_graphs,
        accept,
        deadline,
        settings.max_results,
        federated=screened.federated,
    )
    answer = await state.read(job, deadline)
    return Response(answer.body, media_type=answer.offer.header, headers=answer_headers(settings, answer))


async def answer_update(request: Request, state: ServiceState, op: Operation) -> Response:
    assert op.update is not None
    require_writer(request, state.settings)
    if op.using_graphs:
        raise ApiError(400, "using-graph-uri and using-named-graph-uri are not supported: use USING or WITH instead")
    await screen_update(op.update, state.settings)
    await state.write(state.store.update, op.update)  # one atomic update; it cannot be stopped halfway
    return Response(status_code=204)


def describe_service(
    store: TripleStore, settings: Settings, endpoint: str, accept: str | None, deadline: Deadline
) -> Answer:
    offer = negotiate(accept, RDF_OFFERS, "the service description")
    triples = description(endpoint, settings, store.graphs(), store.capabilities())
    return Answer(serialize_triples(triples, offer, deadline, SD_PREFIXES), offer, len(triples))


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the Service Description without a query",
    response_class=Response,
    responses=QUERY_RESPONSES,
    openapi_extra={
        "parameters": [
            {
                "name": "query",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "A SPARQL 1.1 query. Without it the answer is the W3C Service Description.",
            },
            *_GRAPH_PARAMETERS,
        ]
    },
)
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via GET (section 2.1.1); the Service Description when there is no query."""
    state = get_state(request)
    pairs = request.query_params.multi_items()
    op = operation(pairs)
    if op.update is not None:
        raise ApiError(400, "an update must be sent with POST (SPARQL 1.1 Protocol section 2.2)")
    if op.query is None:
        accept = request.headers.get("accept")
        negotiate(accept, RDF_OFFERS, "the service description")
        endpoint = state.settings.sparql_endpoint  # from configuration: a forged Host header is not echoed
        deadline = Deadline.start(state.settings.query_timeout_s)
        job = Job.of(describe_service, STORE, state.settings, endpoint, accept, deadline)
        answer = await state.read(job, deadline)
        return Response(answer.body, media_type=answer.offer.header, headers={"Vary": "Accept"})
    return await answer_query(request, state, op)


@router.post(
    "/sparql",
    summary="SPARQL query or update (POST)",
    response_class=Response,
    responses={
        **QUERY_RESPONSES,
        204: {"description": "The update was applied."},
        401: {"description": "An update without 'Authorization: Bearer <token>'."},
        415: {"description": "A Content-Type the protocol does not define."},
        507: {"description": "An update on a full disk: nothing changed (updates resume once space is freed)."},
    },
    openapi_extra={
        "parameters": _GRAPH_PARAMETERS,
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "update": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                },
                QUERY_BODY: {"schema": {"type": "string"}},
                UPDATE_BODY: {"schema": {"type": "string"}},
            },
        },
    },
)
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via POST (sections 2.1.2, 2.1.3) or update (sections 2.2.1, 2.2.2)."""
    state = get_state(request)
    kind = media_type(request)
    pairs = request.query_params.multi_items()
    if kind == FORM:
        op = operation(pairs + await anyio.to_thread.run_sync(parse_form, await request.body()))
    elif kind == QUERY_BODY:
        op = operation(pairs, query=decode(await request.body()))
    elif kind == UPDATE_BODY:
        require_writer(request, state.settings)  # before the body is read
        op = operation(pairs, update=decode(await request.body()))
    else:
        raise ApiError(
            415,
            f"unsupported Content-Type {kind or '(none)'!r}: send {FORM}, {QUERY_BODY} or {UPDATE_BODY}",
            {"supported": [FORM, QUERY_BODY, UPDATE_BODY]},
        )
    if op.update is not None:
        return await answer_update(request, state, op)
    if op.query is None:
        raise ApiError(400, "missing the 'query' or 'update' parameter")
    return await answer_query(request, state, op)
