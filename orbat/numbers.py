"""Numbers read from people and the network, parsed strictly: one grammar for the API, named query
parameters and the environment.

Python's ``int()`` accepts ``5_0``, ``+5``, ``" 5 "`` and digits of any script (``٥``, ``５``), and
``float()`` also ``nan``, ``inf`` and ``1e999`` (infinity): all of them would reach a query or a limit
as something the writer did not mean. Here a whole number is ASCII digits with an optional leading
``-``; a decimal may add a fraction (``12.5``) and an exponent (``5.9e-08``: JSON and OpenAPI numbers
allow it, and clients print small floats that way) if the value is finite; nothing else (no leading
``+``, no underscores, no spaces, no NaN, no infinity, no ``1e999``). A refusal is a ``ValueError``
that says why, for the caller to turn into its own error (HTTP 400, a settings error, a query error).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
MAX_DIGITS = 100  # far beyond any limit or coordinate; keeps conversion cheap


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def parse_integer(text: str) -> int:
    """A whole number written in ASCII digits, optionally negative: ``50``, ``-1``."""
    if len(text) > MAX_DIGITS or not _INTEGER.fullmatch(text):
        raise ValueError(f"{_show(text)} is not a whole number (ASCII digits 0-9, optionally after -)")
    return int(text)


def parse_decimal(text: str) -> Decimal:
    """A finite decimal number in ASCII digits: ``12.5``, ``-0.25``, ``30``, ``5.9e-08``."""
    if len(text) > MAX_DIGITS or not _DECIMAL.fullmatch(text):
        raise ValueError(
            f"{_show(text)} is not a decimal number (ASCII digits 0-9 with an optional fraction such as 12.5; "
            "no NaN or infinity)"
        )
    if not math.isfinite(float(text)):
        raise ValueError(f"{_show(text)} is not a finite decimal number")
    return Decimal(text)


def parse_float(text: str) -> float:
    """``parse_decimal`` as a float."""
    return float(parse_decimal(text))
