"""The knowledge base as gazetteer: its own labels and aliases found in a report's text.

Names are matched as analysts type them (orbat.names.normalise: case, diacritics, hyphens and
punctuation, a leading al-/at-/as-/el-) by one Aho-Corasick automaton (pyahocorasick) over the
normalised text, whose characters keep their offsets in the original; an internal article is
optional or glued (Deir ez-Zor = Deir al-Zor = Deir Ezzor). Short acronyms (SAA, IS, US) are
matched with their case in the original text, so "is" is not the Islamic State. Capitalised names
the automaton does not know are compared, in order, by consonant skeleton (Tanaf/Tanf,
Hezbullah/Hezbollah: transliterations differ in vowels) and by rapidfuzz's ratio: a close score
links, a middling one or two close candidates make an ambiguous mention whose candidates the
analyst chooses from; nothing is merged silently.

Aliases written in lower case without a capital (``the border``, ``the road``) are the seed's
context-bound readings, not names: they are not searched for.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import cache

import ahocorasick
from rapidfuzz import fuzz, process

from orbat import ontology
from orbat.extract.model import Mention
from orbat.names import ARABIC_ARTICLES, PUNCTUATION, NameIndex, normalise

_VOWELS = re.compile(r"[aeiouyw]")
_CAPITALISED = re.compile(
    r"(?:(?:[Aa][lnrstdz]|[Ee][lzsd]|[Aa]sh)[-‐‑])?[A-Z][\w’'‐‑-]*"
    r"(?:[ -](?:(?:al|el|ez|as|at|ad|ar|az|ash|bin|ibn|abu)[- ])?[A-Z][\w’'‐‑-]*)*"
)
# an article glued by a hyphen (al-, at-, el-), or "al"/"el" apart: not the English "at", "as", "an"
_ARTICLE_BEFORE = re.compile(r"(?:\b|^)(?:(?:a[lnrstdz]|e[lzsd]|ash)[-‐‑]|(?:al|el) )$", re.IGNORECASE)
FUZZY_LINK = 92.0  # a ratio at least this high links (one best candidate)
FUZZY_ASK = 82.0  # between this and FUZZY_LINK: ambiguous, the candidates are listed
STOP_ALIASES = frozenset({"sources", "support units", "arabia", "carter", "washington"})


@dataclass(frozen=True)
class Entry:
    entity: str
    name: str
    is_label: bool


def normalised_text(text: str) -> tuple[str, list[int]]:
    """``text`` as orbat.names.normalise writes a name (without dropping articles), and for each of
    its characters the offset of the original character it comes from."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if PUNCTUATION.fullmatch(char):
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(i)
            continue
        folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode().lower()
        for c in folded:
            out.append(c)
            origin.append(i)
    return "".join(out), origin


def skeleton(key: str) -> str:
    """The consonants of a normalised name, word by word, doubled letters once, inner articles
    dropped: 'tanaf' and 'tanf' -> 't nf'... written 'tnf'."""
    words = [w for w in key.split() if w not in ARABIC_ARTICLES]
    out = []
    for word in words:
        rest = _VOWELS.sub("", word[1:])
        folded = re.sub(r"(.)\1+", r"\1", word[0] + rest)
        out.append(folded)
    return " ".join(out)


def variants(key: str) -> set[str]:
    """A normalised name and its spellings with an inner article changed, dropped or glued."""
    words = key.split()
    found = {key}
    for i in range(1, len(words) - 1):
        if words[i] in ARABIC_ARTICLES:
            before, after = words[:i], words[i + 1 :]
            found.add(" ".join(before + after))
            for article in ("al", "el", "ez", "az", "as", "ad", "ar", "at"):
                found.add(" ".join([*before, article, *after]))
            glued = words[i][0] + after[0][0] + after[0]
            found.add(" ".join([*before, glued, *after[1:]]))
    return found


def _searchable(name: str, label: str) -> bool:
    if normalise(name) == normalise(label):
        return True
    if not any(c.isupper() for c in name):
        return False
    return normalise(name) not in STOP_ALIASES


def _short(name: str, key: str) -> bool:
    return len(key.replace(" ", "")) <= 3 or (name.isupper() and len(name) <= 4)


class Gazetteer:
    """The names of a knowledge base's entities, ready to be found in text."""

    def __init__(self, names: NameIndex) -> None:
        self.names = names
        self.kinds: dict[str, tuple[str, ...]] = {}
        self.labels: dict[str, str] = {}
        self._norm = ahocorasick.Automaton()
        self._case = ahocorasick.Automaton()
        self._keys: dict[str, set[str]] = {}
        self._skeletons: dict[str, set[str]] = {}
        norm_entries: dict[str, list[Entry]] = {}
        case_entries: dict[str, list[Entry]] = {}
        for match in names.entries():
            if "Commenter" in match.kinds:
                continue  # pseudonyms of one blog's readers are not names news text uses
            self.kinds[match.id] = match.kinds
            self.labels[match.id] = match.label
            for name in (match.label, *match.aliases):
                if not _searchable(name, match.label):
                    continue
                key = normalise(name)
                if not key:
                    continue
                entry = Entry(match.id, name, name == match.label)
                if _short(name, key):
                    case_entries.setdefault(name, []).append(entry)
                    continue
                for variant in variants(key):
                    norm_entries.setdefault(variant, []).append(entry)
                    self._keys.setdefault(variant, set()).add(match.id)
                skel = skeleton(key)
                if len(skel.replace(" ", "")) >= 3:
                    self._skeletons.setdefault(skel, set()).add(match.id)
        for key, entries in norm_entries.items():
            self._norm.add_word(key, (key, tuple(entries)))
        for name, entries in case_entries.items():
            self._case.add_word(name, (name, tuple(entries)))
        self._norm.make_automaton()
        self._case.make_automaton()
        self._fuzzy_keys = [k for k in self._keys if len(k) >= 5]

    def is_a(self, entity: str, ancestor: str) -> bool:
        return _is_kind(self.kinds.get(entity, ()), ancestor)

    # ------------------------------------------------------------- exact and normalised names
    def _hits(self, text: str) -> list[tuple[int, int, tuple[Entry, ...], str]]:
        norm, origin = normalised_text(text)
        hits = []
        for end, (key, entries) in self._norm.iter(norm):
            start = end - len(key) + 1
            if (start > 0 and norm[start - 1] != " ") or (end + 1 < len(norm) and norm[end + 1] != " "):
                continue
            hits.append((origin[start], origin[end] + 1, entries, "normalised"))
        if len(self._case):
            for end, (name, entries) in self._case.iter(text):
                start = end - len(name) + 1
                if (start > 0 and text[start - 1].isalnum()) or (end + 1 < len(text) and text[end + 1].isalnum()):
                    continue
                hits.append((start, end + 1, entries, "acronym"))
        return hits

    def known(self, text: str) -> list[Mention]:
        """Mentions of known entities: leftmost-longest, no two overlapping."""
        hits = sorted(self._hits(text), key=lambda h: (h[0], -(h[1] - h[0])))
        chosen: list[Mention] = []
        taken_until = -1
        for start, end, entries, how in hits:
            if start < taken_until:
                continue
            surface = text[start:end]
            lower_names = any(not any(c.isupper() for c in e.name) for e in entries)
            if " " not in surface.strip() and not surface[:1].isupper() and not lower_names:
                continue  # "coalition" in "a coalition official" is not the Coalition
            before = _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
            if before and how == "normalised":
                start = before.start()
            chosen.append(self._mention(text, start, end, entries, how))
            taken_until = end
        return chosen

    def _mention(self, text: str, start: int, end: int, entries: tuple[Entry, ...], how: str) -> Mention:
        if text.count("(", start, end) > text.count(")", start, end) and text[end : end + 1] == ")":
            end += 1  # "Syrian Arab Army (SAA)": the normalised name ends before the bracket
        surface = text[start:end]
        ids: list[str] = []
        for entry in sorted(entries, key=lambda e: (not e.is_label, e.entity)):
            if entry.entity not in ids:
                ids.append(entry.entity)
        exact = any(e.name == surface for e in entries)
        detail = "label" if any(e.is_label for e in entries) else "alias"
        how = f"{detail}{'' if exact else ' (normalised)'}" if how == "normalised" else f"{detail} (acronym)"
        score = 0.97 if exact else 0.93
        if len(ids) > 1:
            score -= 0.2
        return Mention(start, end, surface, ids[0], self.kinds.get(ids[0], ()), how, score, tuple(ids))

    # ------------------------------------------------------------- unknown spellings
    def close(self, text: str, taken: list[Mention], skip: frozenset[str] = frozenset()) -> list[Mention]:
        """Capitalised names outside ``taken`` that are a known name under another spelling; names
        in ``skip`` (nationality words, generic nouns) are not tried."""
        from orbat.extract.segment import SpanIndex

        found: list[Mention] = []
        busy = SpanIndex((m.start, m.end) for m in taken)
        for match in _CAPITALISED.finditer(text):
            start, end = match.span()
            if match.group().startswith(("The ", "A ", "An ")):
                start += match.group().index(" ") + 1
            if busy.overlaps(start, end) or text[start:end] in skip:
                continue
            before = (
                None if _ARTICLE_BEFORE.match(text, start) else _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
            )
            mention = self.resolve_close(text, before.start() if before else start, end)
            if mention:
                found.append(mention)
        return found

    def resolve_close(self, text: str, start: int, end: int) -> Mention | None:
        surface = text[start:end]
        key = normalise(surface)
        if len(key) < 4 or key in self._keys:
            return None
        skel = skeleton(key)
        ids = sorted(self._skeletons.get(skel, ()))
        if ids and len(skel.replace(" ", "")) >= 3:
            best = process.extractOne(key, [normalise(self.labels[i]) for i in ids], scorer=fuzz.ratio)
            score = (best[1] if best else 70.0) / 100
            return Mention(
                start,
                end,
                surface,
                ids[0],
                self.kinds.get(ids[0], ()),
                "skeleton",
                min(0.9, 0.55 + score / 3),
                tuple(ids),
            )
        near = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_ASK, limit=6)
        if not near:
            return None
        by_entity: dict[str, float] = {}
        for candidate, score, _ in near:
            for entity in self._keys[candidate]:
                by_entity[entity] = max(by_entity.get(entity, 0.0), score)
        ranked = sorted(by_entity.items(), key=lambda item: (-item[1], item[0]))
        top, top_score = ranked[0]
        ambiguous = top_score < FUZZY_LINK or (len(ranked) > 1 and ranked[1][1] >= top_score - 3)
        return Mention(
            start,
            end,
            surface,
            top,
            self.kinds.get(top, ()),
            f"fuzzy {top_score:.0f}{' (ambiguous)' if ambiguous else ''}",
            round(top_score / 100 - (0.25 if ambiguous else 0.05), 2),
            tuple(e for e, _ in ranked) if ambiguous else (top,),
        )


@cache
def _is_kind(kinds: tuple[str, ...], ancestor: str) -> bool:
    return any(ontology.is_subkind(k, ancestor) for k in kinds)


_MADE: weakref.WeakKeyDictionary[NameIndex, Gazetteer] = weakref.WeakKeyDictionary()


def gazetteer(names: NameIndex) -> Gazetteer:
    """The gazetteer of a name index, made once per index (a worker keeps its index; a new index
    after a write makes a new gazetteer, and the old one goes with its index)."""
    made = _MADE.get(names)
    if made is None:
        made = _MADE[names] = Gazetteer(names)
    return made
