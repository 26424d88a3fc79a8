"""Drafts against hand annotation: precision and recall per category, and the time per report.

The eight fictional reports of tests/fixtures/drafts/ (news items of different outlets on the
Syrian-Iraqi desert in May 2017, each with a known entity under a new spelling, a new place, a
new unit, an attributed claim and a hedged one) are drafted against the seed knowledge base and
compared with their hand annotation (the .yaml beside each .txt):

- mentions: known entities named in the text (by entity, per report);
- new places: proposed with coordinates within 10 km of the annotated ones;
- new units: proposed by label;
- claims: (subject, relation, object or value);
- attribution: (claim, originator); hedging: claims with a hedge; time: (claim, from, to).

Then the seed's AMN item (kb/sources, passage ``amn``) is drafted alone and its claims compared
with the seed's hand annotation (kb/annotations/claims-amn-post.yaml): found, missed, extra.
Speed: ms per 3,000 characters (the median of ``--repeat`` rounds, the knowledge base's
gazetteer and GeoNames loaded before), beside the time of the name matching alone in the same
run. Issue 8's aims: known mentions recall >= 0.95, claims recall and precision >= 0.7, under
200 ms per 3,000-character report.

    python bench/bench_draft.py
    python bench/bench_draft.py --repeat 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orbat.build import build
from orbat.extract import ReportMeta, draft_report
from orbat.extract.gazetteer import gazetteer
from orbat.extract.inputs import read_report
from orbat.names import NameIndex, normalise
from orbat.sources import load_documents
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "drafts"
CATEGORIES = ("mentions", "new places", "new units", "claims", "attribution", "hedging", "time")


@dataclass
class Tally:
    found: int = 0  # true positives
    proposed: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, proposed: set[Any], expected: set[Any], where: str) -> None:
        self.found += len(proposed & expected)
        self.proposed += len(proposed)
        self.expected += len(expected)
        self.misses += [f"{where}: {x}" for x in sorted(map(str, expected - proposed))]
        self.extras += [f"{where}: {x}" for x in sorted(map(str, proposed - expected))]

    @property
    def precision(self) -> float:
        return self.found / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _day(value: Any) -> str | None:
    return None if value is None else str(value)


def claim_key(claim: dict[str, Any]) -> tuple[str, str, str]:
    target = claim.get("object", claim.get("value"))
    return (claim["subject"], claim["relation"], str(target))


def score_report(names: NameIndex, text_path: Path, tallies: dict[str, Tally]) -> None:
    gold = yaml.safe_load(text_path.with_suffix(".yaml").read_text(encoding="utf-8"))
    result = draft_report(text_path.read_bytes(), names, name=text_path.name)
    draft, where = result.draft, text_path.stem
    known = {m.entity for m in draft.mentions if not m.new and m.entity}
    tallies["mentions"].add(known, {m["entity"] for m in gold["mentions"]}, where)
    places = [e for e in draft.entities if e.geo]
    hits: set[str] = set()
    for place in gold["new_places"]:
        near = [p for p in places if _km((p.geo["lat"], p.geo["lon"]), (place["lat"], place["lon"])) <= 10]  # type: ignore[index]
        if any(normalise(p.label) == normalise(place["text"]) for p in near):
            hits.add(normalise(place["text"]))
    proposed_places = {normalise(p.label) for p in places}
    tallies["new places"].add(
        hits | (proposed_places - {normalise(p["text"]) for p in gold["new_places"]}),
        {normalise(p["text"]) for p in gold["new_places"]},
        where,
    )
    unit_kinds = ("MilitaryUnit", "Militia", "NonStateArmedGroup")
    tallies["new units"].add(
        {normalise(e.label) for e in draft.entities if e.kind in unit_kinds},
        {normalise(u["text"]) for u in gold["new_units"]},
        where,
    )
    claims = result.report["claims"]
    expected = gold["claims"]
    tallies["claims"].add({claim_key(c) for c in claims}, {claim_key(c) for c in expected}, where)
    tallies["attribution"].add(
        {(*claim_key(c), c["originator"]) for c in claims if c.get("originator")},
        {(*claim_key(c), c["originator"]) for c in expected if c.get("originator")},
        where,
    )
    tallies["hedging"].add(
        {claim_key(c) for c in claims if c.get("hedge")}, {claim_key(c) for c in expected if c.get("hedge")}, where
    )
    tallies["time"].add(
        {
            (*claim_key(c), _day(c["valid_time"].get("from")), _day(c["valid_time"].get("to")))
            for c in claims
            if c.get("valid_time", {}).get("from")
        },
        {(*claim_key(c), _day(c["time"]["from"]), _day(c["time"]["to"])) for c in expected if c.get("time")},
        where,
    )


def score(names: NameIndex, folder: Path = FIXTURES) -> dict[str, Tally]:
    tallies = {name: Tally() for name in CATEGORIES}
    for path in sorted(folder.glob("*.txt")):
        score_report(names, path, tallies)
    return tallies


def amn_comparison(names: NameIndex, workspace: Workspace) -> tuple[set[Any], set[Any], set[Any]]:
    """The seed's AMN item drafted alone: (found, missed, extra) claims against kb/'s annotation."""
    document = load_documents(workspace.sources)[0]
    text = document.passage("amn").text
    result = draft_report(text, names, ReportMeta(source="AMN", date=dt.date(2017, 5, 21)), name="amn")
    proposed = {claim_key(c) for c in result.report["claims"]}
    annotated: set[Any] = set()
    for path in sorted(workspace.annotations.glob("claims-*.yaml")):
        for claim in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("claims", []):
            if claim.get("passage") == "amn":
                annotated.add(claim_key(claim))
    return proposed & annotated, annotated - proposed, proposed - annotated


def timing(names: NameIndex, repeat: int) -> dict[str, float]:
    inputs = [read_report(p.read_bytes(), p.name) for p in sorted(FIXTURES.glob("*.txt"))]
    chars = sum(len(i.text) for i in inputs)
    match = gazetteer(names)
    rounds, matching = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        for path in sorted(FIXTURES.glob("*.txt")):
            draft_report(path.read_bytes(), names, name=path.name)
        rounds.append(time.perf_counter() - started)
        started = time.perf_counter()
        for item in inputs:
            match.known(item.text)
        matching.append(time.perf_counter() - started)
    one = "\n\n".join(i.text for i in inputs)  # the eight bodies as one report of ~3,000 characters
    whole = []
    for _ in range(repeat):
        started = time.perf_counter()
        draft_report(one, names, ReportMeta(source="Levant Wire", date=dt.date(2017, 5, 21)))
        whole.append(time.perf_counter() - started)
    per = 3000 / chars * 1000
    return {
        "one_report_chars": len(one),
        "one_report_ms": statistics.median(whole) * 1000,
        "chars": chars,
        "ms_per_3000": statistics.median(rounds) * per,
        "matching_ms_per_3000": statistics.median(matching) * per,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quiet", action="store_true", help="Only the summary table.")
    args = parser.parse_args(argv)
    workspace = Workspace.example()
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    names = NameIndex(store)
    started = time.perf_counter()
    draft_report(next(FIXTURES.glob("*.txt")).read_bytes(), names)
    first = time.perf_counter() - started
    tallies = score(names)
    print(f"{'category':<12} {'precision':>9} {'recall':>7} {'found':>6} {'proposed':>8} {'expected':>8}")
    for name, t in tallies.items():
        print(f"{name:<12} {t.precision:>9.2f} {t.recall:>7.2f} {t.found:>6} {t.proposed:>8} {t.expected:>8}")
    if not args.quiet:
        for name, t in tallies.items():
            for line in t.misses:
                print(f"  missed {name}: {line}")
            for line in t.extras:
                print(f"  extra  {name}: {line}")
    found, missed, extra = amn_comparison(names, workspace)
    print(
        f"\nAMN item drafted alone against kb/annotations (claims of passage amn): found {len(found)} of "
        f"{len(found) + len(missed)} (recall {len(found) / max(1, len(found) + len(missed)):.2f}), "
        f"{len(extra)} extra (precision {len(found) / max(1, len(found) + len(extra)):.2f})"
    )
    for label, items in (("found", found), ("missed", missed), ("extra", extra)):
        for item in sorted(items):
            print(f"  {label:<6} {' '.join(item)}")
    speed = timing(names, args.repeat)
    print(f"\nfirst draft in a process (gazetteer and GeoNames loaded): {first * 1000:.0f} ms")
    print(
        f"time: {speed['ms_per_3000']:.1f} ms per 3,000 characters ({speed['chars']} characters, 8 reports); "
        f"name matching alone {speed['matching_ms_per_3000']:.1f} ms "
        f"({speed['ms_per_3000'] / max(speed['matching_ms_per_3000'], 1e-9):.1f}x)"
    )
    print(
        f"one report of {speed['one_report_chars']} characters (the eight bodies together): "
        f"{speed['one_report_ms']:.1f} ms"
    )
    return {"tallies": tallies, "amn": (found, missed, extra), "speed": speed, "first_s": first}


if __name__ == "__main__":
    main()
