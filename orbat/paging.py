"""Paging in the store: a page of an answer is cut by the SPARQL engine (LIMIT/OFFSET), never by
fetching the whole result and slicing it in Python.

A paged answer: a query of ids alone gives the page's ids in order, one more than the page to know
whether there is a next one; then the full query reads only those (``orbat.queries.restrict``: a
``VALUES`` block); the total is a ``COUNT`` of the same ids, counted up to ``COUNT_CAP`` (beyond, it
is unknown and the answer says so with ``total`` null and a ``next`` page). The claims have their
own query of ids (``queries/internal/claims-page.rq``); answers whose query gives several rows an
item (near, members, hierarchy: a row per claim and quote) get theirs from the query itself
(``items_query``: the query as a subquery, grouped by the columns that identify an item), so the
items are those of the unpaged query by construction.

The filters' values are written into the query text (``inline``) instead of pyoxigraph's
substitution, so that the planner sees them as constants and starts from the most selective one
(with substitution, it plans as if they were unbound: 0.5-1 s a page on a million triples instead
of a few ms). The values are RDF terms made by ``orbat.queries.bind``, escaped like the remote
store's (``orbat.store.parameters.bind_parameters``), never user text.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from orbat.names import NameIndex
from orbat.queries import NamedQuery, QueryError, Table, bind, execute, restrict, table, when_given
from orbat.store.base import TripleStore
from orbat.store.parameters import bind_parameters

COUNT_CAP = 1_000  # a total above this is not counted (counting costs ~2 us a claim)
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
_ORDER_BY = re.compile(r"^ORDER BY\b[^\n]*$", re.IGNORECASE | re.MULTILINE)
_SELECT = re.compile(r"^\s*SELECT\b", re.IGNORECASE | re.MULTILINE)


def next_query(next_offset: int | None, limit: int) -> str | None:
    """The next page as a query string (the API makes it a URL: api.routes.common.next_page); None
    on the last page."""
    return None if next_offset is None else f"offset={next_offset}&limit={limit}"


def check_window(limit: int, offset: int) -> None:
    if limit < 1 or offset < 0:
        raise QueryError(f"limit must be at least 1 and offset at least 0 (got {limit}, {offset})")


def inline(query: NamedQuery, args: dict[str, str], names: NameIndex | None, modifiers: str = "") -> str:
    """The query's text for these arguments: the lines of absent optional parameters left out, the
    solution ``modifiers`` (LIMIT/OFFSET) added, and the values written in as constants."""
    bindings = bind(query, args, names)
    # no echo of the parameters (a trailing VALUES): a page reads ids only, and Virtuoso joins such a
    # VALUES with nothing when a subquery projects the parameter unbound (items_query's do)
    return bind_parameters(when_given(query.sparql, bindings) + modifiers, bindings, echo=False)


def _count(store: TripleStore, text: str) -> int:
    """Rows of a SELECT (its LIMIT included), counted in the store."""
    select = _SELECT.search(text)
    assert select is not None
    prologue, body = text[: select.start()], text[select.start() :]
    found = table(store.query(f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ {body} }} }}"))
    return int(found.rows[0]["total"])


@dataclass(frozen=True)
class Ids:
    """A page of ids (a tuple of IRIs an item: its key columns), the total when counted, and the
    offset of the next page (None: last page)."""

    keys: list[tuple[str, ...]]
    total: int | None
    next_offset: int | None

    @property
    def ids(self) -> list[str]:
        """The first key column: the id, for a key of one column."""
        return [key[0] for key in self.keys]

    def next_query(self, limit: int) -> str | None:
        return next_query(self.next_offset, limit)


def page_ids(
    store: TripleStore,
    query: NamedQuery,
    args: dict[str, str],
    names: NameIndex | None,
    key: str | tuple[str, ...],
    limit: int,
    offset: int,
) -> Ids:
    """The ids (column ``key``, or columns) of one page of ``query``, and the total counted up to
    ``COUNT_CAP``."""
    check_window(limit, offset)
    columns = (key,) if isinstance(key, str) else key
    rows = table(store.query(inline(query, args, names, f"\nLIMIT {limit + 1} OFFSET {offset}"))).rows
    keys = [tuple(str(row[c]) for c in columns) for row in rows[:limit]]
    more = len(rows) > limit
    if not more and (keys or offset == 0):
        total: int | None = offset + len(keys)
    else:
        unordered = dataclasses.replace(query, sparql=_ORDER_BY.sub("", query.sparql))  # counting needs no order
        counted = _count(store, inline(unordered, args, names, f"\nLIMIT {COUNT_CAP + 1}"))
        total = counted if counted <= COUNT_CAP else None
    return Ids(keys, total, offset + limit if more else None)


@dataclass(frozen=True)
class Items:
    """The items of an answer whose query gives several rows an item (one per claim and quote): the
    columns that identify an item (IRIs), and the order of the items, aggregates over an item's rows
    (``MIN(?distance_km)``) before its key columns, which break ties."""

    keys: tuple[str, ...]
    order: tuple[str, ...] = ()


def items_query(query: NamedQuery, items: Items) -> NamedQuery:
    """The query of ``items``' ids: ``query`` (without its ORDER BY) as a subquery, one row an item,
    in the items' order (the ORDER BY on a line of its own, which ``page_ids`` leaves out to count)."""
    select = _SELECT.search(query.sparql)
    if select is None:
        raise QueryError(f"query {query.name} is not a SELECT query")
    prologue, body = query.sparql[: select.start()], _ORDER_BY.sub("", query.sparql[select.start() :])
    keys = " ".join(f"?{k}" for k in items.keys)
    orders = [f"?orbat_order_{i}" for i in range(len(items.order))]
    aggregates = " ".join(f"({e} AS {v})" for e, v in zip(items.order, orders, strict=True))
    sparql = (
        f"{prologue}SELECT {keys} {aggregates} WHERE {{\n{{\n{body}\n}}\n}}\nGROUP BY {keys}\n"
        f"ORDER BY {' '.join([*orders, keys])}\n"
    )
    return dataclasses.replace(query, sparql=sparql)


def page_items(
    store: TripleStore,
    query: NamedQuery,
    args: dict[str, str],
    names: NameIndex | None,
    items: Items,
    limit: int,
    offset: int,
) -> tuple[Ids, Table]:
    """One page of the items of ``query``: their ids (``page_ids`` of ``items_query``) and the rows of
    ``query`` for those items alone (an empty table for an empty page)."""
    page = page_ids(store, items_query(query, items), args, names, items.keys, limit, offset)
    if not page.keys:
        return page, Table([], [])
    return page, execute(store, restrict(query, items.keys, page.keys), args, names)
