"""Name resolution the way analysts type: case, hyphens, diacritics, Arabic articles, aliases.

"al tanf", "At-Tanf", "Tanf" and "AL-TANF" all normalise to "tanf" and find al-Tanf. The index is
built from the labels in the store (skos:prefLabel, skos:altLabel, rdfs:label), so a new alias in
the annotations is found after the next build, with no code change.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from orbat import ontology
from orbat.namespaces import ID
from orbat.store.base import TripleStore
from orbat.workspace import package_data

# the Arabic article as transliterated, assimilated to the next consonant or not (al-, ez-, ash-)
ARABIC_ARTICLES = ("al", "el", "ez", "es", "ed", "et", "at", "as", "ad", "an", "ar", "az", "ash")
_ARTICLES = (*ARABIC_ARTICLES, "the")
PUNCTUATION = re.compile(r"[\s\-‐‑–—_'’‘`.,;:!?\"“”()\[\]/#@]+")


def normalise(name: str) -> str:
    """A search key: ASCII, lower case, no punctuation, no leading Arabic or English article."""
    # punctuation first: a dash outside ASCII ("Iraq–Syria") separates words as "-" does
    text = unicodedata.normalize("NFKD", PUNCTUATION.sub(" ", name)).encode("ascii", "ignore").decode().lower()
    words = [w for w in PUNCTUATION.split(text) if w]
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Match:
    id: str
    iri: str
    label: str
    kinds: tuple[str, ...]
    aliases: tuple[str, ...]


class NameIndex:
    """Entities by normalised label and alias."""

    def __init__(self, store: TripleStore) -> None:
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._entities: dict[str, Match] = {}
        rows = store.query((package_data() / "queries/internal/labels.rq").read_text(encoding="utf-8"))
        labels: dict[str, str] = {}
        aliases: dict[str, set[str]] = defaultdict(set)
        kinds: dict[str, set[str]] = defaultdict(set)
        for row in rows:  # type: ignore[union-attr]
            iri = row["entity"].value
            name = row["name"].value
            if row["preferred"].value == "true":
                labels[iri] = name
            else:
                aliases[iri].add(name)
            if row["kind"] is not None:
                kinds[iri].add(row["kind"].value.rsplit("#", 1)[-1])
            self._by_key[normalise(name)].add(iri)
        for iri in set(labels) | set(aliases):
            label = labels.get(iri) or sorted(aliases[iri])[0]
            self._entities[iri] = Match(
                id=iri.removeprefix(str(ID)),
                iri=iri,
                label=label,
                kinds=tuple(sorted(kinds[iri])),
                aliases=tuple(sorted(aliases[iri] - {label})),
            )

    def __len__(self) -> int:
        return len(self._entities)

    def entries(self) -> list[Match]:
        """Every entity with its label and aliases, by id."""
        return sorted(self._entities.values(), key=lambda m: m.id)

    def get(self, entity_id: str) -> Match | None:
        return self._entities.get(str(ID) + entity_id) or self._entities.get(entity_id)

    def resolve(self, text: str) -> list[Match]:
        """Entities whose id, label or alias matches ``text`` as analysts type it; best first."""
        direct = self.get(text.strip())
        if direct:
            return [direct]
        key = normalise(text)
        found = self._by_key.get(key, set())
        return sorted((self._entities[i] for i in found), key=lambda m: (normalise(m.label) != key, m.label))

    def search(self, text: str, kind: str | None = None, limit: int = 50) -> list[Match]:
        """Exact matches first, then entities whose names contain the text; ``kind`` is an ontology
        class whose subclasses count too (kind=Place finds a border crossing)."""
        key = normalise(text)
        exact = {m.iri for m in self.resolve(text)}
        partial = {iri for k, iris in self._by_key.items() if key and key in k for iri in iris}
        ranked = [self._entities[i] for i in sorted(exact)] + sorted(
            (self._entities[i] for i in partial - exact), key=lambda m: m.label.lower()
        )
        if kind:
            ranked = [m for m in ranked if any(ontology.is_subkind(k, kind) for k in m.kinds)]
        return ranked[:limit]

    def suggest(self, text: str, limit: int = 5) -> list[Match]:
        """Close names for a name that resolves to nothing."""
        keys = difflib.get_close_matches(normalise(text), list(self._by_key), n=limit * 2, cutoff=0.6)
        seen: dict[str, Match] = {}
        for key in keys:
            for iri in sorted(self._by_key[key]):
                seen.setdefault(iri, self._entities[iri])
        return list(seen.values())[:limit]
