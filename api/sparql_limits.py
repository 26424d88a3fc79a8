"""How big and how deep a SPARQL query or update may be: checked on the tokens, before any parser.

pyoxigraph's parser and algebra builder recurse, and past a few thousand levels the process dies
(segfault), taking the server with it. Measured with pyoxigraph 0.5 (a probe per construct, in a
thread like the server's workers): about 2,200 nested ``{``, 5,000 nested ``(`` or ``[``, 2,500
BINDs, 7,000 UNION branches, 8,000 ``+`` in one expression, 10,000 triple patterns or FILTERs in one
group. So three counts are limited well below those, on the same tokens as the SERVICE/LOAD check
(``api.sparql_tokens``), so a brace in a string, an IRI or a comment does not count:

- **depth**: the deepest nesting of ``{``, ``(`` and ``[`` (default 200);
- **branches**: UNION, OPTIONAL and MINUS, and sub-SELECTs (default 400); each is a pattern of its own
  to evaluate, and each also counts (with its group) two operators, so this limit speaks first when
  it is under half the operator limit;
- **operators**: the size of the algebra: the branches, groups ``{}``, the keywords FILTER, BIND, GRAPH,
  SERVICE, VALUES, EXISTS, the joins between triple patterns (``.``, ``;``, ``,`` in a group), property path
  operators (``/``, ``|``, ``^``, ``!``) and, inside parentheses, expression operators (``||``, ``&&``,
  comparisons, arithmetic, signs) (default 1,000).

The data of ``INSERT DATA`` / ``DELETE DATA`` is not algebra (100,000 triples load without
recursion), so only its depth counts there. Each excess is a 400 that names the limit, its value
and where the text passed it; the size (bytes) is checked first and is a 413.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.errors import ApiError
from api.settings import Settings
from api.sparql_tokens import QUERY_FORMS, Token, raw_tokens, where, words_in

OPEN = {"{": "}", "(": ")", "[": "]"}
CLOSE = set(OPEN.values())
BRANCH_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})
OPERATOR_WORDS = frozenset({"FILTER", "BIND", "GRAPH", "SERVICE", "VALUES", "EXISTS"})
EXPRESSION_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "!", "^", "|"})
_TERMS = frozenset({"comment", "string", "iri", "var", "pname"})  # atoms: nothing inside them counts
GROUP_OPERATORS = frozenset({".", ";", ",", "/", "|", "^", "!"})
_JOIN_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")  # a dot in a run that is not a decimal point


@dataclass(frozen=True)
class Limit:
    name: str  # depth, branches, operators
    setting: str  # the Settings field
    env: str  # its environment variable
    says: str  # what exceeding it means, for the message


DEPTH = Limit("depth", "max_query_depth", "ORBAT_MAX_QUERY_DEPTH", "nests {{, ( or [ more than {maximum} deep")
BRANCHES = Limit(
    "branches",
    "max_query_branches",
    "ORBAT_MAX_QUERY_BRANCHES",
    "has more than {maximum} branches (UNION, OPTIONAL, MINUS and sub-SELECTs)",
)
OPERATORS = Limit(
    "operators",
    "max_query_operators",
    "ORBAT_MAX_QUERY_OPERATORS",
    "has more than {maximum} operators (joins, FILTER, BIND, branches, path and expression operators)",
)


def check_size(text: str, settings: Settings, *, update: bool) -> None:
    """413 when the text is longer in UTF-8 than the query or update limit: checked before any scan."""
    maximum, env, what = (
        (settings.max_update_bytes, "ORBAT_MAX_UPDATE_BYTES", "update")
        if update
        else (settings.max_query_bytes, "ORBAT_MAX_QUERY_BYTES", "query")
    )
    if len(text) * 4 <= maximum:  # no UTF-8 character takes more than 4 bytes
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > maximum:
        raise ApiError(
            413,
            f"the {what} is {size:,} bytes, more than this server's limit of {maximum:,} ({env})",
            {"limit": "bytes", "maximum": maximum, "size": size},
        )


def _refuse(limit: Limit, settings: Settings, text: str, token: Token, what: str) -> ApiError:
    maximum = getattr(settings, limit.setting)
    at = where(text, token.offset)
    return ApiError(
        400,
        f"the {what} {limit.says.format(maximum=maximum)}, past the limit at line {at['line']} column "
        f"{at['column']}: this server's limit on {limit.name} is {maximum} ({limit.env})",
        {"limit": limit.name, "maximum": maximum, **at},
    )


def check_shape(text: str, settings: Settings, *, update: bool) -> None:
    """400 at the first place the text passes the depth, branch or operator limit (one linear pass)."""
    what = "update" if update else "query"
    stack: list[str] = []
    branches = operators = 0
    data_depth = 0  # while > 0: inside INSERT DATA / DELETE DATA, where only the depth counts
    words = ["", ""]  # the last two words, to find INSERT DATA / DELETE DATA
    form_seen = update  # in an update every SELECT is a sub-SELECT
    for token in raw_tokens(text):
        kind, value = token.kind, token.text
        if kind in _TERMS:
            continue
        if kind == "other" and value in OPEN:
            stack.append(value)
            if len(stack) > settings.max_query_depth:
                raise _refuse(DEPTH, settings, text, token, what)
            if value == "{" and not data_depth:
                if words[1] == "DATA" and words[0] in ("INSERT", "DELETE"):
                    data_depth = len(stack)
                elif words[1] not in BRANCH_WORDS and words[1] != "SELECT":  # else the group is the branch's
                    operators += 1  # a group: joined with its neighbours
            words = ["", ""]
        elif kind == "other" and value in CLOSE:
            if stack:
                stack.pop()
            if len(stack) < data_depth:
                data_depth = 0
        elif data_depth:
            continue
        elif kind == "other":
            if stack and value in (EXPRESSION_OPERATORS if stack[-1] == "(" else GROUP_OPERATORS):
                operators += 1
        else:  # a word, or a run of name characters that may hold words, signs and joins
            in_expression = bool(stack) and stack[-1] == "("
            if kind == "run":
                if in_expression:
                    operators += value.count("-")  # 1-1-1 and -5 are arithmetic in an expression
                elif stack and "." in value:
                    operators += len(_JOIN_DOT.findall(value))
            for word in (token,) if kind == "word" else words_in(token):
                keyword = word.text.upper()
                words = [words[1], keyword]
                if keyword in BRANCH_WORDS or (keyword == "SELECT" and form_seen):
                    branches += 1
                    operators += 1
                    if branches > settings.max_query_branches:
                        raise _refuse(BRANCHES, settings, text, word, what)
                elif keyword in QUERY_FORMS:
                    form_seen = True
                elif keyword in OPERATOR_WORDS:
                    operators += 1
        if operators > settings.max_query_operators:
            raise _refuse(OPERATORS, settings, text, token, what)
