"""When a claim holds (its valid time), apart from when it was reported (its report date).

Sources date things as precisely as they know them: "yesterday" is a day, "september last year" a
month, "back in the 1914-1918 War" years. An annotation writes each bound at the precision the
text gives (``2017-05-20``, ``2016-09``, ``1914``); the bound keeps that precision (OWL-Time's
temporal units, https://www.w3.org/TR/owl-time/#time:TemporalUnit) and is widened to a day for
comparisons: a ``from`` to the first day of its month or year, a ``to`` to the last.

Named queries ask what held at a date (``valid_at``) through the two days every dated claim gets,
``orb:heldFrom`` and ``orb:heldUntil`` (``held_bounds``): the valid time's bounds, or the report
date when the text states no time (a report tells what holds when it is written); a stated valid
time with only one bound is open on the other side.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from orbat import timex
from orbat.yamlfile import AnnotationError, Mapping, check_keys, date, mapping, optional_text

PRECISIONS = ("day", "month", "year")
_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}))?$")


@dataclass(frozen=True)
class Bound:
    """One end of a valid time: the day it stands for, and how precisely the text knows it."""

    day: dt.date
    precision: str  # day | month | year


@dataclass(frozen=True)
class ValidTime:
    text: str | None = None
    start_bound: Bound | None = None
    end_bound: Bound | None = None
    resolved: bool = False  # the bounds were resolved from the text against the report date

    @property
    def start(self) -> dt.date | None:
        return self.start_bound.day if self.start_bound else None

    @property
    def end(self) -> dt.date | None:
        return self.end_bound.day if self.end_bound else None


def _bound(value: Any, end: bool, where: str, key: str) -> Bound | None:
    """``2017-05-20`` (a day, YAML's date or the same as text), ``2016-09`` (a month), ``2016``
    (a year); a ``to`` bound stands for the last day of its month or year."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise AnnotationError(where, f"valid_time {key} must be a date, not a date and time: {value!r}")
    if isinstance(value, dt.date):
        return Bound(value, "day")
    if isinstance(value, str) and len(value) == 10:  # a day written as text, as JSON has no dates
        return Bound(date(value, where, f"valid_time {key}"), "day")
    match = _PARTIAL.match(str(value)) if isinstance(value, int | str) and not isinstance(value, bool) else None
    if not match:
        raise AnnotationError(where, f"valid_time {key} must be YYYY-MM-DD, YYYY-MM or YYYY, got {value!r}")
    year = int(match["year"])
    if match["month"] is None:
        return Bound(dt.date(year, 12, 31) if end else dt.date(year, 1, 1), "year")
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise AnnotationError(where, f"valid_time {key}: no month {month} in {value!r}")
    last = calendar.monthrange(year, month)[1]
    return Bound(dt.date(year, month, last if end else 1), "month")


def load_valid_time(value: Any, where: str, report_date: dt.date | None = None) -> ValidTime:
    """``valid_time: {text, from, to}`` of a claim, checked: from no later than to. A text without
    bounds that names a time relative to the report ("yesterday", "on Tuesday", "last month") is
    resolved against ``report_date`` (orbat.timex), at the precision it gives, and marked resolved."""
    vt: Mapping = mapping(value, where, "valid_time {text, from, to}")
    check_keys(vt, [], ["text", "from", "to"])
    text = optional_text(vt, "text")
    start = _bound(vt.get("from"), False, vt.where, "from")
    end = _bound(vt.get("to"), True, vt.where, "to")
    resolved = False
    if text and start is None and end is None:
        found = timex.valid_time(text, report_date)
        if found and "from" in found:
            start = _bound(found["from"], False, vt.where, "from")
            end = _bound(found.get("to"), True, vt.where, "to")
            resolved = True
    if start and end and start.day > end.day:
        raise AnnotationError(vt.where, f"valid_time from {start.day} is after to {end.day}")
    return ValidTime(text, start, end, resolved)


def held_bounds(valid_time: ValidTime | None, report_date: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a claim is taken to hold (None: unbounded on that side)."""
    if valid_time is None or (valid_time.start is None and valid_time.end is None):
        return report_date, report_date
    return valid_time.start, valid_time.end
