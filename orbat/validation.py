"""SHACL validation of the knowledge base with pySHACL, reported so a person can act on it.

Each violation names the node (a claim id, an entity id), the rule that failed, the value, and
where the node came from (annotation file and line), because "sh:minCount failed on a hash"
helps nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import rdflib.plugin
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Node

from orbat.namespaces import ID
from orbat.workspace import Workspace, package_files

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str
    where: str | None

    def __str__(self) -> str:
        parts = [f"{self.where or '?'}: {self.focus}"]
        if self.path:
            parts.append(f"[{self.path}]")
        parts.append(f"— {self.message}")
        if self.value:
            parts.append(f"(value: {self.value[:120]})")
        return " ".join(parts)


class ValidationFailed(Exception):
    """The knowledge base violates its shapes."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = [f"{len(violations)} SHACL violation(s):"] + [f"  {v}" for v in violations[:50]]
        if len(violations) > 50:
            lines.append(f"  ... and {len(violations) - 50} more")
        super().__init__("\n".join(lines))


@lru_cache(maxsize=64)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


class ParsedOnce(SPARQLProcessor):
    """rdflib's SPARQL processor, but each query text is parsed once: pySHACL sends the text of the
    same SHACL-SPARQL constraints at every validation, and parsing them again took 0.1 s of the
    0.5 s a report's validation takes (bench/README.md). rdflib's plugin registry puts it in place
    of the default processor ("sparql")."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(strOrQuery, str):
            strOrQuery = _translated(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


rdflib.plugin.register("sparql", Processor, __name__, "ParsedOnce")


def shapes_graph(workspace: Workspace | None = None) -> Graph:
    """The package's shapes and the workspace's own, parsed once per set of files."""
    return _parsed(workspace.shape_files() if workspace else package_files("shapes", "*.ttl"))


@cache
def _parsed(files: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _short(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    for prefix in ("https://w3id.org/orbat/", "http://www.opengis.net/ont/geosparql#"):
        if text.startswith(prefix):
            return text.removeprefix(prefix)
    return text


def _owner(focus: str, locations: Mapping[str, str]) -> str | None:
    """The annotation place of a node, or of the claim/entity it belongs to (…/evidence/1)."""
    candidate = focus
    while candidate:
        if candidate in locations:
            return locations[candidate]
        if "/" not in candidate.split("://", 1)[-1]:
            return None
        candidate = candidate.rsplit("/", 1)[0]
    return None


def _is_class_check(focus: Node | None, value: Node | None) -> bool:
    data_node = isinstance(value, URIRef) and str(value).startswith("https://w3id.org/orbat/")
    return data_node and isinstance(focus, URIRef) and not str(focus).startswith(str(ID))


def check(
    data: Graph,
    locations: Mapping[str, str] | None = None,
    workspace: Workspace | None = None,
    focus: Iterable[str] | None = None,
) -> list[Violation]:
    """Validate ``data`` (which must include the ontology, for subclass targets) against the shapes
    of the package and the workspace; return violations. With ``focus``, only those nodes are
    validated (and the checks that run once over a whole class, whose focus is the class): a
    report's nodes, not the context it is validated in."""
    shapes = shapes_graph(workspace)
    nodes = None
    if focus is not None:
        nodes = sorted({*focus, *(str(n) for n in shapes.objects(None, SH.targetNode))})
    conforms, results, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False, focus_nodes=nodes
    )
    if conforms:
        return []
    violations = []
    for result in results.subjects(predicate=SH.focusNode):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        if _is_class_check(focus, value):
            # a set-level check (focus: the class): the offending node is the value
            focus, value = value, None
        violations.append(
            Violation(
                focus=_short(focus) or "?",
                path=_short(path) if isinstance(path, URIRef) else None,
                message=str(message) if message else "constraint violated",
                value=_short(value),
                shape=_short(results.value(result, SH.sourceShape)) or "?",
                where=_owner(str(focus), locations or {}),
            )
        )
    return sorted(violations, key=lambda v: (v.where or "", v.focus, v.message))


def require_valid(data: Graph, locations: Mapping[str, str] | None = None, workspace: Workspace | None = None) -> None:
    violations = check(data, locations, workspace)
    if violations:
        raise ValidationFailed(violations)
