"""The rule-based extractor: gazetteer, patterns, GeoNames and the cue table, in that order.

1. sentences (orbat.extract.segment);
2. names the knowledge base knows, exactly or normalised (orbat.extract.gazetteer);
3. new units and people by the ways they are written (orbat.extract.patterns); a pattern that
   strictly contains a known name wins over it ("British special forces" over "British");
4. capitalised names that are known names under another spelling (skeleton, fuzzy);
5. capitalised names in a place's position that GeoNames knows: new places with coordinates;
6. claims, sentence by sentence (orbat.extract.claims).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from orbat.extract.claims import ClaimFinder, is_kind
from orbat.extract.gazetteer import _CAPITALISED, Gazetteer
from orbat.extract.inputs import ReportMeta
from orbat.extract.model import Draft, Mention, NewEntity
from orbat.extract.patterns import Found, entity_id, groups, people, units
from orbat.extract.places import lookup
from orbat.extract.rules import Rules, load_rules
from orbat.extract.segment import SpanIndex, sentences, starting_within
from orbat.names import normalise
from orbat.timex import MONTHS, WEEKDAYS

_NOT_PLACES = frozenset(
    [
        *WEEKDAYS,
        *MONTHS,
        "the",
        "a",
        "an",
        "it",
        "they",
        "he",
        "she",
        "we",
        "this",
        "that",
        "there",
    ]
)
_PLACE_KIND = {"MilitaryUnit": "Actor", "Militia": "Actor", "Person": "Actor", "UnnamedSource": "Actor"}


class RuleExtractor:
    """Drafts by rules over the knowledge base's own names (orbat.extract.Extractor)."""

    def __init__(
        self, gazetteer: Gazetteer, rules: Rules | None = None, progress: Callable[[int, int], None] | None = None
    ) -> None:
        self.gazetteer = gazetteer
        self.rules = rules or load_rules()
        self.progress = progress

    def draft(self, text: str, meta: ReportMeta) -> Draft:
        taken = {m.id for m in self.gazetteer.names.entries()}  # every id the knowledge base uses
        entities: dict[str, NewEntity] = {}
        by_label: dict[str, str] = {}

        def propose(found: Found | NewEntity) -> str:
            if found.kind == "UnnamedSource" and found.label.startswith("the "):
                head = normalise(found.label[4:])  # "the officer" after "a Syrian officer": the same one
                earlier = [
                    e for e in entities.values() if e.kind == "UnnamedSource" and normalise(e.label).endswith(head)
                ]
                if earlier:
                    return earlier[-1].id
                found = Found(**{**vars(found), "label": found.label[4:]})
            key = normalise(found.label) + "|" + found.kind
            if key in by_label:
                return by_label[key]
            if isinstance(found, NewEntity):
                new = found
                new.id = entity_id(found.label, taken)
            else:
                description = (
                    " ".join(
                        filter(
                            None,
                            [
                                f"Role: {found.role}." if found.role else None,
                                f"Nationality: {found.nationality}." if found.nationality else None,
                            ],
                        )
                    )
                    or None
                )
                echelon = found.echelon if found.kind == "MilitaryUnit" else None
                new = NewEntity(
                    entity_id(found.label, taken),
                    found.kind,
                    found.label,
                    found.confidence,
                    found.reason,
                    echelon=echelon,
                    description=description,
                )
            entities[new.id] = new
            by_label[key] = new.id
            return new.id

        spans = sentences(text)
        mentions = self._mentions(text, propose)
        if meta.source:  # the outlet's own name ("the Euphrates Monitor's correspondent") is no river
            own = [m.span() for m in re.finditer(re.escape(meta.source), text)]
            mentions = [m for m in mentions if not any(s <= m.start < e for s, e in own)]
        publisher = self._party(meta.source, "NewsOutlet", "the report's source (header or option)", propose)
        author = self._party(meta.author, "Person", "the report's author (header or option)", propose) or publisher
        finder = ClaimFinder(text, self.rules, meta.date, publisher, propose, self._resolve)
        claims = []
        starts = [m.start for m in mentions]
        for number, sentence in enumerate(spans, start=1):
            inside = mentions[starting_within(starts, sentence.start, sentence.end)]
            if len(inside) >= 1:
                claims.extend(finder.claims(sentence, inside))
            if self.progress and (number % 20 == 0 or number == len(spans)):
                self.progress(number, len(spans))
        used = {c.subject for c in claims} | {c.object for c in claims if c.object} | {c.originator for c in claims}
        kept = [e for e in entities.values() if e.id in used or e.geo or e.id in (publisher, author)]
        return Draft(text, meta.date, [(s.start, s.end) for s in spans], mentions, kept, claims, publisher, author)

    def empty(self, text: str, meta: ReportMeta, why: str) -> Draft:
        """The draft of a text the rules do not read: its source and author, no claims, the reason."""
        entities: list[NewEntity] = []

        def propose(found: Found | NewEntity) -> str:
            assert isinstance(found, NewEntity)
            found.id = entity_id(found.label, {m.id for m in self.gazetteer.names.entries()})
            entities.append(found)
            return found.id

        publisher = self._party(meta.source, "NewsOutlet", "the report's source (header or option)", propose)
        author = self._party(meta.author, "Person", "the report's author (header or option)", propose) or publisher
        return Draft(text, meta.date, [], [], entities, [], publisher, author, notes=[why])

    # ------------------------------------------------------------------ names
    def _mentions(self, text: str, propose: Callable[[Found | NewEntity], str]) -> list[Mention]:
        known = self.gazetteer.known(text)
        found = [*units(text, self.rules), *people(text, self.rules), *groups(text, self.rules)]
        chosen: list[Mention] = []
        replaced: set[int] = set()  # known mentions a longer pattern stands for (by start)
        known_starts = [k.start for k in known]  # sorted, and the known names do not overlap
        for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
            if chosen and chosen[-1].end > f.start:
                continue
            first = max(0, starting_within(known_starts, 0, f.start).stop - 1)
            inside = [k for k in known[first : starting_within(known_starts, 0, f.end).stop] if f.start < k.end]
            if any(
                not (f.start <= k.start and k.end <= f.end) or (k.end - k.start) >= (f.end - f.start) - 4
                for k in inside
            ):
                continue  # a known name as long as the pattern, or across its edge: the known name wins
            armed = [k for k in inside if is_kind(k.kinds, "ArmedActor")]
            rest = " ".join(text[f.start : f.end].replace(k.text, " ") for k in armed).split()
            if armed and f.kind != "Person" and all(w.lower() in self.rules.formations for w in rest):
                continue  # "Iraqi PMU column" is the PMU
            close = None
            if f.kind != "Person":
                nationality = re.match(r"\S+ ", f.text) if f.text.split()[0] in self.rules.demonyms else None
                close = self.gazetteer.resolve_close(text, f.start + (nationality.end() if nationality else 0), f.end)
            if close and len(close.candidates) == 1 and not inside:
                chosen.append(close)  # "Hezbolla fighters": a known group under another spelling
                continue
            entity = propose(f)
            replaced.update(k.start for k in inside)
            chosen.append(Mention(f.start, f.end, f.text, entity, (f.kind,), "pattern", f.confidence, new=True))
        mentions = sorted([*(k for k in known if k.start not in replaced), *chosen], key=lambda m: m.start)
        mentions += self.gazetteer.close(text, mentions, self.rules.not_names)
        mentions += self._places(text, sorted(mentions, key=lambda m: m.start), propose)
        return sorted(mentions, key=lambda m: (m.start, m.end))

    def _places(self, text: str, mentions: list[Mention], propose: Callable[[Found | NewEntity], str]) -> list[Mention]:
        found = []
        taken = SpanIndex((m.start, m.end) for m in mentions)
        for match in _CAPITALISED.finditer(text):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            surface = match.group()
            if normalise(surface) in _NOT_PLACES or len(surface) < 3:
                continue
            before = re.sub(r"\bthe $", "", text[max(0, start - 20) : start])
            cue_before = self.rules.place_before.search(before + " ")
            cue_after = self.rules.place_after.match(text, end + 1) if text[end : end + 1] == " " else None
            if not ((cue_before and cue_before.end() >= len(before) - 1) or cue_after):
                continue
            places, how = lookup(surface, self.rules.countries)
            if places:
                place = places[0]
                others = (
                    "; other GeoNames places of that name: "
                    + ", ".join(f"{p.name} ({p.country}, {p.geonameid})" for p in places[1:4])
                    if len(places) > 1
                    else ""
                )
                new = NewEntity(
                    "",
                    place.kind,
                    surface.strip(),
                    0.75 if how == "name" and len(places) == 1 else 0.55,
                    f"an unknown name in a place's position, found in GeoNames ({how}): {place.name}, {place.country}"
                    f" (geonameid {place.geonameid}, population {place.population}){others}",
                    geo={"lat": round(place.lat, 5), "lon": round(place.lon, 5), "precision_km": place.precision_km},
                    description=f"Coordinates: background knowledge from GeoNames {place.geonameid} ({place.name}, "
                    f"{place.country}), not stated by the report; precision from its population ({place.population}).",
                    aliases=[place.name] if normalise(place.name) != normalise(surface) else [],
                )
                entity = propose(new)
                found.append(
                    Mention(start, end, surface, entity, (new.kind,), f"geonames ({how})", new.confidence, new=True)
                )
            elif cue_after or (cue_before and re.search(r"(?:village|town|city) of $", before)):
                new = NewEntity(
                    "",
                    "Place",
                    surface,
                    0.3,
                    "an unknown name in a place's position; not in GeoNames: locate it by hand",
                )
                entity = propose(new)
                found.append(Mention(start, end, surface, entity, ("Place",), "place position", 0.3, new=True))
        return found

    def _party(self, name: str | None, kind: str, why: str, propose: Callable[[Found | NewEntity], str]) -> str | None:
        if not name:
            return None
        matches = self.gazetteer.names.resolve(name)
        if matches:
            return matches[0].id
        close = self.gazetteer.resolve_close(name, 0, len(name))
        if close and close.entity and not close.candidates[1:]:
            return close.entity
        return propose(NewEntity("", kind, name, 0.8, f"{why}, not in the knowledge base"))

    def _resolve(self, mention: Mention, kind: str | None) -> tuple[str, list[str]]:
        """The entity a mention stands for where ``kind`` is wanted, and the candidates if ambiguous."""
        options = list(mention.candidates) or [mention.entity or ""]
        wanted = ("Actor", "Place") if kind is None else (kind,)
        fitting = [e for e in options if any(self.gazetteer.is_a(e, k) for k in wanted)] or options
        ambiguous = "ambiguous" in mention.how or (len(fitting) > 1 and mention.how.startswith(("skeleton", "fuzzy")))
        return fitting[0], (list(options) if ambiguous else [])
