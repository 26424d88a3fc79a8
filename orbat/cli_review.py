"""The analyst's review commands: ``orbat accept`` (a draft's proposals become claims) and
``orbat merge`` (two entities are one; undone with ``--undo``).

Registered on the one ``orbat`` app (orbat.cli imports this module); the work itself is done by
orbat.accept and orbat.decisions, which the HTTP API (api/routes/drafts.py, merges.py) calls too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from orbat import decisions
from orbat.accept import accept_text, proposal_ids
from orbat.cli import SparqlOption, StoreOption, _workspace, _writing_store, app, out, readable_errors
from orbat.workspace import WorkspaceError
from orbat.yamlfile import decode


@app.command()
@readable_errors
def accept(
    draft: Annotated[Path, typer.Argument(metavar="DRAFT", help="A draft report (written by 'orbat draft').")],
    claims: Annotated[
        list[str] | None,
        typer.Option("--claims", help="Accept only these proposals (ids: p1,p2 or repeated); the rest is dropped."),
    ] = None,
    reject: Annotated[
        list[str] | None, typer.Option("--reject", help="Drop these proposals (ids: p3,p4 or repeated).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the accepted report here [default: in place].")
    ] = None,
) -> None:
    """Turn a draft's proposals into claims: all of them, or those named with --claims, less --reject.

    Proposed entities no accepted claim uses are dropped; a proposal with 'candidates' is refused
    until the analyst has chosen. Comments and order are kept. Then: 'orbat add' the file."""
    if not draft.is_file():
        raise WorkspaceError(f"no draft file {draft}")
    source = decode(draft.read_bytes(), str(draft))
    text, outcome = accept_text(source, str(draft), proposal_ids(claims), proposal_ids(reject) or [])
    target = output or draft
    hidden = target.with_name(f".{target.name}.accepting")
    hidden.write_text(text, encoding="utf-8")
    os.replace(hidden, target)
    out.print(
        f"[green]accepted[/green] {len(outcome.accepted)} proposal(s) of {outcome.id}"
        f" ({', '.join(outcome.accepted) or 'none'}); rejected: {', '.join(outcome.rejected) or 'none'}",
        highlight=False,
    )
    if outcome.entities or outcome.unused:
        out.print(
            f"  entities kept: {', '.join(outcome.entities) or 'none'};"
            f" dropped, unused: {', '.join(outcome.unused) or 'none'}",
            highlight=False,
        )
    out.print(f"  wrote {target}; next: orbat add {target}", highlight=False)


@app.command()
@readable_errors
def merge(
    ctx: typer.Context,
    keep: Annotated[str | None, typer.Argument(metavar="KEEP", help="The entity kept (its id).")] = None,
    merged: Annotated[
        str | None, typer.Argument(metavar="MERGED", help="The entity that is the same (its id).")
    ] = None,
    undo: Annotated[str | None, typer.Option("--undo", metavar="ID", help="Undo the merge ID (m1, m2...).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides [default: $USER].")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why: the evidence that they are one.")] = None,
    store: StoreOption = None,
    sparql_url: SparqlOption = None,
) -> None:
    """Record that MERGED is KEEP (entity resolution): its names become KEEP's aliases and every
    reference to it is KEEP's, in the whole knowledge base; 'orbat merge --undo ID' reverses it.

    The decision (who, when, why) goes to decisions/merges.yaml; the knowledge base is rebuilt and
    checked, and a merge the checks refuse changes nothing."""
    if (undo is None) == (keep is None or merged is None) or (undo is not None and keep is not None):
        raise WorkspaceError("give KEEP and MERGED (two entity ids), or --undo ID")
    workspace = _workspace(ctx)
    triple_store = _writing_store(workspace, store, sparql_url)
    who = by or decisions.user()
    if undo is not None:
        done = decisions.undo(triple_store, workspace, undo, who)
        out.print(
            f"[green]undone[/green] merge {done.id}: {done.merge} is apart from {done.keep} again", highlight=False
        )
        return
    assert keep is not None and merged is not None
    made = decisions.merge(triple_store, workspace, keep, merged, who, reason)
    out.print(
        f"[green]merged[/green] {made.merge} into {made.keep} (decision {made.id}, by {made.by}, {made.at});"
        f" undo with: orbat merge --undo {made.id}",
        highlight=False,
    )
