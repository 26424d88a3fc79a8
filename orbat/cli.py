"""The ``orbat`` command line: init, build, add, remove, draft, reports, validate, query, near, entity,
members, hierarchy, claims, export, stats, serve.

Every command calls the same functions as the HTTP API (orbat.answers, orbat.queries,
orbat.export); an answer (orbat.models) prints as a table, as CSV, or with ``--json`` as the very
JSON the API answers to the same question. Errors print one readable line on stderr and exit
with status 1. The workspace (``--workspace``, ``$ORBAT_WORKSPACE``, else the default one) says
which files are the knowledge base; commands that only read open the store read-only (they work
while ``orbat serve`` runs) and never build: a missing or stale store is an error that says how
to build it.
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
from rich.text import Text

from orbat import analysis, answers, changes, config, reports
from orbat.annotations import AnnotationError
from orbat.build import compile_graphs
from orbat.checks import run_checks
from orbat.export import FORMATS, prepare, write
from orbat.exporters import Options
from orbat.extract.inputs import DraftInputError, ReportMeta, parse_date
from orbat.models import Answer, QueryResult
from orbat.names import NameIndex
from orbat.queries import (
    QueryError,
    Table,
    execute,
    internal_query,
    named_queries,
    parse_header,
    table,
)
from orbat.reasoning import Inconsistent, ReasonerUnavailable
from orbat.store import StoreError, TripleStore
from orbat.validation import ValidationFailed
from orbat.workspace import Workspace, WorkspaceError, init
from orbat.yamlfile import Problems

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
JsonOption = Annotated[bool, typer.Option("--json", help="Print the JSON the HTTP API answers (-f json).")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Only claims reported by this date (YYYY-MM-DD).")]
ValidAtOption = Annotated[
    str | None, typer.Option("--valid-at", help="Only claims that held on this date (YYYY-MM-DD).")
]
CELL_WIDTH = 90  # a table cell longer than this is cut on a terminal (--full shows it whole)
DraftsOption = Annotated[
    bool, typer.Option("--include-drafts", help="Also claims still draft (loaded with 'orbat add --drafts').")
]
KNOWN_ERRORS = (
    AnnotationError,
    ValidationFailed,
    StoreError,
    QueryError,
    ReasonerUnavailable,
    Inconsistent,
    WorkspaceError,
    reports.ReportNotFound,
    changes.ReportConflict,
    DraftInputError,
    OSError,
)
F = TypeVar("F", bound=Callable[..., Any])
Asking = Callable[[TripleStore, NameIndex], Answer]  # a question of orbat.answers, its arguments bound


BUILD_ERRORS = (AnnotationError, ValidationFailed, ReasonerUnavailable, Inconsistent)  # the files do not build


def one_line(exc: BaseException) -> str:
    """An error as one readable line."""
    if isinstance(exc, ValidationFailed):
        return f"{len(exc.violations)} SHACL violation(s); first: {exc.violations[0]}"
    if isinstance(exc, Problems):
        more = len(exc.problems) - 1
        return f"{exc.lines()[0]}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
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
        except Problems as exc:
            err.print(f"[red]error:[/red] {one_line(exc)}", highlight=False)
            for line in exc.lines()[1:]:
                err.print(f"  {line}", highlight=False)
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
    full: Annotated[
        bool, typer.Option("--full", help=f"Tables show long quotes whole (cut at {CELL_WIDTH} characters otherwise).")
    ] = False,
) -> None:
    """orbat: an order-of-battle knowledge base built from evidence-backed claims."""
    ctx.obj = workspace
    ctx.meta["full"] = full


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


def _build(store: TripleStore, path: Path | None, workspace: Workspace, reason: bool, full: bool = False) -> Any:
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("building", total=None)
        return config.build_and_record(
            store, path, workspace, reason=reason, full=full, progress=lambda s: bar.update(task, description=s)
        )


def _writing_store(workspace: Workspace, store_path: Path | None, sparql_url: str | None) -> TripleStore:
    """The store, for a change of reports: up to date with the workspace first (an incremental build)."""
    try:
        store, path = _store(store_path, sparql_url, read_only=False)
    except StoreError as exc:
        if "in use by another process" not in str(exc):
            raise
        raise StoreError(
            "the store is held by a running 'orbat serve': add or remove reports through its HTTP API "
            "(POST /api/reports, DELETE /api/reports/ID with the update token)"
        ) from exc
    stale = config.staleness(store, path, workspace)
    if stale:
        err.print(f"[dim]the knowledge base is not up to date ({stale}): building it first[/dim]", highlight=False)
        _build(store, path, workspace, reason=True)
    return store


def _print_table(table: Table, fmt: str, full: bool = False) -> None:
    """A table as CSV, or on a terminal with cells past ``CELL_WIDTH`` cut unless ``full``."""
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=table.columns)
        writer.writeheader()
        writer.writerows(table.rows)
    elif fmt == "table":
        # columns empty in every row (parameters not given, as_of...) only take room on a terminal
        table = Table(
            [c for c in table.columns if any(row[c] is not None for row in table.rows)] or table.columns, table.rows
        )
        rich_table = RichTable(*table.columns, show_lines=False)
        cut = 0
        for row in table.rows:
            cells = ["" if row[c] is None else str(answers.short(str(row[c])) or "") for c in table.columns]
            if not full:
                cut += sum(len(cell) > CELL_WIDTH for cell in cells)
                cells = [cell if len(cell) <= CELL_WIDTH else cell[: CELL_WIDTH - 1] + "…" for cell in cells]
            rich_table.add_row(*(Text(cell) for cell in cells))
        out.print(rich_table)
        more = f"; {cut} long cell(s) cut: orbat --full ... shows them whole" if cut else ""
        err.print(f"[dim]{len(table.rows)} row(s){more}[/dim]", highlight=False)
    else:
        raise QueryError(f"unknown output format {fmt!r} (table, json, csv)")


def _output(fmt: str, as_json: bool) -> str:
    if as_json and fmt not in ("table", "json"):
        raise QueryError(f"--json and --format {fmt} ask for two outputs: give one")
    return "json" if as_json else fmt


def _full(ctx: typer.Context) -> bool:
    """Whether tables show long cells whole (the global option --full)."""
    return bool(ctx.find_root().meta.get("full"))


def _print_answer(answer: Answer, fmt: str, full: bool = False) -> None:
    """An answer as the JSON the HTTP API answers to the same question, or as a table or CSV."""
    if fmt == "json":
        sys.stdout.write(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "table" and answer.caption():
        out.print(answer.caption(), highlight=False, markup=False)
    _print_table(Table(*answer.table()), fmt, full)


def _answer(ctx: typer.Context, store: Path | None, sparql_url: str | None, fmt: str, ask: Asking) -> None:
    """Ask ``ask`` of the workspace's store (read-only) and print the answer."""
    triple_store = _reading_store(_workspace(ctx), store, sparql_url)
    _print_answer(ask(triple_store, NameIndex(triple_store)), fmt, _full(ctx))


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
    reason: Annotated[
        bool, typer.Option(help="In a full build, check the whole knowledge base with the HermiT reasoner.")
    ] = True,
    full: Annotated[
        bool, typer.Option("--full", help="Read, check and infer everything again, not only what changed.")
    ] = False,
) -> None:
    """Build the knowledge base from the workspace: files -> RDF -> SHACL -> inferences -> store.

    Only what changed since the last build is read again and written (the store's manifest says
    what was built from which files); graphs the build did not write are never touched."""
    workspace = _workspace(ctx)
    triple_store, path = _store(store, sparql_url, read_only=False)
    report = _build(triple_store, path, workspace, reason, full)
    if not report.full:
        changed = len(report.written) + len(report.dropped)
        out.print(
            f"[green]up to date[/green]: {len(report.written)} graph(s) written, {len(report.dropped)} dropped"
            if changed
            else "[green]up to date[/green]: nothing changed since the last build"
        )
        for graph in [*report.written, *report.dropped]:
            out.print(f"  {graph}", highlight=False)
        return
    out.print(
        f"[green]built[/green] {report.claims} claims from {report.sources} source(s), {report.passages} passages"
    )
    out.print(f"  claims by status: {report.claims_by_status}")
    out.print(f"  entities by kind: {report.entities_by_kind}")
    for graph, count in report.quads_by_graph.items():
        out.print(f"  {graph}: {count} triples")
    out.print(f"  inferred: {report.inferred} triples; store: {path or sparql_url}; workspace: {report.workspace}")
    out.print(f"  written: {len(report.written)} graph(s), dropped: {len(report.dropped)}")
    for note in report.notes:
        out.print(f"  note: {note}", highlight=False)


@app.command()
@readable_errors
def add(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument(help="A report file (YAML or JSON; see docs/annotating.md).")],
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Load its draft claims as drafts (else: 'orbat accept' it first).")
    ] = False,
) -> None:
    """Add a report to the workspace and the knowledge base, or replace it by a corrected version.

    Everything is checked first and every problem listed; then the file goes to reports/<id>.yaml and
    its graphs into the store, together. A draft (proposals not yet accepted) is refused unless --drafts."""
    workspace = _workspace(ctx)
    if not report.is_file():
        raise WorkspaceError(f"no report file {report}")
    triple_store = _writing_store(workspace, store, sparql_url)
    data = report.read_bytes()
    outcome = changes.add(triple_store, workspace, data, name=str(report), folder=report.parent, drafts=drafts)
    out.print(f"[green]{outcome.action}[/green] report {outcome.id}: {outcome.claims} claim(s), {outcome.file}")


@app.command()
@readable_errors
def remove(
    ctx: typer.Context,
    report_id: Annotated[str, typer.Argument(metavar="ID", help="The report's id (see 'orbat reports').")],
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Remove a report: its file, its graphs and the inferences it alone gave."""
    workspace = _workspace(ctx)
    triple_store = _writing_store(workspace, store, sparql_url)
    outcome = changes.remove(triple_store, workspace, report_id)
    out.print(f"[green]removed[/green] report {outcome.id} ({outcome.file})")


@app.command()
@readable_errors
def draft(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument(help="The report's text (plain text or HTML; '-' reads standard input).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the draft here [default: stdout].")
    ] = None,
    source: Annotated[str | None, typer.Option(help="The outlet (publisher), as printed.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the report was read.")] = None,
    date: Annotated[str | None, typer.Option(help="The report's date, YYYY-MM-DD.")] = None,
    author: Annotated[str | None, typer.Option(help="The report's author.")] = None,
    language: Annotated[str | None, typer.Option(help="The report's language (drafts read English).")] = None,
    title: Annotated[str | None, typer.Option(help="The report's title.")] = None,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Draft a report from raw text: known names, new places, units and people, claims, all proposals
    (status: draft) to review and accept (docs/drafting.md). Header fields of the file (source: ...
    then a line ---) are read too; options win."""
    from orbat.extract import draft_report, rule_extractor

    data = sys.stdin.buffer.read() if str(report) == "-" else report.read_bytes()
    given = ReportMeta(source, url, parse_date(date, "--date") if date else None, author, language, title)
    names = NameIndex(_reading_store(_workspace(ctx), store, sparql_url))
    with Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("drafting", total=None)
        extractor = rule_extractor(names, lambda done, total: bar.update(task, description=f"sentence {done}/{total}"))
        result = draft_report(data, names, given, name=str(report), extractor=extractor)
    if output is None:
        sys.stdout.write(result.yaml)
    else:
        output.write_text(result.yaml, encoding="utf-8")
    for note in result.draft.notes:
        err.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    counts = f"{len(result.draft.claims)} claim(s), {len(result.draft.entities)} new entit(ies)"
    err.print(f"drafted {counts}" + (f" -> {output}" if output else ""), highlight=False)


@app.command("reports")
@readable_errors
def list_reports(
    ctx: typer.Context, fmt: FormatOption = "table", store: StoreOption = None, sparql_url: SparqlOption = None
) -> None:
    """The reports of the knowledge base: id, date, title, claims, file."""
    _print_answer(reports.listing(_reading_store(_workspace(ctx), store, sparql_url)), fmt, _full(ctx))


@app.command()
@readable_errors
def validate(ctx: typer.Context) -> None:
    """Validate the workspace's annotations against the SHACL shapes and the violation checks
    (queries/checks/: ontology quality, grading that follows the evidence); no store is touched."""
    compiled = compile_graphs(_workspace(ctx), reason=False)
    report = compiled.report
    ran, failures = run_checks(compiled.ntriples())
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
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Run a named query with parameters, or a SPARQL file."""
    fmt = _output(fmt, as_json)
    workspace = _workspace(ctx)
    triple_store = _reading_store(workspace, store, sparql_url)
    names = NameIndex(triple_store)
    args = _parse_params(param or [])
    if file is not None:
        if not file.is_file():
            raise QueryError(f"no such query file: {file}")
        text = file.read_text(encoding="utf-8")
        if text.startswith("# name:"):  # a named-query file: its header declares the parameters
            header = parse_header(file)
            result = execute(triple_store, header, args, names, workspace=workspace)
            _print_answer(QueryResult(query=header.name, columns=result.columns, rows=result.rows), fmt, _full(ctx))
        elif args:
            raise QueryError("parameters need a query file with a '# name:' / '# param:' header")
        else:
            result = table(triple_store.query(text))
            _print_answer(QueryResult(query=str(file), columns=result.columns, rows=result.rows), fmt, _full(ctx))
        return
    if name is None:
        raise QueryError("give a query name or --file (see 'orbat queries')")
    _print_answer(answers.query_table(triple_store, names, name, args, workspace), fmt, _full(ctx))


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
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    include_drafts: DraftsOption = False,
    limit: Annotated[int, typer.Option(help="Results (actor, relation, location) per page.")] = 100,
    offset: Annotated[int, typer.Option(help="Results to skip.")] = 0,
) -> None:
    """Who is positioned at or near a place, nearest first, with the evidence (as GET /api/near)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: answers.near(s, n, place, radius, as_of, valid_at, include_drafts, limit, offset),
    )


@app.command()
@readable_errors
def entity(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="The entity id (al-tanf, hezbollah).")],
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    side: Annotated[
        str | None, typer.Option(help="An alliance id: the symbol's affiliation is relative to it.")
    ] = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    include_drafts: DraftsOption = False,
) -> None:
    """An entity: labels, kind, structure, military symbol and every claim about it (as GET /api/entities/ID)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: answers.entity(s, n, entity_id, as_of, valid_at, include_drafts, side),
    )


@app.command()
@readable_errors
def members(
    ctx: typer.Context,
    alliance: Annotated[str, typer.Argument(help="The alliance: id, name or alias (R+6).")],
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    limit: Annotated[int, typer.Option(help="Members per page.")] = 100,
    offset: Annotated[int, typer.Option(help="Members to skip.")] = 0,
) -> None:
    """Members of an alliance, with the claims that say so (as GET /api/alliances/ID/members)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: answers.members(s, n, alliance, as_of, valid_at, limit, offset),
    )


@app.command()
@readable_errors
def hierarchy(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="The unit: id, name or alias (31st Guards Air Assault Brigade).")],
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    limit: Annotated[int, typer.Option(help="Subunits per page.")] = 100,
    offset: Annotated[int, typer.Option(help="Subunits to skip.")] = 0,
) -> None:
    """Every subunit under a unit, at any depth, with its claims (as GET /api/units/ID/hierarchy)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: answers.hierarchy(s, n, unit, as_of, valid_at, limit, offset),
    )


@app.command()
@readable_errors
def claims(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option(help="The subject: id, name or alias.")] = None,
    relation: Annotated[str | None, typer.Option(help="An ontology relation; its sub-relations count.")] = None,
    object: Annotated[str | None, typer.Option("--object", help="The object: id, name or alias.")] = None,
    source: Annotated[str | None, typer.Option(help="A source document id.")] = None,
    hedged: Annotated[bool | None, typer.Option("--hedged/--not-hedged", help="Only hedged or unhedged.")] = None,
    status: Annotated[str | None, typer.Option(help="reported, assessed, inferred or background.")] = None,
    limit: Annotated[int, typer.Option(help="Claims per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Claims to skip.")] = 0,
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
    include_drafts: DraftsOption = False,
) -> None:
    """Claims, filtered and paged (as GET /api/claims)."""
    filters = {
        "subject": subject,
        "relation": relation,
        "object": object,
        "source": source,
        "hedged": hedged,
        "status": status,
        "include_drafts": include_drafts,
    }
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: answers.claims(s, n, filters, limit, offset, as_of, valid_at),
    )


@app.command()
@readable_errors
def corroboration(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option(help="Only relations of this subject: id, name or alias.")] = None,
    relation: Annotated[str | None, typer.Option(help="Only this relation (not its sub-relations).")] = None,
    object: Annotated[str | None, typer.Option("--object", help="Only relations with this object.")] = None,
    min_lines: Annotated[int, typer.Option(help="Only relations with at least this many independent lines.")] = 1,
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Relations with their independent lines of reporting and every claim about them (as GET
    /api/corroboration)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: analysis.corroboration(s, n, subject, relation, object, min_lines, as_of, valid_at),
    )


@app.command()
@readable_errors
def contradictions(
    ctx: typer.Context,
    min_km: Annotated[float, typer.Option(help="How far apart two positions of one unit must be.")] = 100.0,
    as_of: AsOfOption = None,
    valid_at: ValidAtOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Pairs of claims that cannot both hold, with both quotes (as GET /api/contradictions)."""
    _answer(
        ctx,
        store,
        sparql_url,
        _output(fmt, as_json),
        lambda s, n: analysis.contradictions(s, n, min_km, as_of, valid_at),
    )


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
    as_of: Annotated[str | None, typer.Option(help="Map formats: only claims reported by this date.")] = None,
    side: Annotated[
        str | None, typer.Option(help="Map formats: the alliance whose viewpoint sets affiliations.")
    ] = None,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Export the knowledge base: Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads, or a map:
    GeoJSON, KML, ORBAT Mapper (geojson, kml, orbat-mapper; with --as-of and --side)."""
    triple_store = _reading_store(_workspace(ctx), store, sparql_url)
    options = Options(as_of=as_of, side=side)
    chosen, iri = prepare(triple_store, fmt, graph, options)
    if output is None:
        write(triple_store, chosen, sys.stdout.buffer, iri, options)
        return
    with output.open("wb") as handle:
        write(triple_store, chosen, handle, iri, options)
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="API processes sharing the port; more than 1 needs a SPARQL server (--sparql-url or"
            " ORBAT_SPARQL_URL), which they share.",
        ),
    ] = 1,
    reason: Annotated[
        bool,
        typer.Option(
            help="When it builds first, check the knowledge base with the HermiT reasoner (needs Java, about"
            " 10 s for the seed); the rules infer the same graphs without it."
        ),
    ] = True,
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
    if workers > 1 and not (sparql_url or os.environ.get("ORBAT_SPARQL_URL")):
        err.print(
            "[red]error:[/red] --workers needs a SPARQL server that the workers share (--sparql-url or"
            " ORBAT_SPARQL_URL): an embedded store is held by one process",
            highlight=False,
        )
        raise typer.Exit(1)
    triple_store, path = _store(store, sparql_url, read_only=False)
    freshness = config.Freshness()
    stale = config.staleness(triple_store, path, workspace)
    if stale:
        err.print(f"[dim]the knowledge base is not up to date ({stale}): building it first[/dim]", highlight=False)
        try:
            _build(triple_store, path, workspace, reason=reason)
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
    if workers > 1:
        from api.server import serve_workers

        os.environ.update(ORBAT_WORKSPACE=str(workspace.root), ORBAT_PUBLIC_URL=settings.public_url)
        if sparql_url:
            os.environ["ORBAT_SPARQL_URL"] = sparql_url
        serve_workers(settings, host, port, workers)
        return
    serve_http(create_app(triple_store, settings, freshness=freshness, workspace=workspace), settings, host, port)


if __name__ == "__main__":
    app()


from orbat import cli_review  # noqa: E402, F401  (accept, merge: commands of their own module)
