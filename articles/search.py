"""Full-text search over public stories.

On PostgreSQL: a stored, weighted tsvector per story (headline A, standfirst
B, body D, the default weight) in the ``newsroom`` text search configuration
(English stemming with accents removed by unaccent), kept up to date on
save and indexed with GIN; queries are parsed by websearch_to_tsquery, so
quoted phrases work and no input is a syntax error. German digraphs are
folded on both sides ("Krüger" and "Krueger" are one word). Elsewhere (the
SQLite demo) a simple word match stands in.
"""

import datetime
import re
import unicodedata

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, Lookup, Q, Value
from django.db.models.functions import TruncDate
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.caching import cached_for_generation
from newsroom.text import fold_digraphs, html_to_text

CONFIG = "newsroom"
MAX_QUERY_LENGTH = 200
MAX_RANKED = 1_000
# A phrase is confirmed story by story from word positions (the index only
# knows which stories hold each word), so fewer of its matches are ranked.
MAX_RANKED_PHRASE = 200
# Markers ts_headline puts around matches; never in stored text.
_START, _STOP = "\u0002", "\u0003"


def clean_query(raw: str) -> str:
    """What is left of a reader's query to search for: printable, bounded."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH]


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def story_vector(headline: str, dek: str, body_text: str) -> SearchVector:
    return (
        SearchVector(Value(fold_digraphs(headline)), weight="A", config=CONFIG)
        + SearchVector(Value(fold_digraphs(dek)), weight="B", config=CONFIG)
        + SearchVector(Value(fold_digraphs(body_text)), weight="D", config=CONFIG)
    )


def update_search_vector(article) -> None:
    """Store the story's search vector (PostgreSQL only)."""
    if uses_postgres():
        type(article).objects.filter(pk=article.pk).update(
            search_vector=story_vector(article.headline, article.dek, article.body_text)
        )


# A word worth correcting: letters only, three or more (no figures, no "of").
WORD = re.compile(r"[^\W\d_]{3,40}")


def search_word(word: str) -> str:
    """A word as the lexicon keeps it: digraphs folded, accents dropped,
    lower case, as the search configuration reads it ("Citroën" is
    "citroen", "Krüger" is "krueger")."""
    decomposed = unicodedata.normalize("NFKD", fold_digraphs(word).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(*texts: str) -> set[str]:
    return {search_word(word) for text in texts for word in WORD.findall(text or "")}


def record_words(article) -> None:
    """Add the words of a published story to the lexicon (PostgreSQL only):
    one statement, and a word already there costs nothing."""
    if not uses_postgres():
        return
    words = sorted(words_of(article.headline, article.dek, article.body_text))
    add_words(words)


def add_words(words: list[str]) -> None:
    from articles.models import SearchWord

    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (word) SELECT unnest(%s::text[]) "
            "ON CONFLICT (word) DO NOTHING",
            [[word for word in words if len(word) <= 40]],
        )


def body_text_of(body_html: str) -> str:
    # Entities decoded: "AT&amp;T" is searched, and shown escaped once, as "AT&T".
    return html_to_text(body_html)


def highlight_query(query: str) -> SearchQuery:
    """The query for marking matches in the text as stored, where "Krüger" is
    "kruger" once unaccented, not "krueger": both spellings are marked."""
    folded = fold_digraphs(query)
    undotted = re.sub(r"(?<=[AaOoUu])[Ee]", "", folded)
    return SearchQuery(folded, search_type="websearch", config=CONFIG) | SearchQuery(
        undotted, search_type="websearch", config=CONFIG
    )


def matching(queryset, query: str):
    """The stories of ``queryset`` that match ``query`` (PostgreSQL): what
    the GIN index answers."""
    return queryset.filter(
        search_vector=SearchQuery(
            fold_digraphs(query), search_type="websearch", config=CONFIG
        )
    )


# A search's newest matches are looked for first among the stories of the
# last few days, then of the last months: the GIN index (article_search_idx,
# migration 0015) holds each public story's words and its day of
# publication, so the matches of those days come straight from the index.
# Without it, a name in a tenth of the archive ("BMW Group": PostgreSQL
# takes its two words as independent and expects a fortieth of the real
# count) meant fetching each of its sixty thousand stories to keep the
# newest thousand. Windows of the newest stories, smallest first.
RECENT_WINDOWS = (20_000, 200_000)


def publish_day():
    """A story's day of publication (UTC), as the search index holds it."""
    return TruncDate("published_at", tzinfo=datetime.UTC)


# The same, in SQL written by hand, for the story table aliased "a".
RECENT_DAY_SQL = "((a.published_at AT TIME ZONE 'UTC')::date)"


def recent_days(request=None) -> list[datetime.date]:
    """For each of RECENT_WINDOWS the archive holds, the day (UTC) from which
    that many of the newest public stories were published, newest first.
    One query, kept in the cache until the site changes."""
    from articles.models import Article

    def find():
        newest_first = Article.objects.published().order_by("-published_at", "-pk")
        starts = [
            newest_first.values_list("published_at", flat=True)[size - 1 : size]
            for size in RECENT_WINDOWS
        ]
        times = starts[0].union(*starts[1:]) if len(starts) > 1 else starts[0]
        return sorted({when.astimezone(datetime.UTC).date() for when in times})[::-1]

    return cached_for_generation(
        "search-recent-days:" + "-".join(map(str, RECENT_WINDOWS)),
        find,
        request=request,
    )


def recent_day(request=None) -> datetime.date | None:
    """The first day of the smallest window of recent stories, if any."""
    days = recent_days(request)
    return days[0] if days else None


def newest_matches(queryset, query: str, request=None) -> list[int]:
    """The ids of the newest stories of ``queryset`` matching ``query``
    (PostgreSQL): the MAX_RANKED newest, MAX_RANKED_PHRASE for a quoted
    phrase. Empty when nothing matches.

    Asked of each window of recent days in turn (recent_days()), then of the
    whole archive: the first that holds enough matches holds the newest, so
    the answer is exactly the newest matches whichever answers."""
    limit = MAX_RANKED_PHRASE if '"' in query else MAX_RANKED
    newest_first = (
        matching(queryset, query)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    for day in recent_days(request):
        found = list(newest_first.alias(day=publish_day()).filter(day__gte=day)[:limit])
        if len(found) == limit:
            return found
    return list(newest_first[:limit])


def search_stories(queryset, query: str, match_ids: list[int] | None = None):
    """``queryset`` narrowed to stories matching ``query``, best first, with
    ``rank`` and ``snippet`` (ts_headline markers) annotated.

    Stories are ranked among the newest MAX_RANKED matches (MAX_RANKED_PHRASE
    for a quoted phrase): a word most of the archive contains would otherwise
    mean ranking every story in it. ``match_ids``: those matches, when the
    caller has found them already (``newest_matches``).
    """
    if uses_postgres():
        search_query = SearchQuery(
            fold_digraphs(query), search_type="websearch", config=CONFIG
        )
        marking_query = highlight_query(query)
        # Found once, as ids: the page's count and its ranking then read
        # these instead of matching the whole archive twice more.
        if match_ids is None:
            match_ids = newest_matches(queryset, query)
        return (
            queryset.model.objects.filter(pk__in=match_ids)
            .annotate(
                rank=SearchRank(F("search_vector"), search_query),
                snippet=SearchHeadline(
                    "body_text",
                    marking_query,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=40,
                    min_words=20,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
                headline_marked=SearchHeadline(
                    "headline",
                    marking_query,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    highlight_all=True,
                ),
            )
            .order_by("-rank", "-published_at", "-pk")
        )
    words = [w for w in re.split(r"\W+", query.replace('"', " ")) if w]
    for word in words:
        queryset = queryset.filter(
            Q(headline__icontains=word)
            | Q(dek__icontains=word)
            | Q(body_text__icontains=word)
        )
    return queryset.order_by("-published_at", "-pk")


class ILike(Lookup):
    """``field ILIKE pattern``, which the trigram indexes over names answer
    (migration 0016). PostgreSQL only."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def name_contains(words: str):
    """A filter: the name holds ``words``, in any case. What ``icontains``
    means, written as ILIKE on PostgreSQL: Django writes icontains as
    ``UPPER(name) LIKE UPPER(...)``, which no index on the name serves, so
    every name was read (5–9 ms at 20,000 entities, against a fraction of
    one through the trigram index)."""
    if uses_postgres():
        return ILike(F("name"), f"%{connection.ops.prep_for_like_query(words)}%")
    return Q(name__icontains=words)


def highlighted(marked: str) -> SafeString:
    """Escape a ts_headline result, then turn its markers into <mark>."""
    return mark_safe(
        escape(marked or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    )
