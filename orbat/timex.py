"""When a clause says something held, resolved against the report's date at the precision it gives.

"on Tuesday" in a report dated Thursday 11 May 2017 is 9 May 2017 (the last Tuesday before the
report; a day); "yesterday" a day; "over the course of ten days" the ten days up to the report;
"last week" the seven days of the week before; "since ... last year" from that year on; "last month" a
month (``2017-04``); "last year" a year; "on 9 May", "May 9" a day of the report's year (the year
before when that day would be after the report); "in March" a month. The result is the
``valid_time: {text, from, to}`` of docs/annotating.md, ``text`` as printed; without a report
date only absolute dates resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = (
    r"(?P<month>" + "|".join(m.capitalize() for m in MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_PATTERNS = [
    (
        "day_month",
        re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b"),
    ),
    (
        "month_day",
        re.compile(rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b"),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:on|last|this|early on|late on)\s+(?P<weekday>"
            + "|".join(w.capitalize() for w in WEEKDAYS)
            + r")\b(?:\s+(?:morning|night|evening|afternoon))?",
            re.I,
        ),
    ),
    ("yesterday", re.compile(r"\b(?:yesterday|overnight|last night)\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today)\b", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+days\s+ago\b", re.I)),
    (
        "past_days",
        re.compile(
            r"\b(?:over\s+the\s+course\s+of|(?:over|in|during|for)\s+the\s+(?:last|past))\s+"
            r"(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+days\b",
            re.I,
        ),
    ),
    ("last_week", re.compile(r"\blast\s+week\b", re.I)),
    ("this_week", re.compile(r"\b(?:earlier\s+)?this\s+week\b", re.I)),
    ("last_month", re.compile(r"\blast\s+month\b", re.I)),
    ("in_month", re.compile(rf"\b(?:in|since|during)\s+(?:early\s+|late\s+|mid-)?{_MONTH}(?:\s+(?P<year>\d{{4}}))?\b")),
    ("last_year", re.compile(r"\blast\s+year\b", re.I)),
    ("year", re.compile(r"\b(?:in|since)\s+(?P<year>(?:19|20)\d{2})\b")),
]
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, m in enumerate(MONTHS, start=1) if m.startswith(name[:3]))


def _day_in_year(day: int, month: int, year: str | None, report: dt.date | None) -> dt.date | None:
    try:
        if year:
            return dt.date(int(year), month, day)
        if report is None:
            return None
        found = dt.date(report.year, month, day)
        return found if found <= report else dt.date(report.year - 1, month, day)
    except ValueError:
        return None


def _resolve(kind: str, m: re.Match[str], report: dt.date | None) -> tuple[Any, Any] | None:
    if kind in ("day_month", "month_day"):
        day = _day_in_year(int(m["day"]), _month(m["month"]), m["year"], report)
        return (day, day) if day else None
    if kind == "year":
        year = int(m["year"])
        return (year, None) if m.group().lower().startswith("since") else (year, year)
    if report is None:
        return None
    if kind == "weekday":
        back = (report.weekday() - WEEKDAYS.index(m["weekday"].lower())) % 7
        day = report - dt.timedelta(days=back)
        return day, day
    if kind == "yesterday":
        day = report - dt.timedelta(days=1)
        return day, day
    if kind == "today":
        return report, report
    if kind == "days_ago":
        n = _NUMBERS.get(m["n"].lower()) or int(m["n"])
        day = report - dt.timedelta(days=n)
        return day, day
    if kind == "past_days":  # the n days up to the report
        n = _NUMBERS.get(m["n"].lower()) or int(m["n"])
        return report - dt.timedelta(days=n), report
    if kind == "last_week":
        monday = report - dt.timedelta(days=report.weekday() + 7)
        return monday, monday + dt.timedelta(days=6)
    if kind == "this_week":
        return report - dt.timedelta(days=report.weekday()), report
    if kind == "last_month":
        last = report.replace(day=1) - dt.timedelta(days=1)
        return f"{last.year}-{last.month:02d}", f"{last.year}-{last.month:02d}"
    if kind == "in_month":
        month = _month(m["month"])
        year = int(m["year"]) if m["year"] else report.year - (1 if month > report.month else 0)
        start = f"{year}-{month:02d}"
        return (start, None) if m.group().lower().startswith("since") else (start, start)
    if kind == "last_year":
        return report.year - 1, report.year - 1
    return None


def valid_time(clause: str, report: dt.date | None) -> dict[str, Any] | None:
    """The first time expression of ``clause`` that resolves, as ``{text, from, to}``; the words
    alone (``{text}``) when they cannot be resolved without a report date."""
    found: list[tuple[int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(clause):
            found.append((match.start(), kind, match))
    for _, kind, match in sorted(found, key=lambda f: (f[0], -len(f[2].group()))):
        bounds = _resolve(kind, match, report)
        text = match.group().strip()
        if bounds is None:
            return {"text": text}
        result: dict[str, Any] = {"text": text, "from": bounds[0]}
        since = re.search(r"\bsince\b", clause[: match.end()], re.I)  # "since it was decided last year"
        if bounds[1] is not None and not since:
            result["to"] = bounds[1]
        return result
    return None
