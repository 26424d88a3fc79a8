"""ORBAT Mapper's scenario JSON: the knowledge base's order of battle, to open in orbat-mapper.

Sides are the alliances and coalitions that have members (most members first); each direct member
that is not part of another member makes a group holding that member as a unit, with its subunits
nested by the subordination the claims state (the most specific parent when there are several:
the 31st Guards Air Assault Brigade under the Russian Airborne Forces, not beside them). Every
actor appears once, under the first side it belongs to; actors with positions that belong to no
side go to a last side, "Other actors"; positions claimed of a coalition as a whole make a group
of their own in its side. Each unit's SIDC takes its affiliation from the side the
analyst picks (unknown without one). A unit's positions are the claims that put it at a located
place and assert it, as dated ``state`` entries (epoch ms of the report, or of the start of the
valid time) whose title and description carry the relation, the quote and the grading, and whose
SIDC is drawn anticipated (dashed) when the source hedges; its ``location`` is the last of them.

The result is checked against the shape of the format (orbat.exporters.orbat_mapper_shape) before
a byte is written. Deterministic: no timestamps, ids from the knowledge base.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import IO, Any

from orbat import symbols
from orbat.exporters.mapdata import MapData, Options, Position, PositionClaim, map_data, short
from orbat.exporters.orbat_mapper_shape import Scenario
from orbat.queries import internal_query, table
from orbat.store.base import TripleStore

VERSION = "3.3.0"  # the file version of ORBAT Mapper's own sample scenarios
OTHERS = "other-actors"


def epoch_ms(day: str) -> int:
    return int(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC).timestamp() * 1000)


class Tree:
    """Direct links of the knowledge base: members of sides and the most specific parent of each part."""

    def __init__(self, store: TripleStore) -> None:
        parents: dict[str, set[str]] = defaultdict(set)
        self.members: dict[str, list[str]] = defaultdict(list)
        for row in table(store.query(internal_query("structure").sparql)).rows:
            if row["link"] == "partOf":
                parents[row["part"]].add(row["whole"])
            elif row["part"] not in self.members[row["whole"]]:
                self.members[row["whole"]].append(row["part"])
        self.parent = {part: self._most_specific(part, wholes, parents) for part, wholes in parents.items()}
        self.children: dict[str, list[str]] = defaultdict(list)
        for part, whole in sorted(self.parent.items()):
            self.children[whole].append(part)

    @staticmethod
    def _most_specific(part: str, wholes: set[str], parents: dict[str, set[str]]) -> str:
        def above(node: str, seen: set[str]) -> set[str]:
            for whole in parents.get(node, ()):
                if whole not in seen and whole != part:
                    seen.add(whole)
                    above(whole, seen)
            return seen

        # a whole that another whole of the part lies under is less specific
        covered = set().union(*(above(w, set()) for w in wholes))
        return sorted(wholes - covered or wholes)[0]

    def ancestors(self, node: str) -> list[str]:
        found: list[str] = []
        while node in self.parent and self.parent[node] not in found:
            node = self.parent[node]
            found.append(node)
        return found


class Builder:
    def __init__(self, store: TripleStore, data: MapData) -> None:
        self.data = data
        self.tree = Tree(store)
        self.short_names: dict[str, str] = {}
        for row in table(store.query(internal_query("short-names").sparql)).rows:
            self.short_names.setdefault(row["entity"], row["alias"])
        self.positions: dict[str, list[Position]] = defaultdict(list)
        for position in data.positions:
            self.positions[position.actor_iri].append(position)
        self.placed: set[str] = set()

    def _state(self, position: Position, claim: PositionClaim, sidc: str) -> dict[str, Any]:
        quotes = " ".join(f"“{q.quote}” ({q.passage})" for q in claim.quotes)
        grade = f"{claim.reliability or '?'}{claim.credibility}"
        hedged = ", hedged" if claim.hedged else ""
        return {
            "id": claim.id,
            "t": epoch_ms(claim.held_from or claim.date or ""),
            "location": [position.place.lon, position.place.lat],
            "sidc": sidc,
            "title": f"{claim.relation_label} {position.place.label}",
            "description": f"{quotes} Reported by {claim.reported_by} on {claim.date} "
            f"({claim.modality}, {grade}{hedged}).",
        }

    def unit(self, actor: str) -> dict[str, Any] | None:
        parts = self.data.parts.get(actor)
        if parts is None or actor in self.placed:
            return None
        self.placed.add(actor)
        sidc, affiliation = self.data.symbol(actor)
        by_side = self.data.affiliations.get(actor, {})
        basis = by_side[self.data.side].basis if self.data.side in by_side else None
        unit: dict[str, Any] = {
            "id": short(actor),
            "name": parts.label,
            "sidc": sidc,
            "description": "; ".join(
                text
                for text in (
                    f"function: {parts.function_label}" if parts.function_label else "function unknown",
                    f"echelon: {parts.echelon_label}" if parts.echelon_label else None,
                    f"{affiliation} ({basis})" if basis else affiliation,
                )
                if text
            ),
        }
        if actor in self.short_names:
            unit["shortName"] = self.short_names[actor]
        states = []
        for position in self.positions.get(actor, []):
            for claim in position.claims:
                if claim.asserts and (claim.held_from or claim.date):
                    status = symbols.STATUS_ANTICIPATED if claim.hedged else symbols.STATUS_PRESENT
                    states.append(self._state(position, claim, str(self.data.symbol(actor, status)[0])))
        if states:
            states.sort(key=lambda s: (s["t"], s["id"]))
            unit["state"] = states
            unit["location"] = states[-1]["location"]
        elif self.positions.get(actor):
            place = self.positions[actor][0].place
            unit["location"] = [place.lon, place.lat]
        children = [u for u in (self.unit(c) for c in self.tree.children.get(actor, [])) if u]
        if children:
            unit["subUnits"] = children
        return unit

    def identity(self, side: str | None) -> str:
        return symbols.identity_for(self.data.affiliations.get(side or ""), self.data.side)[1]

    def side(self, side: str, label: str) -> dict[str, Any] | None:
        members = self.tree.members.get(side, [])
        groups = []
        if self.positions.get(side):  # positions claimed of the coalition as a whole
            unit = self.unit(side)
            if unit is not None:
                groups.append({"id": f"group-{short(side)}-itself", "name": f"{label} as a whole", "subUnits": [unit]})
        for member in sorted(members, key=lambda m: self.data.parts[m].label if m in self.data.parts else m):
            if any(a in members for a in self.tree.ancestors(member)):
                continue  # nested under another member
            unit = self.unit(member)
            if unit is not None:
                groups.append({"id": f"group-{short(side)}-{unit['id']}", "name": unit["name"], "subUnits": [unit]})
        if not groups:
            return None
        return {"id": f"side-{short(side)}", "name": label, "standardIdentity": self.identity(side), "groups": groups}

    def others(self) -> dict[str, Any] | None:
        roots = {([actor, *self.tree.ancestors(actor)])[-1] for actor in self.positions}
        groups = []
        for root in sorted(roots):
            unit = self.unit(root)
            if unit is not None:
                groups.append({"id": f"group-{OTHERS}-{unit['id']}", "name": unit["name"], "subUnits": [unit]})
        if not groups:
            return None
        return {"id": f"side-{OTHERS}", "name": "Other actors", "standardIdentity": "1", "groups": groups}


def scenario(store: TripleStore, options: Options) -> dict[str, Any]:
    data = map_data(store, options)
    builder = Builder(store, data)
    sides = [builder.side(str(symbols.side_iri(store, side)), label) for side, label in symbols.sides(store).items()]
    sides.append(builder.others())
    dates = sorted(d for p in data.positions for d in p.dates)
    view = f"affiliation relative to {options.side}" if options.side else "no side chosen: affiliation unknown"
    reported = f"; claims reported by {options.as_of}" if options.as_of else ""
    result: dict[str, Any] = {
        "type": "ORBAT-mapper",
        "id": f"orbat-{options.side or 'all'}{'-' + options.as_of if options.as_of else ''}",
        "version": VERSION,
        "name": "orbat: order of battle from evidence-backed claims",
        "description": f"Exported from the orbat knowledge base ({view}{reported}). Positions are claims "
        "with their quotes and Admiralty grades; dashed symbols are hedged reports.",
        "startTime": epoch_ms(options.as_of or dates[-1]) if (options.as_of or dates) else 0,
        "timeZone": "UTC",
        "symbologyStandard": "app6d",
        "sides": [s for s in sides if s],
        "events": [],
        "layerStack": [{"id": "orbat-features", "kind": "overlay", "name": "Features", "items": []}],
    }
    Scenario.model_validate(result)  # the export keeps to the format's shape, or fails here
    return result


def write(store: TripleStore, output: IO[bytes], options: Options) -> None:
    output.write(json.dumps(scenario(store, options), ensure_ascii=False, indent=1).encode("utf-8"))
