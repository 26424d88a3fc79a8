"""Strict YAML reading for the annotation files: every mapping remembers its file and line.

Errors in hand-edited data must point at the entry (file:line) that caused them, and keys that
the loader does not know are errors, not silently ignored typos. Whatever the bytes of a file,
reading it either gives data or raises ``AnnotationError`` with ``file:line``: invalid UTF-8,
characters YAML forbids (a NUL byte), values the YAML constructors cannot build (``2017-13-45``),
non-text keys and nesting past ``MAX_DEPTH`` included. Aliases (``*name``) are refused: the data
never needs them, and they are how a small file expands into gigabytes ("billion laughs").
The typed accessors below (``text``, ``integer``, ``number``...) give the same located errors for
a value of the wrong type, so callers never meet a ``TypeError`` from bad data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 50  # nesting levels; the annotation files use four


class AnnotationError(ValueError):
    """A problem in a data file, with the place it was found."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Problems(AnnotationError):
    """Every problem found in a check, at once (``file:line: rule``, one a line); the first one's
    place and message are this error's own, so a caller that expects one ``AnnotationError`` still
    gets a located message."""

    def __init__(self, problems: list[AnnotationError]) -> None:
        flat = [q for p in problems for q in (p.problems if isinstance(p, Problems) else [p])]
        super().__init__(flat[0].where, flat[0].message)
        self.problems = flat

    def __str__(self) -> str:
        return "\n".join(f"{p.where}: {p.message}" for p in self.problems)

    def lines(self) -> list[str]:
        return [f"{p.where}: {p.message}" for p in self.problems]


class Collector:
    """Gathers the problems of independent checks (one a file, an entry, a claim) instead of stopping
    at the first, so that a person fixing a file sees everything wrong with it at once::

        found = Collector()
        for entry in entries:
            with found.check():
                ...  # raises AnnotationError
        found.raise_any()
    """

    def __init__(self) -> None:
        self.problems: list[AnnotationError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except AnnotationError as exc:
            self.problems.append(exc)

    def add(self, where: str, message: str) -> None:
        self.problems.append(AnnotationError(where, message))

    def raise_any(self) -> None:
        if self.problems:
            raise Problems(self.problems)


class Mapping(dict[str, Any]):
    """A YAML mapping that knows where it came from."""

    where: str = "?"


@dataclass(frozen=True)
class Located:
    """A loaded YAML document and its path."""

    path: Path
    data: Any


class _Loader(yaml.CSafeLoader):
    """libyaml's parser (six times the pure-Python one's speed: the seed's files in 0.15 s, not
    0.9 s) with the safe constructors; mappings carry ``file:line``. Aliases and nesting past
    MAX_DEPTH are refused by a first, flat pass over the events (``screen``), because libyaml's
    composer resolves aliases and recurses in C, where neither can be stopped halfway."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name

    def at(self, mark: yaml.Mark | None) -> str:
        return f"{self.name}:{mark.line + 1 if mark else 1}"

    def screen(self) -> None:
        """Read every event once, in a loop: an alias or a level past MAX_DEPTH is an error at its line."""
        depth = 0
        while (event := self.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent):
                raise AnnotationError(
                    self.at(event.start_mark), "YAML aliases (*name) are not allowed: write the value out"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise AnnotationError(self.at(event.start_mark), f"nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except AnnotationError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. the date 2017-13-45, the integer 0x_
            raise AnnotationError(self.at(node.start_mark), f"cannot read the value {node.value!r}: {exc}") from exc


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise AnnotationError(loader.at(key_node.start_mark), f"key {_shown(key)} is not text: quote it")
        if key in result:
            raise AnnotationError(loader.at(key_node.start_mark), f"duplicate key {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
    result.where = loader.at(node.start_mark)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_text(path: Path) -> str:
    """A file's text; bytes that are not UTF-8 are an error at their line."""
    return decode(path.read_bytes(), display(path))


def decode(data: bytes, name: str) -> str:
    """Bytes as UTF-8 text; anything else is an error at its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AnnotationError(
            f"{name}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; every problem names the file and line."""
    return load_yaml_text(read_text(path), display(path))


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text (JSON is YAML too) that errors call ``name``."""
    loader: _Loader | None = None
    try:
        screener = _Loader(text, name)  # the first pass, then the parse that builds the data
        try:
            screener.screen()
        finally:
            screener.dispose()
        loader = _Loader(text, name)
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as NUL
        line = text.encode("utf-8", "surrogatepass").count(b"\n", 0, exc.position) + 1  # libyaml counts bytes
        code = exc.character if isinstance(exc.character, int) else 0
        raise AnnotationError(f"{name}:{line}", f"character U+{code:04X} is not allowed in YAML") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise AnnotationError(f"{name}:{mark.line + 1 if mark else 1}", f"YAML syntax: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise AnnotationError(f"{name}:1", f"YAML: {exc}") from exc
    finally:
        if loader is not None:
            loader.dispose()


def display(path: Path) -> str:
    """A path as error messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def file_where(path: Path) -> str:
    """``file:1``, for problems with a file as a whole (empty, wrong top level)."""
    return f"{display(path)}:1"


def check_keys(entry: Mapping, required: Iterable[str], optional: Iterable[str]) -> None:
    """Reject missing and unknown keys of one entry."""
    required = set(required)
    allowed = required | set(optional)
    missing = sorted(required - entry.keys())
    if missing:
        raise AnnotationError(entry.where, f"missing key(s): {', '.join(missing)}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise AnnotationError(
            entry.where,
            f"unknown key(s): {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})",
        )


def where_of(entry: Any, fallback: str) -> str:
    """The file:line of an entry, or a fallback for scalars."""
    return getattr(entry, "where", fallback)


# ---------------------------------------------------------------- typed values, located errors


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def mapping(value: Any, where: str, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise AnnotationError(where_of(value, where), f"{what} must be a mapping, got {_shown(value)}")
    return value


def sequence(value: Any, where: str, what: str) -> list[Any]:
    """A list; a missing (null) list is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnnotationError(where, f"{what} must be a list, got {_shown(value)}")
    return value


def text(value: Any, where: str, what: str) -> str:
    """Text: a YAML string, or a number written without quotes (a label such as 1982)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AnnotationError(where, f"{what} must be text, got {_shown(value)}")
    return str(value)


def optional_text(entry: Mapping, key: str) -> str | None:
    return None if entry.get(key) is None else text(entry[key], entry.where, key)


def texts(value: Any, where: str, what: str) -> list[str]:
    """One text or a list of texts; none (null) is an empty list."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [text(item, where, what) for item in items]


def integer(value: Any, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnnotationError(where, f"{what} must be an integer, got {_shown(value)}")
    return value


def number(value: Any, where: str, what: str) -> float:
    """A finite number (NaN and infinities are refused)."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    except OverflowError:  # an integer past the float range
        pass
    raise AnnotationError(where, f"{what} must be a finite number, got {_shown(value)}")


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def date(value: Any, where: str, what: str) -> dt.date:
    """A date: YAML's own (2017-05-21 unquoted), or the same written as text (JSON has no dates)."""
    if isinstance(value, dt.datetime):
        raise AnnotationError(where, f"{what} {value!r} is not YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise AnnotationError(where, f"{what} {value!r} is not YYYY-MM-DD")
