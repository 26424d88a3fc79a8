"""Claims from clauses: an actor joined to a place or another actor by a cue of the relation vocabulary.

For every cue of rules.yaml found in a sentence, the subject is the nearest actor named before it
(and the actors listed with it: "Hezbollah and Iraqi paramilitary fighters"), the object the first
name after it whose kind fits the relation's range in the ontology (and the names listed with it:
"Damascus, Aleppo, and Deir Ezzor"); a passive cue ("struck by") turns them round. Each claim
takes the clause as its quote (widened to hold both names, cut from the text by offsets, so
verbatim), the sentence's hedge words, its modality (a question mark; a denial, a scenario, a
prediction or an assessment by their cue words), the time it states (orbat.timex), and
its originator when the sentence attributes it ("according to X", "X said"). Names of the
attribution itself are never subject or object.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from functools import cache

from orbat import ontology
from orbat.extract.model import Claim, Mention
from orbat.extract.patterns import Found, unnamed_source
from orbat.extract.rules import RelationRule, Rules
from orbat.extract.segment import Span, clauses
from orbat.timex import valid_time

_LIST_GAP = re.compile(
    r"\)?(?:\s+[a-z-]+){0,2}\s*(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s+&\s+|\s+as well as\s+)(?:the\s+)?", re.I
)
_PAREN_GAP = re.compile(r"\s*\(\s*")
MAX_SUBJECT_GAP = 140
MAX_OBJECT_GAP = 70


@cache
def is_kind(kinds: tuple[str, ...], ancestor: str) -> bool:
    """Whether one of ``kinds`` is ``ancestor`` or under it in the (package's) ontology."""
    return any(ontology.is_subkind(k, ancestor) for k in kinds)


def _fits(mention: Mention, kind: str | None) -> str | None:
    """The entity of ``mention`` (or of one of its candidates) that is a ``kind``; None if none is."""
    wanted = ("Actor", "Place") if kind is None else (kind,)
    if any(is_kind(mention.kinds, k) for k in wanted):
        return mention.entity
    return None


def _listed(text: str, mentions: list[Mention], index: int, step: int, kind: str | None) -> list[Mention]:
    """``mentions[index]`` and the mentions listed with it, going back (step -1) or forward (+1)."""
    found = [mentions[index]]
    i = index
    while 0 <= i + step < len(mentions):
        a, b = (mentions[i + step], mentions[i]) if step < 0 else (mentions[i], mentions[i + step])
        gap = text[a.end : b.start]
        if not (_LIST_GAP.fullmatch(gap) or _PAREN_GAP.fullmatch(gap)) or not _fits(mentions[i + step], kind):
            break
        i += step
        found.append(mentions[i])
    return found


class ClaimFinder:
    def __init__(
        self,
        text: str,
        rules: Rules,
        date: dt.date | None,
        publisher: str | None,
        new_source: Callable[[Found], str],
        resolve: Callable[[Mention, str | None], tuple[str, list[str]]],
    ) -> None:
        self.text = text
        self.rules = rules
        self.date = date
        self.publisher = publisher
        self.new_source = new_source
        self.resolve = resolve  # (mention, wanted kind) -> (entity id, candidates when ambiguous)

    # ------------------------------------------------------------------ attribution
    def attribution(self, sentence: Span, mentions: list[Mention]) -> tuple[str | None, list[tuple[int, int]]]:
        """The originator a sentence names ("according to X", "X said"), and the spans to leave out."""
        text = self.text
        for cue in self.rules.attribution_before.finditer(text, sentence.start, sentence.end):
            # "according to X": X runs to the next comma or full stop
            stop = re.search(r"[,.;:]|\bthat\b", text[cue.end() : sentence.end])
            window_end = min(sentence.end, cue.end() + (stop.start() if stop else 80))
            after = [m for m in mentions if cue.end() <= m.start < window_end and is_kind(m.kinds, "Actor")]
            if after:
                return self._originator(after[0]), [(cue.start(), after[0].end)]
            found = unnamed_source(text[cue.end() : window_end], cue.end(), self.rules)
            if found:
                return self.new_source(found), [(cue.start(), found.end)]
        for cue in self.rules.attribution_after.finditer(text, sentence.start, sentence.end):
            if re.match(r"\s+to\b", text[cue.end() : cue.end() + 4]):
                continue  # "is said to be": a hedge, not a source
            before = [
                m for m in mentions if m.end <= cue.start() and cue.start() - m.end <= 45 and is_kind(m.kinds, "Actor")
            ]
            gap = text[before[-1].end : cue.start()] if before else ""
            if before and not self.rules.any_cue.search(gap) and not re.search(r"\b(?:that|which)\b", gap):
                return self._originator(before[-1]), [(before[-1].start, cue.end())]
            window_start = max(sentence.start, cue.start() - 60)
            found = unnamed_source(text[window_start : cue.start()], window_start, self.rules, last=True)
            if found and text[found.end : cue.start()].strip(" ,") in ("", "have", "has", "had"):
                return self.new_source(found), [(found.start, cue.end())]
            after = [m for m in mentions if cue.end() <= m.start <= cue.end() + 3 and is_kind(m.kinds, "Actor")]
            if after:  # "..., said X"
                return self._originator(after[0]), [(cue.start(), after[0].end)]
        return None, []

    def _originator(self, mention: Mention) -> str | None:
        entity, _ = self.resolve(mention, "Actor")
        return None if entity == self.publisher else entity

    # ------------------------------------------------------------------ claims
    def claims(self, sentence: Span, mentions: list[Mention]) -> list[Claim]:
        originator, leave_out = self.attribution(sentence, mentions)
        usable = [m for m in mentions if not any(s <= m.start < e for s, e in leave_out)]
        found: list[Claim] = []
        seen: set[tuple[str, str, str | None]] = set()
        for rule in self.rules.relations:
            for cue in rule.cues.finditer(self.text, sentence.start, sentence.end):
                if any(m.start < cue.end() and cue.start() < m.end for m in mentions):
                    continue
                if any(s <= cue.start() < e for s, e in leave_out):
                    continue
                for claim in self._for_cue(rule, cue, sentence, usable):
                    key = (claim.subject, claim.relation, claim.object)
                    if key not in seen:
                        seen.add(key)
                        found.append(claim)
        found.extend(self._strengths(sentence, usable, seen))
        found.extend(self._possessives(usable, seen))
        for claim in found:
            self._qualify(claim, sentence, originator)
        return found

    def _for_cue(self, rule: RelationRule, cue: re.Match[str], sentence: Span, mentions: list[Mention]) -> list[Claim]:
        first_kind, second_kind = (
            (rule.object_kind, rule.subject_kind) if rule.passive else (rule.subject_kind, rule.object_kind)
        )
        before = [
            i
            for i, m in enumerate(mentions)
            if m.end <= cue.start() and cue.start() - m.end <= MAX_SUBJECT_GAP and _fits(m, first_kind)
        ]
        after = [
            i
            for i, m in enumerate(mentions)
            if m.start >= cue.end() and m.start - cue.end() <= MAX_OBJECT_GAP and _fits(m, second_kind)
        ]
        after = [i for i in after if not self._verb_between(cue.end(), mentions[i].start)]
        if not before or not after:
            return []
        # the nearest actor that is not a place too (a country is both), unless there is none
        nearest = [i for i in before if not is_kind(mentions[i].kinds, "Place")] if first_kind != "Place" else before
        lefts = _listed(self.text, mentions, (nearest or before)[-1], -1, first_kind)
        rights = _listed(self.text, mentions, after[0], +1, second_kind)
        subjects, objects = (rights, lefts) if rule.passive else (lefts, rights)
        subject_kind = rule.subject_kind if rule.subject_kind != "Person" else "Actor"
        claims = []
        for s in subjects:
            for o in objects:
                subject, s_candidates = self.resolve(s, subject_kind)
                obj, o_candidates = self.resolve(o, rule.object_kind)
                if subject == obj:
                    continue
                start, end = self._quote_span(sentence, cue, s, o)
                confidence = 0.45 + 0.25 * min(s.score, o.score) + (0.1 if rule.object_kind else 0.0)
                reason = f"{cue.group()!r} ({rule.relation}) joins {s.text!r} ({s.how}) to {o.text!r} ({o.how})"
                claims.append(
                    Claim(
                        subject,
                        rule.relation,
                        obj,
                        self.text[start:end],
                        start,
                        end,
                        confidence,
                        reason,
                        candidates=sorted({*s_candidates, *o_candidates}),
                    )
                )
        return claims

    def _verb_between(self, start: int, end: int) -> bool:
        """Whether another relation's cue stands between a cue and a name (a prepositional one,
        "near", "in", does not: "shelled positions near Dumayr")."""
        return any(
            rule.relation not in ("positionedNear", "positionedAt", "presentIn")
            and rule.cues.search(self.text, start, end)
            for rule in self.rules.relations
        )

    def _quote_span(self, sentence: Span, cue: re.Match[str], *names: Mention) -> tuple[int, int]:
        parts = clauses(self.text, sentence)
        clause = next((c for c in parts if c.start <= cue.start() < c.end), sentence)
        start = min(clause.start, *(m.start for m in names))
        end = max(clause.end, *(m.end for m in names))
        while end > start and self.text[end - 1] in ".,;:":
            end -= 1
        return start, end

    def _possessives(self, mentions: list[Mention], seen: set[tuple[str, str, str | None]]) -> list[Claim]:
        """ "the Syrian Arab Army's 5th Corps": the unit is part of the force named before it."""
        found = []
        for a, b in itertools.pairwise(mentions):
            if self.text[a.end : b.start] not in ("'s ", "’s ") or not b.new or "MilitaryUnit" not in b.kinds:
                continue
            parent, candidates = self.resolve(a, "Actor")
            if not is_kind(a.kinds, "MilitaryOrganization") or (b.entity, "partOf", parent) in seen:
                continue
            seen.add((b.entity or "", "partOf", parent))
            claim = Claim(
                b.entity or "",
                "partOf",
                parent,
                self.text[a.start : b.end],
                a.start,
                b.end,
                0.7,
                f"a unit named as {a.text!r}'s ({a.how}): part of it",
                candidates=candidates,
            )
            found.append(claim)
        return found

    def _strengths(
        self, sentence: Span, mentions: list[Mention], seen: set[tuple[str, str, str | None]]
    ) -> list[Claim]:
        found = []
        for m in self.rules.strength_nouns.finditer(self.text, sentence.start, sentence.end):
            inside = [
                x for x in mentions if m.start() <= x.start and x.end <= m.end() + 25 and is_kind(x.kinds, "Actor")
            ]
            if not inside:
                continue
            subject, candidates = self.resolve(inside[0], "Actor")
            value = int(m["n"].replace(",", ""))
            if (subject, "hasStrength", str(value)) in seen:
                continue
            seen.add((subject, "hasStrength", str(value)))
            start, end = self._quote_span(sentence, m, inside[0])
            claim = Claim(
                subject,
                "hasStrength",
                None,
                self.text[start:end],
                start,
                end,
                0.55,
                f"a number of {m.group().split()[-1]} ({m.group()!r}) of {inside[0].text!r}",
                value=value,
                candidates=candidates,
            )
            found.append(claim)
        return found

    def _qualify(self, claim: Claim, sentence: Span, originator: str | None) -> None:
        text = self.text
        quote = text[claim.start : claim.end]
        hedge = next(
            (h for h in self.rules.hedges.finditer(text, sentence.start, sentence.end) if h.group() != "May"), None
        )
        claim.hedge = hedge.group() if hedge else None
        claim.modality = self._modality(sentence, quote)
        claim.valid_time = valid_time(quote, self.date) or valid_time(sentence.text, self.date)
        if originator and originator not in (claim.subject, claim.object):
            claim.originator = originator
        if claim.hedge:
            claim.confidence -= 0.1
            claim.reason += f"; hedged ({claim.hedge!r})"
        if claim.modality != "reported":
            claim.reason += f"; {claim.modality}"
        if claim.candidates:
            claim.confidence -= 0.15
            claim.reason += f"; ambiguous name: choose among {', '.join(claim.candidates)}"
        claim.confidence = round(max(0.05, min(0.95, claim.confidence)), 2)

    def _modality(self, sentence: Span, quote: str) -> str:
        if sentence.text.rstrip().endswith("?"):
            return "question"
        for name, pattern in self.rules.modality:
            for m in pattern.finditer(quote):
                word = m.group()
                if word == "May" or (word.lower() == "not" and quote[m.end() : m.end() + 5].lower() == " only"):
                    continue
                return name
        return "reported"
