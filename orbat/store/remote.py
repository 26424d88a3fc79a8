"""A client of any SPARQL 1.1 server: queries and updates over the SPARQL 1.1 Protocol
(https://www.w3.org/TR/sparql11-protocol/), graphs over the Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/), at the endpoints of orbat.store.endpoints.

A true peer of the embedded store (tests/test_store_contract.py runs the contract on Oxigraph server
and Virtuoso):

- queries and updates go as URL-encoded form posts (section 2.1.2 / 2.2.1), which every server takes
  (Virtuoso 7.2.5 never answers a direct ``application/sparql-query`` POST);
- parameters are bound by replacing ``$name`` tokens in the query body with the term's escaped
  N-Triples form (the term, not the user's text), as the embedded store binds them
  (orbat.store.parameters); a trailing VALUES clause echoes them in the projection (``?name``);
- results are streamed and parsed as they arrive (orbat.store.streaming), never read whole;
- writes name their graphs: never ``DROP ALL`` (on a shared server that deletes every graph, and on
  Virtuoso its own system graphs), and the server's own graphs are never listed, counted or dropped;
- ``graphs()`` and ``len()`` are one aggregate query each, answered by the server;
- every call runs under a deadline (orbat.deadline): the HTTP timeout is the time that remains;
- each write also stamps a new store version (orbat.store.version; ``versioned``, as orbat's commands
  and servers open it), which the caches of other processes (the name index of every API worker)
  check to follow writes they did not make;
- ``capabilities()`` probes the engine once (orbat.store.capabilities); where it has no usable
  ``geof:distance``, queries that call it run in two passes (orbat.geodistance).

The server must present the union of its named graphs as the default graph (Oxigraph
``--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``; Virtuoso does by default).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from orbat.deadline import Deadline, QueryTimeout, current
from orbat.geodistance import MENTION, without_distance
from orbat.store import version as versions
from orbat.store.base import QueryResult, StoreError, Term
from orbat.store.capabilities import DISTANCE_PROBE, ONE_NAMED_TRIPLE, Capabilities, distance_form
from orbat.store.dataset import query_dataset, without_dataset_clause
from orbat.store.embedded import parse_quads
from orbat.store.endpoints import Endpoints, preset
from orbat.store.parameters import bind_parameters, query_form
from orbat.store.streaming import ResponseReader
from orbat.store.virtuoso import split_insert_data

DEFAULT_TIMEOUT_S = 30.0  # a call with no deadline (the CLI, a build)


_PLAIN_SELECT = re.compile(
    r"^(\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*|#[^\n]*\n\s*)*SELECT)(?!\s+(?:DISTINCT|REDUCED)\b)", re.IGNORECASE
)


def distinct_rows(sparql: str) -> str:
    """SELECT DISTINCT in place of SELECT. Virtuoso's default graph is every graph side by side, not
    their RDF merge: a triple held in two graphs (a source's and the inferred one) matches twice, and
    a path such as ``orb:partOf+`` repeats rows. orbat's queries never mean to repeat a row."""
    return _PLAIN_SELECT.sub(r"\1 DISTINCT", sparql, count=1)


def echoed(result: QuerySolutions, bindings: Mapping[str, Term]) -> QueryResult:
    """The solutions with each bound parameter's variable set to its term, as pyoxigraph's substitution
    gives them. For Virtuoso, which joins a trailing VALUES with nothing when a subquery projects the
    variable unbound (SPARQL says unbound is compatible with any value)."""
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {name: solution[name] for name in variables}
        row.update({name: term for name, term in bindings.items() if name in variables})
        rows.append({name: _json_term(term) for name, term in row.items() if term is not None})
    document = {"head": {"vars": variables}, "results": {"bindings": rows}}
    return parse_query_results(json.dumps(document), format=QueryResultsFormat.JSON)


def _json_term(term: Any) -> dict[str, str]:
    """A term in the SPARQL 1.1 JSON results form (https://www.w3.org/TR/sparql11-results-json/#select-encode-terms)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    encoded = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        encoded["datatype"] = term.datatype.value
    return encoded


class RemoteStore:
    """The TripleStore contract over HTTP."""

    def __init__(self, endpoints: Endpoints, *, timeout: float = DEFAULT_TIMEOUT_S, versioned: bool = False) -> None:
        """``versioned``: stamp every write with a new store version (orbat.store.version), as the
        store of ``orbat`` commands and servers does (orbat.config.open_store)."""
        self.endpoints = endpoints
        self.timeout = timeout
        self.versioned = versioned
        auth: httpx.Auth | None = None
        if endpoints.user:
            password = endpoints.password or ""
            auth = (
                httpx.DigestAuth(endpoints.user, password)
                if endpoints.digest
                else httpx.BasicAuth(endpoints.user, password)
            )
        self._http = httpx.Client(timeout=timeout, auth=auth)
        self._capabilities: Capabilities | None = None

    @classmethod
    def oxigraph(cls, base_url: str, **options: float) -> RemoteStore:
        """Endpoints of an ``oxigraph serve`` at ``base_url``."""
        return cls(preset("oxigraph", base_url), **options)

    @property
    def query_url(self) -> str:
        return self.endpoints.query

    # --- HTTP -------------------------------------------------------------------------------------

    def _timeout(self, deadline: Deadline | None) -> float:
        if deadline is None:
            return self.timeout
        remaining = deadline.remaining()
        if remaining <= 0:
            raise QueryTimeout(f"time limit of {deadline.limit_s:g} s reached")
        return min(remaining, self.timeout)

    def _open(self, method: str, url: str, deadline: Deadline | None, **request: Any) -> httpx.Response:
        """Send a request and return the response with its body still to read (the caller closes it)."""
        deadline = current(deadline)
        timeout = self._timeout(deadline)
        built = self._http.build_request(method, url, timeout=timeout, **request)
        try:
            response = self._http.send(built, stream=True)
        except httpx.TimeoutException as exc:
            if deadline is not None:
                raise QueryTimeout(f"time limit of {deadline.limit_s:g} s reached") from exc
            raise StoreError(f"the SPARQL server did not answer within {timeout:g} s", status=503) from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL server unreachable: {exc}", status=503) from exc
        if response.status_code >= 400:
            try:
                text = response.read().decode("utf-8", "replace").strip()
            finally:
                response.close()
            raise StoreError(f"SPARQL server answered {response.status_code}: {text[:500]}", _status(response, text))
        return response

    def _send(self, method: str, url: str, deadline: Deadline | None = None, **request: Any) -> bytes:
        response = self._open(method, url, deadline, **request)
        try:
            return response.read()
        except httpx.TimeoutException as exc:
            raise QueryTimeout("the SPARQL server's answer did not arrive in time") from exc
        finally:
            response.close()

    def _reader(self, response: httpx.Response, deadline: Deadline | None) -> ResponseReader:
        return ResponseReader(response, current(deadline))

    # --- the contract -----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        deadline: Deadline | None = None,
    ) -> QueryResult:
        if MENTION.search(sparql) and not self.capabilities().native_distance:
            sparql = without_distance(sparql, bindings or {}, self._candidates(default_graphs, named_graphs, deadline))
        echo_in_python = self.endpoints.server == "virtuoso" and bool(bindings)
        text = bind_parameters(sparql, bindings or {}, echo=not echo_in_python)
        if self.endpoints.server == "virtuoso":
            text = distinct_rows(text)
        form = query_form(text)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        dataset = query_dataset(sparql, default_graphs, named_graphs)
        data: dict[str, str | list[str]] = {"query": text}
        if dataset is not None:
            default, named = list(dataset.default_graphs), list(dataset.named_graphs)
            if self.endpoints.server == "virtuoso":
                # Virtuoso reads a missing default-graph-uri or named-graph-uri as "all graphs": an
                # empty set of graphs it cannot name, so name a graph that holds nothing
                default, named = default or [versions.EMPTY_GRAPH], named or [versions.EMPTY_GRAPH]
                data["query"] = without_dataset_clause(text)  # it would merge FROM with the parameters
            data["default-graph-uri"] = default
            data["named-graph-uri"] = named
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        response = self._open("POST", self.endpoints.query, deadline, data=data, headers={"Accept": accept})
        reader = self._reader(response, deadline)
        if graph_form:
            return _triples(reader)
        if form == "ASK":
            return _boolean(reader.read_all())
        try:
            result = parse_query_results(reader, format=QueryResultsFormat.JSON)
            if echo_in_python and isinstance(result, QuerySolutions):
                return echoed(result, bindings or {})
            return result
        except SyntaxError as exc:
            reader.close()
            raise StoreError(f"the SPARQL server's answer does not parse: {exc}", status=503) from exc

    def _candidates(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None, deadline: Deadline | None
    ) -> Callable[[str, Mapping[str, Term]], QueryResult]:
        """The first pass of orbat.geodistance, in the same dataset and under the same deadline."""

        def run(sparql: str, bindings: Mapping[str, Term]) -> QueryResult:
            return self.query(
                sparql, bindings, default_graphs=default_graphs, named_graphs=named_graphs, deadline=deadline
            )

        return run

    def update(self, sparql: str, *, deadline: Deadline | None = None) -> None:
        text = sparql
        if self.endpoints.server == "virtuoso":
            text = split_insert_data(sparql)  # Virtuoso refuses a long INSERT DATA (SP031), or an empty one
        update = versions.stamped(text) if self.versioned else text
        self._send("POST", self.endpoints.update, deadline, data={"update": update})

    def load(
        self,
        data: bytes,
        format: RdfFormat,
        graph: str | None = None,
        *,
        replace: bool = False,
        deadline: Deadline | None = None,
    ) -> int:
        """Into ``graph``, or the quads into their graphs; ``replace`` puts them in place of what those
        graphs held (only those: the other graphs of the server are never touched)."""
        quads = parse_quads(data, format, graph)  # validate before sending anything
        by_graph: dict[str, list[Quad]] = defaultdict(list)
        for quad in quads:
            by_graph[quad.graph_name.value].append(quad)  # type: ignore[union-attr]
        store_url = self.endpoints.graph_store
        if store_url is None:
            self.update(_insert_per_graph(by_graph, replace), deadline=deadline)
            return len(quads)
        if not replace and graph is None and self.endpoints.dataset_upload:
            body = serialize(quads, format=RdfFormat.N_QUADS) or b""
            self._send("POST", store_url, deadline, content=body, headers={"Content-Type": "application/n-quads"})
        else:
            for name, group in by_graph.items():
                body = serialize([q.triple for q in group], format=RdfFormat.N_TRIPLES) or b""
                self._send(
                    "PUT" if replace else "POST",
                    store_url,
                    deadline,
                    params={self.endpoints.graph_parameter: name},
                    content=body,
                    headers={"Content-Type": "application/n-triples"},
                )
        self._stamp(deadline)
        return len(quads)

    def quads(self, graph: str | None = None, *, deadline: Deadline | None = None) -> Iterator[Quad]:
        if graph is None:
            if self.endpoints.dataset_upload and self.endpoints.graph_store:
                return self._all_quads(deadline)
            return (q for g in self.graphs(deadline=deadline) for q in self.quads(g, deadline=deadline))
        target = NamedNode(graph)
        if self.endpoints.graph_store is None:
            triples = self.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}", deadline=deadline
            )
            return (Quad(t.subject, t.predicate, t.object, target) for t in triples)  # type: ignore[union-attr]
        return self._graph_quads(target, deadline)

    def _graph_quads(self, target: NamedNode, deadline: Deadline | None) -> Iterator[Quad]:
        try:
            response = self._open(
                "GET",
                self.endpoints.graph_store,  # type: ignore[arg-type]
                deadline,
                params={self.endpoints.graph_parameter: target.value},
                headers={"Accept": "application/n-triples"},
            )
        except StoreError as exc:
            if "answered 404" in str(exc):
                return iter(())
            raise
        reader = self._reader(response, deadline)
        return (Quad(t.subject, t.predicate, t.object, target) for t in _triples(reader))

    def _all_quads(self, deadline: Deadline | None) -> Iterator[Quad]:
        response = self._open(
            "GET",
            self.endpoints.graph_store,  # type: ignore[arg-type]
            deadline,
            headers={"Accept": "application/n-quads"},
        )
        reader = self._reader(response, deadline)
        hidden = versions.HIDDEN_GRAPHS
        for quad in parse(reader, format=RdfFormat.N_QUADS):  # type: ignore[arg-type]
            if not isinstance(quad.graph_name, DefaultGraph) and quad.graph_name.value not in hidden:
                yield quad

    def graphs(self, *, deadline: Deadline | None = None) -> list[str]:
        if self.endpoints.server == "oxigraph":
            query = "SELECT ?g WHERE { GRAPH ?g { } }"  # Oxigraph's graph table: no scan of the quads
        else:
            query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }}"
        result = self.query(query, deadline=deadline)
        found = (row["g"].value for row in result if row["g"] is not None)  # type: ignore[union-attr,index]
        return sorted(g for g in found if self.is_ours(g))

    def is_ours(self, graph: str) -> bool:
        """Not the server's own graph, nor the version stamp's."""
        return graph not in versions.HIDDEN_GRAPHS and not graph.startswith(self.endpoints.system_graphs or ("\0",))

    def _ours(self, variable: str) -> str:
        hidden = [*self.endpoints.system_graphs, *versions.HIDDEN_GRAPHS]
        tests = " && ".join(f'!STRSTARTS(STR({variable}), "{prefix}")' for prefix in hidden)
        return f"FILTER ({tests})"

    def drop(self, graph: str | None = None, *, deadline: Deadline | None = None) -> None:
        """One graph, or each of ours by name (never ``DROP ALL``)."""
        targets = [graph] if graph else self.graphs(deadline=deadline)
        if targets:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {NamedNode(g)}" for g in targets), deadline=deadline)

    def __len__(self) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours('?g')} }}"
        result = self.query(query)
        return int(next(iter(result))["n"].value)  # type: ignore[arg-type,index,call-overload]

    # --- versions and capabilities -----------------------------------------------------------------

    def _stamp(self, deadline: Deadline | None) -> None:
        if not self.versioned:
            return
        self._send("POST", self.endpoints.update, deadline, data={"update": versions.stamp_update()})

    def version(self, *, deadline: Deadline | None = None) -> str:
        """The store's version: it changes with every write made through any RemoteStore."""
        return versions.read(self.query(versions.READ_QUERY, deadline=deadline))

    def capabilities(self) -> Capabilities:
        """What the engine can do, probed on first use and then remembered."""
        if self._capabilities is None:
            # while probing, the probe's own geof:distance goes to the engine as written
            self._capabilities = Capabilities(self.endpoints.server, "probing", None)
            try:
                distance = distance_form(self.query(DISTANCE_PROBE))
            except StoreError:
                distance = None
            self._capabilities = Capabilities(self.endpoints.server, distance, self._union_default_graph())
        return self._capabilities

    def _union_default_graph(self) -> bool | None:
        rows = list(self.query(ONE_NAMED_TRIPLE))  # type: ignore[call-overload]
        if not rows:
            return None
        s, p, o = rows[0]["s"], rows[0]["p"], rows[0]["o"]
        return bool(self.query(f"ASK {{ {s} {p} {o} }}"))

    def close(self) -> None:
        self._http.close()


def _status(response: httpx.Response, text: str) -> int:
    """Whose fault: the query's (400) or the server's (503). Virtuoso answers some of the query's
    errors with 500 and an SQL state: 37000 (syntax), 42001 (unknown function), 22xxx (data)."""
    if response.status_code < 500:
        return 400
    return 400 if re.search(r"Virtuoso (37000|42001|42000|22\d\d\d|S1\w\w\w|SP\d\d\d) Error", text) else 503


def _triples(reader: ResponseReader) -> Iterator[Any]:
    try:
        yield from parse(reader, format=RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
    finally:
        reader.close()


def _boolean(body: bytes) -> QueryResult:
    """An ASK answer; Virtuoso answers ASK in JSON as one solution binding ``__ASK_RETVAL``."""
    result = parse_query_results(body, format=QueryResultsFormat.JSON)
    if isinstance(result, QuerySolutions):
        rows = list(result)
        value = bool(rows) and rows[0][0] is not None and rows[0][0].value in ("1", "true")  # type: ignore[union-attr]
        return parse_query_results(f'{{"head":{{}},"boolean":{str(value).lower()}}}', format=QueryResultsFormat.JSON)
    return result


def _insert_per_graph(by_graph: Mapping[str, list[Quad]], replace: bool) -> str:
    operations = [f"DROP SILENT GRAPH {NamedNode(g)}" for g in by_graph] if replace else []
    for name, group in by_graph.items():
        lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in group)
        operations.append(f"INSERT DATA {{ GRAPH {NamedNode(name)} {{\n{lines}\n}} }}")
    return " ;\n".join(operations)
