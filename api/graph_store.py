"""SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/) at /rdf-graphs.

Indirect graph identification (section 4.2): ``?graph=IRI`` names a graph, ``?default`` the default
graph, which here is the union of all named graphs and so can be read but not written (405).

- GET / HEAD (sections 5.2, 5.7): the graph, content-negotiated; 404 for a graph the store lacks.
- PUT (5.3) replaces the graph, POST (5.5) adds to it, DELETE (5.4) drops it (404 if absent):
  each behind ``settings.update_enabled`` and the bearer token, like SPARQL Update. The body is
  parsed completely before anything changes (an unparsable body is a 400 and changes nothing),
  and each write is one store call (``store.load(..., replace=True)`` for PUT) that is all or
  nothing; large bodies go through the bulk loader (orbat.store.bulk). 201 when the write created
  the graph, else 204. A full disk is a 507, another storage failure a 503 (orbat.store.disk).

Graph downloads are bounded by the query time limit but not by the result cap: a graph cut short
would silently lose triples when a client PUTs it back.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode, RdfFormat

from api.auth import require_writer
from api.errors import ApiError
from api.execution import STORE, Deadline, Job
from api.negotiation import RDF_OFFERS, negotiate
from api.results import Answer, render_triples
from api.state import get_state
from orbat.store import TripleStore

PATH = "/rdf-graphs"
READ_ONLY = {"Allow": "GET, HEAD"}
BODY_FORMATS: dict[str, RdfFormat] = {
    name: offer.format  # type: ignore[misc]
    for offer in RDF_OFFERS
    if offer.format not in (RdfFormat.TRIG, RdfFormat.N_QUADS)  # a graph's body, not a dataset's
    for name in (offer.media_type, *offer.aliases)
}
_TARGET_PARAMETERS = [
    {
        "name": "graph",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "The IRI of a named graph.",
    },
    {
        "name": "default",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "allowEmptyValue": True,
        "description": "Present (no value) for the default graph: the union of all named graphs, read-only.",
    },
]
_WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    201: {"description": "The graph did not exist and now does."},
    204: {"description": "The graph was changed."},
    400: {"description": "No or a bad graph IRI, or a body that does not parse (nothing changed)."},
    401: {"description": "No 'Authorization: Bearer <token>'."},
    403: {"description": "Writes are disabled, or the token is wrong."},
    405: {"description": "The default graph (the union) cannot be written."},
    415: {"description": "A Content-Type that is not an RDF graph syntax."},
    503: {"description": "The store could not write (an I/O error); nothing changed."},
    507: {"description": "The disk that holds the store is full; nothing changed (writes resume once space is freed)."},
}
_READ_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The graph.", "content": {o.media_type: {} for o in RDF_OFFERS}},
    404: {"description": "No such graph."},
    406: {"description": "No acceptable media type; the error lists the available ones."},
}
_DELETE_RESPONSES: dict[int | str, dict[str, object]] = {
    204: {"description": "Dropped."},
    404: {"description": "No such graph."},
    **{k: v for k, v in _WRITE_RESPONSES.items() if k in (401, 403, 405)},
}
_WRITE_OPENAPI = {
    "parameters": _TARGET_PARAMETERS,
    "requestBody": {"required": True, "content": {name: {"schema": {"type": "string"}} for name in BODY_FORMATS}},
}
router = APIRouter(tags=["graph store"])


def target(request: Request) -> str | None:
    """The named graph's IRI, or None for ``?default``; anything else is a 400."""
    graphs = request.query_params.getlist("graph")
    default = "default" in request.query_params
    if default == bool(graphs) or len(graphs) > 1:
        raise ApiError(400, "name exactly one graph: ?graph=<IRI> or ?default (the union of all graphs)")
    if default:
        return None
    try:
        NamedNode(graphs[0])
    except ValueError as exc:
        raise ApiError(400, f"graph is not an absolute IRI: {graphs[0]!r}", {"graph": graphs[0]}) from exc
    return graphs[0]


def writable_target(request: Request) -> str:
    iri = target(request)
    if iri is None:
        message = "the default graph is the union of all named graphs and cannot be written: use ?graph=<IRI>"
        raise ApiError(405, message, headers=READ_ONLY)
    return iri


def body_format(request: Request) -> RdfFormat:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in BODY_FORMATS:
        supported = sorted(BODY_FORMATS)
        raise ApiError(415, f"unsupported Content-Type {kind or '(none)'!r} for a graph", {"supported": supported})
    return BODY_FORMATS[kind]


def read_graph(store: TripleStore, iri: str | None, accept: str | None, deadline: Deadline) -> Answer:
    """One graph, or the union of all, as RDF (in a worker thread)."""
    offer = negotiate(accept, RDF_OFFERS, "a graph")
    deadline.check()
    if iri is not None and iri not in store.graphs():
        raise ApiError(404, f"no graph <{iri}> in the store", {"graph": iri})
    triples = (quad.triple for quad in store.quads(iri))
    return render_triples(triples, offer, deadline, None)


def store_graph(store: TripleStore, iri: str, body: bytes, fmt: RdfFormat, replace: bool) -> bool:
    """Parse, then write in one atomic call (in the writer thread); True when the graph is new."""
    existed = iri in store.graphs()
    store.load(body, fmt, iri, replace=replace)
    return not existed and iri in store.graphs()


def drop_graph(store: TripleStore, iri: str) -> None:
    if iri not in store.graphs():
        raise ApiError(404, f"no graph <{iri}> in the store", {"graph": iri})
    store.drop(iri)


async def _read(request: Request) -> Answer:
    state = get_state(request)
    iri = target(request)
    accept = request.headers.get("accept")
    negotiate(accept, RDF_OFFERS, "a graph")
    deadline = Deadline.start(state.settings.query_timeout_s)
    return await state.read(Job.of(read_graph, STORE, iri, accept, deadline), deadline)  # type: ignore[no-any-return]


async def _write(request: Request, *, replace: bool) -> Response:
    state = get_state(request)
    require_writer(request, state.settings)
    iri = writable_target(request)
    fmt = body_format(request)
    body = await request.body()
    created = await state.write(store_graph, state.store, iri, body, fmt, replace)
    return Response(status_code=201 if created else 204)


@router.get(
    PATH,
    summary="Get a graph (Graph Store Protocol)",
    openapi_extra={"parameters": _TARGET_PARAMETERS},
    response_class=Response,
    responses=_READ_RESPONSES,
)
async def graph_get(request: Request) -> Response:
    answer = await _read(request)
    return Response(answer.body, media_type=answer.offer.header, headers={"Vary": "Accept"})


@router.head(
    PATH,
    summary="Headers of a graph download",
    openapi_extra={"parameters": _TARGET_PARAMETERS},
    response_class=Response,
)
async def graph_head(request: Request) -> Response:
    answer = await _read(request)
    headers = {"Vary": "Accept", "Content-Length": str(len(answer.body))}
    return Response(b"", media_type=answer.offer.header, headers=headers)


@router.put(
    PATH,
    summary="Replace a graph",
    openapi_extra=_WRITE_OPENAPI,
    status_code=204,
    response_class=Response,
    responses=_WRITE_RESPONSES,
)
async def graph_put(request: Request) -> Response:
    return await _write(request, replace=True)


@router.post(
    PATH,
    summary="Add to a graph",
    openapi_extra=_WRITE_OPENAPI,
    status_code=204,
    response_class=Response,
    responses=_WRITE_RESPONSES,
)
async def graph_post(request: Request) -> Response:
    return await _write(request, replace=False)


@router.delete(
    PATH,
    summary="Drop a graph",
    openapi_extra={"parameters": _TARGET_PARAMETERS},
    status_code=204,
    response_class=Response,
    responses=_DELETE_RESPONSES,
)
async def graph_delete(request: Request) -> Response:
    state = get_state(request)
    require_writer(request, state.settings)
    iri = writable_target(request)
    await state.write(drop_graph, state.store, iri)
    return Response(status_code=204)
