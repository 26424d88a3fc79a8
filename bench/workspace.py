"""A synthetic workspace of a chosen size: the files an analysts' team would have, for benchmarks of
builds and of report changes.

bench/generate.py writes the store's triples directly (N-Quads), which is what the store and query
benchmarks need; benchmarks of ``orbat build``, ``orbat add`` and ``orbat remove`` need the files
those read. This writes them, with the same shape: an entity registry (countries, governorates and
places with coordinates and containment, a unit hierarchy army > corps > division > brigade >
battalion > company with echelons, alliances, information sources graded A-F), background claims
(subordination, alliance membership), and reports of about 20 claims each, every claim with its
verbatim quote in the report's text. ``--triples`` is about the number of triples the build gives
(1,000,000: about 1,500 reports). Seeded: the same arguments give the same files.

    python bench/workspace.py --triples 1000000 --out /tmp/ws-1m
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orbat.workspace import init

ECHELONS = ("army", "corps", "division", "brigade", "battalion", "company")
BRANCHING = (3, 3, 4, 4, 4)  # corps per army, divisions per corps, ...
BRANCH_WORDS = ("Mechanized", "Armoured", "Infantry", "Airborne", "Artillery", "Guards", "Commando", "Border Guard")
NAME_HEADS = ("Tall", "Ayn", "Bir", "Jabal", "Khirbat", "Qasr", "Dayr", "Kafr", "Wadi", "Ras", "Suq", "Umm", "Abu")
NAME_ROOTS = ("Hamra", "Sharqi", "Gharbi", "Zahra", "Nur", "Qadir", "Salam", "Hadid", "Rimal", "Barid", "Khadra")
PLACE_KINDS = ("Town", "Town", "Town", "City", "MilitaryInstallation", "BorderCrossing", "Settlement")
SOURCE_KINDS = ("NewsOutlet", "Blog", "Blogger", "SocialMediaAccount", "Website", "Analyst")
LOCATED = {
    "positionedAt": "is positioned at",
    "positionedNear": "is positioned near",
    "presentIn": "is present in",
    "deployedTo": "was deployed to",
    "movedTo": "moved to",
    "occupies": "occupies",
    "advancingToward": "is advancing toward",
}
TOGETHER = {"cooperatesWith": "operates together with", "supports": "supports", "relieves": "relieved"}
DUMP: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Shape:
    places: int
    armies: int
    sources: int
    reports: int

    @classmethod
    def for_size(cls, triples: int) -> Shape:
        scale = triples / 1_000_000
        return cls(
            places=max(30, int(5000 * scale)),
            armies=max(1, int(10 * scale)),
            sources=max(12, int(400 * scale)),
            reports=max(5, int(1500 * scale)),
        )


@dataclass
class Registry:
    """What the reports can refer to."""

    places: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)


def _entities(rng: random.Random, shape: Shape) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Registry]:
    entities: list[dict[str, Any]] = [
        {
            "id": "orbat-analysts",
            "kind": "Analyst",
            "label": "ORBAT analysts",
            "reliability": "B",
            "reliability_basis": "The team's own background knowledge.",
        },
    ]
    claims: list[dict[str, Any]] = []
    registry = Registry()
    governorates = []
    for c in range(4):
        country = f"country-{c + 1}"
        entities.append(
            {
                "id": country,
                "kind": "Country",
                "label": f"Country {c + 1}",
                "geo": {"lat": 33.5, "lon": 36.5 + 3 * c, "precision_km": 300},
            }
        )
        for g in range(3):
            gov = f"governorate-{c + 1}-{g + 1}"
            governorates.append(gov)
            entities.append(
                {
                    "id": gov,
                    "kind": "Governorate",
                    "label": f"Governorate {c + 1}-{g + 1}",
                    "geo": {"lat": 30.5 + 3 * g, "lon": 36.5 + 3 * c, "precision_km": 100},
                    "located_in": [country],
                }
            )
    for i in range(shape.places):
        label = f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_ROOTS)} {i}"
        place = {
            "id": f"place-{i:05d}",
            "kind": rng.choice(PLACE_KINDS),
            "label": label,
            "geo": {
                "lat": round(rng.uniform(29.0, 38.0), 4),
                "lon": round(rng.uniform(35.0, 48.0), 4),
                "precision_km": 2,
            },
            "located_in": [rng.choice(governorates)],
        }
        entities.append(place)
        registry.places.append(place)
    for a in range(max(2, shape.armies // 3 + 1)):
        entities.append({"id": f"alliance-{a + 1}", "kind": "Alliance", "label": f"Alliance {a + 1}"})
    for n in range(shape.armies):
        level: list[dict[str, Any]] = []
        army = {"id": f"army-{n + 1}", "kind": "MilitaryUnit", "label": f"Army {n + 1}", "echelon": "army"}
        entities.append(army)
        registry.units.append(army)
        claims.append(
            {
                "subject": army["id"],
                "relation": "memberOf",
                "object": f"alliance-{n % max(2, shape.armies // 3 + 1) + 1}",
                "status": "background",
                "credibility": 2,
                "basis": "Synthetic: the army's alliance.",
            }
        )
        level = [army]
        for depth, children in enumerate(BRANCHING, start=1):
            next_level = []
            for parent in level:
                for k in range(children):
                    word = rng.choice(BRANCH_WORDS)
                    unit = {
                        "id": f"{parent['id']}-{k + 1}",
                        "kind": "MilitaryUnit",
                        "label": f"{k + 1} {word} {ECHELONS[depth].title()} of {parent['label']}",
                        "echelon": ECHELONS[depth],
                    }
                    entities.append(unit)
                    registry.units.append(unit)
                    registry.parents[unit["id"]] = parent["id"]
                    claims.append(
                        {
                            "subject": unit["id"],
                            "relation": "partOf",
                            "object": parent["id"],
                            "status": "background",
                            "credibility": 1,
                            "basis": "Synthetic order of battle.",
                        }
                    )
                    next_level.append(unit)
            level = next_level
    for s in range(shape.sources):
        source = {
            "id": f"source-{s + 1}",
            "kind": rng.choice(SOURCE_KINDS),
            "label": f"Source {s + 1}",
            "reliability": rng.choice("ABCDEF"),
            "reliability_basis": "Synthetic grading.",
        }
        entities.append(source)
        registry.sources.append(source)
    return entities, claims, registry


def report(rng: random.Random, registry: Registry, report_id: str, claims: int, day: int) -> dict[str, Any]:
    """One report: a text of one sentence per claim, and the claims quoting them."""
    source = rng.choice(registry.sources)
    sentences: list[str] = []
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    while len(entries) < claims:
        unit = rng.choice(registry.units)
        roll = rng.random()
        if roll < 0.7:
            relation = rng.choice(tuple(LOCATED))
            place = rng.choice(registry.places)
            obj, sentence = place["id"], f"{unit['label']} {LOCATED[relation]} {place['label']}"
        elif roll < 0.8 and unit["id"] in registry.parents:
            relation, obj = "partOf", registry.parents[unit["id"]]
            sentence = f"{unit['label']} belongs to {obj}"
        elif roll < 0.9:
            relation, strength = "hasStrength", rng.choice((60, 120, 300, 600, 1500, 3000))
            obj, sentence = str(strength), f"{unit['label']} numbers about {strength} men"
        else:
            relation = rng.choice(tuple(TOGETHER))
            other = rng.choice(registry.units)
            if other is unit:
                continue
            obj, sentence = other["id"], f"{unit['label']} {TOGETHER[relation]} {other['label']}"
        if (unit["id"], relation, obj) in seen:
            continue
        seen.add((unit["id"], relation, obj))
        sentences.append(sentence)
        entry: dict[str, Any] = {
            "subject": unit["id"],
            "relation": relation,
            "quote": sentence,
            "credibility": rng.choice((2, 3, 3, 4, 6)),
        }
        entry["value" if relation == "hasStrength" else "object"] = int(obj) if relation == "hasStrength" else obj
        entries.append(entry)
    return {
        "id": report_id,
        "title": f"Report {report_id}",
        "publisher": source["id"],
        "author": source["id"],
        "date": f"2017-{(day // 28) % 12 + 1:02d}-{day % 28 + 1:02d}",
        "text": ".\n".join(sentences) + ".\n",
        "claims": entries,
    }


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=DUMP, sort_keys=False, allow_unicode=True, width=1_000)


@dataclass
class Generated:
    root: Path
    shape: Shape
    registry: Registry
    seed: int

    def extra_report(self, report_id: str, claims: int) -> bytes:
        """A new report of ``claims`` claims over the same registry, not in the workspace."""
        return dump(report(random.Random(report_id), self.registry, report_id, claims, 7)).encode()


def generate(root: Path, triples: int, seed: int = 7) -> Generated:
    """Write a synthetic workspace into ``root`` (new or empty)."""
    rng = random.Random(seed)
    shape = Shape.for_size(triples)
    workspace = init(root)
    entities, background, registry = _entities(rng, shape)
    (workspace.annotations / "entities.yaml").write_text(dump(entities), encoding="utf-8")
    (workspace.background / "structure.yaml").write_text(dump({"claims": background}), encoding="utf-8")
    for n in range(shape.reports):
        report_id = f"report-{n:05d}"
        (workspace.reports / f"{report_id}.yaml").write_text(
            dump(report(rng, registry, report_id, 20, n)), encoding="utf-8"
        )
    return Generated(workspace.root, shape, registry, seed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples the build gives")
    parser.add_argument("--out", type=Path, required=True, help="a new or empty folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    made = generate(args.out, args.triples, args.seed)
    print(f"{args.out}: {made.shape} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
