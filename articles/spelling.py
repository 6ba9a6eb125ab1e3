"""Search that forgives: what a reader probably meant by a misspelled query.

Only words that no public story uses are corrected, so a correctly spelled
search is never second-guessed and its results never change. A misspelled
stretch of the query is matched first against the names and aliases of
companies, people and brands ("Grate Wall" → "Great Wall", "Krugger" →
"Krueger"), then word by word against the lexicon of the public stories'
words (``SearchWord``). Both through PostgreSQL's pg_trgm and its trigram
indexes; elsewhere (the SQLite demo) nothing is corrected.
"""

import contextlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, SearchWord
from articles.search import (
    CONFIG,
    RECENT_DAY_SQL,
    WORD,
    recent_day,
    search_word,
    uses_postgres,
)
from entities.models import Alias, Entity

# At most this many words of a query are looked at.
MAX_WORDS = 8
# A name of two or more words must be this close to the stretch it replaces;
# a single word, pg_trgm's default (0.3).
NAME_SIMILARITY = 0.4
WORD_SIMILARITY = 0.3
LONGEST_NAME = 4


@dataclass
class Suggestion:
    """The corrected query, and the entities whose names corrected it."""

    query: str
    entity_ids: list[int] = field(default_factory=list)


def _spelled_like(original: str, replacement: str) -> str:
    """``replacement`` in the capitals the reader used, unless it is a name
    with capitals of its own ("MINI", "Great Wall")."""
    if replacement != replacement.lower():
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement.capitalize()
    return replacement


def _corrects(name: str, words: list[str]) -> bool:
    """Whether ``name`` is a correction of ``words``, word by word: the
    words stories use stay as they are, each misspelled one is close to the
    name's word in its place ("Grate Wall" → "Great Wall", not "Great Wall
    talkz" → "Great Wall Motor")."""
    parts = [search_word(part) for part in name.split()]
    keys = [search_word(word) for word in words]
    if parts == keys or len(parts) != len(keys):
        return False
    return all(
        part == key or SequenceMatcher(None, part, key).ratio() >= 0.6
        for part, key in zip(parts, keys, strict=True)
    )


@contextlib.contextmanager
def bitmap_scans_only():
    """A cursor with which PostgreSQL reads tables only through index bitmaps.

    For the check that a word is in a public story: the word is only known
    as the query runs, so PostgreSQL guesses one story in six hundred has it
    and, to find one, walks the stories in order, which for a word no recent
    story uses is the whole archive (seconds, at a million). The index
    knows the word's stories, few or many, at once. SET LOCAL, in a
    transaction of its own (or a savepoint), and put back after."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
        )
        yield cursor
        cursor.execute(
            "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT"
        )


def unknown_words(words: list[str], request=None) -> dict[str, str | None]:
    """The lexicon's forms of ``words`` that no public story uses, each with
    the lexicon's closest word that a public story uses now (or None). One
    query. The lexicon only grows: a word of a story that was scheduled, or
    withdrawn since, stays in it, so a correction is checked against the
    stories readers can see, never offered from the lexicon alone.

    That check asks the recent days' stories first (search.recent_day()):
    the words-and-day index answers it at once even for a word most stories
    use, where the words alone meant listing each of those stories (150 ms
    for a word in nine stories of ten, at a million)."""
    keys = sorted({search_word(word) for word in words})
    table = SearchWord._meta.db_table
    stories = Article._meta.db_table
    public = f"""
        SELECT 1 FROM {stories} a
        WHERE a.status = %(published)s AND a.published_at <= %(now)s
        AND a.search_vector @@ plainto_tsquery(%(config)s::regconfig, near.word)
    """
    since = recent_day(request)
    in_public_story = f"EXISTS ({public})"
    if since is not None:
        in_public_story = (
            f"(EXISTS ({public} AND {RECENT_DAY_SQL} >= %(since)s) "
            f"OR {in_public_story})"
        )
    with bitmap_scans_only() as cursor:
        # The lexicon's close words are put in order first, and only then
        # asked one by one, closest first, whether a public story uses them:
        # the first that one does is the answer (OFFSET 0 keeps PostgreSQL
        # from asking every close word before sorting: 48 ms → 1 ms for a
        # word with a dozen neighbours, at a million stories).
        cursor.execute(
            f"""
            SELECT q.w, (
                SELECT near.word FROM (
                    SELECT s.word FROM {table} s
                    WHERE s.word %% q.w AND similarity(s.word, q.w) >= %(similarity)s
                    ORDER BY similarity(s.word, q.w) DESC, s.word
                    OFFSET 0
                ) AS near (word)
                WHERE {in_public_story}
                LIMIT 1
            )
            FROM unnest(%(keys)s::text[]) AS q(w)
            WHERE NOT EXISTS (SELECT 1 FROM {table} k WHERE k.word = q.w)
            """,
            {
                "similarity": WORD_SIMILARITY,
                "published": Article.Status.PUBLISHED,
                "now": timezone.now(),
                "config": CONFIG,
                "since": since,
                "keys": keys,
            },
        )
        return dict(cursor.fetchall())


def closest_names(stretches: list[str]) -> dict[str, tuple[str, int, float]]:
    """For each stretch of words, the closest name or alias of an entity of
    as many words: (name, entity id, similarity). One query; how close is
    close enough is the caller's to say."""
    entities, aliases = Entity._meta.db_table, Alias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.s, best.name, best.entity_id, similarity(best.name, q.s)
            FROM unnest(%s::text[], %s::int[]) AS q(s, n)
            CROSS JOIN LATERAL (
                SELECT name, entity_id FROM (
                    SELECT name, id AS entity_id FROM {entities}
                    UNION ALL
                    SELECT name, entity_id FROM {aliases}
                ) AS names
                -- Among the names that share enough of its trigrams (the
                -- GIN trigram indexes; pg_trgm's similarity_threshold, 0.3
                -- unless an operator changed it), one of as many words.
                WHERE name %% q.s
                AND cardinality(string_to_array(trim(name), ' ')) = q.n
                ORDER BY similarity(name, q.s) DESC, name
                LIMIT 1
            ) AS best
            """,
            [stretches, [len(stretch.split()) for stretch in stretches]],
        )
        return {
            stretch: (name, entity_id, similarity)
            for stretch, name, entity_id, similarity in cursor.fetchall()
        }


def suggest(query: str, request=None) -> Suggestion | None:
    """What the reader probably meant, or None when every word of ``query``
    is in some public story (or nothing close was found). One query when
    every word is known, two otherwise."""
    if not uses_postgres():
        return None
    tokens = re.split(r"(\w+)", query)
    # Positions in ``tokens`` of the words that may be corrected.
    places = [i for i, token in enumerate(tokens) if WORD.fullmatch(token)][:MAX_WORDS]
    if not places:
        return None
    unknown = unknown_words([tokens[i] for i in places], request)
    if not unknown:
        return None
    is_unknown = [search_word(tokens[i]) in unknown for i in places]

    # Stretches of up to LONGEST_NAME neighbouring words with a misspelled
    # one among them, matched against every name and alias at once.
    stretches = {}
    for start in range(len(places)):
        for end in range(start + 1, min(start + LONGEST_NAME, len(places)) + 1):
            if any(is_unknown[start:end]):
                words = [tokens[i] for i in places[start:end]]
                stretches[(start, end)] = " ".join(words)
    names = closest_names(sorted(set(stretches.values())))

    replaced = {}  # place index → replacement (None: dropped, in a name)
    entity_ids = []
    covered = set()
    # Longest stretches first, then the closest.
    ranked = sorted(
        (
            (end - start, names[text][2], start, end)
            for (start, end), text in stretches.items()
            if text in names
        ),
        reverse=True,
    )
    for length, similarity, start, end in ranked:
        threshold = NAME_SIMILARITY if length > 1 else WORD_SIMILARITY
        span = set(range(start, end))
        if similarity < threshold or span & covered:
            continue
        name, entity_id, _ = names[stretches[(start, end)]]
        if not _corrects(name, [tokens[i] for i in places[start:end]]):
            continue
        covered |= span
        replaced[start] = name
        replaced.update(dict.fromkeys(range(start + 1, end)))
        entity_ids.append(entity_id)
    for n, place in enumerate(places):
        if n in covered or not is_unknown[n]:
            continue
        closest = unknown[search_word(tokens[place])]
        if closest:
            replaced[n] = _spelled_like(tokens[place], closest)
    if not replaced:
        return None

    corrected = list(tokens)
    for n, replacement in replaced.items():
        corrected[places[n]] = replacement
    # Words folded into a name take their following space with them.
    for n in sorted(n for n, r in replaced.items() if r is None):
        corrected[places[n] - 1] = ""  # the separator before the word
    text = re.sub(r"\s+", " ", "".join(t for t in corrected if t is not None)).strip()
    return Suggestion(query=text, entity_ids=list(dict.fromkeys(entity_ids)))
