"""New entities a report names in the ways such entities are written, proposed for the analyst.

- units: "the 31st Guards Air Assault Brigade", "the 5th Corps", "Desert Hawks Brigade" (a name
  ending in an echelon word: the echelon), "British special forces" (a nationality and a kind of
  force), "a Shia militia column" (a faction, militia, a formation);
- people: "Syrian general Ali Khuzam", "spokesman Col. Ryan Dillon" (a role before a capitalised
  name: the role is kept in the description);
- unnamed sources: "a defence official", "local sources" (an entity of their own, as
  docs/annotating.md asks, so that two outlets quoting the same official are one line);
- places: a capitalised name after "in", "near", "toward"... (or before "village", "crossing")
  that GeoNames knows (orbat.extract.places).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from orbat.extract.rules import Rules
from orbat.ids import slug

_NAME_WORD = r"[A-Z][\w’'-]*"
_ORDINAL = r"\d+(?:st|nd|rd|th)"


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    kind: str  # MilitaryUnit | Militia | Person | UnnamedSource | Place
    label: str
    echelon: str | None = None
    nationality: str | None = None  # a country entity id
    role: str | None = None
    confidence: float = 0.6
    reason: str = ""


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in sorted(words, key=len, reverse=True))


def units(text: str, rules: Rules) -> Iterator[Found]:
    demonyms = _alternatives([d for d in rules.demonyms if d[0].isupper()])
    echelons = _alternatives(list(rules.echelons))
    named = re.compile(
        rf"(?:\b(?i:the|a|an)[ \t]+)?(?:(?P<nat>{demonyms})[ \t]+)?"
        rf"(?P<name>(?:{_ORDINAL}[ \t]+)?(?:(?:{_NAME_WORD}|of|the)[ \t]+){{0,5}}?"
        rf"(?P<ech>{echelons}))\b"
    )
    for m in named.finditer(text):
        name = m["name"]
        words = name.split()
        if len(words) < 2 or not (re.match(_ORDINAL, words[0]) or words[0][0].isupper()) or words[0] in ("The", "A"):
            continue
        echelon = rules.echelons[m["ech"]]
        nationality = rules.demonyms.get(m["nat"]) if m["nat"] else None
        label = f"{m['nat']} {name}" if m["nat"] else name
        start = m.start("nat") if m["nat"] else m.start("name")
        yield Found(
            start,
            m.end(),
            text[start : m.end()],
            "MilitaryUnit",
            label,
            echelon,
            nationality,
            confidence=0.7,
            reason=f"a unit's name ending in the echelon word {m['ech']!r}",
        )
    forces = _alternatives(rules.forces)
    formations = _alternatives(rules.formations)
    militia = set(rules.militia_words)
    generic = re.compile(
        rf"\b(?:(?P<art>the|a|an)[ \t]+)?(?:(?P<num>\d+|several|dozens of|hundreds of)[ \t]+)?"
        rf"(?P<nat>{demonyms})[ \t]+(?P<force>{forces})"
        rf"(?:[ \t]+(?P<form>{formations}))?\b"
    )
    for m in generic.finditer(text):
        force = m["force"].lower()
        kind = "Militia" if force in militia else "MilitaryUnit"
        start = m.start("nat")
        surface = text[start : m.end()]
        yield Found(
            start,
            m.end(),
            surface,
            kind,
            surface,
            "unknown",
            rules.demonyms.get(m["nat"]),
            confidence=0.5,
            reason=f"a nationality or faction ({m['nat']}) with a kind of force ({m['force']})",
        )


def groups(text: str, rules: Rules) -> Iterator[Found]:
    """A capitalised name before "fighters", "militants"...: an armed group ("Jaysh al-Islam fighters")."""
    words = _alternatives(rules.group_words)
    pattern = re.compile(
        rf"(?P<name>{_NAME_WORD}(?:[ \t]+(?:al-|el-|ash-|of[ \t]+)?{_NAME_WORD}){{0,3}})[ \t]+(?:{words})\b"
    )
    for m in pattern.finditer(text):
        name = m["name"]
        if name.split()[0] in ("The", "A", "An") or name in rules.demonyms:
            continue
        yield Found(
            m.start("name"),
            m.end("name"),
            name,
            "NonStateArmedGroup",
            name,
            confidence=0.5,
            reason=f"a capitalised name before {m.group().split()[-1]!r}",
        )


def people(text: str, rules: Rules) -> Iterator[Found]:
    demonyms = _alternatives([d for d in rules.demonyms if d[0].isupper()])
    roles = _alternatives(rules.roles)
    pattern = re.compile(
        rf"(?:(?P<nat>{demonyms})[ \t]+)?(?P<role>(?i:{roles}))[ \t]+"
        rf"(?P<name>{_NAME_WORD}(?:[ \t]+(?:al-|bin[ \t]+|ibn[ \t]+)?{_NAME_WORD}){{1,3}})"
    )
    for m in pattern.finditer(text):
        name = m["name"]
        first = name.split()[0]
        if first in ("Of", "The") or first in rules.demonyms:
            continue
        role = " ".join(filter(None, [m["nat"], m["role"]]))
        yield Found(
            m.start("name"),
            m.end("name"),
            name,
            "Person",
            name,
            None,
            rules.demonyms.get(m["nat"] or ""),
            role,
            0.7,
            f"a name after the role {role!r}",
        )


def unnamed_source(phrase: str, start: int, rules: Rules, last: bool = False) -> Found | None:
    """An unnamed source ("a defence official", "local sources") in an attribution phrase: the
    first one, or with ``last`` the one nearest its end (before "said")."""
    matches = list(rules.source_words.finditer(phrase))
    if not matches:
        return None
    m = matches[-1] if last else matches[0]
    head = phrase[: m.end()]
    det = re.search(
        r"(?:\b(?:an?|one|two|several|some|local|unnamed|anonymous|senior|the)\s+)(?:[\w-]+\s+){0,3}$",
        phrase[: m.start()],
    )
    begin = det.start() if det else m.start()
    surface = head[begin:].strip()
    label = re.sub(r"^(?:an?|the|one)\s+", "", surface, flags=re.I)
    if surface.lower().startswith("the ") and " " not in label:
        label = "the " + label  # "the officer": someone named before; orbat.extract.extractor links it
    return Found(
        start + begin,
        start + begin + len(surface),
        surface,
        "UnnamedSource",
        label,
        confidence=0.6,
        reason=f"an unnamed source quoted by the report ({surface!r})",
    )


def entity_id(label: str, taken: set[str]) -> str:
    """A new slug id, unique among ``taken`` (the knowledge base's and this draft's ids)."""
    base = slug(label)
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found
