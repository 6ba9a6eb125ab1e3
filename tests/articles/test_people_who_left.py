"""The desk's pages name who did what; they still render when that person's
account is gone (the audit log and comments keep the row, SET_NULL) or never
was (versions saved by the demo loader or a shell have no user)."""

import pytest
import reversion
from django.urls import reverse

from articles.models import EditorialComment, Transition
from articles.workflow import Action, perform

pytestmark = pytest.mark.django_db


def test_story_pages_render_when_the_people_named_are_gone(story, users, client_as):
    sent_back = story("draft")
    with reversion.create_revision():  # no user, as load_demo saves
        sent_back.save()
    perform(sent_back, Action.SUBMIT, users["author"])
    perform(sent_back, Action.REQUEST_CHANGES, users["editor"], comment="Shorter.")
    EditorialComment.objects.create(
        article=sent_back, author=users["journalist"], text="Noted."
    )
    waiting = story("draft")
    perform(waiting, Action.SUBMIT, users["author"])
    Transition.objects.update(user=None)
    EditorialComment.objects.update(author=None)

    editor = client_as("editor")
    change = editor.get(reverse("admin:articles_article_change", args=[sent_back.pk]))
    assert change.status_code == 200
    assert "Changes requested</strong> by a former colleague" in change.text
    assert "<strong>A former colleague</strong>" in change.text
    history = editor.get(reverse("admin:articles_article_history", args=[sent_back.pk]))
    assert history.status_code == 200
    queue = editor.get(reverse("admin:articles_article_review_queue"))
    assert queue.status_code == 200
    assert waiting.headline in queue.text
