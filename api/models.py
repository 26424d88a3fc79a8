"""Models of the HTTP layer only: the one error shape, and what the query catalogue adds for the
web (each query's URL).

The answers themselves (entity, claim, near, members, hierarchy, sources, query tables) are
``orbat.models``, shared with the CLI; the routes declare them as their response models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from orbat.models import QueryDescription


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="What went wrong, for people.")
    detail: Any = Field(
        None, description="Structured detail: {suggestions: [...]} for unknown names, the problems of a bad request."
    )


class ErrorResponse(BaseModel):
    """The one error shape of the service, for every status and every endpoint."""

    error: ErrorBody


class NamedQueryInfo(QueryDescription):
    """A named query and the URL that runs it."""

    url: str = Field(description="Where to run it: /api/queries/NAME.")
