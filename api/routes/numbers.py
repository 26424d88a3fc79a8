"""Every number in a REST query string is parsed strictly before FastAPI converts it.

FastAPI (through pydantic and Python's ``int``/``float``) would take ``limit=5_0``, ``+5``, ``٥``
(Arabic-Indic five) or ``５`` (full-width) as numbers, and ``radius_km=NaN`` reached the query as NaN
(a 500). ``check_numbers`` runs on every /api route (``api.rest``) and reads which query parameters
the route declares as ``int`` or ``float``, so a new route is covered without restating anything;
each value must follow ``orbat.numbers`` (ASCII digits, an optional ``-``, a fraction for a float;
no exponent, NaN or infinity) or the request is a 400 naming the parameter. Ranges stay with the
routes' declarations (422, like a missing parameter). The named queries' numbers go through the
same grammar in ``orbat.queries``.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.routing import APIRoute

from api.errors import ApiError
from orbat.numbers import parse_float, parse_integer

PARSERS: dict[type, Callable[[str], Any]] = {int: parse_integer, float: parse_float}


def number_type(annotation: Any) -> type | None:
    """int or float for ``int``, ``float``, ``int | None``...; None for anything else (bool is not a number)."""
    if annotation in PARSERS:
        return annotation  # type: ignore[no-any-return]
    if get_origin(annotation) in (Union, types.UnionType):
        found = [arg for arg in get_args(annotation) if arg in PARSERS]
        return found[0] if len(found) == 1 else None
    return None


def check_numbers(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    for field in route.dependant.query_params:
        kind = number_type(field.field_info.annotation)
        if kind is None:
            continue
        for raw in request.query_params.getlist(field.alias):
            try:
                PARSERS[kind](raw)
            except ValueError as exc:
                raise ApiError(400, f"parameter {field.alias}: {exc}", {"parameter": field.alias}) from exc
