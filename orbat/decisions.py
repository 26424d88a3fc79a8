"""Entity resolution decisions: two entities are one (``orbat merge KEEP MERGED``), and undone.

A merge is a decision of an analyst, recorded with who, when and why in the workspace's
``decisions/merges.yaml`` (reviewable and diffable like every file of the workspace); it is never
made silently by a matcher. A merge undone stays on record, marked with who undid it and when::

    merges:
      - id: m1
        keep: hezbollah                # the entity kept
        merge: hizbullah               # the entity folded into it
        by: analyst-a
        at: "2017-06-08T09:12:00+00:00"
        reason: "the same party, in another transliteration"
        undone: {by: analyst-b, at: "2017-06-09T10:00:00+00:00"}   # only once undone

The build rewrites the knowledge base (``rename``): every reference to the merged entity, in every
graph, becomes the kept one; the merged entity's names become aliases of the kept one and the rest
of its description (kinds, coordinates) is dropped; the background graph records the decision
(``orb:MergeDecision``, ``owl:sameAs``). The file is a build input (orbat.manifest.context_files),
so recording or undoing a merge is a full build, checked as every build is: a merge the checks
refuse (SHACL, inconsistent kinds) puts the file back and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from ruamel.yaml import YAML

from orbat import staging
from orbat.models import MergeDecision as Merge
from orbat.namespaces import BASE, GEO, ID, ORB
from orbat.store.base import TripleStore
from orbat.workspace import Workspace, WorkspaceError
from orbat.yamlfile import AnnotationError, check_keys, file_where, load_yaml, mapping, optional_text, sequence, text

MERGES = Path("decisions") / "merges.yaml"
_KEYS = (["id", "keep", "merge", "by", "at"], ["reason", "undone"])
_HEADER = "# Entity resolution decisions: 'orbat merge KEEP MERGED', undone with 'orbat merge --undo ID'.\n"
_LABELS = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)
_DESCRIPTION = (RDF.type, DCTERMS.description, ORB.echelon, ORB.reliability, ORB.basis, GEO.hasGeometry, ORB.status)


class MergeRefused(WorkspaceError):
    """A merge or an undo that cannot be made as asked (unknown entity, already merged...)."""


def load_merges(workspace: Workspace | None) -> list[Merge]:
    """The merges of a workspace's decisions file, checked (none without the file)."""
    if workspace is None or not (workspace.root / MERGES).is_file():
        return []
    path = workspace.root / MERGES
    data = load_yaml(path)
    if data is None:
        return []
    top = mapping(data, file_where(path), "a decisions file {merges: [...]}")
    check_keys(top, [], ["merges"])
    found: list[Merge] = []
    for entry in sequence(top.get("merges"), top.where, "merges"):
        entry = mapping(entry, top.where, "a merge {id, keep, merge, by, at, reason}")
        check_keys(entry, *_KEYS)
        undone = entry.get("undone")
        if undone is not None:
            undone = mapping(undone, entry.where, "undone {by, at}")
            check_keys(undone, ["by", "at"], [])
        merge = Merge(
            id=text(entry["id"], entry.where, "id"),
            keep=text(entry["keep"], entry.where, "keep"),
            merge=text(entry["merge"], entry.where, "merge"),
            by=text(entry["by"], entry.where, "by"),
            at=text(entry["at"], entry.where, "at"),
            reason=optional_text(entry, "reason"),
            undone_by=None if undone is None else text(undone["by"], undone.where, "by"),
            undone_at=None if undone is None else text(undone["at"], undone.where, "at"),
        )
        if any(m.id == merge.id for m in found):
            raise AnnotationError(entry.where, f"merge id {merge.id!r} is used twice")
        found.append(merge)
    _mapping(found, str(path))
    return found


def merge_map(merges: list[Merge]) -> dict[str, str]:
    """Merged entity id -> the id it is now (active merges, followed to their end)."""
    return _mapping(merges, "decisions")


def _mapping(merges: list[Merge], where: str) -> dict[str, str]:
    direct = {m.merge: m.keep for m in merges if m.active}
    resolved: dict[str, str] = {}
    for start in direct:
        seen, current = {start}, direct[start]
        while current in direct:
            if current in seen:
                raise AnnotationError(f"{where}:1", f"merges form a cycle through {current!r}")
            seen.add(current)
            current = direct[current]
        resolved[start] = current
    return resolved


def rename(graph: Graph, merged: dict[str, str]) -> Graph:
    """``graph`` with every merged entity replaced by the one kept: references rewritten, its names
    kept as aliases of the kept entity, the rest of its description (kinds, coordinates...) dropped."""
    if not merged:
        return graph
    iris = {ID[old]: ID[new] for old, new in merged.items()}
    parts = tuple(f"{ID[old]}/" for old in merged)  # nodes minted under its IRI (its geometry)
    out = Graph()
    for s, p, o in graph:
        if s in iris and p in _LABELS:
            out.add((iris[s], SKOS.altLabel, Literal(str(o))))
        elif (s in iris and p in _DESCRIPTION) or (isinstance(s, URIRef) and str(s).startswith(parts)):
            continue
        else:
            out.add((iris.get(s, s), p, iris.get(o, o) if isinstance(o, URIRef) else o))  # type: ignore[arg-type]
    return out


def decision_triples(graph: Graph, merges: list[Merge]) -> None:
    """The active merges, recorded in the background graph: who, when, why, and owl:sameAs."""
    for merge in merges:
        if not merge.active:
            continue
        node = URIRef(f"{BASE}decision/merge/{merge.id}")
        graph.add((node, RDF.type, ORB.MergeDecision))
        graph.add((node, ORB.keptEntity, ID[merge.keep]))
        graph.add((node, ORB.mergedEntity, ID[merge.merge]))
        graph.add((node, ORB.decidedBy, Literal(merge.by)))
        graph.add((node, ORB.decidedAt, Literal(merge.at, datatype=XSD.dateTime)))
        if merge.reason:
            graph.add((node, ORB.basis, Literal(merge.reason, lang="en")))
        graph.add((ID[merge.keep], OWL.sameAs, ID[merge.merge]))


# ---------------------------------------------------------------- recording (the checked write path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _document(path: Path) -> Any:
    yaml = _yaml()
    if path.is_file():
        data = yaml.load(path.read_text(encoding="utf-8"))
        if data is not None:
            return data
    return yaml.load(_HEADER + "merges: []\n")


def _dump(data: Any) -> bytes:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue().encode("utf-8")


def _described(store: TripleStore, entity: str) -> bool:
    return bool(store.query(f"ASK {{ <{ID[entity]}> <{SKOS.prefLabel}> ?label }}"))


def merge(
    store: TripleStore, workspace: Workspace, keep: str, merged: str, by: str, reason: str | None = None
) -> Merge:
    """Record that ``merged`` is ``keep`` and rebuild; refused (nothing changed) if it cannot be."""
    current = load_merges(workspace)
    active = merge_map(current)
    if keep == merged:
        raise MergeRefused(f"an entity is itself already: {keep!r}")
    for entity in (keep, merged):
        if entity in active:
            raise MergeRefused(f"{entity!r} is already merged into {active[entity]!r}: merge into that one")
        if not _described(store, entity):
            raise MergeRefused(f"no entity {entity!r} in the knowledge base (see 'orbat entity' or GET /api/entities)")
    number = 1 + max((int(m.id[1:]) for m in current if m.id[1:].isdigit()), default=0)
    made = Merge(id=f"m{number}", keep=keep, merge=merged, by=by, at=_now(), reason=reason)
    data = _document(workspace.root / MERGES)
    entry: dict[str, Any] = {"id": made.id, "keep": keep, "merge": merged, "by": by, "at": made.at}
    if reason:
        entry["reason"] = reason
    data.setdefault("merges", []).append(entry)
    _write_and_build(store, workspace, _dump(data))
    return made


def undo(store: TripleStore, workspace: Workspace, merge_id: str, by: str) -> Merge:
    """Undo a merge (it stays on record, marked undone) and rebuild; refused if it cannot be."""
    current = {m.id: m for m in load_merges(workspace)}
    found = current.get(merge_id)
    if found is None:
        raise MergeRefused(f"no merge {merge_id!r} (known: {', '.join(current) or 'none'}; see decisions/merges.yaml)")
    if not found.active:
        raise MergeRefused(f"merge {merge_id} was undone already, by {found.undone_by} at {found.undone_at}")
    data = _document(workspace.root / MERGES)
    at = _now()
    for entry in data["merges"]:
        if str(entry["id"]) == merge_id:
            entry["undone"] = {"by": by, "at": at}
    _write_and_build(store, workspace, _dump(data))
    return found.model_copy(update={"undone_by": by, "undone_at": at})


def _write_and_build(store: TripleStore, workspace: Workspace, data: bytes) -> None:
    """The decisions file in place, then a full build (every check; nothing is stored unless all
    pass); if the build is refused or fails, the file goes back to what it was."""
    from orbat.build import build
    from orbat.changes import _writable

    _writable(workspace)
    path = workspace.root / MERGES
    before = path.read_bytes() if path.is_file() else None
    _replace(workspace, data)
    try:
        load_merges(workspace)
        build(store, workspace, reason=False, full=True)
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            _replace(workspace, before)
        raise


def _replace(workspace: Workspace, data: bytes) -> None:
    """The decisions file written as report files are (orbat.staging): whole or not at all."""
    staging.put_in_place(staging.stage(workspace, {str(MERGES): data}))


def user() -> str:
    """Who decides, on the command line: $USER (or 'unknown')."""
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
