"""The rules of mention detection (entities.detection), each one function
whose docstring's first line is its reason, and the weighing of a name's
candidates on the story's evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entities.detection import EntityInfo, Pattern, Spelling


def lower_aligned(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower-case to two ("İ"): keep positions aligned.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def undigraph(folded_lower: str) -> str:
    return folded_lower.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def is_word_char(char: str) -> bool:
    return char.isalnum()


def is_cased_name(name: str) -> bool:
    """Names written in capitals (MINI, BMW, GWM) are matched only so."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


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
    return (start == 0 or not is_word_char(text[start - 1])) and (
        stop >= len(text) or not is_word_char(text[stop])
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


# A name in capitals shorter than this has no Title Case spelling: "It",
# "Gm" and "On" are words, never a brand.
TITLE_CASED_LETTERS = 3


def title_cased_capitals(name: str) -> str:
    """A name in capitals written in Title Case ("Mini" for MINI) is a
    candidate the story's evidence must carry; "" where there is none."""
    letters = sum(c.isalpha() for c in name)
    if not is_cased_name(name) or letters < TITLE_CASED_LETTERS:
        return ""
    return name.title()


def title_cased_compound(text: str, stop: int) -> bool:
    """A Title Case spelling joined by a hyphen is a word of its own
    ("Mini-Budget", "Mini-Series"), never the brand in capitals."""
    return text[stop : stop + 1] == "-" and text[stop + 1 : stop + 2].isalpha()


def written_in_capitals(pattern: Pattern | Spelling) -> bool:
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
        "title_cased",
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
        # A name in capitals written in Title Case ("Mini"): weak wherever it
        # stands, so only the story's evidence for the entity carries it.
        self.title_cased = False
        self.reasons: tuple = ()  # once decided: (head, [(label, items)])

    @property
    def needs_deciding(self) -> bool:
        return len(self.candidates) > 1 or self.weak or self.wordlike or bool(self.bare)


def decided_as(occ: Occurrence, candidates: set[int], reasons) -> Occurrence:
    decided = Occurrence(
        occ.start, occ.stop, occ.word, occ.key, candidates, False, occ.plural
    )
    decided.reasons = reasons  # (head, [(label, items)]), or () if undecided
    return decided


def summed_up(evidence) -> list[str]:
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


def weigh(info_of, occ, words, section, plain, supported, tentative, other_bearers):
    """Score each candidate of an occurrence on the story's evidence: the
    occurrence decided (with its reasons), left as a choice, or None."""
    scores: dict[int, tuple[int, list[str]]] = {}
    for candidate in occ.candidates:
        if candidate in occ.bare and occ.key in other_bearers:
            continue
        info = info_of(candidate)
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
            names = sorted(info_of(r).name for r in related)
            why.append(("story names", names))
        alone = len(occ.candidates) == 1
        # One candidate needs one point: the story's words are read only
        # when the names it gives are not enough.
        if not (alone and points >= WEAK):
            more, reasons = words_around(info_of, occ, candidate, info, words, section)
            points += more
            why.extend(reasons)
        if alone and not points and occ.wordlike and not occ.weak:
            others = on_the_beat(candidate, plain | (supported - occ.candidates))
            if others:
                points += WEAK
                names = sorted(info_of(o).name for o in others)
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
        return decided_as(occ, tied, ())
    if len(occ.candidates) > 1:
        others = ", ".join(sorted(info_of(c).name for c in occ.candidates if c != best))
        head = f"chosen over {others}"
    elif occ.bare:
        head = f"“{occ.word}” alone"
    elif occ.title_cased:
        head = f"“{occ.word}” for {info_of(best).name}"
    elif " " in occ.word.strip():
        head = f"“{occ.word}” are also ordinary words"
    else:
        head = f"“{occ.word}” is also an ordinary word"
    return decided_as(occ, {best}, (head, why))


def words_around(info_of, occ, candidate, info, words, section):
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
    kinds = {info_of(c).kind for c in occ.candidates}
    word = len(kinds) > 1 and kind_words_near(info, words, occ.start, occ.stop)
    if word:
        points += WEAK
        why.append((f"“{word}” near it", ()))
    words.evidence[cache_key] = points, why
    return points, why
