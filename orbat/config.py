"""Where the knowledge base lives and how to open it: an embedded store on disk by default,
or any SPARQL 1.1 server (``ORBAT_SPARQL_URL``) for deployments that outgrow one machine.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from orbat.build import BuildReport, build, fingerprint
from orbat.store import EmbeddedStore, RemoteStore, TripleStore


def default_store_path() -> Path:
    """``$ORBAT_STORE``, else ``$XDG_DATA_HOME/orbat/store`` (``~/.local/share/orbat/store``)."""
    if os.environ.get("ORBAT_STORE"):
        return Path(os.environ["ORBAT_STORE"]).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "orbat" / "store"


def report_path(store_path: Path) -> Path:
    """The last build's report, beside the store folder (the fingerprint tells whether it is stale)."""
    return store_path.with_name(store_path.name + ".build.json")


def open_store(path: Path | None = None, sparql_url: str | None = None) -> TripleStore:
    url = sparql_url or os.environ.get("ORBAT_SPARQL_URL")
    if url:
        return RemoteStore.oxigraph(url)
    store_path = path or default_store_path()
    store_path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedStore(store_path)


def last_report(store_path: Path) -> BuildReport | None:
    path = report_path(store_path)
    if not path.is_file():
        return None
    return BuildReport(**json.loads(path.read_text(encoding="utf-8")))


def build_and_record(store: TripleStore, store_path: Path | None, **options: object) -> BuildReport:
    report = build(store, **options)  # type: ignore[arg-type]
    if store_path is not None:
        report_path(store_path).write_text(report.to_json(), encoding="utf-8")
    return report


def is_stale(store: TripleStore, store_path: Path | None) -> bool:
    """True when the store is empty or was built from other inputs than the current files."""
    if len(store) == 0:
        return True
    if store_path is None:
        return False
    report = last_report(store_path)
    return report is None or report.fingerprint != fingerprint()


@dataclass(frozen=True)
class Freshness:
    """Whether the served store holds the current files; if not, why (the failed build's error).

    ``orbat serve`` keeps serving the previous build when the files no longer build, and says so
    on stderr and in ``/api/health``.
    """

    stale: bool = False
    reason: str | None = None
