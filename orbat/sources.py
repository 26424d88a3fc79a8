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
from orbat.yamlfile import AnnotationError, Mapping, check_keys, load_yaml, where_of

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


def _segment(meta: Mapping, text: str) -> tuple[Passage, ...]:
    passages: list[Passage] = []
    for ordinal, spec in enumerate(meta.get("passages", [])):
        check_keys(spec, ["id", "kind", "author", "starts_at", "ends_after"], [])
        start = _find(text, spec["starts_at"], spec.where)
        end = _find(text, spec["ends_after"], spec.where, start) + len(spec["ends_after"])
        passages.append(
            Passage(
                id=spec["id"],
                kind=spec["kind"],
                ordinal=ordinal,
                author_as_printed=spec["author"],
                author=spec["author"],
                start=start,
                end=end,
                text=text[start:end],
            )
        )
    comments = meta.get("comments")
    if comments:
        check_keys(comments, ["after", "before", "header"], ["authors"])
        region_start = _find(text, comments["after"], comments.where)
        region_end = _find(text, comments["before"], comments.where, region_start)
        header = re.compile(comments["header"], re.MULTILINE)
        matches = [m for m in header.finditer(text, region_start, region_end)]
        if not matches:
            raise AnnotationError(comments.where, "the comment header matches nothing")
        authors = dict(comments.get("authors") or {})
        for i, match in enumerate(matches):
            body_start = match.end()
            body_end = matches[i + 1].start() if i + 1 < len(matches) else region_end
            body = text[body_start:body_end].rstrip()
            printed = match.group("author") or UNKNOWN_AUTHOR
            number = int(match.group("number"))
            author = None if printed == UNKNOWN_AUTHOR else comment_author_id(printed, authors)
            passages.append(
                Passage(
                    id=f"c{number:02d}",
                    kind="comment",
                    ordinal=len(passages),
                    author_as_printed=printed,
                    author=author,
                    start=body_start,
                    end=body_start + len(body),
                    text=body,
                    number=number,
                )
            )
    ids = [p.id for p in passages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AnnotationError(meta.where, f"duplicate passage ids: {', '.join(duplicates)}")
    return tuple(passages)


def load_document(meta_path: Path) -> Document:
    """Read one document description and its text, and segment it."""
    meta = load_yaml(meta_path)
    if not isinstance(meta, Mapping):
        raise AnnotationError(str(meta_path), "a source description must be a mapping")
    check_keys(
        meta,
        ["id", "file", "title", "publisher", "author", "date"],
        ["date_basis", "passages", "comments"],
    )
    text_path = meta_path.parent / meta["file"]
    if not text_path.is_file():
        raise AnnotationError(meta.where, f"text file {meta['file']!r} does not exist")
    text = text_path.read_text(encoding="utf-8")
    date = meta["date"]
    if not isinstance(date, dt.date):
        raise AnnotationError(where_of(meta, str(meta_path)), f"date {date!r} is not YYYY-MM-DD")
    return Document(
        id=meta["id"],
        path=text_path,
        title=meta["title"],
        publisher=meta["publisher"],
        author=meta["author"],
        date=date,
        date_basis=meta.get("date_basis", ""),
        text=text,
        passages=_segment(meta, text),
    )


def load_documents(directory: Path) -> list[Document]:
    """Every source document described under ``directory``, in a stable order."""
    return [load_document(p) for p in sorted(directory.glob("*.yaml"))]
