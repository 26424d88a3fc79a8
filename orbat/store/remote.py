"""A client of any SPARQL 1.1 server: queries and updates over the SPARQL 1.1 Protocol
(https://www.w3.org/TR/sparql11-protocol/), graphs over the Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/).

The server must present the union of its named graphs as the default graph (Oxigraph
``--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``), as the embedded store does.
Parameters are bound by replacing ``$name`` tokens in the query body with the term's escaped
N-Triples form (the term, not the user's text); a trailing VALUES clause echoes them in the
projection (``?name``), so answers match the embedded store's SEP-0007 substitution.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import httpx
from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from orbat.store.base import QueryResult, StoreError, Term
from orbat.store.dataset import query_dataset
from orbat.store.embedded import parse_quads, replacement

_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*|<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
)
_FORM = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*|#[^\n]*\n\s*)*(?P<form>SELECT|ASK|CONSTRUCT|DESCRIBE)", re.IGNORECASE
)


def bind_parameters(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Replace ``$name`` (outside IRIs, strings and comments) by the escaped term, and echo the
    bound values through a trailing VALUES clause, as pyoxigraph's substitution does."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None or name not in bindings:
            return match.group(0)
        return str(bindings[name])

    text = _TOKENS.sub(replace, sparql)
    form = _FORM.match(text)
    if bindings and form and form.group("form").upper() == "SELECT":
        names = sorted(bindings)
        variables = " ".join(f"?{n}" for n in names)
        row = " ".join(str(bindings[n]) for n in names)
        text += f"\nVALUES ({variables}) {{ ({row}) }}"
    return text


class RemoteStore:
    """The TripleStore contract over HTTP."""

    def __init__(self, query_url: str, update_url: str, store_url: str, *, timeout: float = 30.0) -> None:
        self.query_url, self.update_url, self.store_url = query_url, update_url, store_url
        self._http = httpx.Client(timeout=timeout)

    @classmethod
    def oxigraph(cls, base_url: str, **options: float) -> RemoteStore:
        """Endpoints of an ``oxigraph serve`` at ``base_url``."""
        base = base_url.rstrip("/")
        return cls(f"{base}/query", f"{base}/update", f"{base}/store", **options)

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._http.send(request)
        except httpx.HTTPError as exc:
            raise StoreError(f"SPARQL server unreachable: {exc}", status=503) from exc
        if response.status_code >= 400:
            status = 400 if response.status_code < 500 else 503
            raise StoreError(f"SPARQL server answered {response.status_code}: {response.text.strip()[:500]}", status)
        return response

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        text = bind_parameters(sparql, bindings or {})
        match = _FORM.match(text)
        form = match.group("form").upper() if match else "SELECT"
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        dataset = query_dataset(sparql, default_graphs, named_graphs)
        params = [("default-graph-uri", g) for g in dataset.default_graphs] if dataset else []
        params += [("named-graph-uri", g) for g in dataset.named_graphs] if dataset else []
        request = self._http.build_request(
            "POST",
            self.query_url,
            params=params,
            content=text.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/n-triples" if graph_form else "application/sparql-results+json",
            },
        )
        response = self._send(request)
        if graph_form:
            return iter(list(parse(response.content, format=RdfFormat.N_TRIPLES)))  # type: ignore[arg-type]
        return parse_query_results(response.content, format=QueryResultsFormat.JSON)

    def update(self, sparql: str) -> None:
        request = self._http.build_request(
            "POST", self.update_url, content=sparql.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        self._send(request)

    def load(self, data: bytes, format: RdfFormat, graph: str | None = None, *, replace: bool = False) -> int:
        quads = parse_quads(data, format, graph)  # validate before sending anything
        if replace:
            self.update(replacement(quads, graph))
        else:
            body = serialize(quads, format=RdfFormat.N_QUADS) or b""
            self._send(
                self._http.build_request(
                    "POST", self.store_url, content=body, headers={"Content-Type": "application/n-quads"}
                )
            )
        return len(quads)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        params = {"graph": graph} if graph else {}
        media = RdfFormat.N_TRIPLES.media_type if graph else RdfFormat.N_QUADS.media_type
        request = self._http.build_request("GET", self.store_url, params=params, headers={"Accept": media})
        body = self._send(request).content
        if graph:
            target = NamedNode(graph)
            return (Quad(t.subject, t.predicate, t.object, target) for t in parse(body, format=RdfFormat.N_TRIPLES))
        return (q for q in parse(body, format=RdfFormat.N_QUADS) if not isinstance(q.graph_name, DefaultGraph))

    def graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in result)  # type: ignore[union-attr,index]

    def drop(self, graph: str | None = None) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>" if graph else "DROP ALL")

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(result))["n"].value)  # type: ignore[arg-type,index]

    def close(self) -> None:
        self._http.close()
