"""The anonymous page cache (newsroom.caching): readers get cached pages,
staff fresh ones, and any change readers would see makes every page fresh
at once, a scheduled story included, with no job running."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.cache import get_max_age

from articles.models import Article
from articles.workflow import Action, perform
from newsroom.caching import GENERATION_KEY
from newsroom.models import PageGeneration
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CorrectionFactory,
    ImageFactory,
    PreviewLinkFactory,
    SectionFactory,
    article_form_data,
)

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
MINUTE = datetime.timedelta(minutes=1)


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304, 410), (url, response.status_code)
    return response


def cache_control(response) -> dict[str, str | bool]:
    directives = {}
    for part in response.get("Cache-Control", "").split(","):
        if part.strip():
            name, _, value = part.strip().partition("=")
            directives[name] = value or True
    return directives


def primed(client, url):
    """Request ``url`` until it is in the cache (the second anonymous
    request is a hit) and return the cached HTML."""
    assert get(client, url)["X-Cache"] == "MISS"
    hit = get(client, url)
    assert hit["X-Cache"] == "HIT"
    return hit.content.decode()


@pytest.fixture
def lead(frozen_now):
    company = CompanyFactory(name="Great Wall Motor")
    return ArticleFactory(
        published=True,
        headline="BMW and Great Wall in talks",
        section=SectionFactory(name="Automotive"),
        entities=[company],
    )


# Hits and misses


def test_the_second_anonymous_request_is_a_hit(client, lead):
    first = get(client, HOME)
    assert first["X-Cache"] == "MISS"

    with CaptureQueriesContext(connection) as queries:
        second = get(client, HOME)

    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "BMW and Great Wall in talks" in second.content.decode()
    # Served from the cache: one query, the page generation, the truth that
    # every worker reads.
    assert len(queries) == 1


def test_every_public_page_is_cached(client, lead):
    company = lead.entities.get()
    for url in [
        HOME,
        lead.get_absolute_url(),
        lead.section.get_absolute_url(),
        company.get_absolute_url(),
        reverse("articles:feed_latest"),
        "/sitemap.xml",
        "/news-sitemap.xml",
    ]:
        assert get(client, url)["X-Cache"] == "MISS", url
        assert get(client, url)["X-Cache"] == "HIT", url


def test_cached_pages_may_be_kept_by_browsers_and_cdns(client, lead, settings):
    settings.PAGE_CACHE_SECONDS = 300
    for response in [get(client, HOME), get(client, HOME)]:
        directives = cache_control(response)
        assert directives["public"] is True
        assert directives["max-age"] == "300"
        assert directives["s-maxage"] == "300"
        assert directives["stale-while-revalidate"] == "300"
        assert "private" not in directives


def test_the_cache_key_includes_the_query_string(client, lead, settings):
    for n in range(settings.STORIES_PER_PAGE):
        ArticleFactory(published=True, headline=f"Older story {n}")
    primed(client, HOME)
    second_page = get(client, f"{HOME}?page=2")
    assert second_page["X-Cache"] == "MISS"
    assert "Page 2" in second_page.content.decode()


def test_errors_are_not_cached(client, db):
    for _ in range(2):
        response = client.get("/stories/no-such-story/")
        assert response.status_code == 404
        assert "X-Cache" not in response


# Who and what is never cached


def test_staff_see_fresh_pages(client, lead, editor):
    html = primed(client, HOME)
    # A change that bypasses the signals: only a fresh page can show it.
    Article.objects.filter(pk=lead.pk).update(headline="Quietly changed")
    assert "Quietly changed" not in get(client, HOME).content.decode()

    client.force_login(editor)
    for _ in range(2):
        response = get(client, HOME)
        assert "X-Cache" not in response
        assert "Quietly changed" in response.content.decode()
        directives = cache_control(response)
        assert "private" in directives
        assert "public" not in directives
        assert not get_max_age(response)

    client.logout()
    assert get(client, HOME).content.decode() == html


def test_staff_requests_do_not_fill_the_cache(client, lead, editor):
    client.force_login(editor)
    get(client, HOME)
    client.logout()
    assert get(client, HOME)["X-Cache"] == "MISS"


def test_search_previews_and_the_admin_are_never_cached(client, lead):
    preview = PreviewLinkFactory(article=ArticleFactory(draft=True))
    for url in [
        f"{reverse('articles:search')}?q=bmw",
        preview.get_absolute_url(),
        reverse("admin:login"),
    ]:
        for _ in range(2):
            response = get(client, url)
            assert "X-Cache" not in response, url
            assert "public" not in cache_control(response), url


# Changes readers would see


def test_publishing_a_story_refreshes_the_cache(client, lead, editor):
    story = ArticleFactory(in_review=True, headline="Oxford plant to build MINIs")
    assert "Oxford plant" not in primed(client, HOME)

    perform(story, Action.PUBLISH, editor)

    response = get(client, HOME)
    assert response["X-Cache"] == "MISS"
    assert "Oxford plant to build MINIs" in response.content.decode()


def test_editing_a_published_story_refreshes_the_cache(client, lead):
    pages = [HOME, lead.get_absolute_url(), lead.entities.get().get_absolute_url()]
    for url in pages:
        primed(client, url)

    lead.headline = "BMW and Great Wall sign"
    lead.save()

    for url in pages:
        response = get(client, url)
        assert response["X-Cache"] == "MISS", url
        assert "BMW and Great Wall sign" in response.content.decode(), url


def test_withdrawing_a_story_refreshes_the_cache(client, lead, editor):
    primed(client, HOME)
    primed(client, lead.get_absolute_url())

    perform(lead, Action.WITHDRAW, editor, comment="Legal asked us to.")

    home = get(client, HOME)
    assert home["X-Cache"] == "MISS"
    assert "BMW and Great Wall in talks" not in home.content.decode()
    assert get(client, lead.get_absolute_url()).status_code == 410


def generation() -> int:
    return PageGeneration.objects.get().number


def test_work_readers_cannot_see_purges_nothing(client_as, client, lead, story):
    """A journalist's day: drafts saved through the admin, autosaves, a
    story in review edited and tagged, a picture uploaded and not yet used.
    The home page stays a hit throughout."""
    journalist = client_as("author")
    primed(client, HOME)
    before = generation()
    draft = story("draft", headline="A draft in progress", section=lead.section)
    in_review = story(
        "in_review", headline="Waiting for the desk", section=lead.section
    )
    change = reverse("admin:articles_article_change", args=[draft.pk])

    saved = journalist.post(change, article_form_data(draft, headline="Better"))
    assert saved.status_code == 302
    assert journalist.post(
        reverse("admin:articles_article_autosave"),
        {"article": draft.pk, "base_version": "1", "headline": "Typing…"},
    ).json()["version"]
    in_review.dek = "Edited while the desk reads it."
    in_review.save()
    in_review.tags.add("not yet public")
    ImageFactory(alt_text="A picture for a story not yet written")

    assert generation() == before
    assert get(client, HOME)["X-Cache"] == "HIT"


@pytest.mark.parametrize(
    "change",
    [
        "publish",
        "edit the published story",
        "withdraw",
        "correct",
        "tag the published story",
        "move the schedule",
    ],
)
def test_what_readers_see_purges_at_once(client, lead, editor, story, change):
    scheduled = story("scheduled", headline="An embargoed result")
    primed(client, HOME)
    before = generation()
    match change:
        case "publish":
            perform(story("in_review"), Action.PUBLISH, editor)
        case "edit the published story":
            lead.headline = "BMW and Great Wall sign"
            lead.save()
        case "withdraw":
            perform(
                lead, Action.WITHDRAW, editor, comment="Legal", public_notice="Gone."
            )
        case "correct":
            CorrectionFactory(article=lead)
        case "tag the published story":
            lead.tags.add("electric vehicles")
        case "move the schedule":
            scheduled.published_at += datetime.timedelta(hours=1)
            scheduled.save()
            assert PageGeneration.objects.get().next_publish_at == (
                scheduled.published_at
            )
    assert generation() > before
    assert get(client, HOME)["X-Cache"] == "MISS"


def test_editing_a_section_refreshes_the_cache(client, lead):
    primed(client, HOME)
    primed(client, lead.get_absolute_url())

    section = lead.section
    section.name = "Cars and industry"
    section.save()

    for url in [HOME, lead.get_absolute_url()]:
        response = get(client, url)
        assert response["X-Cache"] == "MISS", url
        assert "Cars and industry" in response.content.decode(), url


def test_editing_an_entity_refreshes_the_cache(client, lead):
    company = lead.entities.get().company
    pages = [company.get_absolute_url(), lead.get_absolute_url()]
    for url in pages:
        primed(client, url)

    company.name = "GWM"
    company.save()

    for url in pages:
        response = get(client, url)
        assert response["X-Cache"] == "MISS", url
        html = response.content.decode()
        assert "GWM" in html, url
        assert "Great Wall Motor" not in html, url


def test_a_scheduled_story_appears_in_the_cached_page_at_its_time(
    client, lead, editor, frozen_now, time_machine, settings
):
    # Long enough that only the schedule, not expiry, can refresh the page.
    settings.PAGE_CACHE_SECONDS = 3600
    story = ArticleFactory(in_review=True, headline="Embargoed plant figures")
    publish_at = frozen_now + 10 * MINUTE
    perform(story, Action.SCHEDULE, editor, publish_at=publish_at)
    assert "Embargoed plant figures" not in primed(client, HOME)

    time_machine.move_to(publish_at - datetime.timedelta(seconds=1), tick=False)
    before = get(client, HOME)
    assert before["X-Cache"] == "HIT"
    assert "Embargoed plant figures" not in before.content.decode()

    time_machine.move_to(publish_at, tick=False)
    at_its_time = get(client, HOME)
    assert at_its_time["X-Cache"] == "MISS"
    assert "Embargoed plant figures" in at_its_time.content.decode()
    assert get(client, HOME)["X-Cache"] == "HIT"


def test_the_next_of_two_scheduled_stories_also_appears_on_time(
    client, lead, frozen_now, time_machine, settings
):
    settings.PAGE_CACHE_SECONDS = 3600
    for minutes, headline in [(10, "First embargo"), (20, "Second embargo")]:
        ArticleFactory(
            published=True,
            headline=headline,
            published_at=frozen_now + minutes * MINUTE,
        )
    primed(client, HOME)

    time_machine.move_to(frozen_now + 10 * MINUTE, tick=False)
    html = get(client, HOME).content.decode()
    assert "First embargo" in html
    assert "Second embargo" not in html

    time_machine.move_to(frozen_now + 20 * MINUTE, tick=False)
    response = get(client, HOME)
    assert response["X-Cache"] == "MISS"
    assert "Second embargo" in response.content.decode()


# Conditional requests


def test_a_conditional_request_with_the_etag_answers_304(client, lead):
    first = get(client, HOME)
    etag = first["ETag"]

    not_modified = get(client, HOME, if_none_match=etag)

    assert not_modified.status_code == 304
    assert not_modified.content == b""
    # A change makes a new page, with a new ETag.
    lead.headline = "BMW and Great Wall sign"
    lead.save()
    changed = get(client, HOME, if_none_match=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# When the cache is down


class BrokenCache(BaseCache):
    """A cache server that does not answer."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Connection refused")

    add = get = set = touch = delete = clear = incr = get_many = _down


@override_settings(
    CACHES={"default": {"BACKEND": "tests.articles.test_caching.BrokenCache"}}
)
def test_pages_are_served_uncached_when_the_cache_is_down(client, lead, caplog):
    caplog.set_level(logging.WARNING, logger="newsroom.caching")

    for _ in range(2):
        response = get(client, HOME)
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert "BMW and Great Wall in talks" in response.content.decode()
    assert "Page cache unavailable: serving / uncached" in caplog.messages

    caplog.clear()
    lead.headline = "Saved while the cache is down"
    lead.save()
    # The generation is PostgreSQL's, so the save raised it all the same.
    assert "Saved while the cache is down" in get(client, HOME).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generation_that_cannot_be_raised_degrades_to_uncached_pages(
    client, caplog, migrations_rows_put_back
):
    """A scheduled time has passed, and PostgreSQL refuses to raise the page
    generation (here a trigger; in life a read-only primary): readers get
    the page, uncached, and the failure is logged once a request, with no
    retry loop and no recursion."""
    caplog.set_level(logging.WARNING, logger="newsroom.caching")
    ArticleFactory(published=True, headline="Still served")
    PageGeneration.objects.update_or_create(
        pk=1,
        defaults={
            "next_publish_at": datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        },
    )
    cache.delete(GENERATION_KEY)  # its copy would say the same
    table = PageGeneration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_generation() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the generation is read only'; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse_generation BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_generation()"
        )
    try:
        for _ in range(2):
            caplog.clear()
            response = get(client, HOME)
            assert response.status_code == 200
            assert "X-Cache" not in response
            assert "Still served" in response.content.decode()
            # Once a request, however often the page's parts ask.
            uncached = "Page cache unavailable: serving / uncached"
            assert caplog.messages.count(uncached) == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER refuse_generation ON {table}")
            cursor.execute("DROP FUNCTION refuse_generation()")


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_list_reads_its_story_cards_in_one_key_until_the_site_changes(
    client, monkeypatch, editor
):
    """Pages built afresh still keep their story cards: the same list is one
    cache key, not one key a card; a change readers see renders it anew."""
    stories = ArticleFactory.create_batch(4, published=True)
    first = get(client, HOME).content
    reads = []
    real_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        keys = list(keys)
        reads.append([key for key in keys if ":fragment" in key])
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    assert get(client, HOME).content == first
    # The lead story and the grid: two lists, one key each.
    fragment_reads = [keys for keys in reads if keys]
    assert len(fragment_reads) == 2
    assert all(len(keys) == 1 and ":fragments:" in keys[0] for keys in fragment_reads)

    perform(stories[0], Action.WITHDRAW, editor, comment="Pulled")
    reads.clear()
    page = get(client, HOME).content.decode()
    assert stories[0].headline not in page
    assert stories[1].headline in page
    # Each list missed under the new generation: the list, then its cards.
    assert len([keys for keys in reads if keys]) == 4
