"""Pull back: the author takes a story they submitted back to draft, until
an editor acts on it; a workflow step recorded like every other."""

import pytest
import reversion
from django.urls import reverse

from articles.models import Article, Transition
from articles.workflow import (
    Action,
    WorkflowError,
    available_actions,
    perform,
    refusal,
)
from tests.factories import workflow_form_data

Status = Article.Status


@pytest.fixture
def submitted(story, users):
    article = story("draft", headline="BMW and Great Wall in talks")
    perform(article, Action.SUBMIT, users["author"])
    return article


def pull_back_url(article):
    return reverse("admin:articles_article_pull_back", args=[article.pk])


def test_the_author_pulls_back_a_submitted_story(submitted, users):
    transition = perform(submitted, Action.PULL_BACK, users["author"])

    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT
    assert (
        transition.action,
        transition.from_status,
        transition.to_status,
        transition.user,
    ) == (Action.PULL_BACK, Status.IN_REVIEW, Status.DRAFT, users["author"])
    assert submitted.version == 3  # created, submitted, pulled back


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("journalist", "Only the story's authors may pull it back."),
        ("editor", "Only the story's authors may pull it back."),
    ],
)
def test_only_its_authors_pull_a_story_back(submitted, users, role, message):
    assert refusal(users[role], submitted, Action.PULL_BACK) == message
    with pytest.raises(WorkflowError, match=message):
        perform(submitted, Action.PULL_BACK, users[role])
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_a_story_an_editor_has_edited_stays_with_the_desk(submitted, users):
    with reversion.create_revision():
        reversion.set_user(users["editor"])
        submitted.dek = "Tightened by the desk."
        submitted.save()

    with pytest.raises(WorkflowError, match="An editor has already worked on it"):
        perform(submitted, Action.PULL_BACK, users["author"])


@pytest.mark.parametrize(
    "step",
    [Action.REQUEST_CHANGES, Action.PUBLISH],
)
def test_a_story_an_editor_moved_cannot_be_pulled_back(submitted, users, step):
    perform(submitted, step, users["editor"], comment="Needs a second source.")

    assert refusal(users["author"], submitted, Action.PULL_BACK) is not None
    with pytest.raises(WorkflowError):
        perform(submitted, Action.PULL_BACK, users["author"])


def test_a_draft_cannot_be_pulled_back(story, users):
    draft = story("draft")
    assert refusal(users["author"], draft, Action.PULL_BACK) == (
        "A story that is draft cannot be pulled back to draft."
    )
    assert Action.PULL_BACK not in available_actions(users["author"], draft)


# In the admin


def test_the_change_form_offers_it_to_the_author_only(submitted, client_as):
    author_page = client_as("author").get(
        reverse("admin:articles_article_change", args=[submitted.pk])
    )
    assert author_page.context["can_pull_back"]
    html = author_page.content.decode()
    assert f'action="{pull_back_url(submitted)}"' in html
    assert 'form="pull-back-form"' in html
    assert "Pull back to draft" in html

    for role in ["journalist", "editor"]:
        page = client_as(role).get(
            reverse("admin:articles_article_change", args=[submitted.pk])
        )
        assert not page.context["can_pull_back"]
        assert "Pull back to draft" not in page.content.decode()


def test_pressing_it_makes_a_draft_the_author_can_edit(submitted, client_as):
    client = client_as("author")
    response = client.post(pull_back_url(submitted))

    change_url = reverse("admin:articles_article_change", args=[submitted.pk])
    assert response.status_code == 302
    assert response["Location"] == change_url
    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT
    page = client.get(change_url)
    assert page.context["has_change_permission"]
    assert "is a draft again" in page.content.decode()
    assert Transition.objects.filter(action=Action.PULL_BACK).count() == 1


@pytest.mark.parametrize("role", ["journalist", "editor"])
def test_a_forged_pull_back_changes_nothing(submitted, client_as, role):
    client = client_as(role)
    response = client.post(pull_back_url(submitted), follow=True)

    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    assert not Transition.objects.filter(action=Action.PULL_BACK).exists()
    assert response.status_code == 200  # back on the story, read only
    assert [str(message) for message in response.context["messages"]] == [
        "Only the story's authors may pull it back."
    ]


def test_pull_back_is_a_post(submitted, client_as):
    response = client_as("author").get(pull_back_url(submitted))
    assert response.status_code == 405


def test_anonymous_cannot_pull_back(submitted, client):
    response = client.post(pull_back_url(submitted))
    assert response["Location"].startswith(reverse("admin:login"))
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_a_change_form_post_with_pull_back_by_the_author_is_refused(
    submitted, client_as
):
    """The author may not edit a story in review, so the change form's own
    POST is no way round the rule."""
    response = client_as("author").post(
        reverse("admin:articles_article_change", args=[submitted.pk]),
        workflow_form_data(submitted, "pull_back", headline="Rewritten"),
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert (submitted.status, submitted.headline) == (
        Status.IN_REVIEW,
        "BMW and Great Wall in talks",
    )


def test_the_audit_log_names_the_step(submitted, users, client_as):
    perform(submitted, Action.PULL_BACK, users["author"])
    url = reverse("admin:articles_transition_changelist")

    response = client_as("editor").get(url, {"action": "pull_back"})

    assert response.context["cl"].result_count == 1
    assert "Pull back to draft" in response.content.decode()
