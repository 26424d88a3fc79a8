"""Source documents: their text, metadata and passages.

A document is described by a YAML file under a workspace's ``sources/`` next to its text. The segmenter cuts
the text into passages (a quoted news item, the post body, one passage per reader comment) with
character offsets into the document, so every quote can be located exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from orbat.ids import slug
from orbat.yamlfile import (
    AnnotationError,
    Collector,
    Mapping,
    check_keys,
    date,
    file_where,
    load_yaml,
    mapping,
    optional_text,
    read_text,
    sequence,
)
from orbat.yamlfile import text as _text

UNKNOWN_AUTHOR = "unknown"


@dataclass(frozen=True)
class Passage:
    """A contiguous, single-author part of a document."""

    id: str
    kind: str
    ordinal: int
    author_as_printed: str
    author: str | None  # entity id of the author, None when the author is unknown
    start: int
    end: int
    text: str
    number: int | None = None  # the printed comment number
    where: str = "?"  # file:line of its description


@dataclass(frozen=True)
class Document:
    """A report the knowledge base reads from."""

    id: str
    path: Path
    title: str
    publisher: str
    author: str
    date: dt.date
    date_basis: str
    text: str
    passages: tuple[Passage, ...]
    where: str = "?"  # file:line of its description

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.passages if p.id == passage_id), None)


def comment_author_id(printed: str, authors: dict[str, str]) -> str:
    """The entity id of a commenter: mapped explicitly, else a slug of the printed name."""
    return authors.get(printed) or f"commenter-{slug(printed)}"


def _find(text: str, marker: str, where: str, start: int = 0) -> int:
    index = text.find(marker, start)
    if index < 0:
        raise AnnotationError(where, f"marker {marker!r} not found in the document text")
    return index


def _passages(meta: Mapping, text: str) -> list[Passage]:
    passages: list[Passage] = []
    for ordinal, item in enumerate(sequence(meta.get("passages"), meta.where, "passages")):
        spec = mapping(item, meta.where, "a passage")
        check_keys(spec, ["id", "kind", "author", "starts_at", "ends_after"], [])
        where = spec.where
        start = _find(text, _text(spec["starts_at"], where, "starts_at"), where)
        ends_after = _text(spec["ends_after"], where, "ends_after")
        end = _find(text, ends_after, where, start) + len(ends_after)
        author = _text(spec["author"], where, "author")
        passages.append(
            Passage(
                id=_text(spec["id"], where, "id"),
                kind=_text(spec["kind"], where, "kind"),
                ordinal=ordinal,
                author_as_printed=author,
                author=author,
                start=start,
                end=end,
                text=text[start:end],
                where=where,
            )
        )
    return passages


def _comment_header(comments: Mapping) -> re.Pattern[str]:
    """The comment header pattern, which must name the groups ``number`` and ``author``."""
    where = comments.where
    try:
        header = re.compile(_text(comments["header"], where, "header"), re.MULTILINE)
    except re.error as exc:
        raise AnnotationError(where, f"header is not a regular expression: {exc}") from exc
    missing = sorted({"number", "author"} - set(header.groupindex))
    if missing:
        raise AnnotationError(where, f"header must have the named group(s): {', '.join(missing)}")
    return header


def _comments(comments: Mapping, text: str, first_ordinal: int) -> list[Passage]:
    check_keys(comments, ["after", "before", "header"], ["authors"])
    where = comments.where
    region_start = _find(text, _text(comments["after"], where, "after"), where)
    region_end = _find(text, _text(comments["before"], where, "before"), where, region_start)
    matches = list(_comment_header(comments).finditer(text, region_start, region_end))
    if not matches:
        raise AnnotationError(where, "the comment header matches nothing")
    authors_map = mapping(comments.get("authors") or Mapping(), where, "authors")
    authors = {printed: _text(entity, authors_map.where, printed) for printed, entity in authors_map.items()}
    passages: list[Passage] = []
    for i, match in enumerate(matches):
        body_start = match.end()
        body_end = matches[i + 1].start() if i + 1 < len(matches) else region_end
        body = text[body_start:body_end].rstrip()
        printed = match.group("author") or UNKNOWN_AUTHOR
        digits = match.group("number") or ""
        if not (digits.isascii() and digits.isdigit()):
            raise AnnotationError(where, f"the header's number group matched {digits!r}, not digits")
        number = int(digits)
        author = None if printed == UNKNOWN_AUTHOR else comment_author_id(printed, authors)
        passages.append(
            Passage(
                id=f"c{number:02d}",
                kind="comment",
                ordinal=first_ordinal + len(passages),
                author_as_printed=printed,
                author=author,
                start=body_start,
                end=body_start + len(body),
                text=body,
                number=number,
                where=where,
            )
        )
    return passages


WHOLE_TEXT = "text"  # the id of the one passage of a document that names none


def _whole_text(meta: Mapping, text: str) -> list[Passage]:
    """A document without passages or comments is one passage, written by the document's author."""
    author = _text(meta["author"], meta.where, "author")
    body = text.rstrip()
    if not body.strip():
        raise AnnotationError(meta.where, "the document text is empty")
    return [Passage(WHOLE_TEXT, "text", 0, author, author, 0, len(body), body, where=meta.where)]


def _segment(meta: Mapping, text: str, whole_text_default: bool = False) -> tuple[Passage, ...]:
    if whole_text_default and not meta.get("passages") and not meta.get("comments"):
        return tuple(_whole_text(meta, text))
    passages = _passages(meta, text)
    if meta.get("comments"):
        passages += _comments(mapping(meta["comments"], meta.where, "comments"), text, len(passages))
    ids = [p.id for p in passages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AnnotationError(meta.where, f"duplicate passage ids: {', '.join(duplicates)}")
    return tuple(passages)


DOCUMENT_KEYS = (["id", "title", "publisher", "author", "date"], ["date_basis", "passages", "comments"])


def text_file(meta: Mapping, folder: Path) -> Path:
    """The document's text file named by ``file:``, which must be beside its description."""
    where = meta.where
    name = _text(meta["file"], where, "file")
    if Path(name).name != name or name in ("", ".", "..") or "\0" in name:
        raise AnnotationError(where, f"file {name!r} must be a file name in the same folder")
    text_path = folder / name
    if not text_path.is_file():
        raise AnnotationError(where, f"text file {name!r} does not exist")
    return text_path


def load_document(meta_path: Path) -> Document:
    """Read one document description and its text, and segment it."""
    meta = mapping(load_yaml(meta_path), file_where(meta_path), "a source description")
    required, optional = DOCUMENT_KEYS
    check_keys(meta, [*required, "file"], optional)
    text_path = text_file(meta, meta_path.parent)
    return document(meta, read_text(text_path), text_path)


def document(meta: Mapping, text: str, text_path: Path, *, whole_text_default: bool = False) -> Document:
    """A document from its checked description and its text (``text_path`` is where the text is)."""
    where = meta.where
    day = date(meta["date"], where, "date")
    return Document(
        id=_text(meta["id"], where, "id"),
        path=text_path,
        title=_text(meta["title"], where, "title"),
        publisher=_text(meta["publisher"], where, "publisher"),
        author=_text(meta["author"], where, "author"),
        date=day,
        date_basis=optional_text(meta, "date_basis") or "",
        text=text,
        passages=_segment(meta, text, whole_text_default),
        where=where,
    )


def load_documents(directory: Path, found: Collector | None = None) -> list[Document]:
    """Every source document described under ``directory``, in a stable order; the problems of
    every file go to ``found`` (raised here when none is given)."""
    problems = found or Collector()
    documents: list[Document] = []
    for path in sorted(directory.glob("*.yaml")):
        with problems.check():
            documents.append(load_document(path))
    if found is None:
        problems.raise_any()
    return documents
