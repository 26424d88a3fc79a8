"""Sentences and clauses of a report, with their character offsets in its text.

A claim's quote is the clause that states it, cut from the text by offsets, so it is verbatim by
construction. Sentences end at ``. ! ?`` before a capital, a quote or a line end (not after the
abbreviations of ranks and titles news text uses: Gen., Col., U.S., Mr.), and at every line
break (a headline, a dateline); a sentence splits into clauses at ``;``, dashes and the
conjunctions that start a second statement (", while", ", but", ", where"; not ", and",
which mostly joins the items of a list).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Gen|Col|Lt|Maj|Brig|Capt|Sgt|Mr|Mrs|Ms|Dr|St|No|Jr|Sr|Adm|Cmdr|Gov|Sen|Rep|Prof|approx|vs|etc|e\.g|i\.e)"
    r"|\b[A-Z](?:\.[A-Z])*)\.$"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n+")
_CLAUSE_BREAK = re.compile(r";\s+|\s+[–—]\s+|,\s+(?=(?:while|whereas|but|where)\s)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in ",;"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def sentences(text: str) -> list[Span]:
    found: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().strip() and _ABBREVIATIONS.search(text[max(start, end - 12) : end]):
            continue
        span = _trimmed(text, start, end)
        if span:
            found.append(span)
        start = match.end()
    span = _trimmed(text, start, len(text))
    if span:
        found.append(span)
    return found


def clauses(text: str, sentence: Span) -> list[Span]:
    """The clauses of one sentence (the sentence itself when it does not split)."""
    found: list[Span] = []
    start = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        span = _trimmed(text, start, match.start())
        if span:
            found.append(span)
        start = match.end()
    span = _trimmed(text, start, sentence.end)
    if span:
        found.append(span)
    return found


class SpanIndex:
    """Whether a span overlaps any of many, in logarithmic time (a long report has thousands of
    names: comparing each with all would be quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end: list[int] = []
        highest = -1
        for _, end in ordered:
            highest = max(highest, end)
            self._max_end.append(highest)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # the spans that start before ``end``
        return i > 0 and self._max_end[i - 1] > start


def starting_within(starts: list[int], start: int, end: int) -> slice:
    """The slice of a sorted list of start offsets that lie in [start, end)."""
    return slice(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end))
