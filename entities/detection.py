"""Mention detection: which known companies, people and brands a story names.

One Aho–Corasick automaton (pyahocorasick) holds every name, alias, short
name and “not this” phrase, folded so that accents, German digraphs (ü/ue),
case and typographic quotes and dashes do not matter. A text is scanned
once, whatever the number of entities; the rules then read what was found
against the story's own evidence. Each rule is one function below, its
reason in its docstring's first line:

- where a name is: whole words (a possessive, a compound or a make's plural
  still count), the longest match first, “not this” phrases hide a match;
- case: lower-case running text is no name; case-sensitive names match only
  as written; a name that is also a word needs support at a sentence start
  or in a Title Case headline, and the story to be the desk's copy anywhere;
  a name in capitals written in Title Case ("Mini") needs the story's
  evidence for that entity wherever it stands;
- people: a short name alone after the full name, or where it is unique and
  supported; never when it is part of someone else's full name;
- namesakes: candidates scored on what the story names (the entity itself,
  related entities), the entity's context words near and far, the story's
  section, plurals and the words next to the mention; a clear winner is
  suggested with its reasons, a tie is offered as a choice.

The automaton is rebuilt in each process when DetectionSettings.index_version
changes (entities, aliases, phrases, roles and relationships bump it when
they are saved).
"""

import gc
import itertools
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick

from entities.detection_rules import (
    TITLE_LENGTH,
    Occurrence,
    StoryWords,
    at_sentence_start,
    beside_another_name,
    capitals_kept,
    exact_capitals,
    is_cased_name,
    lower_aligned,
    plural_suffix,
    summed_up,
    title_case_line,
    title_cased_capitals,
    title_cased_compound,
    undigraph,
    weigh,
    whole_word,
    written_in_capitals,
)
from newsroom.text import fold_accents, fold_digraphs

# What a pattern is: a name or alias, a person's short name (used alone only
# after the full name, or where it is unique), a person's first word (the
# family name of names that put it first; only after the full name), or a
# “not this” phrase.
NAME, SURNAME, FIRST_WORD, EXCLUDES = "name", "surname", "first word", "excludes"


@dataclass(frozen=True)
class Pattern:
    entity_id: int
    spelling: str = ""  # the name as written, folded: its capitals count
    cased: bool = False  # that exact spelling is required
    wordlike: bool = False  # also an ordinary word ("Tank", "Brilliance")
    role: str = NAME
    plural_ok: bool = False  # "Teslas", "BYDs": a make's cars
    title_cased: bool = False  # "Mini" for MINI: only on the story's evidence

    @property
    def excludes(self) -> bool:
        return self.role == EXCLUDES


@dataclass(frozen=True)
class Term:
    """A name to index: an entity's name or alias, or a “not this” phrase."""

    entity_id: int
    text: str
    case_sensitive: bool = False
    is_person_name: bool = False
    excludes: bool = False
    short_name: str = ""  # a person's explicit short name ("Wei")


@dataclass(frozen=True)
class EntityInfo:
    """What the rules know of an entity beyond its names."""

    name: str
    kind: str  # company, person or brand
    related: frozenset[int] = frozenset()  # owner, brands, partners, employers
    context: tuple[str, ...] = ()  # folded, lower-case context words


@dataclass
class Mention:
    entity_ids: tuple[int, ...]
    count: int = 0
    words: list[str] = field(default_factory=list)
    # Why the words were read as this entity, where that needed deciding:
    # an ambiguity resolved, or a name that is also a word kept.
    reasons: list[str] = field(default_factory=list)
    # Each decided occurrence's (head, [(label, items)]), summed up in reasons.
    evidence: list = field(default_factory=list, repr=False, compare=False)

    @property
    def ambiguous(self) -> bool:
        return len(self.entity_ids) > 1


# ---------------------------------------------------------------------------


class MentionIndex:
    def __init__(self, terms, entities: dict[int, EntityInfo] | None = None):
        patterns: dict[str, set[Pattern]] = defaultdict(set)
        for term in terms:
            for key, pattern in self._patterns(term):
                if key.strip():
                    patterns[key].add(pattern)
        self.entities = entities or {}
        self.automaton = ahocorasick.Automaton()
        for key, found in patterns.items():
            # A short name used alone needs no full name where no other
            # entity answers to the same word.
            unique = len({p.entity_id for p in found if not p.excludes}) == 1
            self.automaton.add_word(key, (len(key), _by_spelling(found), unique))
        self.size = len(patterns)
        if self.size:
            self.automaton.make_automaton()

    @staticmethod
    def _patterns(term: Term):
        text = term.text.strip()
        folded = fold_accents(text)
        lower = lower_aligned(folded)
        if term.excludes:
            yield lower, Pattern(term.entity_id, folded, role=EXCLUDES)
            return
        plural_ok = not term.is_person_name and " " not in lower
        in_capitals = is_cased_name(text)
        if term.case_sensitive or in_capitals:
            yield (
                lower,
                Pattern(
                    term.entity_id,
                    folded,
                    cased=True,
                    wordlike=not in_capitals,
                    plural_ok=plural_ok,
                ),
            )
        else:
            pattern = Pattern(term.entity_id, folded, plural_ok=plural_ok)
            digraphed = lower_aligned(fold_accents(fold_digraphs(text)))
            for key in {lower, undigraph(lower), digraphed}:
                yield key, pattern
        title_cased = not term.is_person_name and title_cased_capitals(folded)
        if title_cased:
            yield (
                lower,
                Pattern(
                    term.entity_id,
                    title_cased,
                    cased=True,
                    wordlike=True,
                    plural_ok=plural_ok,
                    title_cased=True,
                ),
            )
        words = text.split()
        if not term.is_person_name or len(words) < 2:
            return
        if term.short_name:
            shorts = [(term.short_name.strip(), SURNAME)]
        else:
            # The last word by default; the first counts too after the full
            # name, for names that put the family name first.
            shorts = [(words[-1], SURNAME), (words[0], FIRST_WORD)]
        for short, role in shorts:
            surname = Pattern(term.entity_id, fold_accents(short), role=role)
            low = lower_aligned(fold_accents(short))
            # Spelt every way the full name is: "Krüger" is also "Krueger".
            digraph = lower_aligned(fold_accents(fold_digraphs(short)))
            for key in {low, undigraph(low), digraph}:
                yield key, surname

    def find(self, *texts: str, section: str = "") -> list[Mention]:
        """Every entity the texts mention, in order of first mention.

        ``section`` is the story's section name, which counts as context.
        """
        if not self.size:
            return []
        original = "\n".join(texts)
        text = fold_accents(original)
        lower = lower_aligned(text)
        candidates, lowercase_keys = self._scan(text, lower)
        chosen = _longest_first(candidates)
        occurrences, other_bearers = self._occurrences(
            chosen, original, text, lower, lowercase_keys
        )
        if any(o.needs_deciding for o in occurrences):
            occurrences = self._decide(
                occurrences,
                StoryWords(lower, original),
                lower_aligned(fold_accents(section.strip())),
                other_bearers,
            )
        mentions: dict[tuple[int, ...], Mention] = {}
        for occ in occurrences:
            key = tuple(sorted(occ.candidates))
            mention = mentions.setdefault(key, Mention(key))
            mention.count += 1
            if occ.word not in mention.words:
                mention.words.append(occ.word)
            if occ.reasons:
                mention.evidence.append(occ.reasons)
        for mention in mentions.values():
            mention.reasons = summed_up(mention.evidence)
        return list(mentions.values())

    def _scan(self, text: str, lower: str):
        found, lowercase_keys = [], set()
        for end, (length, spellings, unique) in self.automaton.iter(lower):
            start = end - length + 1
            plural = False
            if not whole_word(lower, start, end + 1):
                plural = plural_suffix(text, end) and whole_word(lower, start, end + 2)
                if not plural:
                    continue
            span = text[start : end + 1]
            names, surnames, first_words = set(), set(), set()
            excludes = wordlike = plain = False
            # Matched as the Title Case of a name in capitals ("Mini"), and
            # as nothing else.
            derived = direct = False
            for group in spellings:
                if group.excludes:
                    excludes = not plural
                    continue
                if plural and not group.plural_names:
                    continue
                if (
                    group.title_cased
                    and not plural
                    and title_cased_compound(text, end + 1)
                ):
                    continue
                if exact_capitals(span, group.spelling) or (
                    not group.cased and capitals_kept(span, group.spelling)
                ):
                    derived |= group.title_cased
                    direct |= not group.title_cased
                    if plural:
                        names |= group.plural_names
                    else:
                        names |= group.names
                        surnames |= group.surnames
                        first_words |= group.first_words
                    wordlike |= group.wordlike
                    plain |= not written_in_capitals(group)
                elif span == lower[start : end + 1]:
                    lowercase_keys.add(span)
            if excludes or names or surnames or first_words:
                hit = (start, end + 1 + plural, end + 1, names, surnames, first_words)
                title_cased = derived and not direct
                found.append(
                    (*hit, excludes, wordlike, plain, unique, plural, title_cased)
                )
        return found, lowercase_keys

    def _occurrences(self, chosen, original, text, lower, lowercase_keys):
        occurrences, named_in_full, other_bearers = [], set(), set()
        title_lines: dict[int, bool] = {}

        def in_title_line(start):
            line_start = text.rfind("\n", 0, start) + 1
            if line_start not in title_lines:
                line_end = text.find("\n", start)
                line_end = len(text) if line_end == -1 else line_end
                title_lines[line_start] = (
                    line_end - line_start <= TITLE_LENGTH
                    and title_case_line(text[line_start:line_end])
                )
            return title_lines[line_start]

        def weak_position(start, key):
            # Only the first word's capital is explained by a sentence start:
            # "Automotive News" opening one still has its "N".
            return in_title_line(start) or (
                " " not in key and at_sentence_start(text, start)
            )

        for hit in chosen:
            start, stop, end, names, surnames, first_words, excludes = hit[:7]
            wordlike, plain, unique, plural, title_cased = hit[7:]
            if excludes:
                continue
            key = lower[start:end]
            full_name_earlier, bare = set(), set()
            if surnames or first_words:
                if beside_another_name(text, start, stop) and not in_title_line(start):
                    other_bearers.add(key)
                else:
                    full_name_earlier = (surnames | first_words) & named_in_full
                    if unique:
                        bare = surnames - named_in_full
            # An alias of its own ("Krueger") needs no full name first.
            full_name_earlier -= names
            bare -= names
            entity_ids = names | full_name_earlier | bare
            if not entity_ids:
                continue
            named_in_full |= names
            # A capitalised word the story also writes in lower case is a word
            # too ("Tank water…" in a story about a fish tank).
            wordlike = wordlike or (key in lowercase_keys and plain)
            occ = Occurrence(
                start,
                stop,
                original[start:end],
                key,
                entity_ids,
                title_cased or (wordlike and weak_position(start, key)),
                plural,
            )
            occ.full_name_earlier, occ.bare = full_name_earlier, bare
            occ.wordlike, occ.title_cased = wordlike, title_cased
            occurrences.append(occ)
        return occurrences, other_bearers

    def _decide(self, occurrences, words, section, other_bearers):
        """Weigh the story's evidence where the words alone do not decide."""
        plain = {next(iter(o.candidates)) for o in occurrences if not o.needs_deciding}
        # Two related names that each need support, neither at a sentence
        # start, support each other ("Musk told Tesla's investors"): a
        # relation the desk recorded is evidence whichever is decided first.
        # Never for an ambiguity, which could then prop up its supporter.
        tentative = {
            next(iter(o.candidates))
            for o in occurrences
            if o.needs_deciding and len(o.candidates) == 1 and not o.weak
        }
        decided: dict[int, Occurrence | None] = {}
        supported = plain
        # Twice: an ambiguity resolved in the first round is evidence for a
        # related entity in the second ("BMW" the group supports its chief's
        # bare surname), though never for itself.
        for _ in range(2):
            for n, occ in enumerate(occurrences):
                if occ.needs_deciding:
                    decided[n] = weigh(
                        self._info,
                        occ,
                        words,
                        section,
                        plain,
                        supported,
                        tentative,
                        other_bearers,
                    )
            resolved = plain | {
                next(iter(o.candidates))
                for o in decided.values()
                if o is not None and len(o.candidates) == 1
            }
            if resolved == supported:
                break
            supported = resolved
        return [
            decided.get(n, occ)
            for n, occ in enumerate(occurrences)
            if decided.get(n, occ) is not None
        ]

    def _info(self, entity_id: int) -> EntityInfo:
        info = self.entities.get(entity_id)
        return info if info is not None else EntityInfo(str(entity_id), "")


@dataclass(frozen=True)
class Spelling:
    """The patterns of one key that share a spelling, so that a hit checks
    its capitals once, however many people share a surname."""

    spelling: str
    cased: bool
    wordlike: bool
    excludes: bool
    title_cased: bool
    names: frozenset[int]
    plural_names: frozenset[int]
    surnames: frozenset[int]
    first_words: frozenset[int]


def _by_spelling(patterns) -> tuple[Spelling, ...]:
    if len(patterns) == 1:  # most keys: one name of one entity
        [p] = patterns
        ids = frozenset([p.entity_id])
        none = frozenset()
        return (
            Spelling(
                p.spelling,
                p.cased,
                p.wordlike,
                p.excludes,
                p.title_cased,
                names=ids if p.role == NAME else none,
                plural_names=ids if p.role == NAME and p.plural_ok else none,
                surnames=ids if p.role == SURNAME else none,
                first_words=ids if p.role == FIRST_WORD else none,
            ),
        )
    groups = defaultdict(list)
    for p in patterns:
        groups[(p.spelling, p.cased, p.wordlike, p.excludes, p.title_cased)].append(p)
    return tuple(
        Spelling(
            *group,
            names=frozenset(p.entity_id for p in found if p.role == NAME),
            plural_names=frozenset(
                p.entity_id for p in found if p.role == NAME and p.plural_ok
            ),
            surnames=frozenset(p.entity_id for p in found if p.role == SURNAME),
            first_words=frozenset(p.entity_id for p in found if p.role == FIRST_WORD),
        )
        for group, found in groups.items()
    )


def _longest_first(candidates):
    """Longest match wins: "BMW Brilliance Automotive" is one entity."""
    candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
    chosen, last_stop = [], -1
    for candidate in candidates:
        if candidate[0] >= last_stop:
            chosen.append(candidate)
            last_stop = candidate[1]
    return chosen


_cache = {"version": None, "index": None}
_lock = threading.Lock()


def terms_from_database():
    from entities.models import Alias, Entity, ExclusionPhrase, Person

    short_names = dict(Person.objects.values_list("pk", "short_name"))
    # An entity's own name and each of its aliases are matched alike.
    names = itertools.chain(
        Entity.objects.values_list("pk", "name", "case_sensitive").iterator(
            chunk_size=5000
        ),
        Alias.objects.values_list("entity_id", "name", "case_sensitive").iterator(
            chunk_size=5000
        ),
    )
    for entity_id, name, case_sensitive in names:
        yield Term(
            entity_id,
            name,
            case_sensitive,
            is_person_name=entity_id in short_names,
            short_name=short_names.get(entity_id, ""),
        )
    for entity_id, phrase in ExclusionPhrase.objects.values_list("entity_id", "phrase"):
        yield Term(entity_id, phrase, excludes=True)


def context_words(text: str) -> tuple[str, ...]:
    """An entity's context words as the matcher compares them."""
    return tuple(
        lower_aligned(fold_accents(word.strip()))
        for word in text.split(",")
        if word.strip()
    )


def entities_from_database() -> dict[int, EntityInfo]:
    """Each entity's kind, context words and relations: a brand and its owner,
    two related companies, a person and the companies they had roles at."""
    from entities.models import Brand, CompanyRelationship, Entity, Role

    related: dict[int, set[int]] = defaultdict(set)

    def tie(first, second):
        related[first].add(second)
        related[second].add(first)

    for pair in Brand.objects.filter(owner__isnull=False).values_list("pk", "owner"):
        tie(*pair)
    for pair in CompanyRelationship.objects.values_list("from_company", "to_company"):
        tie(*pair)
    for pair in Role.objects.values_list("person", "company").distinct():
        tie(*pair)
    return {
        pk: EntityInfo(name, kind, frozenset(related.get(pk, ())), context_words(words))
        for pk, name, kind, words in Entity.objects.values_list(
            "pk", "name", "kind", "context_words"
        ).iterator(chunk_size=5000)
    }


def current_index() -> MentionIndex:
    """This process's matcher, rebuilt when entities or aliases have changed."""
    from entities.models import DetectionSettings

    version = DetectionSettings.load().index_version
    if _cache["version"] != version:
        with _lock:
            if _cache["version"] != version:
                replaced = getattr(_cache["index"], "size", None)
                _cache["index"] = MentionIndex(
                    terms_from_database(), entities_from_database()
                )
                _cache["version"] = version
                _settle(_cache["index"].size, replaced)
    return _cache["index"]


# An index of this many patterns or more is kept out of the collector's way.
SETTLED_SIZE = 5_000


def _settle(size: int, replaced_size: int | None) -> None:
    """Keep a large index out of Python's full garbage collections.

    At 20,000 entities the index is some 600,000 objects that live as long as
    the process, and the collector walked every one of them on each full
    collection: 300 ms, every few search requests (BENCHMARKS.md). Frozen
    (gc.freeze), they are never walked again. What was frozen with it and
    dies later in a reference cycle is not freed until the next rebuild, which
    unfreezes everything so that such garbage, and anything of the replaced
    index's, can go. ``size`` and ``replaced_size``: the patterns of the new
    index and of the one it replaced (None for the first)."""
    if max(size, replaced_size or 0) < SETTLED_SIZE:
        return
    if replaced_size is not None:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
