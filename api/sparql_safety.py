"""What a SPARQL request may make the server do: no SERVICE, no LOAD, unless the operator allows it.

pyoxigraph evaluates ``SERVICE <url>`` (SPARQL 1.1 Federated Query,
https://www.w3.org/TR/sparql11-federated-query/) and ``LOAD <url>`` (SPARQL 1.1 Update section
3.1.4, https://www.w3.org/TR/sparql11-update/#load) by fetching the URL from the server, which
turns a public endpoint into a proxy into the server's network. Both are refused with a 403
unless ``settings.allow_service`` / ``settings.allow_remote_load``.

The keywords are found by a tokenizer that follows the SPARQL 1.1 grammar's terminals (section
19.8, https://www.w3.org/TR/sparql11-query/#sparqlGrammar): comments, strings (short and long),
IRIs, variables and prefixed names are tokens of their own, so ``"SERVICE"`` in a literal,
``# SERVICE`` in a comment, ``?service`` or ``ex:service`` is not the keyword, and ``service`` in
lower case is. The spec lets ``\\u`` escapes stand anywhere (section 19.2); Oxigraph does not
decode them outside strings and IRIs, but the text is scanned a second time with them decoded, so
an engine that did would not be evaded either. Scanning errs towards refusing: text a SPARQL parser
would reject anyway (an unterminated string) is scanned as words.

The same tokens give the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) before running the query,
so content negotiation can answer 406 without spending the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from api.errors import ApiError
from api.settings import Settings

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '''(?:[^'\\]|\\.|'(?!''))*'''
               | "(?:[^"\\\r\n]|\\.)*"
               | '(?:[^'\\\r\n]|\\.)*')
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$]\w+)
    | (?P<pname>[\w.-]*:(?:[\w.:%-]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, pname, word, other
    text: str
    offset: int


def tokens(text: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "other" or not match.group().isspace():
            yield Token(kind, match.group(), match.start())


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
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first form keyword (the prologue has none)."""
    for word, _ in keywords(text):
        if word in QUERY_FORMS:
            return word
    return None


def where(text: str, offset: int) -> dict[str, int]:
    """1-based line and column of an offset, as the parser reports them."""
    line = text.count("\n", 0, offset) + 1
    return {"line": line, "column": offset - (text.rfind("\n", 0, offset) + 1) + 1}


def find_service(text: str) -> dict[str, int] | None:
    """Where the first SERVICE keyword is, in the text or its escape-decoded reading."""
    for view in _views(text):
        for word, token in keywords(view):
            if word == "SERVICE":
                return where(view, token.offset)
    return None


def find_load(text: str) -> dict[str, object] | None:
    """Where the first LOAD operation is and what it would fetch."""
    for view in _views(text):
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
