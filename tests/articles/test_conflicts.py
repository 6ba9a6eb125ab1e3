"""No lost updates: a stale save meets the conflict page, work in progress is
autosaved, and the change form says who else has the story open."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Revision

from articles import history
from articles.models import Article, Autosave, EditingSession, Transition
from tests.admin_urls import change_url
from tests.factories import UserFactory, article_form_data

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def second_editor(db):
    user = UserFactory(username="second_editor", first_name="Sam", last_name="Second")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def open_form(client, article, query=""):
    """GET the change form; return the POST data it would send unchanged."""
    response = client.get(change_url(article, query))
    assert response.status_code == 200
    form = response.context["adminform"].form
    return response, article_form_data(
        article, base_version=str(form["base_version"].value())
    )


# Two people, one story


@pytest.fixture
def conflict(story, editor, second_editor, frozen_now):
    """Both editors open a published story; the first saves; the second's
    save, from the form they opened before, meets the conflict page."""
    article = story(
        "published", headline="Plant talks stall", body="<p>Talks stalled.</p>"
    )
    first, second = logged_in(editor), logged_in(second_editor)
    _, first_form = open_form(first, article)
    _, second_form = open_form(second, article)

    first_form |= {"headline": "Plant talks resume", "body": "<p>Talks resumed.</p>"}
    assert first.post(change_url(article), first_form).status_code == 302
    mine = second_form | {
        "headline": "Plant talks collapse",
        "body": "<p>Talks collapsed on Friday.</p>",
        "tags": ["plants", "china"],
    }
    response = second.post(change_url(article), mine)
    return article, second, response


def test_a_stale_save_answers_409_with_both_texts(conflict, editor):
    article, _, response = conflict

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this story" in html
    assert "Your changes have not been saved yet" in html
    assert f"{editor.username} saved this story" in " ".join(html.split())
    for text in [
        "Plant talks collapse",  # theirs: the second editor's
        "Talks collapsed on Friday.",
        "Plant talks resume",  # the first editor's, now saved
        "Talks resumed.",
    ]:
        assert text in html, text
    changes = {change["label"]: change for change in response.context["changes"]}
    assert changes["Headline"]["theirs"] == "Plant talks resume"
    assert changes["Headline"]["mine"] == "Plant talks collapse"
    assert "<del>resume</del> <ins>collapse</ins>" in changes["Headline"]["diff"]
    assert "Standfirst" not in changes  # unchanged by either

    article.refresh_from_db()
    assert (article.headline, article.body) == (
        "Plant talks resume",
        "<p>Talks resumed.</p>",
    )
    assert article.version == 2
    assert history.versions_of(article).count() == 1  # only the first save


def test_the_merge_form_saves_against_the_current_version(conflict):
    article, second, response = conflict
    context = response.context
    html = response.content.decode()
    assert f'name="base_version" value="{context["current_version"]}"' in html
    assert context["current_version"] == Article.objects.get().version

    # What the merge form posts: the fields kept hidden, the current version,
    # and the headline, standfirst and body as the person merged them.
    merged = {}
    for name, value in context["kept_fields"]:
        merged.setdefault(name, []).append(value)
    merged |= {
        "base_version": str(context["current_version"]),
        "headline": "Plant talks resume, then collapse",
        "dek": context["form"]["dek"].value(),
        "body": context["form"]["body"].value(),
    }
    saved = second.post(change_url(article), merged)

    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Plant talks resume, then collapse"
    assert article.body == "<p>Talks collapsed on Friday.</p>"
    assert sorted(tag.name for tag in article.tags.all()) == ["china", "plants"]
    assert article.version == 3
    assert history.versions_of(article).count() == 2


def test_a_stale_workflow_step_is_stopped_too(story, editor, second_editor):
    article = story("in_review", headline="Waiting")
    first, second = logged_in(editor), logged_in(second_editor)
    _, first_form = open_form(first, article)
    _, second_form = open_form(second, article)
    first_form["dek"] = "New"
    assert first.post(change_url(article), first_form).status_code == 302

    second_form["_workflow"] = "publish"
    response = second.post(change_url(article), second_form)

    assert response.status_code == 409
    assert ("_workflow", "publish") not in response.context["kept_fields"]
    article.refresh_from_db()
    assert (article.status, article.dek) == ("in_review", "New")
    assert not Transition.objects.exists()


def test_saving_from_a_fresh_form_is_no_conflict(story, client_as):
    article = story("draft")
    client = client_as("author")
    for headline in ["One", "Two", "Three"]:
        _, data = open_form(client, article)
        data["headline"] = headline
        assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Three", 4)


# Autosave


def autosave(client, article, **fields):
    data = {"article": article.pk if article else "", "base_version": "1"} | fields
    return client.post(reverse("admin:articles_article_autosave"), data)


def test_autosave_keeps_work_without_saving_the_story(
    client_as, story, journalist, frozen_now
):
    article = story("draft", headline="Saved headline")
    before = Article.objects.values().get(pk=article.pk)
    client = client_as("author")

    response = autosave(
        client, article, headline="Typed headline", body="<p>Typed body.</p>"
    )
    assert response.status_code == 200
    assert response.json() == {"saved_at": "09:30:00", "version": 1, "others": []}
    response = autosave(client, article, headline="Typed more", body="<p>More.</p>")
    assert response.status_code == 200

    saved = Autosave.objects.get()
    assert (saved.user, saved.article, saved.saved_at) == (
        journalist,
        article,
        frozen_now,
    )
    assert saved.data["headline"] == "Typed more"
    assert saved.data["body"] == "<p>More.</p>"
    assert Article.objects.values().get(pk=article.pk) == before
    assert not Revision.objects.exists()
    assert not Transition.objects.exists()


def test_the_change_form_offers_to_restore_an_autosave(
    client_as, story, frozen_now, time_machine
):
    article = story("draft", headline="Saved headline")
    client = client_as("author")
    time_machine.shift(MINUTE)
    autosave(client, article, headline="Typed headline", body="<p>Typed body.</p>")

    offer = client.get(change_url(article))
    assert "You have unsaved work on this story" in offer.content.decode()
    assert 'href="?restore=autosave"' in offer.content.decode()
    assert offer.context["adminform"].form["headline"].value() == "Saved headline"

    restored = client.get(change_url(article, "?restore=autosave"))
    form = restored.context["adminform"].form
    assert form["headline"].value() == "Typed headline"
    assert form["body"].value() == "<p>Typed body.</p>"
    html = restored.content.decode()
    assert "Your autosaved text is in the form below." in html
    assert "You have unsaved work on this story" not in html
    assert Article.objects.get().headline == "Saved headline"


def test_an_autosave_older_than_the_story_is_not_offered(
    client_as, story, frozen_now, time_machine
):
    article = story("draft")
    client = client_as("author")
    autosave(client, article, headline="Typed long ago")
    time_machine.shift(MINUTE)
    article.save()  # saved since, elsewhere

    html = client.get(change_url(article)).content.decode()
    assert "You have unsaved work on this story" not in html


def test_a_successful_save_deletes_the_autosave(client_as, story, time_machine):
    article = story("draft")
    client = client_as("author")
    autosave(client, article, headline="Typed")
    other = story("draft")
    autosave(client, other, headline="Typed elsewhere")

    _, data = open_form(client, article, "?restore=autosave")
    response = client.post(change_url(article), data | {"headline": "Typed"})

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Typed"
    assert list(Autosave.objects.values_list("article", flat=True)) == [other.pk]


def test_an_autosave_of_a_new_story_is_kept_until_it_is_created(client_as, journalist):
    client = client_as("author")
    assert autosave(client, None, headline="A new story").status_code == 200
    assert Autosave.objects.get(article=None).data["headline"] == "A new story"

    response = client.post(reverse("admin:articles_article_add"), article_form_data())

    assert response.status_code == 302
    assert not Autosave.objects.exists()


@pytest.mark.parametrize(
    ("role", "state"),
    [("journalist", "draft"), ("author", "in_review"), ("author", "published")],
)
def test_nobody_autosaves_into_a_story_they_cannot_edit(client_as, story, role, state):
    article = story(state)
    response = autosave(client_as(role), article, headline="Not mine")
    assert response.status_code == 403
    assert response.json() == {"error": "You cannot edit this story."}
    assert not Autosave.objects.exists()
    assert not EditingSession.objects.exists()


def test_autosave_needs_a_login_and_a_post(client, client_as, story):
    article = story("draft")
    response = autosave(client, article, headline="Anonymous")
    assert response.status_code == 302
    url = reverse("admin:articles_article_autosave")
    assert client_as("author").get(url).status_code == 405
    assert not Autosave.objects.exists()


# Presence


def test_the_change_form_warns_who_else_has_the_story_open(
    client_as, story, second_editor, editor, frozen_now, time_machine
):
    article = story("published")
    logged_in(second_editor).get(change_url(article))
    time_machine.shift(MINUTE)

    response = client_as("editor").get(change_url(article))

    assert [user.username for user in response.context["others_editing"]] == [
        "second_editor"
    ]
    text = " ".join(response.content.decode().split())
    assert "Sam Second has this story open right now" in text
    assert EditingSession.objects.get(user=editor).seen_at == frozen_now + MINUTE


def test_autosave_reports_who_else_is_editing(
    client_as, story, second_editor, frozen_now
):
    article = story("published")
    EditingSession.objects.create(
        article=article, user=second_editor, seen_at=frozen_now - MINUTE
    )
    response = autosave(client_as("editor"), article, headline="Mine")
    assert response.json()["others"] == ["Sam Second"]


def test_someone_who_left_is_not_reported(client_as, story, second_editor, frozen_now):
    article = story("published")
    EditingSession.objects.create(
        article=article, user=second_editor, seen_at=frozen_now - 3 * MINUTE
    )
    response = client_as("editor").get(change_url(article))
    assert response.context["others_editing"] == []
    assert "has this story open right now" not in response.content.decode()
