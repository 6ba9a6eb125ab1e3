"""What readers see as a story moves through the workflow: a scheduled story
appears at its time with no command run, a withdrawn one answers 410, a
renamed one 301, and an editor's change to a live story is live at once."""

import datetime

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles import history
from articles.models import SlugRedirect
from articles.workflow import Action, perform
from tests.admin_urls import change_url
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    SectionFactory,
    article_form_data,
)

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def placement(journalist_byline, frozen_now):
    """Where a story shows up besides its own page: its section, tag, author
    and company, and a public story on the same subject (related stories)."""
    section = SectionFactory(name="Automotive")
    company = CompanyFactory(name="Zeta Holdings")
    neighbour = ArticleFactory(
        published=True,
        headline="An older story on the same plant",
        section=section,
        tags=["plant deals"],
        entities=[company],
    )
    return {
        "section": section,
        "tags": ["plant deals"],
        "entities": [company],
        "authors": [journalist_byline],
        "pages": [
            reverse("articles:home"),
            section.get_absolute_url(),
            reverse("articles:tag", kwargs={"slug": Tag.objects.get().slug}),
            journalist_byline.get_absolute_url(),
            company.get_absolute_url(),
            neighbour.get_absolute_url(),  # its related stories
        ],
    }


def pages_listing(client, pages, headline):
    """The pages, of ``pages``, that show ``headline``."""
    listing = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if headline in response.content.decode():
            listing.append(url)
    return listing


# A scheduled story


def test_a_scheduled_story_appears_at_its_time(
    client, story, editor, placement, frozen_now, time_machine, settings
):
    # The rule itself, to the second: Article.objects.published() with the
    # clock, and no command run. (The page cache is off here; see below.)
    settings.PAGE_CACHE_SECONDS = 0
    at = frozen_now + datetime.timedelta(hours=3)
    pages = placement.pop("pages")
    article = story("in_review", headline="Scoop on the plant deal", **placement)
    perform(article, Action.SCHEDULE, editor, publish_at=at)

    for moment in [frozen_now, at - SECOND]:
        time_machine.move_to(moment, tick=False)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert pages_listing(client, pages, "Scoop on the plant deal") == []

    for moment in [at, at + SECOND]:
        time_machine.move_to(moment, tick=False)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Scoop on the plant deal" in response.content.decode()
        assert pages_listing(client, pages, "Scoop on the plant deal") == pages


def test_the_page_cache_delays_a_scheduled_story_by_its_lifetime_at_most(
    client, story, editor, placement, frozen_now, time_machine, settings
):
    """The anonymous page cache keeps a page read just before the story's time
    for up to PAGE_CACHE_SECONDS: that is its documented bound."""
    settings.PAGE_CACHE_SECONDS = 60
    at = frozen_now + datetime.timedelta(hours=3)
    pages = placement.pop("pages")
    article = story("in_review", headline="Scoop on the plant deal", **placement)
    perform(article, Action.SCHEDULE, editor, publish_at=at)

    time_machine.move_to(at - SECOND, tick=False)
    assert pages_listing(client, pages, "Scoop on the plant deal") == []
    # Its own page was never cached (a 404 is not), so it is there on time.
    time_machine.move_to(at, tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    time_machine.move_to(at - SECOND + datetime.timedelta(seconds=60), tick=False)
    assert pages_listing(client, pages, "Scoop on the plant deal") == pages


def test_a_scheduled_story_sent_back_never_appears(
    client, story, editor, placement, frozen_now, time_machine
):
    at = frozen_now + datetime.timedelta(hours=3)
    pages = placement.pop("pages")
    article = story("in_review", headline="Pulled before its time", **placement)
    perform(article, Action.SCHEDULE, editor, publish_at=at)
    perform(article, Action.REQUEST_CHANGES, editor, comment="Legal says wait.")

    time_machine.move_to(at + SECOND, tick=False)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert pages_listing(client, pages, "Pulled before its time") == []


# A withdrawn story


def test_a_withdrawn_story_answers_410_with_the_notice(
    client, story, editor, placement
):
    pages = placement.pop("pages")
    article = story("published", headline="The disputed figures", **placement)
    assert pages_listing(client, pages, "The disputed figures") == pages

    perform(
        article,
        Action.WITHDRAW,
        editor,
        comment="The figures were wrong.",
        public_notice="This story relied on figures that proved wrong.",
    )

    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This story has been withdrawn" in html
    assert "This story relied on figures that proved wrong." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "The figures were wrong." not in html  # the desk's comment stays inside
    assert "The body of the story." not in html
    assert pages_listing(client, pages, "The disputed figures") == []


def test_a_withdrawn_story_without_a_notice_still_says_so(client, story):
    article = story("withdrawn", withdrawal_notice="")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "is no longer available" in response.content.decode()


# Renamed stories


def rename(client, article, slug):
    response = client.post(change_url(article), article_form_data(article, slug=slug))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.slug == slug


def assert_moved(client, old_slug, article):
    old_url = reverse("articles:article", kwargs={"slug": old_slug})
    response = client.get(old_url)
    assert response.status_code == 301, old_slug
    assert response["Location"] == article.get_absolute_url()


def test_renaming_a_published_story_redirects_its_old_addresses(
    client, client_as, story
):
    article = story("published", slug="talks-begin")
    editor = client_as("editor")

    rename(editor, article, "talks-stall")
    assert_moved(client, "talks-begin", article)

    rename(editor, article, "talks-collapse")
    assert_moved(client, "talks-begin", article)
    assert_moved(client, "talks-stall", article)
    assert client.get(article.get_absolute_url()).status_code == 200

    # Back to an old name: that address is the story again, not a redirect.
    rename(editor, article, "talks-begin")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert_moved(client, "talks-collapse", article)
    assert sorted(SlugRedirect.objects.values_list("old_slug", flat=True)) == [
        "talks-collapse",
        "talks-stall",
    ]


def test_renaming_a_withdrawn_story_leads_to_its_notice(client, client_as, story):
    article = story("withdrawn", slug="wrong-figures")
    rename(client_as("editor"), article, "wrong-figures-withdrawn")
    assert_moved(client, "wrong-figures", article)
    assert client.get(article.get_absolute_url()).status_code == 410


@pytest.mark.parametrize("role", ["author", "editor"])
def test_renaming_a_draft_leaves_no_redirect(client, client_as, story, role):
    article = story("draft", slug="working-title")
    rename(client_as(role), article, "final-title")
    assert not SlugRedirect.objects.exists()
    assert client.get("/stories/working-title/").status_code == 404


def test_renaming_a_story_pulled_from_its_schedule_leaves_no_redirect(
    client, client_as, story, editor, frozen_now
):
    article = story("in_review", slug="embargoed")
    perform(article, Action.SCHEDULE, editor, publish_at=frozen_now + SECOND)
    perform(article, Action.REQUEST_CHANGES, editor, comment="Not yet.")
    rename(client_as("editor"), article, "embargoed-renamed")
    assert not SlugRedirect.objects.exists()


# Live edits


def edit_live(client, article, **changes):
    response = client.post(change_url(article), article_form_data(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


@pytest.mark.parametrize(
    "change",
    [
        {"headline": "Plant deal signed"},
        {"dek": "The deal was signed at midnight."},
        {"body": "<p>The deal was signed at midnight.</p>"},
    ],
    ids=["headline", "dek", "body"],
)
def test_an_editors_change_to_a_live_story_is_live_at_once(
    client, client_as, story, frozen_now, time_machine, change
):
    article = story("published", headline="Plant deal near")
    published_at = article.published_at
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
    time_machine.shift(datetime.timedelta(minutes=10))

    edit_live(client_as("editor"), article, **change)

    now = frozen_now + datetime.timedelta(minutes=10)
    assert article.updated_at == now
    assert article.published_at == published_at
    assert article.was_updated
    html = client.get(article.get_absolute_url()).content.decode()
    assert next(iter(change.values())).removeprefix("<p>").removesuffix("</p>") in html
    assert "Updated" in html
    assert history.versions_of(article).first().field_dict["updated_at"] == now


def test_a_minor_edit_shows_no_updated_time(
    client, client_as, story, frozen_now, time_machine
):
    article = story("published", headline="Plant deal near")
    time_machine.shift(datetime.timedelta(minutes=10))
    editor = client_as("editor")
    assert 'name="minor_edit"' in editor.get(change_url(article)).content.decode()

    edit_live(editor, article, headline="Plant deal nears", minor_edit="on")

    assert article.updated_at is None
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Plant deal nears" in html
    assert "Updated" not in html
    assert history.versions_of(article).count() == 1


def test_changing_only_tags_is_not_an_update(
    client_as, story, frozen_now, time_machine
):
    article = story("published", tags=["plants"])
    time_machine.shift(datetime.timedelta(minutes=10))
    edit_live(client_as("editor"), article, tags=["plants", "china"])
    assert article.updated_at is None
    assert history.versions_of(article).count() == 1


def test_every_live_edit_is_a_version(client_as, story, frozen_now, time_machine):
    article = story("published", headline="First")
    editor = client_as("editor")
    for headline in ["Second", "Third"]:
        time_machine.shift(datetime.timedelta(minutes=5))
        edit_live(editor, article, headline=headline)
    versions = list(history.versions_of(article))
    assert [v.field_dict["headline"] for v in versions] == ["Third", "Second"]
    assert versions[0].field_dict["updated_at"] > versions[1].field_dict["updated_at"]


def test_editing_a_draft_sets_no_updated_time(client_as, story):
    article = story("draft")
    edit_live(client_as("author"), article, body="<p>Rewritten.</p>")
    assert article.updated_at is None
