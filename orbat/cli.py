"""The ``orbat`` command line: build, validate, query, near, export, stats, serve.

Every command calls the same functions as the HTTP API (orbat.answers, orbat.queries,
orbat.export). Errors print one readable line on stderr and exit with status 1.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from orbat import answers, config
from orbat.annotations import AnnotationError
from orbat.build import compile_graphs
from orbat.export import FORMATS, export_format, write
from orbat.names import NameIndex
from orbat.namespaces import graph_iri
from orbat.queries import (
    QueryError,
    Table,
    execute,
    get_query,
    internal_query,
    named_queries,
    parse_header,
    table,
)
from orbat.reasoning import Inconsistent, ReasonerUnavailable
from orbat.store import StoreError, TripleStore
from orbat.validation import ValidationFailed

app = typer.Typer(
    help="orbat: an order-of-battle knowledge base built from evidence-backed claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Folder of the embedded store [default: $ORBAT_STORE or ~/.local/share/orbat/store]."),
]
SparqlOption = Annotated[
    str | None,
    typer.Option("--sparql-url", help="Use a SPARQL 1.1 server (Oxigraph base URL) instead of the embedded store."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output: table, json or csv.")]
KNOWN_ERRORS = (
    AnnotationError,
    ValidationFailed,
    StoreError,
    QueryError,
    ReasonerUnavailable,
    Inconsistent,
    OSError,
)
F = TypeVar("F", bound=Callable[..., Any])


BUILD_ERRORS = (AnnotationError, ValidationFailed, ReasonerUnavailable, Inconsistent)  # the files do not build


def one_line(exc: BaseException) -> str:
    """An error as one readable line."""
    if isinstance(exc, ValidationFailed):
        return f"{len(exc.violations)} SHACL violation(s); first: {exc.violations[0]}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def readable_errors(command: F) -> F:
    """Turn the errors a user can cause into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            err.print(f"[red]error:[/red] {one_line(exc)}", highlight=False)
            for violation in exc.violations[1:20]:
                err.print(f"  {violation}", highlight=False)
            raise typer.Exit(1) from exc
        except KNOWN_ERRORS as exc:
            err.print(f"[red]error:[/red] {one_line(exc)}", highlight=False)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def _store(store_path: Path | None, sparql_url: str | None) -> tuple[TripleStore, Path | None]:
    path = None if sparql_url else (store_path or config.default_store_path())
    return config.open_store(path, sparql_url), path


def _ready_store(store_path: Path | None, sparql_url: str | None) -> TripleStore:
    """A store holding the current build: built now if empty or stale."""
    store, path = _store(store_path, sparql_url)
    if config.is_stale(store, path):
        err.print("[dim]the knowledge base is missing or stale: building it first[/dim]")
        _build(store, path, reason=True)
    return store


def _build(store: TripleStore, path: Path | None, reason: bool) -> Any:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("building", total=None)
        return config.build_and_record(store, path, reason=reason, progress=lambda s: bar.update(task, description=s))


def _print_table(table: Table, fmt: str) -> None:
    if fmt == "json":
        out.print_json(json.dumps({"columns": table.columns, "rows": table.rows}, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=table.columns)
        writer.writeheader()
        writer.writerows(table.rows)
    elif fmt == "table":
        rich_table = RichTable(*table.columns, show_lines=False)
        for row in table.rows:
            rich_table.add_row(
                *("" if row[c] is None else str(answers.short(str(row[c])) or "") for c in table.columns)
            )
        out.print(rich_table)
        err.print(f"[dim]{len(table.rows)} row(s)[/dim]")
    else:
        raise QueryError(f"unknown output format {fmt!r} (table, json, csv)")


def _parse_params(params: list[str]) -> dict[str, str]:
    parsed = {}
    for item in params:
        if "=" not in item:
            raise QueryError(f"parameter {item!r} is not NAME=VALUE")
        key, value = item.split("=", 1)
        parsed[key.strip()] = value
    return parsed


@app.command()
@readable_errors
def build(
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    reason: Annotated[bool, typer.Option(help="Run the HermiT reasoner and store its inferences.")] = True,
) -> None:
    """Build the knowledge base from the sources: annotations -> RDF -> SHACL -> reasoning -> store."""
    triple_store, path = _store(store, sparql_url)
    report = _build(triple_store, path, reason)
    out.print(
        f"[green]built[/green] {report.claims} claims from {report.sources} source(s), {report.passages} passages"
    )
    out.print(f"  claims by status: {report.claims_by_status}")
    out.print(f"  entities by kind: {report.entities_by_kind}")
    for graph, count in report.quads_by_graph.items():
        out.print(f"  {graph}: {count} triples")
    out.print(f"  inferred: {report.inferred} triples; store: {path or sparql_url}")


@app.command()
@readable_errors
def validate() -> None:
    """Validate the annotations against the SHACL shapes (no store is touched)."""
    _, report = compile_graphs(reason=False)
    out.print(
        f"[green]valid[/green]: {report.claims} claims, {report.passages} passages, {report.sources} source(s),"
        " 0 SHACL violations"
    )


@app.command()
@readable_errors
def query(
    name: Annotated[str | None, typer.Argument(help="A named query (see 'orbat queries').")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Run a .rq file instead of a named query.")] = None,
    fmt: FormatOption = "table",
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Run a named query with parameters, or a SPARQL file."""
    triple_store = _ready_store(store, sparql_url)
    names = NameIndex(triple_store)
    args = _parse_params(param or [])
    if file is not None:
        if not file.is_file():
            raise QueryError(f"no such query file: {file}")
        text = file.read_text(encoding="utf-8")
        if text.startswith("# name:"):  # a named-query file: its header declares the parameters
            _print_table(execute(triple_store, parse_header(file), args, names), fmt)
        elif args:
            raise QueryError("parameters need a query file with a '# name:' / '# param:' header")
        else:
            _print_table(table(triple_store.query(text)), fmt)
        return
    if name is None:
        raise QueryError("give a query name or --file (see 'orbat queries')")
    _print_table(execute(triple_store, get_query(name), args, names), fmt)


@app.command("queries")
def list_queries() -> None:
    """List the named queries and their parameters."""
    for item in named_queries().values():
        out.print(f"[bold]{item.name}[/bold]: {item.title}")
        for p in item.parameters:
            default = f" = {p.default}" if p.default else ""
            need = "" if p.required else " (optional)"
            out.print(f"    {p.name} ({p.type}{default}){need}: {p.description}")


@app.command()
@readable_errors
def near(
    place: Annotated[str, typer.Argument(help="A place, as analysts type it (al tanf, At-Tanf).")],
    radius: Annotated[float, typer.Option("--radius", "-r", help="Radius in km (0-150).")] = 50.0,
    fmt: FormatOption = "table",
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Who is positioned at or near a place, with the evidence."""
    triple_store = _ready_store(store, sparql_url)
    answer = answers.near(triple_store, NameIndex(triple_store), place, radius)
    if fmt == "json":
        out.print_json(json.dumps(answer, ensure_ascii=False))
        return
    rows = [
        {
            "actor": r["actor"]["label"],
            "relation": r["relation"],
            "location": r["location"]["label"],
            "distance_km": r["distance_km"],
            "claim": c["id"],
            "quote": c["quote"],
            "reported_by": c["reported_by_label"],
            "reliability": c["reliability"],
            "credibility": c["credibility"],
            "hedged": c["hedged"],
        }
        for r in answer["results"]
        for c in r["claims"]
    ]
    columns = [
        "actor",
        "relation",
        "location",
        "distance_km",
        "claim",
        "quote",
        "reported_by",
        "reliability",
        "credibility",
        "hedged",
    ]
    _print_table(Table(columns, rows), fmt)


@app.command()
@readable_errors
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")] = "turtle",
    graph: Annotated[
        str | None,
        typer.Option(help="A named graph (IRI or background, inferred, ontology, source/DOC); default: all."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")] = None,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Export the knowledge base: Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads or GeoJSON."""
    chosen = export_format(fmt)
    triple_store = _ready_store(store, sparql_url)
    if output is None:
        write(triple_store, chosen, sys.stdout.buffer, graph_iri(graph))
        return
    with output.open("wb") as handle:
        write(triple_store, chosen, handle, graph_iri(graph))
    err.print(f"[green]wrote[/green] {output} ({output.stat().st_size} bytes)")


@app.command()
@readable_errors
def stats(store: StoreOption = None, sparql_url: SparqlOption = None) -> None:
    """Counts: triples per graph, claims by status, entities by kind."""
    triple_store = _ready_store(store, sparql_url)
    for row in execute(triple_store, internal_query("stats"), {}).rows:
        out.print(f"{row['graph']}: {row['quads']} triples")
    for row in execute(triple_store, internal_query("counts"), {}).rows:
        out.print(f"{row['what']} {row['key']}: {row['n']}")


@app.command()
@readable_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Serve the knowledge base (SPARQL endpoint, REST API, web page), building it first if needed.

    When the files no longer build but an earlier build is in the store, that build is served,
    marked stale (a warning here, and ``/api/health``), rather than nothing at all.
    """
    from api.app import create_app
    from api.server import serve as serve_http
    from api.settings import Settings, SettingsError

    try:  # before the build: a bad setting stops at once; the endpoint's URL is this host and port by default
        settings = Settings.from_env(public_url=f"http://{f'[{host}]' if ':' in host else host}:{port}")
    except SettingsError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    triple_store, path = _store(store, sparql_url)
    freshness = config.Freshness()
    if config.is_stale(triple_store, path):
        err.print("[dim]the knowledge base is missing or stale: building it first[/dim]")
        try:
            _build(triple_store, path, reason=True)
        except BUILD_ERRORS as exc:
            if len(triple_store) == 0:
                raise
            freshness = config.Freshness(stale=True, reason=one_line(exc))
            err.print(
                f"[bold yellow]warning:[/bold yellow] the knowledge base does not build: {freshness.reason}\n"
                "[bold yellow]warning:[/bold yellow] serving the previous build, which is STALE "
                "(/api/health says so) until the files are fixed and the server restarted",
                highlight=False,
            )
    err.print(f"serving on http://{host}:{port}/ (SPARQL at /sparql, API docs at /docs)")
    serve_http(create_app(triple_store, settings, freshness), settings, host, port)


if __name__ == "__main__":
    app()
