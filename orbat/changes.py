"""Reports added, corrected and removed while the knowledge base serves: the file and its graphs together.

``add`` checks a report completely before anything changes (the file's format, ids, a report id or
entity ids taken by another report, quotes verbatim in the document, then SHACL on the report's
graph with what the store says about the entities it names, and the consistency of its inferences)
and lists every problem at once (``orbat.yamlfile.Problems``). Then it writes, in this order:

1. the report file (and its text file) beside its final name, under a hidden temporary name
   (a read-only or full workspace stops here: nothing changed);
2. the store, in one atomic update (orbat.manifest.apply): the report's graph, its inferred graph
   (orbat.inference) and their manifest entries, which record the hash of the new file;
3. the file, renamed into place (atomic within a folder).

A process killed between 2 and 3 leaves a store whose manifest names a file the workspace does not
have: ``reconcile`` (at the start of every build, hence of ``orbat serve``) removes the temporary
file and the build brings the store back to the workspace's files, so the report is either fully
in or fully out. ``remove`` first hides the file (renamed to a hidden name: a read-only workspace
stops here), then drops the graphs, then deletes the file; the same reconciliation applies.

Adding the same report again changes nothing; a corrected version replaces the report's graphs.
A report cannot be removed, nor can a correction drop an entity, while another report refers to
an entity it describes. ``sync`` is the incremental build: the same steps for every report file
that changed, appeared or disappeared since the manifest was written.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode
from rdflib import Graph

from orbat import manifest, staging, validation
from orbat.annotations import (
    Annotations,
    check_document_refs,
    implied_entities,
    number_duplicates,
    report_claims,
)
from orbat.decisions import load_merges, merge_map
from orbat.entities import ID_PATTERN, Entity, add_entity, check_located_in
from orbat.inference import report_inferences, to_ntriples
from orbat.manifest import Entry, Manifest, Write
from orbat.models import ReportChange
from orbat.namespaces import BACKGROUND_GRAPH, ID, ORB, inferred_graph, source_graph
from orbat.ontology import ontology_graph, ontology_ntriples
from orbat.proposals import refuse_drafts
from orbat.reasoning import Inconsistent
from orbat.reports import SUFFIX, ReportFile, ReportNotFound, parse_report, report_files, report_path
from orbat.store.base import TripleStore
from orbat.triples import locations, named_graphs
from orbat.workspace import Workspace, package_data
from orbat.yamlfile import AnnotationError, Collector, Problems

Progress = Callable[[str], None]


class ReportConflict(ValueError):
    """A change that would leave the knowledge base inconsistent (a report others depend on, the
    seed's layout, which is edited as files)."""


@dataclass
class Prepared:
    """A checked report and what to write for it."""

    report: ReportFile
    files: dict[str, bytes]  # workspace-relative path -> bytes
    writes: list[Write]
    claims: int
    action: str
    current: Manifest  # what the store's manifest said of the report before


def _template(name: str) -> str:
    return (package_data() / "queries" / "internal" / f"{name}.rq").read_text(encoding="utf-8")


class KnownEntities(dict[str, Entity]):
    """The entities a report may refer to: its own, and those the store describes (the background,
    other reports), looked up as the checks ask for them, or all at once (``look_up``)."""

    def __init__(self, store: TripleStore, graph: str) -> None:
        super().__init__()
        self.store, self.graph = store, graph
        self.missing: set[str] = set()

    def look_up(self, keys: Iterable[str]) -> None:
        """Ask the store about ``keys`` in one query; those it does not describe are remembered."""
        asked = {k for k in keys if ID_PATTERN.match(k) and not dict.__contains__(self, k) and k not in self.missing}
        if not asked:
            return
        nodes = " ".join(str(NamedNode(ID[k])) for k in sorted(asked))
        text = _template("entity-graphs").replace("$nodes", nodes).replace("$graph", str(NamedNode(self.graph)))
        rows: dict[str, list[Any]] = {}
        for row in self.store.query(text):  # type: ignore[union-attr]
            rows.setdefault(row["entity"].value.removeprefix(str(ID)), []).append(row)  # type: ignore[index]
        for key, found in rows.items():
            where = {row["where"].value for row in found}
            introducer = next((row["introducer"].value for row in found if row["introducer"] is not None), None)
            described = str(BACKGROUND_GRAPH) in where or (introducer is not None and source_graph(introducer) in where)
            kinds = tuple(sorted({row["kind"].value.rsplit("#", 1)[-1] for row in found}))
            report = None if str(BACKGROUND_GRAPH) in where else introducer
            self[key] = Entity(key, kinds, key, report=report, implied=not described)
        self.missing |= asked - set(rows)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        self.look_up([key])
        return dict.__contains__(self, key)


_REFERENCES = ("subject", "object", "asserted_by", "cites", "equipment")


def referenced(report: ReportFile) -> set[str]:
    """Every entity id a report's entries name (before they are checked), to look them up at once."""
    found = {report.document.publisher, report.document.author}
    found |= {p.author for p in report.document.passages if p.author}
    found |= {place for e in report.entities for place in e.located_in}
    found |= {learned.entity for learned in report.aliases}
    for entry in report.claims:
        if isinstance(entry, dict):
            for key in _REFERENCES:
                values = entry.get(key)
                found |= {str(v) for v in (values if isinstance(values, list) else [values]) if isinstance(v, str)}
    return found


def _described_in(store: TripleStore, graph: str) -> set[str]:
    rows = store.query(_template("described-in"), {"graph": NamedNode(graph)})
    return {row["entity"].value for row in rows}  # type: ignore[union-attr,index]


def _dependents(store: TripleStore, graph: str, entities: set[str]) -> list[tuple[str, str]]:
    if not entities:
        return []
    nodes = " ".join(str(NamedNode(e)) for e in sorted(entities))
    text = _template("dependents").replace("$nodes", nodes).replace("$report_graph", str(NamedNode(graph)))
    return [(row["entity"].value, row["graph"].value) for row in store.query(text)]  # type: ignore[union-attr,index]


def _dependency_problems(store: TripleStore, graph: str, gone: set[str], where: str) -> list[AnnotationError]:
    return [
        AnnotationError(
            where,
            f"entity {entity.removeprefix(str(ID))!r} is used by report {other.rsplit('/', 1)[-1]!r}: "
            "that report must go first, or the entity move to annotations/entities.yaml",
        )
        for entity, other in _dependents(store, graph, gone)
    ]


def _violations(violations: list[validation.Violation]) -> list[AnnotationError]:
    return [AnnotationError(v.where or v.focus, str(v).split(": ", 1)[-1]) for v in violations]


def prepare(
    store: TripleStore,
    workspace: Workspace,
    data: bytes,
    name: str,
    folder: Path,
    current: Manifest | None,
    context: str,
    *,
    inline_only: bool = False,
    drafts: bool = True,
) -> Prepared:
    """Check a report (its file's bytes; errors call it ``name``; a ``file:`` text is read from
    ``folder``) against the store, and compute its graphs; raise ``Problems`` listing every problem.
    Without ``drafts``, a report that still holds drafts (orbat.proposals) is refused at once."""
    found = Collector()
    parsed = parse_report(data, name, folder / name.rsplit("/", 1)[-1], workspace, found, inline_only=inline_only)
    if parsed is None:
        found.raise_any()
        raise AssertionError("a report that cannot be read has a problem")
    if not drafts and any(parsed.drafts()):
        raise Problems([refuse_drafts(parsed.where, parsed.id, *parsed.drafts())])
    rid, graph = parsed.id, source_graph(parsed.id)
    current = current or manifest.read(store, report=rid)
    files = {f"reports/{rid}{SUFFIX}": data}
    if parsed.text_path is not None:
        if not parsed.text_path.name.startswith(f"{rid}."):
            found.add(
                parsed.where,
                f"the text file of report {rid!r} must be named {rid}.<ext> (it goes beside it in reports/)",
            )
        else:
            files[f"reports/{parsed.text_path.name}"] = parsed.text_path.read_bytes()
    document = replace(
        parsed.document, path=report_path(workspace, rid) if parsed.text_path is None else parsed.document.path
    )
    parsed = replace(parsed, document=document)
    recorded = current.reports().get(rid)
    if recorded is not None and not all(f.startswith("reports/") for f in recorded.files):
        found.add(
            parsed.where,
            f"report id {rid!r} is already used by another report ({', '.join(recorded.files[:1])}, the seed's layout)",
        )
    entities = KnownEntities(store, graph)
    entities.look_up(referenced(parsed) | {e.id for e in parsed.entities})
    merges = load_merges(workspace)
    for old, new in merge_map(merges).items():  # a merged entity's id still names it (orbat.decisions)
        if old in referenced(parsed) and not dict.__contains__(entities, old) and new in entities:
            dict.__setitem__(entities, old, replace(entities[new], id=old))
    own: set[str] = set()
    for entity in parsed.entities:
        with found.check():
            if entity.id not in own and entity.id in entities:  # described outside it
                other = entities[entity.id]
                where = (
                    f"report {other.report!r}"
                    if other.report
                    else "another report's comments"
                    if other.implied
                    else "the registry (annotations/entities*.yaml)"
                )
                raise AnnotationError(entity.where, f"entity {entity.id!r} is already described in {where}")
            add_entity(entities, entity)
            own.add(entity.id)
    for entity in parsed.entities:
        with found.check():
            check_located_in(entity, entities)
    check_document_refs(document, entities, found)
    for passage in document.passages:  # looked up before the commenters it implies are decided
        _ = passage.author in entities if passage.author else None
    entities.update(implied_entities([document], entities))
    claims = number_duplicates(report_claims(parsed, entities, workspace, found), found)
    found.raise_any()

    annotations = Annotations([document], entities, claims, workspace, [parsed], merges)
    rdf = named_graphs(annotations, background=False)[graph]
    report_nt = to_ntriples(rdf)
    ontology_nt = ontology_ntriples(workspace)
    gone = _described_in(store, graph) - {str(s) for s in rdf.subjects() if str(s).startswith(str(ID))}
    found.problems += _dependency_problems(store, graph, gone, parsed.where)
    inferred = b""
    checked = Graph()
    try:
        inferred, around = report_inferences(store, report_nt, graph, ontology_nt)
        checked.parse(data=around, format="nt")
    except Inconsistent as exc:
        found.add(parsed.where, str(exc))
    checked += rdf
    checked += ontology_graph(workspace)
    sources = {str(o) for p in (ORB.assertedBy, ORB.citesSource) for o in rdf.objects(None, p)}
    focus = {str(node) for node in rdf.subjects()} | sources  # its nodes, and who it says asserts
    found.problems += _violations(validation.check(checked, locations(annotations), workspace, focus))
    found.raise_any()

    inputs = manifest.hash_of(context, files)
    common = {"files": tuple(sorted(files)), "report": rid}
    introduces = tuple(sorted(e.id for e in parsed.entities))
    entries = [
        (
            Entry(
                graph,
                "report",
                inputs,
                manifest.content_hash(report_nt),
                report_nt.count(b"\n"),
                introduces=introduces,
                **common,
            ),
            report_nt,
        ),  # type: ignore[arg-type]
        (
            Entry(
                inferred_graph(rid),
                "report-inferred",
                inputs,
                manifest.content_hash(inferred),
                inferred.count(b"\n"),
                **common,
            ),
            inferred,
        ),  # type: ignore[arg-type]
    ]
    writes = current.writes_for(entries)
    if recorded is None:
        action = "added"
    elif any(w.data is not None for w in writes):
        action = "replaced"
    else:
        action = "unchanged"
    return Prepared(parsed, files, writes, len(claims), action, current)


# ---------------------------------------------------------------- add, remove


def _writable(workspace: Workspace) -> None:
    if workspace.root == Workspace.example().root:
        raise ReportConflict(
            f"{workspace.root} is the example shipped with orbat, never written to: make a workspace of your own"
            " with 'orbat init DIR --example' and add reports there"
        )


def add(
    store: TripleStore,
    workspace: Workspace,
    data: bytes,
    *,
    name: str = "report.yaml",
    folder: Path | None = None,
    inline_only: bool = False,
    current: Manifest | None = None,
    drafts: bool = False,
    by: str | None = None,
) -> ReportChange:
    """Check, then write the report file and its graphs in one step (see the module docstring); a
    report that still holds drafts is refused unless ``drafts`` (then they are loaded as drafts);
    ``by`` (a token's name) is recorded in the manifest as who added the report."""
    _writable(workspace)
    context = manifest.context_hash(workspace)
    prepared = prepare(
        store,
        workspace,
        data,
        name,
        folder or workspace.reports,
        current,
        context,
        inline_only=inline_only,
        drafts=drafts,
    )
    rid = prepared.report.id
    if by is not None:
        prepared.writes[:] = [Write(dataclasses.replace(w.entry, added_by=by), w.data) for w in prepared.writes]
    on_disk = {n: b for n, b in prepared.files.items() if _read(workspace.root / n) != b}
    written = {w.entry.graph: w.entry.triples for w in prepared.writes if w.data is not None}
    outcome = ReportChange(
        id=rid, action=prepared.action, claims=prepared.claims, file=f"reports/{rid}{SUFFIX}", graphs=written, by=by
    )
    if not prepared.writes and not on_disk:
        return outcome
    staged = staging.stage(workspace, on_disk)
    try:
        manifest.apply(store, workspace, prepared.writes)
    except BaseException:
        staging.unstage(staged)
        raise
    staging.put_in_place(staged)
    old = prepared.current.reports()
    old_files = set(old[rid].files) if rid in old else set()
    for stale in sorted(old_files - set(prepared.files)):  # a text file the corrected version no longer uses
        with contextlib.suppress(OSError):
            (workspace.root / stale).unlink()
    return outcome


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def remove(
    store: TripleStore, workspace: Workspace, report_id: str, *, current: Manifest | None = None, by: str | None = None
) -> ReportChange:
    """Drop a report's graphs (its claims, the entities it introduces, its inferences) and delete its
    file; refused while another report uses an entity it describes. ``by`` (a token's name) is
    recorded in the manifest as who removed it (``manifest.removed_by``)."""
    _writable(workspace)
    current = current or manifest.read(store, report=report_id)
    entries = current.of_report(report_id)
    if not entries:
        raise ReportNotFound(f"no report {report_id!r} in the knowledge base (see 'orbat reports' or GET /api/reports)")
    files = sorted({f for e in entries for f in e.files})
    if not all(f.startswith("reports/") for f in files):
        raise ReportConflict(
            f"report {report_id!r} is in the seed's layout ({files[0]}...):"
            " remove it by editing those files, then 'orbat build'"
        )
    graph = source_graph(report_id)
    problems = _dependency_problems(store, graph, _described_in(store, graph), f"reports/{report_id}{SUFFIX}")
    if problems:
        raise ReportConflict("; ".join(f"{p.where}: {p.message}" for p in problems))
    hidden = staging.hide(workspace, files)
    try:
        manifest.apply(store, workspace, [], [e.graph for e in entries], manifest.removal(report_id, by) if by else "")
    except BaseException:
        staging.unhide(hidden)
        raise
    staging.delete(hidden)
    graphs = {e.graph: 0 for e in entries}
    return ReportChange(id=report_id, action="removed", claims=0, file=files[0], graphs=graphs, by=by)


# ---------------------------------------------------------------- the incremental build


def sync(store: TripleStore, workspace: Workspace, current: Manifest, progress: Progress | None = None) -> Any:
    """Bring the store to the workspace's report files, report by report (the incremental build)."""
    from orbat.build import BuildReport

    staging.reconcile(workspace)
    context = manifest.context_hash(workspace)
    on_disk = {p.name.removesuffix(SUFFIX): p for p in report_files(workspace)}
    recorded = {rid: e for rid, e in current.reports().items() if all(f.startswith("reports/") for f in e.files)}
    report = BuildReport(
        fingerprint="",  # an incremental build reads only the reports that changed
        sources=0,
        passages=0,
        claims=0,
        claims_by_status={},
        entities_by_kind={},
        quads_by_graph={},
        inferred=0,
        reasoned=False,
        workspace=str(workspace.root),
        full=False,
    )
    found = Collector()
    for rid in sorted(set(recorded) - set(on_disk)):
        if progress:
            progress(f"dropping report {rid}")
        graphs = [e.graph for e in current.of_report(rid)]
        problems = _dependency_problems(
            store, source_graph(rid), _described_in(store, source_graph(rid)), f"reports/{rid}{SUFFIX}"
        )
        if problems:
            found.problems += problems
            continue
        manifest.apply(store, workspace, [], graphs)
        report.dropped += graphs
    pending = sorted(
        rid
        for rid, path in on_disk.items()
        if rid not in recorded
        or manifest.report_hash(workspace, context, recorded[rid].files) != recorded[rid].input_hash
    )
    while pending:
        failed: dict[str, AnnotationError] = {}
        for rid in pending:
            if progress:
                progress(f"checking report {rid}")
            path = on_disk[rid]
            try:
                prepared = prepare(store, workspace, path.read_bytes(), _shown(path), path.parent, None, context)
            except AnnotationError as exc:
                failed[rid] = exc
                continue
            manifest.apply(store, workspace, prepared.writes)
            report.written += [w.entry.graph for w in prepared.writes if w.data is not None]
        if len(failed) == len(pending):
            found.problems += list(failed.values())
            break
        pending = sorted(failed)
    found.raise_any()
    return report


def _shown(path: Path) -> str:
    from orbat.yamlfile import display

    return display(path)
