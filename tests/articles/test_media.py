"""Uploaded pictures served by the app from local disk (articles/media.py), as
in production without object storage: readers get what they may read, the
staff and a preview link's holder a draft's too, and nothing else ever."""

import datetime
import os

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import (
    AuthorFactory,
    CompanyFactory,
    PreviewLinkFactory,
    RenderedImageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_story(media_on_disk, story):
    """A story of each state, each with its own lead image and renditions."""

    def make(state):
        return story(state, lead_image=RenderedImageFactory())

    return make


def fetch(client, url, method="get", **kwargs):
    """The answer with its body read, which closes a streamed file (the
    test client closes it at the end of the stream, as a server does)."""
    response = getattr(client, method)(url, **kwargs)
    response.body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return response


def urls_of(image):
    return [image.file.url, *(r.file.url for r in image.renditions.all())]


def test_readers_get_a_public_storys_pictures(client, lead_story, count_queries):
    image = lead_story("published").lead_image
    rendition = image.renditions.get(spec="full", format="webp", width=800)

    response, queries = count_queries(fetch, client, rendition.file.url)
    assert response.status_code == 200
    assert queries == 1
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    with rendition.file.open("rb") as stored:
        assert response.body == stored.read()

    original = fetch(client, image.file.url)
    assert original.status_code == 200
    assert original["Content-Type"] == "image/jpeg"
    assert original["Cache-Control"] == "public, max-age=86400"
    assert all(fetch(client, url).status_code == 200 for url in urls_of(image))


def test_a_byline_photo_and_an_entity_picture_are_public(client, media_on_disk):
    photo = AuthorFactory(photo=RenderedImageFactory()).photo
    logo = CompanyFactory(image=RenderedImageFactory()).image
    for url in [*urls_of(photo), *urls_of(logo)]:
        assert fetch(client, url).status_code == 200, url


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "withdrawn"])
def test_readers_never_get_the_pictures_of_a_story_they_cannot_read(
    client, lead_story, state
):
    image = lead_story(state).lead_image
    for url in urls_of(image):
        assert fetch(client, url).status_code == 404, url


def test_staff_get_a_drafts_pictures_and_no_shared_cache_keeps_them(
    client_as, lead_story
):
    image = lead_story("draft").lead_image
    response = fetch(client_as("author"), image.file.url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_preview_link_shows_its_storys_pictures_to_its_holder(
    client, lead_story, frozen_now, time_machine
):
    article = lead_story("draft")
    other_draft = lead_story("draft")
    link = PreviewLinkFactory(article=article)
    url = article.lead_image.renditions.first().file.url

    assert fetch(client, url).status_code == 404
    assert fetch(client, link.get_absolute_url()).status_code == 200
    assert fetch(client, url).status_code == 200
    # Only that story's pictures, and only while the link lasts.
    assert fetch(client, other_draft.lead_image.file.url).status_code == 404
    time_machine.shift(datetime.timedelta(hours=49))
    assert fetch(client, url).status_code == 404


def test_a_revoked_preview_link_shows_nothing(client, lead_story):
    article = lead_story("draft")
    link = PreviewLinkFactory(article=article)
    fetch(client, link.get_absolute_url())
    link.revoked_at = timezone.now()
    link.save()
    assert fetch(client, article.lead_image.file.url).status_code == 404


HOSTILE_MEDIA_PATHS = [
    "/media/../secret.jpg",
    "/media/images/../../secret.jpg",
    "/media/%2e%2e/secret.jpg",
    "/media/images/%2e%2e%2f%2e%2e%2fsecret.jpg",
    "/media/..%2fsecret.jpg",
    "/media/%252e%252e%252fsecret.jpg",
    "/media/..%5csecret.jpg",
    "/media/images/..\\..\\secret.jpg",
    "/media//etc/passwd",
    "/media/%2fetc%2fpasswd",
    "/media/images/stray.jpg%00.jpg",
    "/media/images/stray%00.jpg",
    "/media/%00",
    "/media/",
    "/media/images/",
    "/media/images",
    "/media/./images/stray.jpg",
    "/media/images/stray.jpg",  # on disk, but no image row names it
    "/media/images/2026/01/missing.jpg",
    "/media/renditions/2026/01/missing.webp",
    "/media/images/stray.py",
    "/media/%ff%fe.jpg",
]


@pytest.mark.parametrize("path", HOSTILE_MEDIA_PATHS)
def test_hostile_media_paths_get_a_404_and_nothing_outside_media(
    client_as, media_on_disk, path
):
    """As a reader and as the staff, who may see more: still nothing that
    is not an image of the newsroom's."""
    for role in ["anonymous", "editor"]:
        response = fetch(client_as(role), path)
        assert response.status_code in {400, 403, 404}, (role, path)
        assert b"not for readers" not in response.body
        assert b"a file no image row names" not in response.body


def test_a_picture_whose_file_is_gone_is_a_404(client, lead_story):
    image = lead_story("published").lead_image
    image.file.storage.delete(image.file.name)
    assert fetch(client, image.file.url).status_code == 404


def test_a_folder_named_like_a_picture_is_not_listed(client, lead_story):
    image = lead_story("published").lead_image
    path = image.file.path
    image.file.storage.delete(image.file.name)
    os.mkdir(path)
    assert fetch(client, image.file.url).status_code == 404


def test_pictures_answer_head_and_conditional_gets_but_no_writes(client, lead_story):
    url = lead_story("published").lead_image.renditions.first().file.url
    first = fetch(client, url)
    assert fetch(client, url, "head").status_code == 200
    assert (
        fetch(client, url, headers={"if-none-match": first["ETag"]}).status_code == 304
    )
    since = fetch(client, url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    assert fetch(client, url, "post").status_code == 405
    assert fetch(client, url, "delete").status_code == 405


def test_behind_nginx_the_app_only_says_which_file_to_send(
    client, lead_story, settings
):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_files/"
    image = lead_story("published").lead_image
    response = fetch(client, image.file.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_media_files/{image.file.name}"
    assert response["Content-Type"] == "image/jpeg"
    assert response.body == b""
    draft_image = lead_story("draft").lead_image
    refused = fetch(client, draft_image.file.url)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_with_object_storage_the_app_serves_no_media(client, lead_story, settings):
    image = lead_story("published").lead_image
    url = image.file.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert fetch(Client(), url).status_code == 404
