"""Links between claims: a claim that repeats another's line of reporting (``same_line_as``) and
a claim that disputes others (``disputes``).

Corroboration counts independent lines of reporting, not claims: a reply agreeing with a
question, a repost, or a commenter passing on what a post said adds a claim but no line. A line
is named by its first originator: a claim's line is the originator of the claim its
``same_line_as`` chain ends at (queries follow ``orb:sameLineAs*`` in SPARQL). So the chain must
end: a claim names at most one claim it repeats, and no chain returns to where it started.

A reference names a claim by what it states and where, so it survives a typo fixed in a quote::

    PASSAGE/SUBJECT/RELATION/OBJECT            a claim of the same document (OBJECT: entity or value)
    DOCUMENT/PASSAGE/SUBJECT/RELATION/OBJECT   a claim of another document

or by the claim's id (``orbat query claims`` shows them). A reference that matches no claim, or
several (say the same triple read twice from one passage with two modalities), is an error that
lists the candidates' ids.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import TYPE_CHECKING

from orbat.yamlfile import AnnotationError

if TYPE_CHECKING:
    from orbat.annotations import Claim


def _key(document: str, passage: str, claim: Claim) -> str:
    obj = claim.object if claim.object is not None else str(claim.value)
    return f"{document}/{passage}/{claim.subject}/{claim.relation.name}/{obj}"


def _index(claims: list[Claim]) -> tuple[dict[str, Claim], dict[str, list[Claim]]]:
    by_id = {c.id: c for c in claims}
    by_key: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.document is None:
            continue
        for passage in sorted({e.passage.id for e in claim.evidence}):
            by_key[_key(claim.document.id, passage, claim)].append(claim)
    return by_id, by_key


def _resolve(ref: str, claim: Claim, key: str, by_id: dict[str, Claim], by_key: dict[str, list[Claim]]) -> str:
    if ref in by_id:
        found = [by_id[ref]]
    else:
        parts = ref.split("/")
        if len(parts) == 4 and claim.document is not None:
            parts = [claim.document.id, *parts]
        if len(parts) != 5:
            raise AnnotationError(
                claim.where,
                f"{key}: {ref!r} is neither a claim id nor [DOCUMENT/]PASSAGE/SUBJECT/RELATION/OBJECT",
            )
        found = by_key.get("/".join(parts), [])
    if not found:
        raise AnnotationError(claim.where, f"{key} refers to no claim: {ref!r}")
    if len(found) > 1:
        ids = ", ".join(sorted(c.id for c in found))
        raise AnnotationError(claim.where, f"{key}: {ref!r} matches {len(found)} claims, name one by its id: {ids}")
    if found[0].id == claim.id:
        raise AnnotationError(claim.where, f"{key}: a claim cannot refer to itself")
    return found[0].id


def resolve_links(claims: list[Claim]) -> list[Claim]:
    """The claims with ``same_line_as`` and ``disputes`` turned from references into claim ids;
    raise AnnotationError (file:line) on a dangling or ambiguous reference or a circular line."""
    by_id, by_key = _index(claims)
    resolved: list[Claim] = []
    for claim in claims:
        same = _resolve(claim.same_line_as, claim, "same_line_as", by_id, by_key) if claim.same_line_as else None
        disputes = tuple(_resolve(ref, claim, "disputes", by_id, by_key) for ref in claim.disputes)
        if len(set(disputes)) != len(disputes):
            raise AnnotationError(claim.where, "disputes names the same claim twice")
        resolved.append(dataclasses.replace(claim, same_line_as=same, disputes=disputes))
    repeats = {c.id: c.same_line_as for c in resolved if c.same_line_as}
    for claim in resolved:
        seen = {claim.id}
        step = repeats.get(claim.id)
        while step is not None:
            if step in seen:
                raise AnnotationError(claim.where, "same_line_as goes round in a circle back to this claim")
            seen.add(step)
            step = repeats.get(step)
    return resolved
