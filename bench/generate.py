"""Synthetic knowledge bases of a chosen size, shaped like the real build, for the benchmarks.

The real knowledge base is small (a few thousand triples); to know whether the store, the grid
index behind ``near`` and the exports hold at 100k and 1M triples, we need data of that size
with the same shape, or the figures say nothing about production. So this writes what
``orbat/triples.py`` would write for a large annotated corpus: places with geometries (WKT,
latitude/longitude, ``orb:gridCell`` from :func:`orbat.triples.grid_cell`, precision) clustered
over the Middle East, a deep unit hierarchy (army > corps > division > brigade > battalion >
company, ``orb:partOf`` background claims and ``orb:echelon``), alliances with members,
information sources with reliabilities, and source documents with passages whose claims are
n-ary claim nodes with evidence, each beside the plain triple it states, in one named graph per
document; entities and geometries go to the background graph.

It streams N-Quads (no rdflib, no store) so 1M triples take seconds, and it is seeded: the same
arguments give the same bytes. ``python bench/generate.py --triples 1000000 --out /tmp/kb-1m.nq``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from orbat.namespaces import (
    BACKGROUND_GRAPH,
    CLAIM,
    ECH,
    GEO,
    ID,
    MODALITY,
    ONTOLOGY_GRAPH,
    ORB,
    PROV,
    SOURCE,
    STATUS,
    source_graph,
)
from orbat.ontology import ontology_ntriples
from orbat.triples import grid_cell

# Where the places lie: the Middle East (Syria, Iraq and their neighbours).
LAT_RANGE = (29.0, 38.0)
LON_RANGE = (35.0, 48.0)
DEFAULT_SEED = 7

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PREF_LABEL = f"<{SKOS}prefLabel>"
ALT_LABEL = f"<{SKOS}altLabel>"
BG = f"<{BACKGROUND_GRAPH}>"


def _iri(value: str) -> str:
    return f"<{value}>"


def _o(name: str) -> str:
    """An ontology term (class or property) as an N-Quads IRI."""
    return _iri(f"{ORB}{name}")


def _dct(name: str) -> str:
    return _iri(f"{DCT}{name}")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _plain(text: str) -> str:
    return f'"{_escape(text)}"'


def _en(text: str) -> str:
    return f'"{_escape(text)}"@en'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


TRUE, FALSE = _typed("true", "boolean"), _typed("false", "boolean")
ST_BACKGROUND, ST_REPORTED, ST_ASSESSED = (_iri(f"{STATUS}{s}") for s in ("background", "reported", "assessed"))
WKT_DATATYPE = f"{GEO}wktLiteral"
GEO_HAS_GEOMETRY, GEO_AS_WKT, GEO_GEOMETRY = _iri(f"{GEO}hasGeometry"), _iri(f"{GEO}asWKT"), _iri(f"{GEO}Geometry")
PROV_DERIVED = _iri(f"{PROV}wasDerivedFrom")
MOD_REPORTED, MOD_ASSESSED = _iri(f"{MODALITY}reported"), _iri(f"{MODALITY}assessed")
# claims that only mention their triple (no plain triple), as a share of the reported claims
MENTIONS = (("question", 0.02), ("denied", 0.02), ("prediction", 0.01), ("opinion", 0.01))
REPEAT_SHARE = 0.1  # claims that repeat an earlier claim's line (orb:sameLineAs: a repost, a quote)

ECHELONS = ("army", "corps", "division", "brigade", "battalion", "company")
# children per unit at each level below an army (corps per army, ..., companies per battalion)
BRANCHING_FULL = ((2, 4), (2, 4), (2, 4), (3, 4), (3, 4))
BRANCHING_SMALL = ((1, 2), (1, 2), (2, 2), (2, 3), (2, 3))
# how often each echelon is the subject of a reported claim (sources talk about brigades more than companies)
SUBJECT_WEIGHT = {"army": 4, "corps": 4, "division": 3, "brigade": 3, "battalion": 2, "company": 1}
BRANCH_WORDS = ("Mechanized", "Armoured", "Infantry", "Airborne", "Artillery", "Guards", "Commando", "Border Guard")

PLACE_KINDS = (
    ("Town", 55, 2.0),
    ("City", 10, 5.0),
    ("MilitaryInstallation", 15, 1.0),
    ("BorderCrossing", 5, 1.0),
    ("District", 15, 8.0),
)
NAME_HEADS = (
    "Tall",
    "Ayn",
    "Bir",
    "Jabal",
    "Khirbat",
    "Qasr",
    "Dayr",
    "Kafr",
    "Wadi",
    "Ras",
    "Suq",
    "Tal",
    "Umm",
    "Abu",
)
NAME_ROOTS = (
    "Hamra",
    "Sharqi",
    "Gharbi",
    "Zahra",
    "Nur",
    "Qadir",
    "Salam",
    "Hadid",
    "Rimal",
    "Barid",
    "Khadra",
    "Saba",
    "Jadid",
    "Kabir",
    "Saghir",
    "Nahr",
    "Sahl",
    "Tin",
    "Zaytun",
    "Rumman",
    "Ghazal",
    "Fahd",
)
SOURCE_KINDS = (
    "NewsOutlet",
    "Blog",
    "Blogger",
    "Commenter",
    "SocialMediaAccount",
    "Website",
    "Analyst",
    "UnnamedSource",
)
COMMENTER_KINDS = ("Commenter", "SocialMediaAccount", "Blogger", "UnnamedSource")
RELIABILITY = "ABCDEF"

LOCATION_VERBS = {
    "positionedAt": "is positioned at",
    "positionedNear": "is positioned near",
    "presentIn": "is present in",
    "deployedTo": "was deployed to",
    "movedTo": "moved to",
    "occupies": "occupies",
    "controls": "controls",
    "besieges": "besieges",
    "advancingToward": "is advancing toward",
    "advancingFrom": "is advancing from",
    "secures": "secures",
}
UNIT_VERBS = {
    "cooperatesWith": "operates together with",
    "fightsAgainst": "is fighting",
    "attacks": "attacked",
    "supports": "supports",
    "relieves": "relieved",
}
HEDGES = ("reportedly", "allegedly", "according to unconfirmed reports", "it is said")
FILLERS = (
    "Fighting continued through the night.",
    "Local sources could not be reached for comment.",
    "The situation remains fluid.",
    "Satellite images from last week show new earthworks.",
    "Convoys were seen on the main road.",
    "Residents describe heavy shelling.",
)


@dataclass(frozen=True)
class Shape:
    """How many of each thing a knowledge base of ``triples`` triples gets (documents fill the rest)."""

    triples: int
    places: int
    sources: int
    nations: int
    alliances: int
    unit_budget: int
    branching: tuple[tuple[int, int], ...]

    @classmethod
    def for_size(cls, triples: int) -> Shape:
        nations = min(8, triples // 100_000 + 2)
        unit_budget = max(20, triples // 120)
        return cls(
            triples=triples,
            places=min(5000, max(30, triples // 150)),
            sources=min(400, max(12, triples // 2500)),
            nations=nations,
            alliances=max(2, min(6, nations // 2 + 1)),
            unit_budget=unit_budget,
            branching=BRANCHING_FULL if unit_budget >= 400 else BRANCHING_SMALL,
        )


@dataclass
class Summary:
    """What was generated: counts, and ids the benchmark uses as query parameters."""

    triples: int = 0
    graphs: int = 0
    documents: int = 0
    passages: int = 0
    claims: int = 0
    background_claims: int = 0
    places: list[str] = field(default_factory=list)  # point places (towns, cities, ...), not admin areas
    claimed_places: list[str] = field(default_factory=list)  # places that reported claims locate someone at
    admin_areas: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    alliances: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    max_depth: int = 0  # the longest orb:partOf chain, in links
    kinds: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        return (
            f"{self.triples:,} triples in {self.graphs:,} graphs: {len(self.places):,} places, "
            f"{len(self.units):,} units (partOf depth {self.max_depth}), {len(self.alliances)} alliances, "
            f"{len(self.sources)} sources, {self.documents:,} documents, {self.passages:,} passages, "
            f"{self.claims:,} reported claims, {self.background_claims:,} background claims"
        )


@dataclass
class _Entity:
    id: str
    label: str
    iri: str
    kind: str
    theatre: list[str] = field(default_factory=list)  # places this actor is seen at (ids)
    parent: _Entity | None = None
    echelon: str | None = None
    cell: tuple[int, int] = (0, 0)  # the grid cell of a place


class QuadWriter:
    """Buffered N-Quads lines to a text file, counted."""

    def __init__(self, out: IO[str], flush_every: int = 50_000) -> None:
        self.out = out
        self.count = 0
        self.graph = BG
        self._buffer: list[str] = []
        self._flush_every = flush_every

    def add(self, s: str, p: str, o: str) -> None:
        self._buffer.append(f"{s} {p} {o} {self.graph} .\n")
        if len(self._buffer) >= self._flush_every:
            self.flush()

    def flush(self) -> None:
        self.count += len(self._buffer)
        self.out.write("".join(self._buffer))
        self._buffer.clear()

    @property
    def written(self) -> int:
        return self.count + len(self._buffer)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _Generator:
    def __init__(self, shape: Shape, writer: QuadWriter, seed: int) -> None:
        self.shape = shape
        self.w = writer
        self.rng = random.Random(seed)
        self.summary = Summary()
        self.places: list[_Entity] = []
        self.places_by_cell: dict[tuple[int, int], list[_Entity]] = defaultdict(list)
        self.sources: list[_Entity] = []
        self.commenters: list[_Entity] = []
        self.publishers: list[_Entity] = []
        self.authors: list[_Entity] = []
        self.units: list[_Entity] = []
        self.members: list[tuple[_Entity, _Entity]] = []  # (member, alliance)
        self.alliances: list[_Entity] = []
        self.place_by_id: dict[str, _Entity] = {}
        self.claimed_places: dict[str, None] = {}  # an insertion-ordered set
        self.subjects: list[_Entity] = []  # units by how often sources talk about them, shuffled
        self.next_subject = 0
        self.analysts = self._entity("orbat-analysts", "ORBAT analysts", "Analyst")
        self.recent: list[tuple[str, tuple[_Entity, str, str, str, str]]] = []  # (claim node, statement)

    # ---------------------------------------------------------------- background graph

    def _entity(self, entity_id: str, label: str, kind: str, alias: str | None = None) -> _Entity:
        node = _iri(f"{ID}{entity_id}")
        w = self.w
        w.add(node, RDF_TYPE, _o(kind))
        w.add(node, PREF_LABEL, _en(label))
        w.add(node, RDFS_LABEL, _en(label))
        if alias:
            w.add(node, ALT_LABEL, _plain(alias))
        self.summary.kinds[kind] += 1
        return _Entity(entity_id, label, node, kind)

    def _geometry(self, entity: _Entity, lat: float, lon: float, precision_km: float) -> None:
        w = self.w
        geometry = f"<{entity.iri[1:-1]}/geometry>"
        w.add(entity.iri, GEO_HAS_GEOMETRY, geometry)
        w.add(geometry, RDF_TYPE, GEO_GEOMETRY)
        w.add(geometry, GEO_AS_WKT, f'"POINT({lon} {lat})"^^<{WKT_DATATYPE}>')
        w.add(geometry, _o("latitude"), _typed(lat, "decimal"))
        w.add(geometry, _o("longitude"), _typed(lon, "decimal"))
        w.add(geometry, _o("precisionKm"), _typed(float(precision_km), "decimal"))
        w.add(geometry, _o("gridCell"), _plain(grid_cell(lat, lon)))
        w.add(geometry, _o("status"), ST_BACKGROUND)

    def _background_claim(self, subject: _Entity, relation: str, obj: _Entity, basis: str) -> None:
        """A background claim exactly as orbat/triples.py writes one, with its plain triple."""
        w = self.w
        claim_id = f"bg-{subject.id}-{relation}-{obj.id}-{self.rng.getrandbits(32):08x}"
        node = _iri(f"{CLAIM}{claim_id}")
        w.add(subject.iri, _o(relation), obj.iri)
        w.add(node, RDF_TYPE, _o("Claim"))
        w.add(node, _dct("identifier"), _plain(claim_id))
        w.add(node, _o("subject"), subject.iri)
        w.add(node, _o("relation"), _o(relation))
        w.add(node, _o("object"), obj.iri)
        w.add(node, _o("assertedBy"), self.analysts.iri)
        w.add(node, _o("originator"), self.analysts.iri)
        w.add(node, _o("modality"), MOD_REPORTED)
        w.add(node, _o("status"), ST_BACKGROUND)
        w.add(node, _o("credibility"), _typed(1, "integer"))
        w.add(node, _o("hedged"), FALSE)
        w.add(node, _o("basis"), _en(basis))
        self.summary.background_claims += 1

    def admin_areas(self) -> list[list[_Entity]]:
        """Four countries of three governorates each, as longitude bands split by latitude."""
        rows, cols = 3, 4
        lat0, lat1 = LAT_RANGE
        lon0, lon1 = LON_RANGE
        grid: list[list[_Entity]] = []
        for c in range(cols):
            clon = lon0 + (c + 0.5) * (lon1 - lon0) / cols
            country = self._entity(f"synthetic-country-{c + 1}", f"Country {c + 1}", "Country")
            self._geometry(country, round((lat0 + lat1) / 2, 4), round(clon, 4), 300)
            self.summary.admin_areas.append(country.id)
            column: list[_Entity] = []
            for r in range(rows):
                clat = lat0 + (r + 0.5) * (lat1 - lat0) / rows
                gov = self._entity(
                    f"synthetic-governorate-{c + 1}-{r + 1}", f"Governorate {c + 1}-{r + 1}", "Governorate"
                )
                self._geometry(gov, round(clat, 4), round(clon, 4), 100)
                self._background_claim(gov, "locatedIn", country, "Synthetic gazetteer: administrative division.")
                self.summary.admin_areas.append(gov.id)
                column.append(gov)
            grid.append(column)
        return grid

    def place_points(self) -> None:
        """Places clustered around a few dozen centres (as towns cluster along rivers and roads)."""
        rng = self.rng
        governorates = self.admin_areas()
        centres = [(rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)) for _ in range(max(3, self.shape.places // 80))]
        kinds = [k for k, weight, _ in PLACE_KINDS for _ in range(weight)]
        precision = {k: p for k, _, p in PLACE_KINDS}
        seen_labels: Counter[str] = Counter()
        for i in range(self.shape.places):
            if rng.random() < 0.7:
                clat, clon = rng.choice(centres)
                lat, lon = rng.gauss(clat, 0.35), rng.gauss(clon, 0.45)
            else:
                lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
            lat = round(min(max(lat, LAT_RANGE[0]), LAT_RANGE[1] - 1e-4), 4)
            lon = round(min(max(lon, LON_RANGE[0]), LON_RANGE[1] - 1e-4), 4)
            kind = rng.choice(kinds)
            base = f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_ROOTS)}"
            seen_labels[base] += 1
            label = base if seen_labels[base] == 1 else f"{base} {seen_labels[base]}"
            slug = label.lower().replace(" ", "-")
            alias = f"al-{slug}" if rng.random() < 0.3 else None
            place = self._entity(f"{slug}-{i:05d}", label, kind, alias)
            self._geometry(place, lat, lon, precision[kind])
            row = min(2, int((lat - LAT_RANGE[0]) / (LAT_RANGE[1] - LAT_RANGE[0]) * 3))
            col = min(3, int((lon - LON_RANGE[0]) / (LON_RANGE[1] - LON_RANGE[0]) * 4))
            self._background_claim(
                place, "locatedIn", governorates[col][row], "Synthetic gazetteer: containment by coordinates."
            )
            lat_cell, lon_cell = grid_cell(lat, lon).split(":")
            place.cell = (int(lat_cell), int(lon_cell))
            self.places.append(place)
            self.places_by_cell[place.cell].append(place)
            self.summary.places.append(place.id)

    def theatre(self) -> list[str]:
        """Places within about two cells of a random place: where one formation operates."""
        centre = self.rng.choice(self.places)
        lat, lon = centre.cell
        nearby = [
            p.id
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            for p in self.places_by_cell.get((lat + dy, lon + dx), [])
        ]
        return nearby or [centre.id]

    def information_sources(self) -> None:
        rng = self.rng
        for i in range(self.shape.sources):
            kind = SOURCE_KINDS[i % len(SOURCE_KINDS)]
            label = f"{kind} {i + 1:03d}"
            source = self._entity(f"source-{kind.lower()}-{i + 1:03d}", label, kind)
            letter = rng.choice(RELIABILITY)
            self.w.add(source.iri, _o("reliability"), _plain(letter))
            self.w.add(source.iri, _o("basis"), _en(f"Synthetic track record: graded {letter}."))
            self.sources.append(source)
            self.summary.sources.append(source.id)
            if kind in COMMENTER_KINDS:
                self.commenters.append(source)
            if kind in ("NewsOutlet", "Blog", "Website"):
                self.publishers.append(source)
            if kind in ("Blogger", "Analyst", "NewsOutlet"):
                self.authors.append(source)

    def forces(self) -> None:
        """Nations with armed forces and armies, militias, alliances of them, the unit hierarchy."""
        rng = self.rng
        w = self.w
        forces: list[_Entity] = []
        for n in range(1, self.shape.nations + 1):
            state = self._entity(f"nation-{n}", f"Nation {n}", "State")
            armed = self._entity(f"nation-{n}-armed-forces", f"Armed Forces of Nation {n}", "ArmedForces", f"N{n}AF")
            armed.theatre = self.theatre()
            self._background_claim(armed, "partOf", state, "Synthetic order of battle: national forces.")
            forces.append(armed)
            self.summary.kinds["nation"] += 1
            militia = self._entity(f"militia-{n}", f"Militia {n}", "Militia", f"M{n}")
            militia.theatre = self.theatre()
            forces.append(militia)
            self.units.append(militia)
        for a in range(1, self.shape.alliances + 1):
            kind = "Coalition" if a % 2 else "Alliance"
            alliance = self._entity(f"alliance-{a}", f"{kind} {a}", kind, f"A{a}")
            self.alliances.append(alliance)
            self.summary.alliances.append(alliance.id)
        for i, force in enumerate(forces):
            first = self.alliances[i % len(self.alliances)]
            joined = {first.id: first}
            if rng.random() < 0.3:
                second = rng.choice(self.alliances)
                joined[second.id] = second
            for alliance in joined.values():
                self._background_claim(force, "memberOf", alliance, "Synthetic alliance roster.")
                self.members.append((force, alliance))
        armed_forces = [f for f in forces if f.kind == "ArmedForces"]
        counters: dict[tuple[str, str], int] = defaultdict(int)
        army = 0
        while len(self.units) < self.shape.unit_budget or army == 0:
            nation = armed_forces[army % len(armed_forces)]
            army += 1
            prefix = nation.id.removesuffix("-armed-forces")
            self._unit(nation, 0, counters, f"{prefix}-a{army}", self.theatre())
        w.flush()

    def _unit(
        self, parent: _Entity, level: int, counters: dict[tuple[str, str], int], unit_id: str, theatre: list[str]
    ) -> None:
        rng = self.rng
        echelon = ECHELONS[level]
        nation = unit_id.split("-a", 1)[0]
        counters[(nation, echelon)] += 1
        number = counters[(nation, echelon)]
        words = "" if level in (0, 5) else f"{rng.choice(BRANCH_WORDS)} "
        label = f"{_ordinal(number)} {words}{echelon.title()} ({nation.replace('-', ' ').title()})"
        alias = f"{number}/{echelon[:3].upper()}" if rng.random() < 0.4 else None
        unit = self._entity(unit_id, label, "MilitaryUnit", alias)
        self.w.add(unit.iri, _o("echelon"), _iri(f"{ECH}{echelon}"))
        unit.parent, unit.echelon, unit.theatre = parent, echelon, theatre
        self._background_claim(unit, "partOf", parent, "Synthetic order of battle: unit hierarchy.")
        self.units.append(unit)
        self.summary.units.append(unit.id)
        self.summary.max_depth = max(self.summary.max_depth, level + 1)
        if level + 1 < len(ECHELONS):
            low, high = self.shape.branching[level]
            for k in range(1, rng.randint(low, high) + 1):
                self._unit(unit, level + 1, counters, f"{unit_id}-{ECHELONS[level + 1][:3]}{k}", theatre)

    # ---------------------------------------------------------------- source documents

    def documents(self) -> None:
        rng = self.rng
        subjects = [u for u in self.units for _ in range(SUBJECT_WEIGHT.get(u.echelon or "brigade", 3))]
        rng.shuffle(subjects)
        self.subjects = subjects
        start = dt.date(2014, 1, 1)
        n = 0
        while self.w.written < self.shape.triples or n == 0:
            n += 1
            date = start + dt.timedelta(days=rng.randrange(3650))
            self._document(f"syn-{date.isoformat()}-{n:05d}", date)
        self.w.flush()
        self.summary.documents = n

    def _subject(self) -> _Entity:
        subject = self.subjects[self.next_subject % len(self.subjects)]
        self.next_subject += 1
        return subject

    def _document(self, doc_id: str, date: dt.date) -> None:
        rng, w = self.rng, self.w
        w.graph = _iri(source_graph(doc_id))
        node = _iri(f"{SOURCE}{doc_id}")
        publisher = rng.choice(self.publishers or self.sources)
        author = rng.choice(self.authors or self.sources)
        date_literal = _typed(date.isoformat(), "date")
        title = f"Situation report {doc_id[4:]}: {rng.choice(NAME_ROOTS)} front"
        w.add(node, RDF_TYPE, _o("SourceDocument"))
        w.add(node, _dct("identifier"), _plain(doc_id))
        w.add(node, _dct("title"), _plain(title))
        w.add(node, _dct("publisher"), publisher.iri)
        w.add(node, _dct("creator"), author.iri)
        w.add(node, _dct("date"), date_literal)
        w.add(node, _dct("source"), _plain(f"{doc_id}.txt"))
        texts: list[str] = []
        offset = 0
        plain_triples: set[tuple[str, str, str]] = set()
        for ordinal in range(rng.randint(4, 16)):
            passage_id = "post" if ordinal == 0 else f"c{ordinal:02d}"
            passage_author = author if ordinal == 0 else rng.choice(self.commenters or self.sources)
            text = self._passage(doc_id, passage_id, passage_author, offset, date_literal, plain_triples)
            p = _iri(f"{SOURCE}{doc_id}/{passage_id}")
            w.add(p, RDF_TYPE, _o("Passage"))
            w.add(p, _dct("identifier"), _plain(passage_id))
            w.add(p, _dct("isPartOf"), node)
            w.add(p, _o("ordinal"), _typed(ordinal, "integer"))
            w.add(p, _o("passageKind"), _plain("post" if ordinal == 0 else "comment"))
            w.add(p, _o("authorAsPrinted"), _plain(passage_author.label))
            w.add(p, _dct("creator"), passage_author.iri)
            w.add(p, _o("startChar"), _typed(offset, "integer"))
            w.add(p, _o("endChar"), _typed(offset + len(text), "integer"))
            w.add(p, _o("text"), _plain(text))
            texts.append(text)
            offset += len(text) + 2
            self.summary.passages += 1
        w.add(node, _o("text"), _plain("\n\n".join(texts)))
        self.summary.graphs += 1

    def _passage(
        self,
        doc_id: str,
        passage_id: str,
        author: _Entity,
        offset: int,
        date_literal: str,
        plain_triples: set[tuple[str, str, str]],
    ) -> str:
        """The passage's claims (1-3), written as claim nodes with evidence; returns its text."""
        rng, w = self.rng, self.w
        sentences = [rng.choice(FILLERS)]
        position = len(sentences[0]) + 1
        passage = _iri(f"{SOURCE}{doc_id}/{passage_id}")
        for _ in range(rng.randint(1, 3)):
            repeats = None
            if self.recent and rng.random() < REPEAT_SHARE:
                repeats = self.recent[rng.randrange(len(self.recent))]
            statement = repeats[1] if repeats else self._statement()
            subject, relation, obj, obj_key, quote = statement
            hedge = rng.choice(HEDGES) if rng.random() < 0.2 else None
            if hedge:
                quote = f"{hedge.capitalize()}, {quote[0].lower()}{quote[1:]}"
            claim_id = f"{doc_id}-{passage_id}-{subject.id}-{relation}-{obj_key}-{rng.getrandbits(32):08x}"
            node = _iri(f"{CLAIM}{claim_id}")
            is_value = not obj.startswith("<")
            roll, mention = rng.random(), None
            for name, share in MENTIONS:
                if roll < share:
                    mention = name
                    break
                roll -= share
            status = ST_REPORTED if rng.random() < 0.85 else ST_ASSESSED
            if mention is None and (subject.iri, relation, obj) not in plain_triples:
                plain_triples.add((subject.iri, relation, obj))
                w.add(subject.iri, _o(relation), obj)
            w.add(node, RDF_TYPE, _o("Claim"))
            w.add(node, _dct("identifier"), _plain(claim_id))
            w.add(node, _o("subject"), subject.iri)
            w.add(node, _o("relation"), _o(relation))
            w.add(node, _o("value" if is_value else "object"), obj)
            w.add(node, _o("assertedBy"), author.iri)
            originator = author
            if rng.random() < 0.15:
                cited = rng.choice(self.sources)
                if cited is not author:
                    w.add(node, _o("citesSource"), cited.iri)
                    originator = cited
            w.add(node, _o("originator"), originator.iri)
            if mention is not None:
                modality = _iri(f"{MODALITY}{mention}")
            else:
                modality = MOD_REPORTED if status == ST_REPORTED else MOD_ASSESSED
            w.add(node, _o("modality"), modality)
            if repeats is not None:
                w.add(node, _o("sameLineAs"), repeats[0])
            self.recent.append((node, statement))
            if len(self.recent) > 200:
                del self.recent[:100]
            w.add(node, _o("status"), status)
            w.add(node, _o("credibility"), _typed(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)), "integer"))
            w.add(node, _o("hedged"), TRUE if hedge else FALSE)
            if hedge:
                w.add(node, _o("hedgeCue"), _plain(hedge))
            w.add(node, _o("reportDate"), date_literal)
            w.add(node, PROV_DERIVED, passage)
            evidence = f"<{node[1:-1]}/evidence/1>"
            w.add(node, _o("hasEvidence"), evidence)
            w.add(evidence, RDF_TYPE, _o("Evidence"))
            w.add(evidence, _o("inPassage"), passage)
            w.add(evidence, _o("quote"), _plain(quote))
            w.add(evidence, _o("startChar"), _typed(offset + position, "integer"))
            w.add(evidence, _o("endChar"), _typed(offset + position + len(quote), "integer"))
            sentences.append(quote + ".")
            position += len(quote) + 2
            self.summary.claims += 1
        return " ".join(sentences)

    def _statement(self) -> tuple[_Entity, str, str, str, str]:
        """(subject, relation, object term, object key for the id, quote) of one reported claim."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.06 and self.members:
            member, alliance = rng.choice(self.members)
            if rng.random() < 0.5:
                return member, "memberOf", alliance.iri, alliance.id, f"{member.label} is part of {alliance.label}"
            return (
                alliance,
                "hasMember",
                member.iri,
                member.id,
                f"{alliance.label} counts {member.label} among its members",
            )
        subject = self._subject()
        if roll < 0.68:
            relation = rng.choice(tuple(LOCATION_VERBS))
            place = self.place_by_id[rng.choice(subject.theatre)]
            self.claimed_places.setdefault(place.id, None)
            return subject, relation, place.iri, place.id, f"{subject.label} {LOCATION_VERBS[relation]} {place.label}"
        if roll < 0.76 and subject.parent is not None:
            parent = subject.parent
            return subject, "partOf", parent.iri, parent.id, f"{subject.label} belongs to {parent.label}"
        if roll < 0.84:
            strength = rng.choice((40, 60, 120, 300, 600, 1500, 3000, 8000))
            return (
                subject,
                "hasStrength",
                _typed(strength, "integer"),
                str(strength),
                f"{subject.label} numbers about {strength} men",
            )
        other = self._subject()
        relation = rng.choice(tuple(UNIT_VERBS))
        return subject, relation, other.iri, other.id, f"{subject.label} {UNIT_VERBS[relation]} {other.label}"

    def ontology(self) -> None:
        """The ontology graph as the build writes it: the queries read relation families
        (rdfs:subPropertyOf) and which modalities assert their triple from it."""
        self.w.graph = _iri(str(ONTOLOGY_GRAPH))
        for line in ontology_ntriples().decode("utf-8").splitlines():
            s, p, o = line.rstrip(" .").split(" ", 2)
            self.w.add(s, p, o)
        self.summary.graphs += 1

    def run(self) -> Summary:
        self.ontology()
        self.w.graph = BG
        self.place_points()
        self.place_by_id = {p.id: p for p in self.places}
        self.information_sources()
        self.forces()
        self.documents()
        self.summary.graphs += 1  # the background graph
        self.summary.claimed_places = list(self.claimed_places)
        self.summary.triples = self.w.count
        return self.summary


def generate(triples: int, out: IO[str] | Path | str, seed: int = DEFAULT_SEED) -> Summary:
    """Write a synthetic knowledge base of about ``triples`` quads as N-Quads; deterministic in ``seed``."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="\n") as handle:
            return generate(triples, handle, seed)
    writer = QuadWriter(out)
    return _Generator(Shape.for_size(triples), writer, seed).run()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples (quads) to write")
    parser.add_argument("--out", type=Path, required=True, help="the N-Quads file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same bytes)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = generate(args.triples, args.out, args.seed)
    seconds = time.perf_counter() - started
    print(f"{args.out}: {summary.describe()}", file=sys.stderr)
    print(f"generated in {seconds:.1f} s ({summary.triples / seconds:,.0f} triples/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
