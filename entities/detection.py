"""Mention detection: which known companies, people and brands a story names.

One Aho–Corasick automaton (pyahocorasick) holds every name, alias and
“not this” phrase, folded so that accents, German digraphs (ü/ue), case and
typographic quotes and dashes do not matter. A text is scanned once,
whatever the number of entities. Around that scan, the rules:

- whole words only: "MINI" is not found in "minimum"; a possessive or a
  compound ("BMW's", "Great Wall-built", "BMW-owned") still counts;
- names written in capitals (MINI, BMW) and aliases marked case-sensitive
  match only with that capitalisation, so "a mini van" is not MINI;
- the longest match wins: "BMW Group" is one mention of BMW Group, and
  "Great Wall Motor" beats "Great Wall";
- a person's surname alone counts once their full name has appeared earlier
  in the same story ("Krueger said");
- words that name several entities are reported as ambiguous, never guessed;
- a “not this” phrase ("Great Wall of China") hides the mentions inside it.

The automaton is rebuilt in each process when DetectionSettings.index_version
changes (entities, aliases and phrases bump it when they are saved).
"""

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick

_TYPOGRAPHY = {
    "’": "'",
    "‘": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def _fold_table() -> dict[int, str]:
    table = {ord(char): folded for char, folded in _TYPOGRAPHY.items()}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char:
            table[code] = base
    return table


_FOLD = _fold_table()
_DIGRAPHS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def fold(text: str) -> str:
    """Accents and typography folded away, case kept, length unchanged."""
    return text.translate(_FOLD)


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower-case to two ("İ"): keep positions aligned.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _undigraph(folded_lower: str) -> str:
    return folded_lower.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def is_cased_name(name: str) -> bool:
    """Names written in capitals (MINI, BMW, GWM) are matched only so."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Pattern:
    entity_id: int
    cased: str | None = None  # exact folded spelling required, or None
    surname_of: int | None = None  # counts only after that person's full name
    excludes: bool = False  # a “not this” phrase


@dataclass(frozen=True)
class Term:
    """A name to index: an entity's name or alias, or a “not this” phrase."""

    entity_id: int
    text: str
    case_sensitive: bool = False
    is_person_name: bool = False
    excludes: bool = False


@dataclass
class Mention:
    entity_ids: tuple[int, ...]
    count: int = 0
    words: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.entity_ids) > 1


class MentionIndex:
    def __init__(self, terms):
        patterns: dict[str, set[Pattern]] = defaultdict(set)
        self.size = 0
        for term in terms:
            for key, pattern in self._patterns(term):
                if key.strip():
                    patterns[key].add(pattern)
        self.automaton = ahocorasick.Automaton()
        for key, found in patterns.items():
            self.automaton.add_word(key, (len(key), tuple(found)))
        self.size = len(patterns)
        if self.size:
            self.automaton.make_automaton()

    @staticmethod
    def _patterns(term: Term):
        folded = fold(term.text.strip())
        if term.excludes:
            yield _lower(folded), Pattern(term.entity_id, excludes=True)
            return
        if term.case_sensitive or is_cased_name(term.text):
            yield _lower(folded), Pattern(term.entity_id, cased=folded)
            return
        pattern = Pattern(term.entity_id)
        lower = _lower(folded)
        digraphed = _lower(fold(term.text.strip().translate(_DIGRAPHS)))
        for key in {lower, _undigraph(lower), digraphed}:
            yield key, pattern
        words = lower.split()
        if term.is_person_name and len(words) >= 2:
            surname = Pattern(term.entity_id, surname_of=term.entity_id)
            # Spelt every way the full name is: "Krüger" is also "Krueger".
            for key in {words[-1], _undigraph(words[-1]), digraphed.split()[-1]}:
                yield key, surname

    def find(self, *texts: str) -> list[Mention]:
        """Every entity the texts mention, in order of first mention."""
        if not self.size:
            return []
        original = "\n".join(texts)
        text = fold(original)
        lower = _lower(text)
        candidates = []
        for end, (length, patterns) in self.automaton.iter(lower):
            start = end - length + 1
            if start > 0 and _is_word_char(lower[start - 1]):
                continue
            if end + 1 < len(lower) and _is_word_char(lower[end + 1]):
                continue
            span = text[start : end + 1]
            valid = [p for p in patterns if p.cased is None or p.cased == span]
            if valid:
                candidates.append((start, end, valid))

        # Longest match wins; matches do not overlap.
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        chosen, last_end = [], -1
        for start, end, valid in candidates:
            if start > last_end:
                chosen.append((start, end, valid))
                last_end = end

        mentions: dict[tuple[int, ...], Mention] = {}
        named_in_full = set()
        for start, end, valid in chosen:
            if any(p.excludes for p in valid):
                continue
            entity_ids = set()
            for p in valid:
                if p.surname_of is None or p.surname_of in named_in_full:
                    entity_ids.add(p.entity_id)
            if not entity_ids:
                continue
            named_in_full.update(p.entity_id for p in valid if p.surname_of is None)
            key = tuple(sorted(entity_ids))
            mention = mentions.setdefault(key, Mention(key))
            mention.count += 1
            word = original[start : end + 1]
            if word not in mention.words:
                mention.words.append(word)
        return list(mentions.values())


_cache = {"version": None, "index": None}
_lock = threading.Lock()


def terms_from_database():
    from entities.models import Alias, Entity, ExclusionPhrase

    people = set(
        Entity.objects.filter(kind=Entity.Kind.PERSON).values_list("pk", flat=True)
    )
    for pk, name in Entity.objects.values_list("pk", "name").iterator(chunk_size=5000):
        yield Term(pk, name, is_person_name=pk in people)
    for entity_id, name, case_sensitive in Alias.objects.values_list(
        "entity_id", "name", "case_sensitive"
    ).iterator(chunk_size=5000):
        yield Term(entity_id, name, case_sensitive, is_person_name=entity_id in people)
    for entity_id, phrase in ExclusionPhrase.objects.values_list("entity_id", "phrase"):
        yield Term(entity_id, phrase, excludes=True)


def current_index() -> MentionIndex:
    """This process's matcher, rebuilt when entities or aliases have changed."""
    from entities.models import DetectionSettings

    version = DetectionSettings.load().index_version
    if _cache["version"] != version:
        with _lock:
            if _cache["version"] != version:
                _cache["index"] = MentionIndex(terms_from_database())
                _cache["version"] = version
    return _cache["index"]
