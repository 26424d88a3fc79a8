"""Readable, stable identifiers: slugs of names and deterministic claim ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slug(name: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Gene O.' -> 'gene-o'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("+", " plus ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "x"


def digest(*parts: str, length: int = 8) -> str:
    """A short hash of the parts, stable across runs and machines."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]
