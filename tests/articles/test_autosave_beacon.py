"""Work never lost: when the tab is hidden or closed, the change form sends
its autosave by navigator.sendBeacon, which can set no header, so the CSRF
token travels in the body. The browser side is tested in tests/e2e."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Autosave

pytestmark = pytest.mark.django_db

AUTOSAVE = reverse("admin:articles_article_autosave")


@pytest.fixture
def strict_client(journalist):
    """A browser's view of CSRF: checks on, the token from the form's page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    return client


def form_token(client, article) -> str:
    html = client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def beacon(client, article, token, **fields):
    """What sendBeacon posts: multipart form data, no X-CSRFToken header."""
    data = {"article": article.pk, "base_version": "1", **fields}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(AUTOSAVE, data)


def test_the_beacon_saves_with_the_token_in_its_body(strict_client, story):
    article = story("draft")
    token = form_token(strict_client, article)

    response = beacon(strict_client, article, token, headline="Typed as the tab hid")

    assert response.status_code == 200
    assert Autosave.objects.get().data["headline"] == "Typed as the tab hid"


def test_a_beacon_without_the_token_is_refused_and_saves_nothing(strict_client, story):
    article = story("draft")
    form_token(strict_client, article)  # the CSRF cookie is set
    response = beacon(strict_client, article, None, headline="Forged")
    assert response.status_code == 403
    assert not Autosave.objects.exists()
