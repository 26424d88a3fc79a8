"""Drafts: what an extractor (or an analyst) proposes before anyone accepted it.

A draft is a report file (orbat.reports) some of whose entries carry ``status: draft`` and a
``proposal``: its id within the draft (``p1``, ``e1``...), how confident the proposer is (0-1),
why it proposed it, and, when the name it read could be several entities, the ``candidates`` an
analyst must choose between (docs/annotating.md, "Drafts: review and accept")::

    proposal: {id: p1, confidence: 0.8, reason: "pattern 'X deployed to Y'", candidates: [a, b]}

Claims, proposed entities and learned aliases may be drafts. ``orbat add`` refuses a file that
still holds drafts unless told to load them as drafts (``--drafts``): then they are stored with the
status ``st:draft``, never make plain triples and are left out of queries unless asked
(``include_drafts``). ``orbat accept`` (orbat.accept) turns proposals into ordinary entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orbat.yamlfile import AnnotationError, Mapping, check_keys, mapping, number, text, texts

DRAFT = "draft"
PROPOSAL_KEYS = (["id", "confidence"], ["reason", "candidates"])


@dataclass(frozen=True)
class Proposal:
    """Why an entry was proposed, and how sure the proposer is."""

    id: str
    confidence: float
    reason: str | None = None
    candidates: tuple[str, ...] = ()  # entity ids the proposer could not choose between


def proposal(value: Any, where: str) -> Proposal:
    """A ``proposal`` mapping, checked: its keys, an id, a confidence within [0, 1]."""
    entry = mapping(value, where, "a proposal {id, confidence, reason, candidates}")
    check_keys(entry, *PROPOSAL_KEYS)
    confidence = number(entry["confidence"], entry.where, "confidence")
    if not 0 <= confidence <= 1:
        raise AnnotationError(entry.where, f"confidence must be within 0 and 1, got {confidence:g}")
    reason = entry.get("reason")
    return Proposal(
        id=text(entry["id"], entry.where, "proposal id"),
        confidence=confidence,
        reason=None if reason is None else text(reason, entry.where, "reason"),
        candidates=tuple(texts(entry.get("candidates"), entry.where, "candidates")),
    )


def draft_of(entry: Mapping) -> tuple[bool, Proposal | None]:
    """Whether an entry (claim, entity, learned aliases) is a draft, and its proposal; a proposal
    without ``status: draft`` is an error (``orbat accept`` drops both together)."""
    status = entry.get("status")
    found = proposal(entry["proposal"], entry.where) if "proposal" in entry else None
    if found is not None and status != DRAFT:
        raise AnnotationError(
            entry.where, "a proposal belongs to a draft (status: draft): accept it with 'orbat accept', or delete it"
        )
    return status == DRAFT, found


def is_draft(entry: Any) -> bool:
    """Whether a raw entry of a report file (before it is checked) is a draft."""
    return isinstance(entry, dict) and entry.get("status") == DRAFT


class DraftsPending(AnnotationError):
    """A report that still holds drafts, sent where only accepted entries are taken."""


def refuse_drafts(where: str, report_id: str, claims: int, others: int) -> DraftsPending:
    """The one line that says what to do with a report that still holds drafts."""
    parts = [f"{claims} draft claim(s)"] if claims else []
    parts += [f"{others} draft entit(ies) or learned alias(es)"] if others else []
    held = " and ".join(parts)
    return DraftsPending(
        where,
        f"report {report_id!r} still holds {held}: accept them first ('orbat accept FILE', or POST"
        " /api/drafts/accept), or load them as drafts ('orbat add --drafts', POST /api/reports?drafts=true)",
    )
