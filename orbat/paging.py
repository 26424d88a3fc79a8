"""Paging in the store: a page of an answer is cut by the SPARQL engine (LIMIT/OFFSET), never by
fetching the whole result and slicing it in Python.

A paged answer (claims): a query of ids alone (``queries/internal/claims-page.rq``) gives the
page's ids in claim order, one more than the page to know whether there is a next one; then the
full query reads only those (``orbat.queries.restrict``: a ``VALUES`` block); the total is a ``COUNT`` of the same
ids, counted up to ``COUNT_CAP`` (beyond, it is unknown and the answer says so with ``total`` null
and a ``next`` page).

The filters' values are written into the query text (``inline``) instead of pyoxigraph's
substitution, so that the planner sees them as constants and starts from the most selective one
(with substitution, it plans as if they were unbound: 0.5-1 s a page on a million triples instead
of a few ms). The values are RDF terms made by ``orbat.queries.bind``, escaped like the remote
store's (``orbat.store.remote.bind_parameters``), never user text.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from orbat.names import NameIndex
from orbat.queries import NamedQuery, QueryError, bind, table, when_given
from orbat.store.base import TripleStore
from orbat.store.remote import bind_parameters

COUNT_CAP = 1_000  # a total above this is not counted (counting costs ~2 us a claim)
MAX_LIMIT = 500
_ORDER_BY = re.compile(r"^ORDER BY\b[^\n]*$", re.IGNORECASE | re.MULTILINE)
_SELECT = re.compile(r"^\s*SELECT\b", re.IGNORECASE | re.MULTILINE)


def check_window(limit: int, offset: int) -> None:
    if limit < 1 or offset < 0:
        raise QueryError(f"limit must be at least 1 and offset at least 0 (got {limit}, {offset})")


def inline(query: NamedQuery, args: dict[str, str], names: NameIndex | None, modifiers: str = "") -> str:
    """The query's text for these arguments: the lines of absent optional parameters left out, the
    solution ``modifiers`` (LIMIT/OFFSET) added, and the values written in as constants."""
    bindings = bind(query, args, names)
    return bind_parameters(when_given(query.sparql, bindings) + modifiers, bindings)


def _count(store: TripleStore, text: str) -> int:
    """Rows of a SELECT (its LIMIT included), counted in the store."""
    select = _SELECT.search(text)
    assert select is not None
    prologue, body = text[: select.start()], text[select.start() :]
    found = table(store.query(f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ {body} }} }}"))
    return int(found.rows[0]["total"])


@dataclass(frozen=True)
class Ids:
    """A page of ids, the total when counted, and the offset of the next page (None: last page)."""

    ids: list[str]
    total: int | None
    next_offset: int | None


def page_ids(
    store: TripleStore,
    query: NamedQuery,
    args: dict[str, str],
    names: NameIndex | None,
    key: str,
    limit: int,
    offset: int,
) -> Ids:
    """The ids (column ``key``) of one page of ``query``, and the total counted up to ``COUNT_CAP``."""
    check_window(limit, offset)
    rows = table(store.query(inline(query, args, names, f"\nLIMIT {limit + 1} OFFSET {offset}"))).rows
    ids = [str(row[key]) for row in rows[:limit]]
    more = len(rows) > limit
    if not more and (ids or offset == 0):
        total: int | None = offset + len(ids)
    else:
        unordered = dataclasses.replace(query, sparql=_ORDER_BY.sub("", query.sparql))  # counting needs no order
        counted = _count(store, inline(unordered, args, names, f"\nLIMIT {COUNT_CAP + 1}"))
        total = counted if counted <= COUNT_CAP else None
    return Ids(ids, total, offset + limit if more else None)
