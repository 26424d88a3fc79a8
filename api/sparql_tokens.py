"""SPARQL text as tokens, in linear time: what every check of request text before the parser reads.

The tokenizer follows the SPARQL 1.1 grammar's terminals (section 19.8,
https://www.w3.org/TR/sparql11-query/#sparqlGrammar): comments, strings (short and long), IRIs,
variables and prefixed names are tokens of their own, so a keyword or a brace inside a literal, a
comment, an IRI or a name is not one. Text a parser would reject (an unterminated string) is scanned
as plain tokens, so the checks err towards refusing.

Request text is hostile, so the scan must take time linear in its length whatever it holds (a
quadratic scan of 256 KB of dots once froze the whole service for 56 s). Every alternative of the
pattern either cannot fail after scanning far, or consumes what it scanned: quantifiers are
possessive (no backtracking), an unterminated string is one token to the end of its line (or of the
text, for a long string) and its inside is scanned once more without strings, and a run of name
characters (``[\\w.-]``) is one token, a prefixed name if a colon follows. Words inside a run
(``?o.FILTER``) are found by a second, linear pass over the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_COMMON = r"""
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)
    | (?P<var>[?$]\w++)
    | (?P<word>[^\W\d]\w*+(?![\w.:-]))
    | (?P<name>(?=[\w.:-])[\w.-]*+(?::(?:[\w.:%-]|\\.)*+)?)
    | (?P<other>\^\^|\|\||&&|!=|<=|>=|.)
"""
_TOKEN = re.compile(
    r"""
      (?P<space>\s++)
    | (?P<comment>\#[^\r\n]*+)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\"
               | '''(?:[^'\\]|\\.|'(?!''))*+'''
               | "(?:[^"\\\r\n]|\\.)*+"
               | '(?:[^'\\\r\n]|\\.)*+')
    | (?P<open>(?:\"\"\"|''')(?s:.)*+
             | "(?:[^"\\\r\n]|\\.)*+
             | '(?:[^'\\\r\n]|\\.)*+)
    """
    + _COMMON,
    re.VERBOSE | re.DOTALL,
)
# the inside of an unterminated string: the same tokens without strings
_PLAIN = re.compile(r"(?P<space>\s++) | (?P<comment>\#[^\r\n]*+)" + _COMMON, re.VERBOSE | re.DOTALL)
_WORD = re.compile(r"[^\W\d]\w*+")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


class Token(NamedTuple):  # a tuple: millions may be made for one request
    kind: str  # comment, string, iri, var, pname, run (name characters without a colon), word, other
    text: str
    offset: int


def raw_tokens(text: str) -> Iterator[Token]:
    """Every token but white space; a run of name characters without a colon is one ``run`` token."""
    return _scan(_TOKEN, text, 0, len(text))


def _scan(pattern: re.Pattern[str], text: str, start: int, end: int) -> Iterator[Token]:
    # once a token, up to a million times a request: one generator deep, the common case first
    for match in pattern.finditer(text, start, end):
        kind = match.lastgroup
        if kind == "space":
            continue
        if kind == "name":
            value = match.group()
            yield Token("pname" if ":" in value else "run", value, match.start())
        elif kind == "open":  # an unterminated string: its quote, then its inside as plain tokens
            value = match.group()
            quote = 3 if value.startswith(('"""', "'''")) else 1
            yield Token("other", value[:quote], match.start())
            yield from _scan(_PLAIN, text, match.start() + quote, match.end())
        else:
            yield Token(kind, match.group(), match.start())  # type: ignore[arg-type]  # every alternative is named


def words_in(run: Token) -> Iterator[Token]:
    """The words of a run (``?o.FILTER`` holds FILTER; ``1.5`` and ``-`` hold none)."""
    for match in _WORD.finditer(run.text):
        yield Token("word", match.group(), run.offset + match.start())


def tokens(text: str) -> Iterator[Token]:
    """Every token, with runs split into their words (the other characters of a run are dropped)."""
    for token in raw_tokens(text):
        if token.kind == "run":
            yield from words_in(token)
        else:
            yield token


def where(text: str, offset: int) -> dict[str, int]:
    """1-based line and column of an offset, as the parser reports them."""
    line = text.count("\n", 0, offset) + 1
    return {"line": line, "column": offset - (text.rfind("\n", 0, offset) + 1) + 1}
