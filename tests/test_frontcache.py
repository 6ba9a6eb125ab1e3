"""The cache in front: the keys each public page carries, and the keys each
change purges once it commits (newsroom/frontcache.py, newsroom/purging.py).
tests/test_front_cache.py runs the same against a real Varnish."""

import http.client

import pytest
from django.db import transaction
from django.test import Client

from articles.workflow import Action, perform
from newsroom import frontcache
from tests.factories import (
    AuthorFactory,
    CompanyFactory,
    CorrectionFactory,
    PersonFactory,
    RoleFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

# The changes below run in transaction.atomic(), as every save of the admin
# and the workflow does: the purge is the transaction's own.


class RecordingPurger(frontcache.Purger):
    def __init__(self):
        self.purges: list[set[str]] = []

    def purge(self, keys):
        self.purges.append(set(keys))


@pytest.fixture
def purged(monkeypatch):
    recorder = RecordingPurger()
    monkeypatch.setattr(frontcache, "purger", lambda: recorder)
    return recorder.purges


@pytest.fixture
def newsroom(story):
    section = SectionFactory(name="Automotive", slug="automotive")
    company = CompanyFactory(name="Great Wall Motor", slug="great-wall-motor")
    author = AuthorFactory(name="Clara Ashdown", slug="clara-ashdown")
    published = story(
        "published",
        headline="Talks going well",
        section=section,
        entities=[company],
        tags=["Great Wall"],
        authors=[author],
    )
    return published, company, author


def keys_of(path: str) -> set[str]:
    response = Client().get(path)
    assert response.status_code == 200, path
    return set(response["xkey"].split())


def test_each_public_page_carries_the_keys_of_what_it_shows(newsroom):
    story, company, _ = newsroom
    assert keys_of("/") == {"site", "latest"}
    assert keys_of("/feeds/latest/") == {"site", "latest"}
    assert keys_of("/sitemap.xml") == {"site", "latest"}
    assert keys_of("/sections/automotive/") == {"site", "section:automotive"}
    assert keys_of("/feeds/sections/automotive/") == {"site", "section:automotive"}
    assert keys_of("/tags/great-wall/") == {"site", "tag:great-wall"}
    assert keys_of("/authors/clara-ashdown/") == {"site", "author:clara-ashdown"}
    assert keys_of(company.get_absolute_url()) == {"site", "company:great-wall-motor"}
    assert keys_of(story.get_absolute_url()) == {
        "site",
        f"story:{story.pk}",
        "shows:author:clara-ashdown",
        "shows:company:great-wall-motor",
    }


def test_a_related_story_is_purged_with_the_story_it_shows(newsroom, story):
    first, company, _ = newsroom
    second = story("published", headline="Also about Great Wall", entities=[company])
    assert f"story:{first.pk}" in keys_of(second.get_absolute_url())


def test_publishing_purges_the_story_and_every_list_it_joins(
    newsroom, story, editor, purged, django_capture_on_commit_callbacks
):
    published, company, author = newsroom
    coming = story(
        "in_review",
        section=published.section,
        entities=[company],
        tags=["Great Wall"],
        authors=[author],
    )
    with django_capture_on_commit_callbacks(execute=True):
        perform(coming, Action.PUBLISH, editor)
    # One purge for the whole step, however many rows it saved.
    assert purged == [
        {
            f"story:{coming.pk}",
            "latest",
            "section:automotive",
            "tag:great-wall",
            "author:clara-ashdown",
            "company:great-wall-motor",
        }
    ]


def test_a_correction_purges_its_story_and_its_lists(
    newsroom, purged, django_capture_on_commit_callbacks
):
    published, _, _ = newsroom
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        CorrectionFactory(article=published)
    assert f"story:{published.pk}" in purged[0]
    assert "latest" in purged[0]


def test_moving_a_story_purges_the_section_it_left(
    newsroom, purged, django_capture_on_commit_callbacks
):
    published, _, _ = newsroom
    published.refresh_from_db()
    published.section = SectionFactory(slug="business")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        published.save()
    assert {"section:automotive", "section:business"} <= purged[-1]


def test_an_entity_edit_purges_its_pages_and_the_stories_that_name_it(
    newsroom, purged, django_capture_on_commit_callbacks
):
    _, company, _ = newsroom
    person = PersonFactory(slug="wei-jianjun")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        company.description = "A carmaker from Baoding."
        company.save()
        RoleFactory(person=person, company=company)
    assert purged == [
        {
            "company:great-wall-motor",
            "shows:company:great-wall-motor",
            "person:wei-jianjun",
            "shows:person:wei-jianjun",
        }
    ]


def test_work_readers_cannot_see_purges_nothing_in_front(
    newsroom, story, purged, django_capture_on_commit_callbacks
):
    _, company, _ = newsroom
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        draft = story("draft", section=newsroom[0].section, entities=[company])
        draft.headline = "Still a draft"
        draft.save()
        draft.tags.add("Great Wall")
    assert purged == []


def test_a_purge_that_fails_is_logged_and_the_change_stands(
    newsroom, editor, story, settings, caplog, django_capture_on_commit_callbacks
):
    settings.FRONT_CACHE_URLS = ["http://127.0.0.1:9/"]  # nothing listens
    frontcache.purger.cache_clear()
    try:
        coming = story("in_review")
        with django_capture_on_commit_callbacks(execute=True):
            perform(coming, Action.PUBLISH, editor)
    finally:
        frontcache.purger.cache_clear()
    coming.refresh_from_db()
    assert coming.is_published
    assert any("not purged" in message for message in caplog.messages)


def test_one_purge_per_transaction_and_none_for_what_rolls_back(
    purged, django_capture_on_commit_callbacks
):
    """The saves of one transaction purge together, once it commits; a
    savepoint that rolls back takes its keys with it, and the transaction
    after a rolled-back one still purges its own."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        frontcache.purge_after_commit({"story:1"})
        frontcache.purge_after_commit({"home"})
        try:
            with transaction.atomic():
                frontcache.purge_after_commit({"story:2"})
                raise RuntimeError("the editor's save failed")
        except RuntimeError:
            pass
        with transaction.atomic():
            frontcache.purge_after_commit({"story:3"})
    assert purged == [{"story:1", "home"}, {"story:3"}]

    purged.clear()
    try:
        with transaction.atomic():
            frontcache.purge_after_commit({"story:4"})
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        frontcache.purge_after_commit({"story:5"})
        frontcache.purge_after_commit({"story:6"})
    assert purged == [{"story:5", "story:6"}]


def test_a_purge_backend_that_raises_never_fails_the_committed_step(
    monkeypatch, django_capture_on_commit_callbacks
):
    """A CDN backend's own error, or a garbled answer (not an OSError), is
    logged after the commit; the editor's step has happened and stands."""

    class Garbled(frontcache.Purger):
        def purge(self, keys):
            raise http.client.BadStatusLine("garbled")

    monkeypatch.setattr(frontcache, "purger", lambda: Garbled())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        frontcache.purge_after_commit({"story:1"})
    assert len(callbacks) == 1
