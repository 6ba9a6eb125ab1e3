"""A save that fails part way leaves nothing half-done: not in the database,
not in the media storage. Every multi-step save runs in one transaction, and
files, which no transaction covers, are deleted again."""

import logging

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import editing
from articles.models import Article, Image, Rendition
from tests.factories import (
    CompanyFactory,
    RenderedImageFactory,
    article_form_data,
    picture_bytes,
    stored_files,
)

pytestmark = pytest.mark.django_db

ADD_IMAGE = reverse("admin:articles_image_add")


@pytest.fixture
def storage_fails_after(monkeypatch):
    """Make the media storage take ``n`` files, then fail as a full disk or
    an object store that stopped answering does."""

    def arrange(n):
        real_save = InMemoryStorage._save
        taken = []

        def save(self, name, content):
            if len(taken) >= n:
                raise OSError(28, "No space left on device")
            taken.append(name)
            return real_save(self, name, content)

        monkeypatch.setattr(InMemoryStorage, "_save", save)
        return taken

    return arrange


@pytest.mark.parametrize(
    "files_taken",
    [0, 1, 7],
    ids=["the upload itself", "the first rendition", "a later rendition"],
)
def test_an_upload_the_storage_fails_leaves_nothing_behind(
    editor_client, storage_fails_after, files_taken
):
    files = stored_files()  # the storage lives as long as the test process
    taken = storage_fails_after(files_taken)

    response = editor_client.post(
        ADD_IMAGE,
        {
            "file": SimpleUploadedFile("mini.jpg", picture_bytes(1200, 675)),
            "alt_text": "A MINI at Oxford",
        },
    )

    # Back to the form, saying what happened; no 500.
    assert response.status_code == 302
    assert response["Location"] == ADD_IMAGE
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("The image could not be stored")
    assert "Nothing was saved" in message
    # Neither rows nor files: what the storage took was deleted again.
    assert len(taken) == files_taken
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files() == files


def test_a_focal_point_move_the_storage_fails_keeps_the_old_renditions(
    editor_client, storage_fails_after
):
    image = RenderedImageFactory(focal_x=0.5)
    renditions = {(r.pk, r.file.name) for r in image.renditions.all()}
    files = stored_files()
    storage_fails_after(3)

    response = editor_client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {"alt_text": image.alt_text, "focal_x": "0.1", "focal_y": "0.5"},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.focal_x == 0.5
    assert {(r.pk, r.file.name) for r in image.renditions.all()} == renditions
    # The old files are still there (they go only once new ones commit), and
    # the three new ones were deleted again.
    assert stored_files() == files


def test_a_story_save_that_fails_part_way_changes_nothing(editor, story, monkeypatch):
    """The database goes away after the story's row, bylines, tags and links
    were written, while mentions are being recorded: all of it rolls back."""
    article = story("published", headline="Talks go on", tags=["china"])
    before = (article.version, Version.objects.get_for_object(article).count())
    bylines = list(article.bylines.values_list("author_id", flat=True))
    data = article_form_data(
        article,
        headline="Talks collapse",
        tags=["china", "plants"],
        linked_entities=[str(CompanyFactory().pk)],
        byline_authors=[],
    )

    reached = []

    def database_gone(article, *args, **kwargs):
        # By now the story's row, bylines, tags and links have been written.
        reached.append(Article.objects.get(pk=article.pk).headline)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(editing, "record_quotes", database_gone)
    client = Client(raise_request_exception=False)
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )

    assert reached == ["Talks collapse"]
    assert response.status_code == 503
    assert b"Back in a moment" in response.content
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "Talks go on"
    assert (article.version, Version.objects.get_for_object(article).count()) == (
        before
    )
    assert [tag.name for tag in article.tags.all()] == ["china"]
    assert not article.entity_links.exists()
    assert list(article.bylines.values_list("author_id", flat=True)) == bylines


class RefusingMailServer(BaseEmailBackend):
    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += 1
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_mail_server_that_is_down_does_not_fail_a_committed_step(
    editor, story, settings, caplog, django_capture_on_commit_callbacks, mail_worker
):
    """The mail is queued once the step has committed and sent by the
    background worker: the editor's request never reaches the mail server,
    and the worker's failed attempt is logged and tried again later."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    RefusingMailServer.attempts = 0
    article = story("in_review")
    client = Client(raise_request_exception=False)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(article, _workflow="publish"),
        )

    assert response.status_code == 302
    # The purge of the cache in front, the mail to the authors, its queuing.
    assert len(callbacks) == 3
    assert RefusingMailServer.attempts == 0
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.transitions.get().action == "publish"

    with caplog.at_level(logging.WARNING, logger="newsroom.mail"):
        mail_worker()
    assert RefusingMailServer.attempts == 1
    assert "failed (attempt 1" in caplog.text
    assert "trying again in 60 s" in caplog.text
