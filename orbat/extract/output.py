"""A draft written as a workspace report (docs/annotating.md), every proposal marked as one.

Each proposed claim has ``status: draft`` and ``proposal: {id: p1, confidence, reason}`` (and
``candidates`` when a name is ambiguous); each proposed new entity has ``status: draft`` and
``proposal: {id: e1, confidence, reason}``. Ids are numbered in text order, so the same text and
knowledge base give the same file, byte for byte (no timestamps). The mentions found are listed
in a comment at the top, for review; the YAML itself is what ``orbat accept`` reads.
"""

from __future__ import annotations

from typing import Any

import yaml

from orbat.extract.inputs import ReportMeta
from orbat.extract.model import Draft
from orbat.ids import slug


def report_id(draft: Draft, meta: ReportMeta, title: str) -> str:
    words = " ".join(title.split()[:6])
    parts = [draft.publisher or meta.source or "report", draft.date.isoformat() if draft.date else "", words]
    return slug(" ".join(p for p in parts if p))[:80].strip("-")


def title_of(draft: Draft, meta: ReportMeta) -> str:
    if meta.title:
        return meta.title
    first = draft.text[draft.sentences[0][0] : draft.sentences[0][1]] if draft.sentences else draft.text
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def report(draft: Draft, meta: ReportMeta) -> dict[str, Any]:
    """The draft as a report mapping, ready for YAML or JSON."""
    title = title_of(draft, meta)
    sources = {draft.publisher, draft.author, *(c.originator for c in draft.claims)}
    entities = []
    for number, entity in enumerate(draft.entities, start=1):
        entity.proposal = f"e{number}"
        entry: dict[str, Any] = {"id": entity.id, "kind": entity.kind, "label": entity.label}
        if entity.aliases:
            entry["aliases"] = list(entity.aliases)
        if entity.echelon:
            entry["echelon"] = entity.echelon
        if entity.geo:
            entry["geo"] = dict(entity.geo)
        if entity.id in sources:  # a source is graded (shapes/): F until the analyst knows better
            entry["reliability"] = "F"
            entry["reliability_basis"] = "A new source, proposed by orbat draft: not yet judged."
        if entity.description:
            entry["description"] = entity.description
        entry["status"] = "draft"
        entry["proposal"] = {"id": entity.proposal, "confidence": round(entity.confidence, 2), "reason": entity.reason}
        entities.append(entry)
    claims = []
    for number, claim in enumerate(
        sorted(draft.claims, key=lambda c: (c.start, c.end, c.subject, c.relation, str(c.object))), start=1
    ):
        entry = {"subject": claim.subject, "relation": claim.relation}
        if claim.object is not None:
            entry["object"] = claim.object
        else:
            entry["value"] = claim.value
        entry["quote"] = claim.quote
        if claim.count is not None:
            entry["count"] = claim.count
        if claim.valid_time:
            entry["valid_time"] = dict(claim.valid_time)
        if claim.modality != "reported":
            entry["modality"] = claim.modality
        if claim.originator:
            entry["originator"] = claim.originator
        if claim.hedge:
            entry["hedge"] = claim.hedge
        entry["credibility"] = 4 if claim.hedge else 6 if claim.modality in ("question", "hypothetical") else 3
        entry["status"] = "draft"
        claim.proposal = f"p{number}"
        proposal: dict[str, Any] = {"id": claim.proposal, "confidence": claim.confidence, "reason": claim.reason}
        if claim.candidates:
            proposal["candidates"] = list(claim.candidates)
        entry["proposal"] = proposal
        claims.append(entry)
    result: dict[str, Any] = {"id": report_id(draft, meta, title), "title": title}
    result["publisher"] = draft.publisher or "unknown-source"
    result["author"] = draft.author or result["publisher"]
    result["date"] = draft.date if draft.date else None
    if draft.date is None:
        result["date_basis"] = "No date was given: fill in the report's date (and this basis) before adding it."
    result["text"] = draft.text
    result["entities"] = entities
    learned = aliases_learned(draft)
    if learned:
        result["aliases_learned"] = learned
    result["claims"] = claims
    return result


def aliases_learned(draft: Draft) -> list[dict[str, Any]]:
    """Known entities found under a spelling the knowledge base lacks ("Hizbollah", "Tadmor"): each
    new spelling proposed as an alias (``aliases_learned``, docs/annotating.md); an ambiguous match
    proposes nothing (the analyst chooses first)."""
    by_entity: dict[str, dict[str, Any]] = {}
    for m in draft.mentions:
        if m.new or not m.entity or not m.how.startswith(("skeleton", "fuzzy")) or "ambiguous" in m.how:
            continue
        entry = by_entity.setdefault(m.entity, {"aliases": [], "score": m.score, "how": []})
        if m.text not in entry["aliases"]:
            entry["aliases"].append(m.text)
            entry["how"].append(f"{m.text!r} ({m.how})")
        entry["score"] = min(entry["score"], m.score)
    found = []
    for number, (entity, entry) in enumerate(sorted(by_entity.items()), start=1):
        found.append(
            {
                "entity": entity,
                "aliases": entry["aliases"],
                "status": "draft",
                "proposal": {
                    "id": f"a{number}",
                    "confidence": round(entry["score"], 2),
                    "reason": "a known entity under a new spelling: " + ", ".join(entry["how"]),
                },
            }
        )
    return found


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter where PyYAML has it (10x faster than the pure-Python one); no anchors
    (the report loader refuses YAML aliases, and two claims of one day share its date object)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def mentions_comment(draft: Draft) -> str:
    notes = [f"# NOTE: {note}" for note in draft.notes]
    lines = [
        *notes,
        "# A draft made by `orbat draft`: every claim and new entity is a proposal (status: draft).",
        "# Review it, edit it, then `orbat accept` it. Names found in the text (offset: text -> entity, how):",
    ]
    for m in draft.mentions:
        options = f" [candidates: {', '.join(m.candidates)}]" if len(m.candidates) > 1 else ""
        lines.append(f"#   {m.start}-{m.end}: {m.text!r} -> {m.entity} ({m.how}){options}".replace("\n", " "))
    return "\n".join(lines) + "\n"


def to_yaml(draft: Draft, meta: ReportMeta) -> str:
    """The draft as the text of a report file: a comment listing the mentions, then the report."""
    data = report(draft, meta)  # without a date, `date: null`: the loader refuses it until it is filled in
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return mentions_comment(draft) + body
