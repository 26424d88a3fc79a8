"""The ``orbat`` command line: init, build, validate, query, near, export, stats, serve.

Every command calls the same functions as the HTTP API (orbat.answers, orbat.queries,
orbat.export). Errors print one readable line on stderr and exit with status 1. The workspace
(``--workspace``, ``$ORBAT_WORKSPACE``, else the default one) says which files are the knowledge
base; commands that only read open the store read-only (they work while ``orbat serve`` runs)
and never build: a missing or stale store is an error that says how to build it.
"""

from __future__ import annotations

import csv
import functools
import json
import os
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
from orbat.checks import run_checks
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
from orbat.workspace import Workspace, WorkspaceError, init

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
    WorkspaceError,
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


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="The workspace folder (default: $ORBAT_WORKSPACE, else ~/.local/share/orbat/workspace,"
            " made from the example on first use).",
        ),
    ] = None,
) -> None:
    """orbat: an order-of-battle knowledge base built from evidence-backed claims."""
    ctx.obj = workspace


def _workspace(ctx: typer.Context) -> Workspace:
    """The workspace chosen on the command line (the global option), else the default."""
    chosen = ctx.find_root().obj
    return config.open_workspace(chosen, say=lambda text: err.print(f"[dim]{text}[/dim]", highlight=False))


def _store(store_path: Path | None, sparql_url: str | None, *, read_only: bool) -> tuple[TripleStore, Path | None]:
    remote = sparql_url or os.environ.get("ORBAT_SPARQL_URL")
    path = None if remote else (store_path or config.default_store_path())
    return config.open_store(path, sparql_url, read_only=read_only), path


def _reading_store(workspace: Workspace, store_path: Path | None, sparql_url: str | None) -> TripleStore:
    """The store, read-only, holding the workspace's current build; never built here."""
    store, path = _store(store_path, sparql_url, read_only=True)
    stale = config.staleness(store, path, workspace)
    if stale:
        where = path or sparql_url or os.environ.get("ORBAT_SPARQL_URL")
        raise StoreError(f"the knowledge base at {where} is not up to date ({stale}): build it with 'orbat build'")
    return store


def _build(store: TripleStore, path: Path | None, workspace: Workspace, reason: bool) -> Any:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("building", total=None)
        return config.build_and_record(
            store, path, workspace, reason=reason, progress=lambda s: bar.update(task, description=s)
        )


def _print_table(table: Table, fmt: str) -> None:
    if fmt == "json":
        out.print_json(json.dumps({"columns": table.columns, "rows": table.rows}, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=table.columns)
        writer.writeheader()
        writer.writerows(table.rows)
    elif fmt == "table":
        # columns empty in every row (parameters not given, as_of...) only take room on a terminal
        table = Table(
            [c for c in table.columns if any(row[c] is not None for row in table.rows)] or table.columns, table.rows
        )
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


@app.command("init")
@readable_errors
def init_workspace(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder.")],
    example: Annotated[bool, typer.Option("--example", help="Copy the example (the seed report) into it.")] = False,
) -> None:
    """Make a workspace: the folders for sources, annotations and background knowledge."""
    made = init(directory, example=example)
    out.print(f"[green]made[/green] the workspace {made.root}{' from the example' if example else ''}", highlight=False)
    out.print(f"  use it with: orbat --workspace {directory} build", highlight=False)


@app.command()
@readable_errors
def build(
    ctx: typer.Context,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    reason: Annotated[bool, typer.Option(help="Run the HermiT reasoner and store its inferences.")] = True,
) -> None:
    """Build the knowledge base from the workspace: annotations -> RDF -> SHACL -> reasoning -> store."""
    workspace = _workspace(ctx)
    triple_store, path = _store(store, sparql_url, read_only=False)
    report = _build(triple_store, path, workspace, reason)
    out.print(
        f"[green]built[/green] {report.claims} claims from {report.sources} source(s), {report.passages} passages"
    )
    out.print(f"  claims by status: {report.claims_by_status}")
    out.print(f"  entities by kind: {report.entities_by_kind}")
    for graph, count in report.quads_by_graph.items():
        out.print(f"  {graph}: {count} triples")
    out.print(f"  inferred: {report.inferred} triples; store: {path or sparql_url}; workspace: {report.workspace}")


@app.command()
@readable_errors
def validate(ctx: typer.Context) -> None:
    """Validate the workspace's annotations against the SHACL shapes and the violation checks
    (queries/checks/: ontology quality, grading that follows the evidence); no store is touched."""
    graphs, report = compile_graphs(_workspace(ctx), reason=False)
    ran, failures = run_checks(graphs)
    for failure in failures:
        err.print(f"[red]{failure.name}[/red] ({failure.title}): {len(failure.rows)} row(s)", highlight=False)
        for row in failure.rows[:20]:
            err.print("  " + ", ".join(f"{k}={str(v).rsplit('/', 1)[-1]}" for k, v in row.items()), highlight=False)
    if failures:
        total = sum(len(f.rows) for f in failures)
        err.print(f"[red]error:[/red] {total} violation(s) in {len(failures)} of {ran} checks", highlight=False)
        raise typer.Exit(1)
    out.print(
        f"[green]valid[/green]: {report.claims} claims, {report.passages} passages, {report.sources} source(s),"
        f" 0 SHACL violations, 0 violations of {ran} checks"
    )


@app.command()
@readable_errors
def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="A named query (see 'orbat queries').")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Run a .rq file instead of a named query.")] = None,
    fmt: FormatOption = "table",
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Run a named query with parameters, or a SPARQL file."""
    workspace = _workspace(ctx)
    triple_store = _reading_store(workspace, store, sparql_url)
    names = NameIndex(triple_store)
    args = _parse_params(param or [])
    if file is not None:
        if not file.is_file():
            raise QueryError(f"no such query file: {file}")
        text = file.read_text(encoding="utf-8")
        if text.startswith("# name:"):  # a named-query file: its header declares the parameters
            _print_table(execute(triple_store, parse_header(file), args, names, workspace=workspace), fmt)
        elif args:
            raise QueryError("parameters need a query file with a '# name:' / '# param:' header")
        else:
            _print_table(table(triple_store.query(text)), fmt)
        return
    if name is None:
        raise QueryError("give a query name or --file (see 'orbat queries')")
    _print_table(execute(triple_store, get_query(name, workspace), args, names, workspace=workspace), fmt)


@app.command("queries")
@readable_errors
def list_queries(ctx: typer.Context) -> None:
    """List the named queries (the package's and the workspace's) and their parameters."""
    for item in named_queries(_workspace(ctx)).values():
        out.print(f"[bold]{item.name}[/bold]: {item.title}")
        for p in item.parameters:
            default = f" = {p.default}" if p.default else ""
            need = "" if p.required else " (optional)"
            out.print(f"    {p.name} ({p.type}{default}){need}: {p.description}")


@app.command()
@readable_errors
def near(
    ctx: typer.Context,
    place: Annotated[str, typer.Argument(help="A place, as analysts type it (al tanf, At-Tanf).")],
    radius: Annotated[float, typer.Option("--radius", "-r", help="Radius in km (0-150).")] = 50.0,
    fmt: FormatOption = "table",
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Who is positioned at or near a place, with the evidence."""
    triple_store = _reading_store(_workspace(ctx), store, sparql_url)
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
    ctx: typer.Context,
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
    triple_store = _reading_store(_workspace(ctx), store, sparql_url)
    if output is None:
        write(triple_store, chosen, sys.stdout.buffer, graph_iri(graph))
        return
    with output.open("wb") as handle:
        write(triple_store, chosen, handle, graph_iri(graph))
    err.print(f"[green]wrote[/green] {output} ({output.stat().st_size} bytes)")


@app.command()
@readable_errors
def stats(ctx: typer.Context, store: StoreOption = None, sparql_url: SparqlOption = None) -> None:
    """Counts: triples per graph, claims by status, entities by kind."""
    triple_store = _reading_store(_workspace(ctx), store, sparql_url)
    for row in execute(triple_store, internal_query("stats"), {}).rows:
        out.print(f"{row['graph']}: {row['quads']} triples")
    for row in execute(triple_store, internal_query("counts"), {}).rows:
        out.print(f"{row['what']} {row['key']}: {row['n']}")


@app.command()
@readable_errors
def serve(
    ctx: typer.Context,
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
    workspace = _workspace(ctx)
    triple_store, path = _store(store, sparql_url, read_only=False)
    freshness = config.Freshness()
    stale = config.staleness(triple_store, path, workspace)
    if stale:
        err.print(f"[dim]the knowledge base is not up to date ({stale}): building it first[/dim]", highlight=False)
        try:
            _build(triple_store, path, workspace, reason=True)
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
    err.print(f"serving {workspace.root} on http://{host}:{port}/ (SPARQL at /sparql, API docs at /docs)")
    serve_http(create_app(triple_store, settings, freshness=freshness, workspace=workspace), settings, host, port)


if __name__ == "__main__":
    app()
