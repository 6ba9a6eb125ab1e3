"""/search/: public stories ranked by relevance over a weighted tsvector,
with highlighted snippets, filters, entity cards first, and never an error
page whatever a reader types."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import matching, name_contains
from entities.models import Entity
from tests.budgets import assert_budget, queries_for
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CompanyFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
LONDON = zoneinfo.ZoneInfo("Europe/London")
SEARCH = reverse("articles:search")


def published(headline="A story", body="<p>Nothing to see.</p>", **kwargs):
    kwargs.setdefault("dek", "")
    return ArticleFactory(published=True, headline=headline, body=body, **kwargs)


def search(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response


def found(response) -> list[Article]:
    return list(response.context["stories"])


def headlines_html(response) -> list[str]:
    return re.findall(
        r'<h3 class="search-result__headline"><a href="[^"]*">(.*?)</a></h3>',
        response.content.decode(),
        re.S,
    )


def snippets_html(response) -> list[str]:
    return re.findall(
        r'<p class="search-result__snippet">(.*?)</p>',
        response.content.decode(),
        re.S,
    )


# Relevance, phrases, stemming and spelling


def test_a_headline_match_ranks_above_a_standfirst_and_a_body_match(client):
    now = timezone.now()
    # The newest story matches only in its body, the oldest in its headline:
    # relevance, not time, orders them.
    in_body = published(
        headline="Quarterly results at the Leipzig plant",
        body="<p>Output rose although the gearbox line stood still.</p>",
        published_at=now - HOUR,
    )
    in_dek = published(
        headline="Supplier warns on margins",
        dek="A gearbox shortage is costing carmakers.",
        published_at=now - 2 * HOUR,
    )
    in_headline = published(
        headline="Gearbox recall widens to three models",
        body="<p>Dealers were told on Monday.</p>",
        published_at=now - 3 * HOUR,
    )
    published(headline="Unrelated story", body="<p>Batteries and cells.</p>")

    response = search(client, "gearbox")

    assert found(response) == [in_headline, in_dek, in_body]
    assert "3 stories" in response.content.decode()


def test_a_quoted_phrase_matches_only_adjacent_words(client):
    phrase = published(
        headline="Oxford plans", body="<p>The electric MINI goes on sale in 2019.</p>"
    )
    apart = published(
        headline="China plans",
        body="<p>A MINI for China could be electric, the chairman said.</p>",
    )

    assert found(search(client, '"electric MINI"')) == [phrase]
    assert set(found(search(client, "electric MINI"))) == {phrase, apart}


@pytest.mark.parametrize("query", ["recall", "recalls", "recalling", "RECALLED"])
def test_words_are_matched_by_their_stem(client, query):
    story = published(
        headline="Airbag fault", body="<p>BMW recalled 3,000 cars in March.</p>"
    )
    published(headline="Other news", body="<p>Sales rose in March.</p>")

    assert found(search(client, query)) == [story]


@pytest.mark.parametrize("query", ["Krueger", "Krüger", "krüger", "KRUEGER"])
def test_german_spellings_find_each_other(client, query):
    umlaut = published(
        headline="Harald Krüger backs Oxford", published_at=timezone.now() - HOUR
    )
    digraph = published(
        headline="Harald Krueger on China", published_at=timezone.now() - 2 * HOUR
    )
    published(headline="Harald Kruger is someone else")

    assert set(found(search(client, query))) == {umlaut, digraph}


@pytest.mark.parametrize(
    ("text", "query"),
    [("Citroën", "citroen"), ("Citroen", "Citroën"), ("Zoé", "zoe"), ("Zoe", "Zoé")],
)
def test_accents_are_ignored_both_ways(client, text, query):
    story = published(headline="Sales figures", body=f"<p>The {text} sold well.</p>")
    assert found(search(client, query)) == [story]


# Highlights and escaping


def test_matched_words_are_marked_in_headline_and_snippet(client):
    published(
        headline="Gearbox recall widens",
        body="<p>BMW has recalled more cars over a faulty gearbox, dealers said.</p>",
    )

    response = search(client, "recalls gearbox")

    [headline] = headlines_html(response)
    assert headline == "<mark>Gearbox</mark> <mark>recall</mark> widens"
    [snippet] = snippets_html(response)
    assert "<mark>recalled</mark>" in snippet
    assert "<mark>gearbox</mark>" in snippet
    assert "<mark>BMW</mark>" not in snippet


@pytest.mark.parametrize("query", ["Krueger", "Krüger"])
def test_both_german_spellings_are_marked(client, query):
    published(
        headline="Krüger backs Oxford",
        body="<p>Harald Krüger said the plant stays.</p>",
    )

    response = search(client, query)

    assert headlines_html(response) == ["<mark>Krüger</mark> backs Oxford"]
    assert "Harald <mark>Krüger</mark> said" in snippets_html(response)[0]


def test_hostile_text_in_a_story_comes_out_escaped(client):
    published(
        headline="<script>alert(1)</script> gearbox fault",
        # Escaped in the body's HTML, so the sanitiser keeps it as text: the
        # search snippet is made from that text.
        body="<p>The gearbox &lt;img src=x onerror=alert(2)&gt; failed.</p>",
    )

    response = search(client, "gearbox")

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    [headline] = headlines_html(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in headline
    assert "<mark>gearbox</mark>" in headline
    [snippet] = snippets_html(response)
    assert "&lt;img src=x onerror=alert(2)&gt;" in snippet


def test_a_hostile_query_comes_out_escaped(client):
    response = search(client, '<script>alert("q")</script>')
    html = response.content.decode()
    assert '<script>alert("q")' not in html
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;" in html


# Filters and pagination


def test_the_section_filter(client):
    automotive, business = SectionFactory(slug="automotive"), SectionFactory()
    car = published(headline="Battery plant opens", section=automotive)
    published(headline="Battery maker floats", section=business)

    response = search(client, "battery", section="automotive")

    assert found(response) == [car]
    assert '<option value="automotive" selected>' in response.content.decode()


def test_the_date_range_is_inclusive_and_in_the_newsrooms_time(client, frozen_now):
    def on(*args):
        return published(
            headline="Battery news",
            published_at=datetime.datetime(*args, tzinfo=LONDON),
        )

    on(2025, 6, 4, 23, 59)
    # 00:30 in London is still the 4th in UTC: the newsroom's date counts.
    first = on(2025, 6, 5, 0, 30)
    last = on(2025, 6, 8, 23, 0)
    on(2025, 6, 9, 0, 1)

    response = search(client, "battery", date_from="2025-06-05", date_to="2025-06-08")

    assert found(response) == [last, first]
    html = response.content.decode()
    assert 'name="date_from" value="2025-06-05"' in html
    assert 'name="date_to" value="2025-06-08"' in html


def test_a_date_range_the_wrong_way_round_is_a_friendly_error(client):
    published(headline="Battery news")
    response = search(client, "battery", date_from="2025-06-08", date_to="2025-06-05")
    assert found(response) == []
    assert "The end date is before the start date." in response.content.decode()


def test_pagination_keeps_the_query_and_the_filters(client, settings):
    section = SectionFactory(slug="automotive")
    for n in range(settings.STORIES_PER_PAGE + 2):
        published(
            headline=f"Battery story {n}",
            section=section,
            published_at=timezone.now() - n * HOUR,
        )

    first = search(client, "battery", section="automotive")

    assert len(found(first)) == settings.STORIES_PER_PAGE
    assert 'href="?q=battery&amp;section=automotive&amp;page=2"' in (
        first.content.decode()
    )
    second = client.get(SEARCH, {"q": "battery", "section": "automotive", "page": 2})
    assert second.status_code == 200
    assert [s.headline for s in found(second)] == [
        "Battery story 12",
        "Battery story 13",
    ]
    html = second.content.decode()
    assert 'href="?q=battery&amp;section=automotive&amp;page=1"' in html
    assert "14 stories" in html
    # A page past the end is the first page, not an error.
    past_the_end = client.get(SEARCH, {"q": "battery", "page": 99})
    assert past_the_end.status_code == 200
    assert len(found(past_the_end)) == settings.STORIES_PER_PAGE


# Whatever a reader types


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!???",
        ".,;:-",
        "a" * 10_000,
        "battery " * 1_250,
        "\x00",
        "bat\x00tery",
        '"unbalanced quote',
        '"',
        "&|!:*",
        "battery & | ! : * (",
        "!(battery | ) & <-> :*A",
        "'; DROP TABLE articles_article; --",
        "-",
        "or",
        "the",
        "\u202e\u200b",
        "🚗💨",
    ],
)
def test_any_query_answers_a_friendly_page(client, query):
    published(headline="Battery plant opens")

    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert any(
        friendly in html
        for friendly in [
            "Search the newsroom",  # nothing left to search for
            "No stories match",
            "1 story",
            "Null characters are not allowed.",
        ]
    )
    value = re.search(r'id="search-q" type="search" name="q" value="([^"]*)"', html)
    assert len(value.group(1)) <= 200
    assert Article.objects.count() == 1


def test_a_very_long_query_is_cut_and_still_searched(client):
    story = published(headline="Battery plant opens")
    assert found(search(client, "battery " * 1_250)) == [story]


def test_an_empty_search_invites_a_query(client):
    published(headline="Battery plant opens")
    response = search(client, "")
    assert found(response) == []
    assert "Put words in quotation marks" in response.content.decode()


# Entities first, public stories only


def test_matching_entities_are_shown_first_as_cards(client):
    bmw = CompanyFactory(
        name="BMW Group", description="The Munich carmaker.", website="https://bmw.com"
    )
    CompanyFactory(name="Great Wall Motor")
    published(headline="BMW Group results", entities=[bmw])

    response = search(client, "BMW Group")

    assert response.context["entities"] == [bmw.entity_ptr]
    html = response.content.decode()
    card = html.index('<li class="entity-card">')
    assert html.index(f'href="{bmw.get_absolute_url()}">BMW Group</a>') > card
    assert "The Munich carmaker." in html
    assert "Great Wall Motor" not in html
    assert card < html.index('<li class="search-result">')


def test_a_part_of_a_name_finds_its_card_in_any_case(client):
    """The fallback to the mention matcher: a part of a name, through the
    names' trigram index (ILIKE), with LIKE's wildcards taken literally."""
    general = CompanyFactory(name="General Electric")
    CompanyFactory(name="Electra_Motors")
    CompanyFactory(name="Elektron")

    assert search(client, "ELECTRIC").context["entities"] == [general.entity_ptr]
    assert search(client, "tra_mo").context["entities"] == [
        Entity.objects.get(name="Electra_Motors")
    ]
    # As wildcards, each would find all three.
    assert search(client, "e_e").context["entities"] == []
    assert search(client, "el%r").context["entities"] == []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Entity.objects.filter(
            name_contains("electric")
        ).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "entity_name_trgm_idx" in plan, plan


def test_the_count_of_results_is_the_matches_found(client, settings):
    settings.STORIES_PER_PAGE = 2
    for n in range(5):
        published(headline=f"Gearbox recall {n}")
    published(headline="Clutch recall")

    response = search(client, "gearbox")

    assert response.context["paginator"].count == 5
    assert response.context["paginator"].num_pages == 3
    assert len(search(client, "gearbox", page=3).context["stories"]) == 1


def test_entity_cards_only_on_the_first_page(client, settings):
    CompanyFactory(name="BMW Group")
    for _ in range(settings.STORIES_PER_PAGE + 1):
        published(headline="BMW Group news")
    response = client.get(SEARCH, {"q": "BMW Group", "page": 2})
    assert response.context["entities"] == []
    assert "entity-card" not in response.content.decode()


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "withdrawn"])
def test_stories_readers_cannot_see_never_match(client, state):
    public = published(headline="Gearbox recall widens")
    hidden = ArticleFactory(
        **{state: True}, headline="Gearbox secret", body="<p>Gearbox leak.</p>"
    )

    response = search(client, "gearbox")

    assert found(response) == [public]
    assert hidden.headline not in response.content.decode()


# Never indexed, never cached publicly


def test_search_pages_are_private_and_not_indexed(client):
    published(headline="Battery plant opens")
    for params in [{}, {"q": "battery"}]:
        response = client.get(SEARCH, params)
        assert "noindex" in response["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex, follow">' in (
            response.content.decode()
        )
        cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
        assert "private" in cache_control
        assert "public" not in cache_control
        assert "X-Cache" not in response
    assert "X-Cache" not in client.get(SEARCH, {"q": "battery"})


# The demo, the index and the query budget


def test_the_demo_lead_story_is_found_with_highlights(client, demo_newsroom):
    response = search(client, "Krueger electric")

    stories = found(response)
    assert stories[0].slug == "bmw-great-wall-talks-electric-mini-china-going-well"
    assert all(story.is_published for story in stories)
    assert "<mark>electric</mark>" in headlines_html(response)[0]
    snippet = snippets_html(response)[0]
    assert "<mark>Krueger</mark>" in snippet
    assert "<mark>electric</mark>" in snippet


def archive_for_plans(sometimes: str, n=4000):
    """``n`` public stories an hour apart, one in forty saying ``sometimes``,
    with their vectors, index and statistics, and no sequential scan: a table this
    small would rightly be read whole (LOCAL: undone with the test's
    transaction)."""
    section = SectionFactory()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Plant news {i}",
            slug=f"plant-news-{i}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=i + 1),
            body_text=sometimes if i % 40 == 0 else "Plant news.",
        )
        for i in range(n)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article"
            " SET search_vector = to_tsvector('newsroom', body_text)"
        )
        # What autovacuum does in production: new entries merged into the
        # index proper. Left in GIN's pending list, they made the index look
        # dearer than it is, by as many as earlier tests had left there.
        cursor.execute("SELECT gin_clean_pending_list('article_search_idx')")
        cursor.execute("ANALYZE articles_article")
        cursor.execute("SET LOCAL enable_seqscan = off")


def test_the_search_can_use_the_gin_index(db):
    archive_for_plans("Krueger on electric cars.")

    plan = matching(Article.objects.published(), "Krueger electric").explain()

    assert "Bitmap Index Scan on article_search_idx" in plan, plan


def test_search_query_budget(client):
    authors = [AuthorFactory(), AuthorFactory()]

    def grow(n):
        for _ in range(n):
            published(
                headline="Battery plant opens",
                authors=authors,
                lead_image=ImageFactory(),
                tags=["batteries"],
                section=SectionFactory(),
            )

    CompanyFactory(name="Battery Ventures")
    grow(3)
    client.get(f"{SEARCH}?q=battery")  # the mention matcher is built once
    # Cold, one more: the day the recent stories start (search.recent_day).
    # The matches are not counted: the page lists exactly those found.
    assert_budget(client, f"{SEARCH}?q=battery", lambda: grow(20), budget=10, warm=8)


def test_search_query_budget_with_windows_of_recent_stories(client, monkeypatch):
    """A large archive asks each window of recent days, then the whole
    archive: two queries more for a word the windows hold too few of, however
    many stories there are."""
    from django.core.cache import cache

    from articles import search

    section = SectionFactory()
    days = iter(range(1, 100))

    def grow(n):
        # A story a day, newer ones first: each window starts on its own day.
        for _ in range(n):
            published(
                headline="Battery plant opens",
                section=section,
                published_at=timezone.now() - datetime.timedelta(days=next(days)),
            )

    def queries(windows):
        monkeypatch.setattr(search, "RECENT_WINDOWS", windows)
        cache.clear()
        client.get(f"{SEARCH}?q=battery")  # the day the windows start, cached
        assert bool(search.recent_days()) == (windows == (2, 4))
        return queries_for(client, f"{SEARCH}?q=battery")

    grow(5)
    client.get(f"{SEARCH}?q=battery")  # the mention matcher is built once
    without = queries((10**9,))
    assert queries((2, 4)) == without + 2
    grow(20)
    assert queries((10**9,)) == without
    assert queries((2, 4)) == without + 2


def test_ranking_is_among_the_newest_matches(monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "MAX_RANKED", 2)
    now = timezone.now()
    ArticleFactory(
        status="published",
        published_at=now - datetime.timedelta(days=3),
        headline="Battery battery battery plant",
    )
    newer = [
        ArticleFactory(
            status="published",
            published_at=now - datetime.timedelta(days=n),
            body="<p>A battery.</p>",
        )
        for n in (1, 2)
    ]
    found = list(search.search_stories(Article.objects.published(), "battery"))
    assert set(found) == set(newer)


def test_entities_named_anywhere_in_the_query_come_first_as_cards(client):
    from tests.factories import AliasFactory, PersonFactory

    krueger = PersonFactory(name="Harald Krueger")
    AliasFactory(entity=krueger, name="Krueger")
    published(headline="Electric talks", body="<p>Krueger on electric MINIs.</p>")
    response = client.get(SEARCH, {"q": "Krueger electric"})
    assert list(response.context["entities"]) == [krueger.entity_ptr]


def test_a_phrase_is_ranked_among_fewer_newest_matches(monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "MAX_RANKED", 3)
    monkeypatch.setattr(search, "MAX_RANKED_PHRASE", 1)
    now = timezone.now()
    older, newest = (
        ArticleFactory(
            status="published",
            published_at=now - datetime.timedelta(days=days),
            body="<p>The joint venture makes cars.</p>",
        )
        for days in (2, 1)
    )
    public = Article.objects.published()
    assert list(search.search_stories(public, '"joint venture"')) == [newest]
    assert set(search.search_stories(public, "joint venture")) == {older, newest}


# The newest matches, the recent days' first


def stories_by_day(now, bodies_by_days_ago):
    return {
        days: ArticleFactory(
            status="published",
            published_at=now - datetime.timedelta(days=days),
            body=f"<p>{body}</p>",
        )
        for days, body in bodies_by_days_ago.items()
    }


@pytest.mark.parametrize(
    "query, limit",
    [
        ("battery", 2),  # enough among the recent days' stories
        ("battery", 4),  # enough in the second window
        ("battery", 6),  # some recent, the rest older
        ("hydrogen", 2),  # only in older stories
        ("diesel", 2),  # only in recent ones, fewer than the limit
        ("zeppelin", 2),  # nowhere
        ('"battery plant"', 2),
    ],
)
def test_the_newest_matches_are_exactly_the_newest_whatever_the_window(
    monkeypatch, query, limit
):
    from articles import search

    monkeypatch.setattr(search, "RECENT_WINDOWS", (3, 5))
    monkeypatch.setattr(search, "MAX_RANKED", limit)
    monkeypatch.setattr(search, "MAX_RANKED_PHRASE", limit)
    now = timezone.now()
    stories_by_day(
        now,
        {
            1: "A battery plant.",
            2: "Battery news, and diesel.",
            3: "Battery plant in Debrecen.",
            5: "A hydrogen battery.",
            8: "Battery plant, hydrogen too.",
            9: "Battery.",
        },
    )
    public = Article.objects.published()
    # The third newest story is three days old: the window is its day on.
    assert (
        search.recent_day()
        == (now - datetime.timedelta(days=3)).astimezone(datetime.UTC).date()
    )

    expected = list(
        search.matching(public, query)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    assert search.newest_matches(public, query) == expected


def test_without_enough_stories_for_a_window_the_whole_archive_is_searched(
    monkeypatch,
):
    from articles import search

    monkeypatch.setattr(search, "RECENT_WINDOWS", (10, 100))
    stories = stories_by_day(timezone.now(), {1: "Battery.", 2: "Battery."})
    assert search.recent_days() == []
    assert search.recent_day() is None
    assert search.newest_matches(Article.objects.published(), "battery") == [
        stories[1].pk,
        stories[2].pk,
    ]


def test_the_recent_days_matches_come_from_the_index_alone(monkeypatch):
    """The words and the day in one GIN index: "BMW Group" in a tenth of a
    million stories is found among the recent days' without fetching every
    story that has both words (BENCHMARKS.md)."""
    from articles import search

    archive_for_plans("BMW Group news.")
    monkeypatch.setattr(search, "RECENT_WINDOWS", (400,))
    day = search.recent_day()

    plan = (
        search.matching(Article.objects.published(), "BMW Group")
        .alias(day=search.publish_day())
        .filter(day__gte=day)
        .explain()
    )

    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "Bitmap Index Scan on article_search_idx" in plan, plan
    assert "'bmw' & 'group'" in index_condition.replace("''", "'"), plan
    assert "::date >=" in index_condition, plan
