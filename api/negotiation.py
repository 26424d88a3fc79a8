"""Content negotiation: which media types each kind of answer comes in, and the Accept header.

The tables are data: one row per media type we serve, in our order of preference (the first row
answers ``*/*`` and a missing Accept). ``choose`` implements proactive negotiation with quality
values as RFC 9110 section 12.5.1 (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1) defines
it: the most specific matching range gives a media type its q; q=0 means "not acceptable"; the
highest q wins, ties going to the more specific range, then to the client's order, then to ours.
Nothing acceptable is a 406 that lists what is available (SPARQL 1.1 Protocol section 2.1.6,
https://www.w3.org/TR/sparql11-protocol/#query-success).

ASK answers are offered in JSON and XML only: the CSV/TSV results format
(https://www.w3.org/TR/sparql11-results-csv-tsv/) defines SELECT results, not booleans, so an
Accept that allows only CSV or TSV for an ASK query is a 406.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

from api.errors import ApiError


@dataclass(frozen=True)
class Offer:
    """One media type we can answer in; ``aliases`` are other names clients use for it."""

    media_type: str
    format: QueryResultsFormat | RdfFormat
    aliases: tuple[str, ...] = ()
    content_type: str = ""  # what goes in the Content-Type header, if not ``media_type``

    @property
    def header(self) -> str:
        return self.content_type or self.media_type


JSON_RESULTS = Offer("application/sparql-results+json", QueryResultsFormat.JSON, ("application/json",))
XML_RESULTS = Offer("application/sparql-results+xml", QueryResultsFormat.XML, ("application/xml", "text/xml"))
CSV_RESULTS = Offer("text/csv", QueryResultsFormat.CSV, (), "text/csv; charset=utf-8")
TSV_RESULTS = Offer("text/tab-separated-values", QueryResultsFormat.TSV, (), "text/tab-separated-values; charset=utf-8")

SOLUTION_OFFERS = (JSON_RESULTS, XML_RESULTS, CSV_RESULTS, TSV_RESULTS)
BOOLEAN_OFFERS = (JSON_RESULTS, XML_RESULTS)
RDF_OFFERS = (
    Offer("text/turtle", RdfFormat.TURTLE, ("application/x-turtle",), "text/turtle; charset=utf-8"),
    Offer("application/n-triples", RdfFormat.N_TRIPLES, ("text/plain",)),
    Offer("application/ld+json", RdfFormat.JSON_LD),
    Offer("application/rdf+xml", RdfFormat.RDF_XML),
    Offer("application/trig", RdfFormat.TRIG),
)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return (self.type in ("*", main)) and (self.subtype in ("*", sub))


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, a bad q counts as 0."""
    ranges: list[MediaRange] = []
    for position, item in enumerate((header or "").split(",")):
        name, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = name.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions, not media type parameters
        ranges.append(MediaRange(main, sub, q, position))
    return ranges


def choose(header: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the client prefers, ``offers[0]`` for no or an empty Accept, None if none is acceptable."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[tuple[float, int, int, int], Offer] | None = None
    for rank, offer in enumerate(offers):
        for name in (offer.media_type, *offer.aliases):
            # an alias counts only when named exactly: "text/*" means CSV or TSV, not XML as "text/xml"
            matching = [r for r in ranges if r.matches(name) and (name == offer.media_type or r.specificity == 2)]
            if not matching:
                continue
            # the most specific range decides the q (RFC 9110: "text/*;q=0.3, text/csv" gives csv q=1)
            top = max(matching, key=lambda r: (r.specificity, r.q))
            if top.q <= 0:
                continue
            key = (top.q, top.specificity, -top.position, -rank)
            if best is None or key > best[0]:
                best = (key, offer)
    return best[1] if best else None


def negotiate(header: str | None, offers: Sequence[Offer], what: str) -> Offer:
    """Like ``choose``, but a 406 in the one error shape when nothing is acceptable."""
    offer = choose(header, offers)
    if offer is None:
        available = [o.media_type for o in offers]
        raise ApiError(
            406,
            f"cannot answer {what} in any media type the Accept header allows ({header}); available: "
            + ", ".join(available),
            {"accept": header, "available": available},
        )
    return offer
