"""Where the knowledge base and the workspace live and how to open them: an embedded store on disk
by default, or any SPARQL 1.1 server (``ORBAT_SPARQL_URL`` and the settings of orbat.store.endpoints)
for deployments that outgrow one machine.

The embedded store is RocksDB, which one process at a time may open for writing: a command that
only reads opens it read-only, so it works while ``orbat serve`` holds it; a command that writes
while another process holds it fails at once, saying what to do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orbat import manifest
from orbat.build import BuildReport, build, needs_full
from orbat.reports import SUFFIX, report_files
from orbat.store import EmbeddedStore, RemoteStore, StoreError, TripleStore
from orbat.store.endpoints import EndpointError, from_env
from orbat.workspace import Workspace, init


def data_home() -> Path:
    """``$XDG_DATA_HOME/orbat`` (``~/.local/share/orbat``): the default store and workspace."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "orbat"


def default_store_path() -> Path:
    """``$ORBAT_STORE``, else ``$XDG_DATA_HOME/orbat/store`` (``~/.local/share/orbat/store``)."""
    if os.environ.get("ORBAT_STORE"):
        return Path(os.environ["ORBAT_STORE"]).expanduser()
    return data_home() / "store"


def default_workspace_path() -> Path:
    """The workspace used when none is chosen: ``$XDG_DATA_HOME/orbat/workspace``."""
    return data_home() / "workspace"


def open_workspace(path: Path | None = None, say: Callable[[str], None] = print) -> Workspace:
    """The workspace given (``--workspace``), else ``$ORBAT_WORKSPACE``, else the default folder,
    made from the example (the seed) on first use. A chosen folder must already be a workspace."""
    chosen = path or (Path(os.environ["ORBAT_WORKSPACE"]) if os.environ.get("ORBAT_WORKSPACE") else None)
    if chosen is not None:
        return Workspace.open(chosen)
    default = default_workspace_path()
    if not default.exists():
        init(default, example=True)
        say(f"made the workspace {default} from the example (the seed); choose another with --workspace")
    return Workspace.open(default)


def report_path(store_path: Path) -> Path:
    """The last build's report, beside the store folder (the fingerprint tells whether it is stale)."""
    return store_path.with_name(store_path.name + ".build.json")


def open_store(path: Path | None = None, sparql_url: str | None = None, *, read_only: bool = False) -> TripleStore:
    """The store to use; an embedded one ``read_only`` for commands that only read."""
    try:
        endpoints = from_env(sparql_url)
    except EndpointError as exc:
        raise StoreError(str(exc)) from exc
    if endpoints is not None:
        return RemoteStore(endpoints, versioned=True)  # shared: other processes follow its version
    store_path = path or default_store_path()
    if read_only:
        if not store_path.is_dir():
            raise StoreError(f"no knowledge base at {store_path}: build it with 'orbat build'")
        return EmbeddedStore(store_path, read_only=True)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return EmbeddedStore(store_path)
    except StoreError as exc:
        if "lock" not in str(exc).lower():
            raise
        raise StoreError(
            f"the store at {store_path} is in use by another process (an 'orbat serve'?): stop it first,"
            " or change the knowledge base through the server's HTTP API"
        ) from exc


def last_report(store_path: Path) -> BuildReport | None:
    path = report_path(store_path)
    if not path.is_file():
        return None
    return BuildReport(**json.loads(path.read_text(encoding="utf-8")))


def build_and_record(
    store: TripleStore, store_path: Path | None, workspace: Workspace, **options: object
) -> BuildReport:
    """Build, and keep the report of a full build beside the store (``orbat build`` shows it)."""
    report = build(store, workspace, **options)  # type: ignore[arg-type]
    if store_path is not None and report.full:
        report_path(store_path).write_text(report.to_json(), encoding="utf-8")
    return report


def staleness(store: TripleStore, store_path: Path | None, workspace: Workspace) -> str | None:
    """Why the store does not hold the current files of ``workspace`` (empty, built from another
    workspace, files changed since), or None when it does: the store's manifest against the
    hashes of the files (orbat.manifest). ``store_path`` is kept for the callers' convenience."""
    if len(store) == 0:
        return "it is empty"
    current = manifest.read(store)
    why = needs_full(store, workspace, current)
    if why is not None:
        return why
    context = manifest.context_hash(workspace)
    recorded = {rid: e for rid, e in current.reports().items() if all(f.startswith("reports/") for f in e.files)}
    on_disk = {p.name.removesuffix(SUFFIX) for p in report_files(workspace)}
    if set(recorded) != on_disk:
        return f"reports were added to or removed from {workspace.reports} since it was built"
    for rid, entry in recorded.items():
        if manifest.PENDING in (entry.input_hash, entry.content_hash):
            return f"the report {rid} was being written when a process stopped"
        if manifest.report_hash(workspace, context, entry.files) != entry.input_hash:
            return f"the report {rid} changed since it was built"
    return None


@dataclass(frozen=True)
class Freshness:
    """Whether the served store holds the current files; if not, why (the failed build's error).

    ``orbat serve`` keeps serving the previous build when the files no longer build, and says so
    on stderr and in ``/api/health``.
    """

    stale: bool = False
    reason: str | None = None
