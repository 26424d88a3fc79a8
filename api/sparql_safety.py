"""What a SPARQL request may make the server do: no SERVICE, no LOAD, unless the operator allows it.

pyoxigraph evaluates ``SERVICE <url>`` (SPARQL 1.1 Federated Query,
https://www.w3.org/TR/sparql11-federated-query/) and ``LOAD <url>`` (SPARQL 1.1 Update section
3.1.4, https://www.w3.org/TR/sparql11-update/#load) by fetching the URL from the server, which
turns a public endpoint into a proxy into the server's network. Both are refused with a 403
unless ``settings.allow_service`` / ``settings.allow_remote_load``.

The keywords are found on the tokens of ``api.sparql_tokens`` (the grammar's terminals, in linear
time), so ``"SERVICE"`` in a literal, ``# SERVICE`` in a comment, ``?service`` or ``ex:service`` is
not the keyword, and ``service`` in lower case is. The spec lets ``\\u`` escapes stand anywhere
(section 19.2); Oxigraph does not decode them outside strings and IRIs, but the text is scanned a
second time with them decoded, so an engine that did would not be evaded either. Scanning errs
towards refusing: text a SPARQL parser would reject anyway (an unterminated string) is scanned as words.

The same tokens give the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) before running the query,
so content negotiation can answer 406 without spending the query.

``screen_query`` / ``screen_update`` are the one gate every SPARQL text passes before a parser sees
it: the size first (``api.sparql_limits``, 413, without scanning), then, off the event loop (a scan
of megabytes must not stall other requests), the depth/branch/operator limits and SERVICE/LOAD.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import anyio.to_thread

from api.errors import ApiError
from api.settings import Settings
from api.sparql_limits import check_shape, check_size
from api.sparql_tokens import QUERY_FORMS, Token, tokens, where

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode_escapes(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(decode, text)


def _views(text: str) -> list[str]:
    decoded = _decode_escapes(text)
    return [text] if decoded == text else [text, decoded]


def keywords(text: str) -> Iterator[tuple[str, Token]]:
    """Bare words in upper case with their token; strings, IRIs, comments, names are skipped."""
    for token in tokens(text):
        if token.kind == "word":
            yield token.text.upper(), token


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first word after the prologue (BASE and PREFIX
    declarations: those words, prefixed names, IRIs, comments). Anything else first gives None, a
    text no parser takes, found without scanning the rest of a megabyte."""
    for token in tokens(text):
        if token.kind in ("comment", "pname", "iri"):
            continue
        word = token.text.upper() if token.kind == "word" else None
        if word in QUERY_FORMS:
            return word
        if word not in ("BASE", "PREFIX"):
            return None
    return None


def _mentions(word: str, view: str) -> bool:
    """Whether the word appears at all (in C, case-insensitively): most texts skip the token pass."""
    return re.search(word, view, re.IGNORECASE) is not None


def find_service(text: str) -> dict[str, int] | None:
    """Where the first SERVICE keyword is, in the text or its escape-decoded reading."""
    for view in _views(text):
        if not _mentions("SERVICE", view):
            continue
        for word, token in keywords(view):
            if word == "SERVICE":
                return where(view, token.offset)
    return None


def find_load(text: str) -> dict[str, object] | None:
    """Where the first LOAD operation is and what it would fetch."""
    for view in _views(text):
        if not _mentions("LOAD", view):
            continue
        stream = tokens(view)
        for token in stream:
            if token.kind == "word" and token.text.upper() == "LOAD":
                found: dict[str, object] = dict(where(view, token.offset))
                for following in stream:
                    if following.kind == "word" and following.text.upper() == "SILENT":
                        continue
                    found["source"] = following.text
                    break
                return found
    return None


def check_query(text: str, settings: Settings) -> None:
    """Refuse federated queries unless allowed (403, with where the keyword is)."""
    if settings.allow_service:
        return
    found = find_service(text)
    if found:
        raise ApiError(
            403,
            f"SERVICE (federated query) is disabled on this server, found at line {found['line']} column "
            f"{found['column']}: it would make the server fetch other URLs (the operator can enable it with "
            "ORBAT_ALLOW_SERVICE)",
            {"keyword": "SERVICE", **found},
        )


def check_update(text: str, settings: Settings) -> None:
    """Refuse LOAD (the server would fetch the URL) and SERVICE in updates unless allowed."""
    check_query(text, settings)
    if settings.allow_remote_load:
        return
    found = find_load(text)
    if found:
        raise ApiError(
            403,
            f"LOAD {found.get('source', '')} is disabled on this server, found at line {found['line']} column "
            f"{found['column']}: it would make the server fetch a URL (the operator can enable it with "
            "ORBAT_ALLOW_REMOTE_LOAD); send the data in an INSERT DATA update or to the Graph Store at /rdf-graphs",
            {"keyword": "LOAD", **found},
        )


@dataclass(frozen=True)
class Screened:
    """What the screening learnt of a query: its form (for an early 406) and whether it federates."""

    form: str | None
    federated: bool


def screen_query_text(text: str, settings: Settings) -> Screened:
    """The limits, then SERVICE; in a worker thread (a linear scan, but of up to the size limit)."""
    check_shape(text, settings, update=False)
    check_query(text, settings)
    return Screened(query_form(text), settings.allow_service and find_service(text) is not None)


def screen_update_text(text: str, settings: Settings) -> None:
    check_shape(text, settings, update=True)
    check_update(text, settings)


async def screen_query(text: str, settings: Settings) -> Screened:
    """413 for a query over the size limit (no scan); then the scans, off the event loop."""
    check_size(text, settings, update=False)
    return await anyio.to_thread.run_sync(screen_query_text, text, settings)


async def screen_update(text: str, settings: Settings) -> None:
    check_size(text, settings, update=True)
    await anyio.to_thread.run_sync(screen_update_text, text, settings)
