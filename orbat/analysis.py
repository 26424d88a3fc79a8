"""Answers about the evidence itself: which relations independent lines of reporting corroborate,
and which claims contradict each other.

The reasoning lives in the named queries ``corroboration`` and ``contradictions`` (queries/); this
module runs them with the analyst's filters and shows every claim they name whole (its evidence,
grading, modality and qualifiers), as the other answers do, so the CLI, the API and the page read
one shape.
"""

from __future__ import annotations

from orbat.answers import claim_details, claims_of, rows_of_claims, short, when
from orbat.models import Claim, Contradiction, Contradictions, Corroboration, CorroborationAnswer, LineClaim, Ref
from orbat.names import NameIndex
from orbat.queries import resolve_entity, run
from orbat.store.base import TripleStore


def claims_by_iri(store: TripleStore, names: NameIndex, iris: set[str]) -> dict[str, Claim]:
    """The claims named by ``iris``, whole, by IRI."""
    rows = rows_of_claims(store, sorted(iris))
    claims = claims_of(rows, names, claim_details(store, rows))  # one per claim, in the order of the rows
    return dict(zip(dict.fromkeys(row["claim"] for row in rows), claims, strict=True))


def corroboration(
    store: TripleStore,
    names: NameIndex,
    subject: str | None = None,
    relation: str | None = None,
    object: str | None = None,
    min_lines: int = 1,
    as_of: str | None = None,
    valid_at: str | None = None,
) -> CorroborationAnswer:
    """Each relation sources state (filtered by subject, relation, object), with its independent
    lines of reporting and every claim about it by role."""
    args = {"min_lines": str(min_lines), **when(as_of, valid_at)}
    for key, value, what in (("subject", subject, "entity"), ("object", object, "entity")):
        if value:
            args[key] = resolve_entity(names, value, what).id
    if relation:
        args["relation"] = relation
    rows = run(store, "corroboration", args, names).rows
    claims = claims_by_iri(store, names, {row["claim"] for row in rows})
    relations: dict[tuple[object, ...], Corroboration] = {}
    for row in rows:
        key = (row["subject"], row["relation"], row["object"], row["value"])
        found = relations.get(key)
        if found is None:
            found = relations[key] = Corroboration(
                subject=Ref(id=short(row["subject"]), label=row["subjectLabel"]),
                relation=str(short(row["relation"])),
                object=Ref(id=short(row["object"]), label=row["objectLabel"]) if row["object"] else None,
                value=row["value"],
                lines=row["lines"],
                claims=[],
            )
        line = Ref(id=short(row["claimLine"]), label=row["claimLineLabel"])
        found.claims.append(LineClaim(role=row["role"], line=line, claim=claims[row["claim"]]))
    return CorroborationAnswer(relations=list(relations.values()))


def contradictions(
    store: TripleStore,
    names: NameIndex,
    min_km: float = 100,
    as_of: str | None = None,
    valid_at: str | None = None,
) -> Contradictions:
    """Pairs of claims that cannot both hold, each claim whole (both quotes, both sources)."""
    rows = run(store, "contradictions", {"min_km": str(min_km), **when(as_of, valid_at)}, names).rows
    claims = claims_by_iri(store, names, {row[k] for row in rows for k in ("claim", "other")})
    return Contradictions(
        contradictions=[
            Contradiction(
                kind=row["kind"], detail=row["detail"], claim=claims[row["claim"]], other=claims[row["other"]]
            )
            for row in rows
        ]
    )
