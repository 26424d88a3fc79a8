"""Review and accept a draft: proposals become ordinary claims, entities and aliases.

``orbat accept DRAFT`` (and ``POST /api/drafts/accept``) reads a draft report (orbat.proposals),
keeps the proposals the analyst chose (all of them, only those named with ``--claims``, less those
named with ``--reject``), drops ``status: draft`` and ``proposal`` from what it keeps (the status
then follows the modality, as the loader gives it), drops the rest, and drops the proposed entities
that no accepted claim (nor the document, nor another kept entity) uses. A proposal that still
lists ``candidates`` (the proposer could not tell which entity a name means) is refused until the
analyst has set the entity meant and deleted the candidates, or rejected it.

The file is edited as YAML round trip (ruamel.yaml): comments, key order, quoting and block text
stay as the analyst or the extractor wrote them, except those of the entries dropped. Nothing is
stored here: the accepted report goes into the knowledge base with ``orbat add``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from orbat.proposals import DRAFT
from orbat.yamlfile import AnnotationError, Problems, load_yaml_text

SECTIONS = ("entities", "aliases_learned", "claims")
_REFERENCES = ("subject", "object", "asserted_by", "originator", "equipment", "cites")


@dataclass
class Review:
    """What accepting a draft did, proposal ids by fate."""

    id: str
    accepted: list[str] = field(default_factory=list)  # claims and learned aliases
    rejected: list[str] = field(default_factory=list)  # named with --reject, or left out of --claims
    entities: list[str] = field(default_factory=list)  # proposed entities kept (their ids)
    unused: list[str] = field(default_factory=list)  # proposed entities no accepted claim uses (dropped)


def proposal_ids(values: str | Iterable[str] | None) -> list[str] | None:
    """Proposal ids as people give them: comma- or space-separated, in one value or several
    (``--claims p1,p2 --claims p3``, ``?claims=p1,p2``); None when none was given."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return [part for value in values for part in value.replace(",", " ").split()]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that the file had on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _key(entry: Any) -> str | None:
    proposal = entry.get("proposal") if isinstance(entry, dict) else None
    return str(proposal["id"]) if isinstance(proposal, dict) and "id" in proposal else None


def _uses(entry: Any) -> set[str]:
    """The entity ids a claim (or an entity, through located_in) names."""
    found: set[str] = set()
    for key in (*_REFERENCES, "located_in"):
        values = entry.get(key) if isinstance(entry, dict) else None
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                found.add(value)
    return found


def review(data: Any, name: str, claims: Iterable[str] | None = None, reject: Iterable[str] = ()) -> tuple[Any, Review]:
    """Accept the draft ``data`` (a round-trip YAML mapping, changed in place) as the analyst chose;
    raise ``Problems`` (nothing changed) for unknown ids, ambiguous or inconsistent choices."""
    chosen = None if claims is None else set(claims)
    rejected = set(reject)
    if not isinstance(data, dict) or "id" not in data:
        raise AnnotationError(f"{name}:1", "a draft is a report: a mapping with its id, text, entities and claims")
    outcome = Review(id=str(data["id"]))
    problems: list[AnnotationError] = []
    for section in SECTIONS:
        entries = data.get(section)
        if entries is not None and not (isinstance(entries, list) and all(isinstance(e, dict) for e in entries)):
            problems.append(AnnotationError(f"{name}:1", f"{section} must be a list of mappings"))
    if problems:
        raise Problems(problems)
    drafts: dict[str, tuple[str, Any]] = {}  # proposal id -> (section, entry)
    for section in SECTIONS:
        for entry in data.get(section) or []:
            key = _key(entry)
            if key is None:
                continue
            if key in drafts:
                problems.append(AnnotationError(f"{name}:1", f"proposal id {key!r} is used twice"))
            drafts[key] = (section, entry)
    unknown = sorted(((chosen or set()) | rejected) - set(drafts))
    if unknown:
        known = ", ".join(sorted(drafts)) or "none"
        problems.append(
            AnnotationError(f"{name}:1", f"no proposal {', '.join(unknown)} in the draft (it has: {known})")
        )
    if chosen is not None and chosen & rejected:
        both = ", ".join(sorted(chosen & rejected))
        problems.append(AnnotationError(f"{name}:1", f"proposal {both} is both accepted and rejected"))
    if problems:
        raise Problems(problems)

    def kept(entry: Any, section: str) -> bool:
        if not (isinstance(entry, dict) and entry.get("status") == DRAFT):
            return True  # not a draft: the analyst's own entry stays as written
        key = _key(entry)
        if key in rejected:
            return False
        if section == "entities":
            return True  # decided below, by use
        return chosen is None or key in chosen

    kept_claims = [e for e in data.get("claims") or [] if kept(e, "claims")]
    kept_aliases = [e for e in data.get("aliases_learned") or [] if kept(e, "aliases_learned")]
    used = {str(data.get("publisher")), str(data.get("author"))}
    for entry in [*kept_claims, *(e for e in data.get("entities") or [] if not _is_draft(e))]:
        used |= _uses(entry)
    entities = []
    for entry in data.get("entities") or []:
        if not _is_draft(entry):
            entities.append(entry)
        elif _key(entry) in rejected:
            if entry.get("id") in used:
                problems.append(
                    AnnotationError(
                        f"{name}:1", f"entity {entry.get('id')!r} ({_key(entry)}) is rejected but a kept claim uses it"
                    )
                )
        elif entry.get("id") in used or (chosen is not None and _key(entry) in chosen):
            entities.append(entry)
            used |= _uses(entry)
        else:
            outcome.unused.append(str(entry.get("id")))
    for entry in [*kept_claims, *kept_aliases, *entities]:
        if _is_draft(entry):
            proposal = entry.get("proposal") or {}
            if isinstance(proposal, dict) and proposal.get("candidates"):
                candidates = ", ".join(str(c) for c in proposal["candidates"])
                problems.append(
                    AnnotationError(
                        f"{name}:1",
                        f"proposal {_key(entry)} is ambiguous (candidates: {candidates}): set the entity meant and"
                        f" delete its 'candidates', or --reject {_key(entry)}",
                    )
                )
    if problems:
        raise Problems(problems)
    for section, entries in (("claims", kept_claims), ("aliases_learned", kept_aliases), ("entities", entities)):
        for entry in entries:
            if _is_draft(entry):
                key = _key(entry)
                if section == "entities":
                    outcome.entities.append(str(entry.get("id")))
                elif key is not None:
                    outcome.accepted.append(key)
                del entry["status"]
                entry.pop("proposal", None)
        if section in data:
            if entries:
                _keep_only(data[section], entries)
            else:
                del data[section]
    outcome.rejected = sorted(k for k, (s, _) in drafts.items() if s != "entities" and k not in outcome.accepted)
    outcome.accepted.sort()
    return data, outcome


def _is_draft(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("status") == DRAFT


def _keep_only(sequence: Any, keep: list[Any]) -> None:
    """Delete from a round-trip sequence the items not in ``keep`` (by identity), last first."""
    ids = {id(e) for e in keep}
    for index in reversed(range(len(sequence))):
        if id(sequence[index]) not in ids:
            del sequence[index]


def accept_text(
    text: str, name: str, claims: Iterable[str] | None = None, reject: Iterable[str] = ()
) -> tuple[str, Review]:
    """Accept a draft given as YAML (or JSON) text; the accepted report as YAML text, comments kept."""
    load_yaml_text(text, name)  # the strict reader first: located errors, no aliases, bounded depth
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise AnnotationError(f"{name}:1", f"YAML: {exc}") from exc
    data, outcome = review(data, name, claims, reject)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue(), outcome


def accept_json(
    text: str, name: str, claims: Iterable[str] | None = None, reject: Iterable[str] = ()
) -> tuple[Any, Review]:
    """Accept a draft (YAML or JSON text); the accepted report as plain data, for a JSON answer."""
    data = load_yaml_text(text, name)
    data, outcome = review(_plain(data), name, claims, reject)
    try:
        return json.loads(json.dumps(data, default=str, allow_nan=False)), outcome
    except ValueError as exc:  # NaN or infinity: no JSON for them
        raise AnnotationError(f"{name}:1", f"a value has no JSON form: {exc}") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
