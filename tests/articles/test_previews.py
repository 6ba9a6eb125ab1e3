"""Previews of stories readers cannot see yet: the staff preview in the admin,
and signed, expiring preview links for people without an account."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.cache import get_max_age

from articles.models import PreviewLink
from tests.factories import PreviewLinkFactory

pytestmark = pytest.mark.django_db


def assert_private(response):
    """Never indexed, never stored by a browser or a shared cache."""
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control
    assert not get_max_age(response)
    assert "noindex" in response["X-Robots-Tag"]


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def links_url(article):
    return reverse("admin:articles_article_preview_link", args=[article.pk])


def revoke_url(link):
    return reverse(
        "admin:articles_article_revoke_preview_link", args=[link.article_id, link.pk]
    )


# The staff preview


@pytest.mark.parametrize("role", ["author", "journalist", "editor"])
@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_staff_preview_shows_a_story_readers_cannot_see(client_as, story, role, state):
    article = story(state, headline="Plant deal close", body="<p>Inside story.</p>")

    response = client_as(role).get(preview_url(article))

    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Plant deal close" in html
    assert "Inside story." in html
    assert "Readers cannot see this story yet." in html
    # The story itself stays hidden from readers.
    assert client_as("anonymous").get(article.get_absolute_url()).status_code == 404


def test_staff_preview_needs_a_login(client, story):
    response = client.get(preview_url(story("draft")))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_public_story_pages_are_not_marked_private(client, story):
    response = client.get(story("published").get_absolute_url())
    assert response.status_code == 200
    assert "X-Robots-Tag" not in response
    assert "noindex" not in response.content.decode()


# Preview links


def test_an_editor_creates_a_preview_link(client_as, story, editor, frozen_now):
    article = story("draft")

    response = client_as("editor").post(
        links_url(article), {"recipient": "Legal desk", "valid_for_hours": "24"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#preview-links")
    link = PreviewLink.objects.get()
    assert (link.article, link.recipient, link.created_by) == (
        article,
        "Legal desk",
        editor,
    )
    assert link.expires_at == frozen_now + datetime.timedelta(hours=24)
    page = client_as("editor").get(response["Location"])
    html = page.content.decode()
    assert f"http://testserver{link.get_absolute_url()}" in html
    assert "Legal desk" in html
    assert revoke_url(link) in html


@pytest.mark.parametrize(
    "data",
    [
        {"recipient": "", "valid_for_hours": "24"},
        {"recipient": "Legal", "valid_for_hours": "0"},
        {"recipient": "Legal", "valid_for_hours": str(24 * 14 + 1)},
    ],
)
def test_a_preview_link_needs_a_recipient_and_a_sensible_lifetime(
    client_as, story, data
):
    response = client_as("editor").post(links_url(story("draft")), data)
    assert response.status_code == 302
    assert not PreviewLink.objects.exists()


def test_a_valid_preview_link_shows_the_draft(client, story):
    article = story("draft", headline="Embargoed figures")
    link = PreviewLinkFactory(article=article)

    response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "Embargoed figures" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "only people with this link can" in html
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_preview_link_stops_working_when_it_expires(
    client, story, frozen_now, time_machine
):
    link = PreviewLinkFactory(
        article=story("draft"), expires_at=frozen_now + datetime.timedelta(hours=2)
    )
    url = link.get_absolute_url()

    time_machine.move_to(link.expires_at - datetime.timedelta(seconds=1), tick=False)
    assert client.get(url).status_code == 200

    time_machine.move_to(link.expires_at, tick=False)
    expired = client.get(url)
    assert expired.status_code == 410
    assert_private(expired)
    assert "This preview link no longer works" in expired.content.decode()


def test_a_revoked_preview_link_answers_410(client, client_as, story, frozen_now):
    link = PreviewLinkFactory(article=story("in_review"))
    url = link.get_absolute_url()
    assert client.get(url).status_code == 200

    response = client_as("editor").post(revoke_url(link))

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == frozen_now
    gone = client.get(url)
    assert gone.status_code == 410
    assert_private(gone)
    # The change form no longer offers the dead link.
    html = client_as("editor").get(response["Location"]).content.decode()
    assert url not in html
    assert revoke_url(link) not in html


def test_revoking_is_a_post(client_as, story):
    link = PreviewLinkFactory(article=story("draft"))
    assert client_as("editor").get(revoke_url(link)).status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_cannot_be_revoked_through_another_story(client_as, story):
    link = PreviewLinkFactory(article=story("draft"))
    other = story("draft")
    url = reverse(
        "admin:articles_article_revoke_preview_link", args=[other.pk, link.pk]
    )
    assert client_as("editor").post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_tampered_token_answers_404(client, story):
    link = PreviewLinkFactory(article=story("draft"))
    token = link.token
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        signing.dumps(link.pk),  # signed, but not for preview links
        signing.dumps(link.pk + 1, salt=PreviewLink.TOKEN_SALT)[:-2] + "xx",
        "not-a-token",
    ]
    for bad in forged:
        url = reverse("articles:preview", kwargs={"token": bad})
        assert client.get(url).status_code == 404, bad


def test_a_link_to_a_deleted_preview_answers_404(client, story):
    link = PreviewLinkFactory(article=story("draft"))
    url = link.get_absolute_url()
    link.delete()
    assert client.get(url).status_code == 404
