"""Where the shipped data lives: beside the package when installed, at the repository root in a checkout.

The wheel copies ontology/, shapes/, queries/ and kb/ into ``orbat/data/`` (see pyproject.toml), so an
installed ``orbat`` finds them without the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    installed = _PACKAGE / "data"
    if (installed / "ontology").is_dir():
        return installed
    return _PACKAGE.parent


DATA_ROOT = _data_root()
ONTOLOGY_DIR = DATA_ROOT / "ontology"
SHAPES_DIR = DATA_ROOT / "shapes"
QUERIES_DIR = DATA_ROOT / "queries"
CHECKS_DIR = QUERIES_DIR / "checks"
KB_DIR = DATA_ROOT / "kb"
SOURCES_DIR = KB_DIR / "sources"
ANNOTATIONS_DIR = KB_DIR / "annotations"
BACKGROUND_DIR = KB_DIR / "background"
