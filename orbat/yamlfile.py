"""Strict YAML reading for the annotation files: every mapping remembers its file and line.

Errors in hand-edited data must point at the entry (file:line) that caused them, and keys that
the loader does not know are errors, not silently ignored typos.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class AnnotationError(ValueError):
    """A problem in a data file, with the place it was found."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Mapping(dict[str, Any]):
    """A YAML mapping that knows where it came from."""

    where: str = "?"


@dataclass(frozen=True)
class Located:
    """A loaded YAML document and its path."""

    path: Path
    data: Any


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings carry ``file:line``."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise AnnotationError(f"{loader.name}:{key_node.start_mark.line + 1}", f"duplicate key {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
    result.where = f"{loader.name}:{node.start_mark.line + 1}"
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; syntax errors name the file and line."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    loader.name = _display(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        raise AnnotationError(f"{_display(path)}:{line}", f"YAML syntax: {exc.problem}") from exc
    finally:
        loader.dispose()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
