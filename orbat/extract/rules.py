"""The extractor's rules, loaded from rules.yaml beside this module and checked against the ontology.

Each relation's cues come from the file; whether its subject and object are actors or places
comes from the ontology (rdfs:domain, rdfs:range), so a relation added to ontology/orbat.ttl and
given cues here needs no code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDFS

from orbat import ontology

RULES_FILE = Path(__file__).with_name("rules.yaml")


def cue_pattern(cues: list[str]) -> re.Pattern[str]:
    """One regex for a list of cue phrases: longest first, case-insensitive, at word boundaries."""
    parts = sorted({str(c) for c in cues}, key=lambda c: (-len(c), c))
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class RelationRule:
    relation: str
    cues: re.Pattern[str]
    passive: bool
    subject_kind: str  # Actor | Place | Person (the ontology's domain; Actor when none)
    object_kind: str | None  # Actor | Place; None: either (no range in the ontology)


@dataclass(frozen=True)
class Rules:
    relations: tuple[RelationRule, ...]
    any_cue: re.Pattern[str]
    strength_nouns: re.Pattern[str]
    hedges: re.Pattern[str]
    modality: tuple[tuple[str, re.Pattern[str]], ...]
    attribution_before: re.Pattern[str]
    attribution_after: re.Pattern[str]
    source_words: re.Pattern[str]
    demonyms: dict[str, str | None]
    echelons: dict[str, str]
    forces: list[str]
    formations: list[str]
    militia_words: list[str]
    group_words: list[str]
    roles: list[str]
    place_before: re.Pattern[str]
    place_after: re.Pattern[str]
    countries: tuple[str, ...]
    not_names: frozenset[str]


def _kind(iri: Any) -> str | None:
    if iri is None:
        return None
    name = str(iri).rsplit("#", 1)[-1]
    return name if name in ("Actor", "Place", "Person") else None


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = ontology.relations()
    graph = ontology.ontology_graph()
    rules: list[RelationRule] = []
    for section, passive in (("relations", False), ("passive", True)):
        for relation, cues in data[section].items():
            if relation not in known:
                raise ValueError(f"{path}: {section}: {relation!r} is not a relation of the ontology")
            iri = known[relation].iri
            domain = _kind(graph.value(iri, RDFS.domain)) or "Actor"
            rules.append(
                RelationRule(relation, cue_pattern(cues), passive, domain, _kind(graph.value(iri, RDFS.range)))
            )
    all_cues = [c for section in ("relations", "passive") for cues in data[section].values() for c in cues]
    units = data["units"]
    return Rules(
        relations=tuple(rules),
        any_cue=cue_pattern(all_cues),
        strength_nouns=re.compile(
            r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})*|\d+)\s+(?:[A-Za-z-]+\s+){0,3}?(?:"
            + "|".join(data["strength"]["nouns"])
            + r")\b"
        ),
        hedges=cue_pattern(data["hedges"]),
        modality=tuple((name, cue_pattern(cues)) for name, cues in data["modality"].items()),
        attribution_before=cue_pattern(data["attribution"]["before"]),
        attribution_after=cue_pattern(data["attribution"]["after"]),
        source_words=cue_pattern(data["attribution"]["sources"]),
        demonyms=dict(data["demonyms"]),
        echelons=dict(units["echelons"]),
        forces=list(units["forces"]),
        formations=list(units["formations"]),
        militia_words=list(units["militia_words"]),
        group_words=list(units["group_words"]),
        roles=list(data["people"]["roles"]),
        place_before=cue_pattern(data["places"]["before"]),
        place_after=cue_pattern(data["places"]["after"]),
        countries=tuple(data["places"]["countries"]),
        not_names=frozenset(data["not_names"]) | frozenset(data["demonyms"]),
    )
