"""Where a SPARQL server takes queries, updates and graphs: presets for the servers we test, or each URL set.

The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) fixes how a query or update is
sent but not where; the Graph Store Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/) names
its graph parameter ``graph`` but servers differ. So a server is described by its endpoints:

============  ==================  ====================  ================================  ===========
server        query               update                graph store                       graph param
============  ==================  ====================  ================================  ===========
oxigraph      BASE/query          BASE/update           BASE/store                        graph
virtuoso      BASE/sparql[-auth]  BASE/sparql[-auth]    BASE/sparql-graph-crud[-auth]     graph-uri
fuseki        BASE/query          BASE/update           BASE/data                         graph
generic       URL                 URL                   none: writes by SPARQL Update     -
============  ==================  ====================  ================================  ===========

(Fuseki's BASE is the dataset, ``http://host:3030/ds``; Virtuoso's ``-auth`` endpoints are chosen when
a user is given, with HTTP digest authentication, as Virtuoso requires for writes.)

From the environment (``from_env``): ``ORBAT_SPARQL_URL`` (the server's base URL for a preset, the
query endpoint for ``generic``), ``ORBAT_SPARQL_SERVER`` (the preset, default ``oxigraph``), and
``ORBAT_SPARQL_UPDATE_URL``, ``ORBAT_GRAPH_STORE_URL``, ``ORBAT_SPARQL_USER``,
``ORBAT_SPARQL_PASSWORD``, each overriding the preset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

SERVERS = ("oxigraph", "virtuoso", "fuseki", "generic")
# Graphs a fresh Virtuoso holds for itself (its RDF views, LDP, the URIQA page): never ours to list,
# count, export or drop.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://localuriqaserver/",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
)


@dataclass(frozen=True)
class Endpoints:
    """How to reach one SPARQL server."""

    server: str
    query: str
    update: str
    graph_store: str | None = None  # None: graphs are read by CONSTRUCT and written by SPARQL Update
    graph_parameter: str = "graph"
    user: str | None = None
    password: str | None = None
    dataset_upload: bool = False  # the graph store takes N-Quads for several graphs in one POST
    system_graphs: tuple[str, ...] = ()  # IRI prefixes of the server's own graphs

    @property
    def digest(self) -> bool:
        """Virtuoso authenticates by HTTP digest; the others by basic authentication."""
        return self.server == "virtuoso"


class EndpointError(ValueError):
    """A server description that cannot be used; the message names the setting."""


def preset(server: str, url: str, *, user: str | None = None, password: str | None = None) -> Endpoints:
    """The endpoints of ``server`` (one of SERVERS) at ``url``."""
    base = url.rstrip("/")
    if server == "oxigraph":
        base = base.removesuffix("/query")
        return Endpoints(server, f"{base}/query", f"{base}/update", f"{base}/store", "graph", user, password, True)
    if server == "virtuoso":
        base = base.removesuffix("/sparql").removesuffix("/sparql-auth")
        auth = "-auth" if user else ""
        return Endpoints(
            server,
            f"{base}/sparql{auth}",
            f"{base}/sparql{auth}",
            f"{base}/sparql-graph-crud{auth}",
            "graph-uri",
            user,
            password,
            False,
            VIRTUOSO_SYSTEM_GRAPHS,
        )
    if server == "fuseki":
        base = base.removesuffix("/query").removesuffix("/sparql")
        return Endpoints(server, f"{base}/query", f"{base}/update", f"{base}/data", "graph", user, password, True)
    if server == "generic":
        return Endpoints(server, base, base, None, "graph", user, password)
    raise EndpointError(f"ORBAT_SPARQL_SERVER={server!r}: expected one of {', '.join(SERVERS)}")


def from_env(url: str | None = None, env: Mapping[str, str] | None = None) -> Endpoints | None:
    """The server the environment names (``url`` wins over ``ORBAT_SPARQL_URL``), or None for none."""
    env = os.environ if env is None else env
    url = url or env.get("ORBAT_SPARQL_URL")
    if not url:
        return None
    for name, value in (("ORBAT_SPARQL_URL", url), *((n, env.get(n)) for n in _URL_SETTINGS)):
        if value and not value.startswith(("http://", "https://")):
            raise EndpointError(f"{name}={value!r}: expected an http:// or https:// URL")
    server = (env.get("ORBAT_SPARQL_SERVER") or "oxigraph").strip().lower()
    endpoints = preset(
        server, url, user=env.get("ORBAT_SPARQL_USER") or None, password=env.get("ORBAT_SPARQL_PASSWORD") or None
    )
    overrides = {
        field: env[name] for name, field in _URL_SETTINGS.items() if env.get(name)
    }  # each set URL replaces the preset's
    return replace(endpoints, **overrides) if overrides else endpoints


_URL_SETTINGS = {"ORBAT_SPARQL_UPDATE_URL": "update", "ORBAT_GRAPH_STORE_URL": "graph_store"}
