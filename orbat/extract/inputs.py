"""What a draft is made from: the bytes of a report as an analyst pastes or saves it, checked.

A report is plain text, optionally opened by a header of ``key: value`` lines (source, url, date,
author, language, title) closed by a line ``---``; HTML pasted from a page is reduced to its text
(the standard library's html.parser: script and style dropped, block elements as line breaks).
Fields given apart (CLI options, JSON fields) win over the header's.

Bad input is refused with one line saying what is wrong: empty, binary, not UTF-8 (UTF-16 named as
such), larger than ``MAX_BYTES``, a date that is not a date, an unknown header field. A text in
another language is read but not drafted: the rules read English only, so the draft is empty and
says why (no claims are guessed from a text they cannot read).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import ClassVar

MAX_BYTES = 1_000_000  # about 300 pages of news text; the API's body limit is the same
HEADER_KEYS = ("source", "url", "date", "author", "language", "title")
ENGLISH = {"en", "eng", "english"}
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "was",
        "were",
        "are",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "be",
        "said",
    ]
)
_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}


class DraftInputError(ValueError):
    """The input cannot be drafted; the message says what and where."""


@dataclass(frozen=True)
class ReportMeta:
    """What is known about a report apart from its text."""

    source: str | None = None  # the outlet (publisher), as printed
    url: str | None = None
    date: dt.date | None = None
    author: str | None = None
    language: str | None = None
    title: str | None = None

    def merged(self, other: ReportMeta) -> ReportMeta:
        """These fields, each replaced by ``other``'s where ``other`` has one."""
        return replace(self, **{k: v for k, v in vars(other).items() if v is not None})


@dataclass(frozen=True)
class ReportInput:
    text: str  # the body: what quotes are taken from
    meta: ReportMeta
    not_english: str | None = None  # why the text is not read (another language): an empty draft


def parse_date(value: str, where: str = "date") -> dt.date:
    """``2017-05-11``, ``11 May 2017`` or ``May 11, 2017``; anything else is an error."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})|([A-Za-z]+) (\d{1,2}),? (\d{4})", value)
    if match:
        day, month, year = (match[1], match[2], match[3]) if match[1] else (match[5], match[4], match[6])
        if month.lower() in _MONTHS:
            try:
                return dt.date(int(year), _MONTHS[month.lower()], int(day))
            except ValueError:
                pass
    raise DraftInputError(f"{where}: {value!r} is not a date (write YYYY-MM-DD, e.g. 2017-05-11)")


class _TextOf(HTMLParser):
    _SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}
    _BLOCK: ClassVar[set[str]] = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or len(re.findall(r"</?(p|div|span|br|a)\b", head)) >= 3


def html_to_text(text: str) -> str:
    """The readable text of an HTML page: paragraphs on their own lines, spaces collapsed."""
    parser = _TextOf()
    parser.feed(text)
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", html.unescape(line)).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped); binary data or another encoding is an error naming the byte."""
    if not data.strip():
        raise DraftInputError(f"{name}: empty: there is no text to draft from")
    if len(data) > MAX_BYTES:
        raise DraftInputError(f"{name}: {len(data):,} bytes, more than the limit of {MAX_BYTES:,} bytes for one report")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DraftInputError(f"{name}: UTF-16 text (a byte-order mark at the start); save the report as UTF-8")
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise DraftInputError(f"{name}: binary data (a NUL byte at offset {nul}), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DraftInputError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the report as UTF-8"
        ) from exc
    text = text.removeprefix("\ufeff")
    controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 8:
        raise DraftInputError(f"{name}: binary data ({controls} control characters), not text")
    return text


def split_header(text: str, name: str) -> tuple[dict[str, str], str]:
    """The ``key: value`` lines before a line ``---``, and the body after it (the whole text when
    it has no header). An unknown key is an error, so that a typo is not silently body text."""
    lines = text.split("\n")
    for number, line in enumerate(lines[:20]):
        if line.strip() == "---":
            head = [(i, raw) for i, raw in enumerate(lines[:number], start=1) if raw.strip()]
            if not head or not all(_HEADER_LINE.match(raw) for _, raw in head):
                return {}, text
            fields: dict[str, str] = {}
            for i, raw in head:
                match = _HEADER_LINE.match(raw)
                assert match
                key = match["key"].lower()
                if key not in HEADER_KEYS:
                    raise DraftInputError(f"{name}:{i}: unknown header field {key!r} (known: {', '.join(HEADER_KEYS)})")
                fields[key] = match["value"].strip().strip('"')
            return fields, "\n".join(lines[number + 1 :])
    return {}, text


def language_problem(text: str, declared: str | None) -> str | None:
    """Why the text is not English, or None: a declared language, or too few English words."""
    if declared and declared.strip().lower() not in ENGLISH:
        return f"the report is declared as language {declared!r}"
    letters = [c for c in text if c.isalpha()]
    if letters:
        latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f") / len(letters)
        if latin < 0.5:
            return "the text is mostly in a non-Latin script"
    words = re.findall(r"[a-zA-Z]+", text.lower())
    if len(words) >= 20 and sum(1 for w in words if w in _STOPWORDS) / len(words) < 0.08:
        return "the text has almost none of the commonest English words"
    return None


def read_report(data: bytes | str, name: str = "report", given: ReportMeta | None = None) -> ReportInput:
    """A report's body and metadata from its bytes (or text), checked; ``given`` fields win."""
    text = decode(data, name) if isinstance(data, bytes) else decode(data.encode("utf-8"), name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, body = split_header(text, name)
    if looks_like_html(body):
        body = html_to_text(body)
    body = body.strip("\n")
    if not body.strip():
        raise DraftInputError(f"{name}: the report has a header but no text after '---'")
    date = parse_date(fields["date"], f"{name}: header date") if fields.get("date") else None
    meta = ReportMeta(
        source=fields.get("source") or None,
        url=fields.get("url") or None,
        date=date,
        author=fields.get("author") or None,
        language=fields.get("language") or None,
        title=fields.get("title") or None,
    )
    if given is not None:
        meta = meta.merged(given)
    problem = language_problem(body, meta.language)
    note = None
    if problem:
        note = (
            f"{problem}: drafts are read by English rules only, so no claims are proposed; "
            "annotate it by hand (docs/annotating.md) or draft an English translation"
        )
    return ReportInput(body, meta, note)
