"""Who may do what to a story in the admin, asked over HTTP as each role:
anonymous, the journalist whose byline is on the story ("author"), another
journalist, an editor and a superuser. Forged requests are refused, not only
hidden buttons."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, PreviewLink, Transition
from articles.workflow import perform
from entities.models import MentionSuggestion, Quote
from tests.admin_urls import change_url
from tests.factories import (
    PersonFactory,
    PreviewLinkFactory,
    article_form_data,
    workflow_form_data,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "author", "journalist", "editor", "superuser"]
STAFF = ROLES[1:]
STATES = ["draft", "in_review", "scheduled", "published", "withdrawn"]


def may_change(role, state):
    """The rule under test: editors change any story, authors their drafts."""
    return role in {"editor", "superuser"} or (role == "author" and state == "draft")


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def workflow_buttons(response):
    """The labels of the buttons in the change form's workflow panel."""
    html = response.content.decode()
    panel = re.search(
        r'<fieldset class="module aligned workflow-panel">.*?</fieldset>', html, re.S
    )
    if panel is None:
        return []
    return re.findall(r'<button[^>]*name="_workflow"[^>]*>([^<]+)</button>', panel[0])


# Lists and new stories


@pytest.mark.parametrize("role", ROLES)
def test_changelist(client_as, story, role):
    story("draft", headline="A draft in the list")
    response = client_as(role).get(reverse("admin:articles_article_changelist"))
    if role == "anonymous":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 200
        assert "A draft in the list" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_add_view(client_as, users, role):
    client = client_as(role)
    url = reverse("admin:articles_article_add")

    page = client.get(url)
    created = client.post(url, article_form_data(headline="A new story"))

    if role == "anonymous":
        assert_sent_to_login(page)
        assert_sent_to_login(created)
        assert not Article.objects.exists()
        return
    assert page.status_code == 200
    assert 'name="headline"' in page.content.decode()
    assert created.status_code == 302
    article = Article.objects.get()
    assert (article.headline, article.status) == ("A new story", "draft")
    author = getattr(users[role], "author", None)
    # A journalist's new story carries their byline, so it stays theirs.
    assert article.byline_authors == ([author] if author else [])


def test_a_new_story_cannot_be_created_published(client_as, frozen_now):
    response = client_as("author").post(
        reverse("admin:articles_article_add"),
        article_form_data(status="published", published_at_0="2025-06-10"),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.published_at) == ("draft", None)


# One story in each state


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_change_view_is_editable_only_for_those_who_may_change(
    client_as, story, role, state
):
    article = story(state, headline="Plant talks")
    response = client_as(role).get(change_url(article))
    if role == "anonymous":
        assert_sent_to_login(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plant talks" in html
    assert ('name="headline"' in html) == may_change(role, state)
    assert ('name="base_version"' in html) == may_change(role, state)
    assert response.context["has_change_permission"] == may_change(role, state)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_change_post_saves_only_for_those_who_may_change(client_as, story, role, state):
    article = story(state)
    before = Article.objects.values().get(pk=article.pk)
    response = client_as(role).post(
        change_url(article), article_form_data(article, headline="Changed")
    )
    article.refresh_from_db()
    if role == "anonymous":
        assert_sent_to_login(response)
    elif may_change(role, state):
        assert response.status_code == 302
        assert article.headline == "Changed"
        assert article.version == before["version"] + 1
        assert article.status == before["status"]
        return
    else:
        assert response.status_code == 403
    assert Article.objects.values().get(pk=article.pk) == before


def test_an_author_cannot_change_their_story_once_it_is_in_review(client_as, story):
    article = story("in_review", headline="Sent to the desk")
    client = client_as("author")
    data = article_form_data(article, headline="Sneaked in after submitting")
    assert client.post(change_url(article), data).status_code == 403
    # A stale or missing base_version changes nothing about that.
    for base_version in ["0", "", "999"]:
        data["base_version"] = base_version
        assert client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Sent to the desk"


@pytest.mark.parametrize("role", ROLES)
def test_delete_view(client_as, story, role):
    article = story("draft")
    client = client_as(role)
    url = reverse("admin:articles_article_delete", args=[article.pk])

    page = client.get(url)
    deleted = client.post(url, {"post": "yes"})

    if role == "anonymous":
        assert_sent_to_login(page)
        assert_sent_to_login(deleted)
    elif role in {"author", "journalist"}:
        assert page.status_code == 403
        assert deleted.status_code == 403
    else:
        assert page.status_code == 200
        assert "Are you sure you want to delete" in page.content.decode()
        assert deleted.status_code == 302
        assert not Article.objects.exists()
        return
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_bulk_delete_action(client_as, story, role):
    articles = [story("draft"), story("published")]
    client = client_as(role)
    url = reverse("admin:articles_article_changelist")
    data = {
        "action": "delete_selected",
        "_selected_action": [str(article.pk) for article in articles],
    }

    listing = client.get(url)
    confirm = client.post(url, data)
    deleted = client.post(url, {**data, "post": "yes"})

    if role == "anonymous":
        assert_sent_to_login(listing)
        assert_sent_to_login(deleted)
    elif role in {"author", "journalist"}:
        assert "delete_selected" not in listing.content.decode()
        # The forged action is not one of theirs: the list, and no deletion.
        for response in confirm, deleted:
            assert response.status_code == 200
            assert "Are you sure" not in response.content.decode()
    else:
        assert 'value="delete_selected"' in listing.content.decode()
        assert confirm.status_code == 200
        assert "Are you sure you want to delete the selected stories?" in (
            confirm.content.decode()
        )
        assert deleted.status_code == 302
        assert not Article.objects.exists()
        return
    assert Article.objects.count() == 2


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_a_story_goes_with_its_audit_log_suggestions_and_quotes(
    client_as, story, users, role
):
    """What belongs to the story and cannot be deleted on its own pages does
    not stop the story itself from being deleted."""
    article = story("draft")
    perform(article, "submit", users["author"])
    perform(article, "publish", users["editor"])
    person = PersonFactory(name="Ida Vo")
    MentionSuggestion.objects.create(article=article, entity=person)
    Quote.objects.create(article=article, person=person, text="We are close.")
    url = reverse("admin:articles_article_delete", args=[article.pk])
    client = client_as(role)

    page = client.get(url)
    assert page.status_code == 200
    assert "Are you sure you want to delete" in page.content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.exists()
    assert not Transition.objects.exists()
    assert not MentionSuggestion.objects.exists()
    assert not Quote.objects.exists()


# Workflow steps

# action, the state it starts from
STEPS = [
    ("submit", "draft"),
    ("request_changes", "in_review"),
    ("request_changes", "scheduled"),
    ("publish", "in_review"),
    ("schedule", "in_review"),
    ("withdraw", "published"),
]


def may_take(role, action):
    if action == "submit":
        return role in {"author", "editor", "superuser"}
    return role in {"editor", "superuser"}


@pytest.mark.parametrize(("action", "state"), STEPS)
@pytest.mark.parametrize("role", ROLES)
def test_workflow_step(client_as, story, frozen_now, role, action, state):
    article = story(state)
    before = Article.objects.values().get(pk=article.pk)

    response = client_as(role).post(
        change_url(article), workflow_form_data(article, action)
    )

    if may_take(role, action):
        assert response.status_code == 302
        assert Transition.objects.get().action == action
        assert Article.objects.get(pk=article.pk).status != before["status"]
        return
    if role == "anonymous":
        assert_sent_to_login(response)
    elif may_change(role, state):
        # Allowed to edit, not to take this step: a form error.
        assert response.status_code == 200
        assert response.context["adminform"].form.has_error("__all__", "refused")
    else:
        assert response.status_code == 403
    assert Article.objects.values().get(pk=article.pk) == before
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", ["publish", "schedule", "withdraw"])
def test_an_author_cannot_forge_a_step_on_their_own_draft(client_as, story, action):
    article = story("draft", headline="My draft")
    response = client_as("author").post(
        change_url(article), workflow_form_data(article, action, headline="Edited")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.has_error("__all__", "refused")
    assert f"Only editors may {action}." in form.errors["__all__"]
    article.refresh_from_db()
    assert (article.headline, article.status) == ("My draft", "draft")
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_an_author_cannot_forge_a_step_on_their_story_in_review(
    client_as, story, action
):
    article = story("in_review")
    response = client_as("author").post(
        change_url(article), workflow_form_data(article, action)
    )
    assert response.status_code == 403
    assert Article.objects.get().status == "in_review"
    assert not Transition.objects.exists()


# What each role sees: the workflow buttons

EDITOR_BUTTONS = {
    "draft": ["Submit for review"],
    "in_review": ["Request changes", "Publish", "Schedule"],
    "scheduled": ["Request changes"],
    "published": ["Withdraw"],
    "withdrawn": [],
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", STAFF)
def test_workflow_buttons_show_only_the_allowed_steps(client_as, story, role, state):
    response = client_as(role).get(change_url(story(state)))
    assert response.status_code == 200
    if role in {"editor", "superuser"}:
        expected = EDITOR_BUTTONS[state]
    elif role == "author" and state == "draft":
        expected = ["Submit for review"]
    else:
        expected = []
    assert workflow_buttons(response) == expected
    html = response.content.decode()
    assert ('name="workflow_comment"' in html) == bool(
        {"Request changes", "Withdraw"} & set(expected)
    )
    assert ('name="workflow_publish_at_0"' in html) == ("Schedule" in expected)
    assert ('name="workflow_public_notice"' in html) == ("Withdraw" in expected)


# Preview links: editors only


@pytest.mark.parametrize("role", ["author", "journalist"])
def test_journalists_cannot_create_or_revoke_preview_links(client_as, story, role):
    article = story("draft")
    link = PreviewLinkFactory(article=article)
    client = client_as(role)

    page = client.get(change_url(article))
    create = client.post(
        reverse("admin:articles_article_preview_link", args=[article.pk]),
        {"recipient": "A source", "valid_for_hours": "24"},
    )
    revoke = client.post(
        reverse(
            "admin:articles_article_revoke_preview_link", args=[article.pk, link.pk]
        )
    )

    assert "Create preview link" not in page.content.decode()
    assert link.token not in page.content.decode()
    assert (create.status_code, revoke.status_code) == (403, 403)
    assert list(PreviewLink.objects.all()) == [link]
    link.refresh_from_db()
    assert link.revoked_at is None


def test_anonymous_cannot_create_preview_links(client, story):
    article = story("draft")
    response = client.post(
        reverse("admin:articles_article_preview_link", args=[article.pk]),
        {"recipient": "A source", "valid_for_hours": "24"},
    )
    assert_sent_to_login(response)
    assert not PreviewLink.objects.exists()


# A tampered base_version never overwrites


@pytest.mark.parametrize("base_version", ["0", "999", "", "not a number"])
def test_a_tampered_base_version_gets_the_conflict_page(client_as, story, base_version):
    article = story("published", headline="What readers see")
    data = article_form_data(article, headline="Overwritten", base_version=base_version)

    response = client_as("editor").post(change_url(article), data)

    assert response.status_code == 409
    assert "Someone else saved this story" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "What readers see"
