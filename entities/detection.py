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
# The rules. Each is one function; its docstring's first line is its reason.

HONORIFICS = frozenset(
    "mr mrs ms dr sir dame lord lady prof professor president chairman "
    "chairwoman chair ceo boss founder".split()
)
SENTENCE_END = ".!?:;"
OPENERS = "\"'([ "
# Weak and strong evidence, in points: a decision needs at least one point,
# and an ambiguity a clear winner.
STRONG, WEAK = 2, 1
# How far from a mention its "words near it" reach (characters, each side).
NEAR = 150
# A line longer than this is a paragraph, never a Title Case headline.
TITLE_LENGTH = 200
# Generic words say less than the desk's context words: they must be closer.
KIND_NEAR = 80
# Words near a mention that say which kind of entity is meant, when the
# candidates are of different kinds (the group or its brand).
KIND_WORDS = {
    "brand": ("brand", "marque", "badge", "model", "models", "hatchback", "saloon"),
    "company": (
        "shares",
        "profit",
        "earnings",
        "revenue",
        "investors",
        "shareholders",
        "board",
        "results",
        "stake",
        "jobs",
    ),
}


def whole_word(text: str, start: int, stop: int) -> bool:
    """A name is a whole word: "MINI" is not in "minimum", "BMW's" counts."""
    return (start == 0 or not _is_word_char(text[start - 1])) and (
        stop >= len(text) or not _is_word_char(text[stop])
    )


def plural_suffix(text: str, end: int) -> bool:
    """A make's name plus "s" is its cars ("Teslas", "older BMWs")."""
    return text[end + 1 : end + 2] == "s"


def capitals_kept(span: str, spelling: str) -> bool:
    """Lower-case running text is not a name: "the great wall" is no company."""
    written, named = span.split(), spelling.split()
    if len(written) != len(named):
        return True  # spelt with a digraph or a space of its own: trust the key
    pairs = zip(written, named, strict=True)
    return all(w[:1].isupper() or not n[:1].isupper() for w, n in pairs)


def exact_capitals(span: str, spelling: str) -> bool:
    """A case-sensitive name matches only as written: "Tank", never "tank"."""
    return span == spelling


def written_in_capitals(pattern: "Pattern | Spelling") -> bool:
    """A name in capitals (MINI, GWM) is a name even where "mini" is a word."""
    return pattern.cased and not pattern.wordlike


def at_sentence_start(text: str, start: int) -> bool:
    """A capital opening a sentence or a paragraph says nothing of a name."""
    i = start - 1
    while i >= 0 and text[i] in OPENERS:
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in SENTENCE_END


def title_case_line(line: str) -> bool:
    """In a Title Case Headline every word has a capital: none is evidence."""
    if len(line) > TITLE_LENGTH:
        return False  # a paragraph, not a headline
    words = [w for w in line.split() if sum(c.isalpha() for c in w) >= 4]
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.75 * len(words)


def beside_another_name(text: str, start: int, stop: int) -> bool:
    """A surname next to another capitalised word is someone else's full name
    ("Wang Yi", "Anna Krueger")."""
    if stop + 1 < len(text) and text[stop] == " " and text[stop + 1].isupper():
        return True
    if start < 2 or text[start - 1] != " ":
        return False
    line_start = text.rfind("\n", 0, start - 1) + 1
    word = text[line_start : start - 1].rsplit(" ", 1)[-1]
    word_start = start - 1 - len(word)
    return (
        word[:1].isupper()
        and word[-1:].isalpha()
        and not word.isupper()
        and not word.endswith(("'s", "s'"))
        and word.lower() not in HONORIFICS
        and not at_sentence_start(text, word_start)
    )


def named_elsewhere(candidate: int, plain: set[int]) -> bool:
    """An entity the story names plainly elsewhere is the likelier reading."""
    return candidate in plain


def related_named(info: EntityInfo, candidate: int, sure: set[int]) -> set[int]:
    """An entity is known by its company: its owner, brands, partners, staff."""
    return (info.related & sure) - {candidate}


class StoryWords:
    """The story's folded, lower-case text, with each word's first place
    looked up once however many candidates ask."""

    def __init__(self, lower: str, original: str = ""):
        self.lower, self.original = lower, original or lower
        self._first: dict[str, int] = {}
        self.evidence: dict[tuple[int, int], tuple[int, list]] = {}

    def _find(self, word: str, start: int = 0, end: int | None = None) -> int:
        """The first place of ``word`` as a whole word in [start, end), or -1."""
        lower = self.lower
        at = lower.find(word, start, end)
        while at != -1 and not whole_word(lower, at, at + len(word)):
            at = lower.find(word, at + 1, end)
        return at

    def first(self, word: str) -> int:
        if word not in self._first:
            self._first[word] = self._find(word)
        return self._first[word]

    def as_written(self, word: str) -> str:
        """The word as the story spells it ("Model Y", not "model y")."""
        at = self.first(word)
        return self.original[at : at + len(word)] if at != -1 else word

    def near(self, word: str, start: int, stop: int, reach: int) -> bool:
        if self.first(word) == -1:
            return False
        window_start = max(0, start - reach)
        return self._find(word, window_start, stop + reach + len(word)) != -1


def context_words_found(
    info: EntityInfo, words: StoryWords, start: int, stop: int
) -> tuple[list[str], list[str]]:
    """The desk's context words for an entity, near the mention and anywhere."""
    near, anywhere = [], []
    for word in info.context:
        if words.near(word, start, stop, NEAR):
            near.append(words.as_written(word))
        elif words.first(word) != -1:
            anywhere.append(words.as_written(word))
    return near, anywhere


def on_the_beat(candidate: int, named: set[int]) -> set[int]:
    """Copy that names other companies, people or brands is the desk's beat:
    there a capitalised "Tesla" mid-sentence is the carmaker."""
    return named - {candidate}


def section_matches(info: EntityInfo, section: str) -> bool:
    """A story's section is context too: "Aerospace" is the engine maker."""
    return bool(section) and section in info.context


def plural_means_cars(info: EntityInfo, plural: bool) -> bool:
    """A plural names cars ("older BMWs"): the brand rather than the group."""
    return plural and info.kind == "brand"


def kind_words_near(info: EntityInfo, words: StoryWords, start: int, stop: int) -> str:
    """The words around say which kind is meant: "the brand said", "shares"."""
    if words.lower[stop : stop + 1] == "-":
        return ""  # "a BMW-owned brand": a compound describes something else
    for word in KIND_WORDS.get(info.kind, ()):
        if words.near(word, start, stop, KIND_NEAR):
            return word
    return ""


# ---------------------------------------------------------------------------


class Occurrence:
    """One place where the text names one or more candidate entities."""

    __slots__ = (
        "bare",
        "candidates",
        "full_name_earlier",
        "key",
        "plural",
        "reasons",
        "start",
        "stop",
        "weak",
        "word",
        "wordlike",
    )

    def __init__(self, start, stop, word, key, candidates, weak, plural):
        self.start, self.stop, self.word, self.key = start, stop, word, key
        self.candidates = candidates
        self.weak, self.plural = weak, plural
        # A name that is also a word, capitalised mid-sentence: likely the
        # name, but "Alpine resorts" and "Genesis, the band" are capitalised
        # too. It needs the story to be about the beat at least.
        self.wordlike = False
        self.full_name_earlier: set[int] = set()
        self.bare: set[int] = set()  # a unique surname, full name not given
        self.reasons: tuple = ()  # once decided: (head, [(label, items)])

    @property
    def needs_deciding(self) -> bool:
        return len(self.candidates) > 1 or self.weak or self.wordlike or bool(self.bare)


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
        folded = fold(text)
        lower = _lower(folded)
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
            digraphed = _lower(fold(text.translate(_DIGRAPHS)))
            for key in {lower, _undigraph(lower), digraphed}:
                yield key, pattern
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
            surname = Pattern(term.entity_id, fold(short), role=role)
            low = _lower(fold(short))
            # Spelt every way the full name is: "Krüger" is also "Krueger".
            digraph = _lower(fold(short.translate(_DIGRAPHS)))
            for key in {low, _undigraph(low), digraph}:
                yield key, surname

    def find(self, *texts: str, section: str = "") -> list[Mention]:
        """Every entity the texts mention, in order of first mention.

        ``section`` is the story's section name, which counts as context.
        """
        if not self.size:
            return []
        original = "\n".join(texts)
        text = fold(original)
        lower = _lower(text)
        candidates, lowercase_keys = self._scan(text, lower)
        chosen = _longest_first(candidates)
        occurrences, other_bearers = self._occurrences(
            chosen, original, text, lower, lowercase_keys
        )
        if any(o.needs_deciding for o in occurrences):
            occurrences = self._decide(
                occurrences,
                StoryWords(lower, original),
                _lower(fold(section.strip())),
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
            mention.reasons = _summed_up(mention.evidence)
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
            for group in spellings:
                if group.excludes:
                    excludes = not plural
                    continue
                if plural and not group.plural_names:
                    continue
                if exact_capitals(span, group.spelling) or (
                    not group.cased and capitals_kept(span, group.spelling)
                ):
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
                found.append((*hit, excludes, wordlike, plain, unique, plural))
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
            wordlike, plain, unique, plural = hit[7:]
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
                wordlike and weak_position(start, key),
                plural,
            )
            occ.full_name_earlier, occ.bare = full_name_earlier, bare
            occ.wordlike = wordlike
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
                    decided[n] = self._weigh(
                        occ, words, section, plain, supported, tentative, other_bearers
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

    def _weigh(self, occ, words, section, plain, supported, tentative, other_bearers):
        scores: dict[int, tuple[int, list[str]]] = {}
        for candidate in occ.candidates:
            if candidate in occ.bare and occ.key in other_bearers:
                continue
            info = self._info(candidate)
            points, why = 0, []
            if candidate in occ.full_name_earlier:
                points += STRONG + WEAK
                why.append(("named in full earlier", ()))
            elif named_elsewhere(candidate, plain):
                points += STRONG
                why.append(("named elsewhere in the story", ()))
            # A reading decided elsewhere supports its relations, but never
            # a rival for the same words: no decision feeds on itself.
            related = related_named(
                info,
                candidate,
                plain
                | (supported - occ.candidates)
                | (tentative - occ.candidates if len(occ.candidates) == 1 else set()),
            )
            if related:
                points += STRONG
                names = sorted(self._info(r).name for r in related)
                why.append(("story names", names))
            alone = len(occ.candidates) == 1
            # One candidate needs one point: the story's words are read only
            # when the names it gives are not enough.
            if not (alone and points >= WEAK):
                more, reasons = self._words_around(occ, candidate, info, words, section)
                points += more
                why.extend(reasons)
            if alone and not points and occ.wordlike and not occ.weak:
                others = on_the_beat(candidate, plain | (supported - occ.candidates))
                if others:
                    points += WEAK
                    names = sorted(self._info(o).name for o in others)
                    why.append(("story names", names))
            scores[candidate] = (points, why)
        ranked = sorted(scores.items(), key=lambda item: -item[1][0])
        if not ranked or ranked[0][1][0] < WEAK:
            if len(occ.candidates) > 1 and not occ.weak and not occ.bare:
                return occ  # nothing decides: offered as a choice
            return None
        best, (points, why) = ranked[0]
        if len(ranked) > 1 and ranked[1][1][0] == points:
            if occ.weak:
                return None
            tied = {c for c, (p, _) in ranked if p == points}
            return _with(occ, tied, ())
        if len(occ.candidates) > 1:
            others = ", ".join(
                sorted(self._info(c).name for c in occ.candidates if c != best)
            )
            head = f"chosen over {others}"
        elif occ.bare:
            head = f"“{occ.word}” alone"
        elif " " in occ.word.strip():
            head = f"“{occ.word}” are also ordinary words"
        else:
            head = f"“{occ.word}” is also an ordinary word"
        return _with(occ, {best}, (head, why))

    def _words_around(self, occ, candidate, info, words, section):
        """Evidence from the words of the story, which no decision changes:
        weighed once per mention and candidate."""
        cache_key = (occ.start, candidate)
        if cache_key in words.evidence:
            return words.evidence[cache_key]
        points, why = 0, []
        near, anywhere = context_words_found(info, words, occ.start, occ.stop)
        if near:
            points += STRONG
            why.append(("words near it:", near))
        elif anywhere:
            points += WEAK
            why.append(("story mentions", anywhere))
        if section_matches(info, section):
            points += WEAK
            why.append(("section", [section.title()]))
        if plural_means_cars(info, occ.plural):
            points += WEAK
            why.append(("plural: the cars", ()))
        kinds = {self._info(c).kind for c in occ.candidates}
        word = len(kinds) > 1 and kind_words_near(info, words, occ.start, occ.stop)
        if word:
            points += WEAK
            why.append((f"“{word}” near it", ()))
        words.evidence[cache_key] = points, why
        return points, why

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
                names=ids if p.role == NAME else none,
                plural_names=ids if p.role == NAME and p.plural_ok else none,
                surnames=ids if p.role == SURNAME else none,
                first_words=ids if p.role == FIRST_WORD else none,
            ),
        )
    groups = defaultdict(list)
    for p in patterns:
        groups[(p.spelling, p.cased, p.wordlike, p.excludes)].append(p)
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


def _summed_up(evidence) -> list[str]:
    """One line per kind of decision, every piece of evidence in it once:
    "chosen over BMW: story names MINI, Great Wall Motor; words near it: …"."""
    heads: dict[str, dict[str, list[str]]] = {}
    for head, pieces in evidence:
        labels = heads.setdefault(head, {})
        for label, items in pieces:
            known = labels.setdefault(label, [])
            known.extend(i for i in items if i not in known)
    for labels in heads.values():
        near = set(labels.get("words near it:", ()))
        if near and "story mentions" in labels:
            labels["story mentions"] = [
                w for w in labels["story mentions"] if w not in near
            ]
            if not labels["story mentions"]:
                del labels["story mentions"]
    return [
        f"{head}: "
        + "; ".join(
            f"{label} {', '.join(items[:4])}" if items else label
            for label, items in labels.items()
        )
        for head, labels in heads.items()
    ]


def _with(occ: Occurrence, candidates: set[int], reasons) -> Occurrence:
    decided = Occurrence(
        occ.start, occ.stop, occ.word, occ.key, candidates, False, occ.plural
    )
    decided.reasons = reasons  # (head, [(label, items)]), or () if undecided
    return decided


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
    for pk, name, case_sensitive in Entity.objects.values_list(
        "pk", "name", "case_sensitive"
    ).iterator(chunk_size=5000):
        yield Term(
            pk,
            name,
            case_sensitive,
            is_person_name=pk in short_names,
            short_name=short_names.get(pk, ""),
        )
    for entity_id, name, case_sensitive in Alias.objects.values_list(
        "entity_id", "name", "case_sensitive"
    ).iterator(chunk_size=5000):
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
    return tuple(_lower(fold(word.strip())) for word in text.split(",") if word.strip())


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
                _cache["index"] = MentionIndex(
                    terms_from_database(), entities_from_database()
                )
                _cache["version"] = version
    return _cache["index"]
