"""What every API answer carries (ETag, Cache-Control, front-cache keys),
the answers kept until a change readers see, partners' keys made in the
admin and stored hashed, and the rate limits that answer 429."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from api.models import ApiKey, hash_key
from articles.workflow import Action, perform
from newsroom import frontcache
from tests.factories import AliasFactory, CompanyFactory, CorrectionFactory

pytestmark = pytest.mark.django_db

STORIES = reverse("api:stories")


def story_url(article) -> str:
    return reverse("api:story", kwargs={"slug": article.slug})


def make_key(**kwargs) -> tuple[ApiKey, str]:
    api_key = ApiKey(name="Partner desk", **kwargs)
    key = api_key.issue()
    api_key.save()
    return api_key, key


def test_every_answer_has_an_etag_and_a_304_for_a_client_that_has_it(api_client, story):
    published = story("published")
    for url in (STORIES, story_url(published), reverse("api:sections")):
        first = api_client.get(url)
        assert first.status_code == 200
        assert first["ETag"]
        assert first["Cache-Control"] == (
            "public, max-age=60, s-maxage=60, stale-while-revalidate=60"
        )
        again = api_client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b""


def test_answers_are_kept_until_a_change_readers_see(api_client, story, editor):
    first = story("published")
    assert api_client.get(STORIES)["X-Cache"] == "MISS"
    kept = api_client.get(STORIES)
    assert kept["X-Cache"] == "HIT"

    coming = story("in_review")
    perform(coming, Action.PUBLISH, editor)
    fresh = api_client.get(STORIES)
    assert fresh["X-Cache"] == "MISS"
    assert fresh["ETag"] != kept["ETag"]
    assert [i["slugline"] for i in fresh.json()["results"]] == [coming.slug, first.slug]

    perform(first, Action.WITHDRAW, editor, comment="Wrong figures")
    assert api_client.get(story_url(first)).status_code == 410


def test_the_cache_in_front_is_purged_of_a_story_that_changes(
    api_client, story, editor, monkeypatch, django_capture_on_commit_callbacks
):
    bmw = CompanyFactory(slug="bmw-group")
    published = story("published", entities=[bmw])
    detail_keys = set(api_client.get(story_url(published))["xkey"].split())
    list_keys = set(api_client.get(STORIES)["xkey"].split())
    assert f"story:{published.pk}" in detail_keys
    assert "shows:company:bmw-group" in detail_keys
    assert "latest" in list_keys

    purges = []

    class Recorder(frontcache.Purger):
        def purge(self, keys):
            purges.append(set(keys))

    monkeypatch.setattr(frontcache, "purger", lambda: Recorder())
    with django_capture_on_commit_callbacks(execute=True):
        perform(published, Action.WITHDRAW, editor, comment="Legal")
    assert detail_keys & purges[0] and list_keys & purges[0]
    purges.clear()
    # In a transaction of its own, as every admin save is.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bmw.name = "BMW AG"
        bmw.save()
    assert "api:companies" in purges[0]
    assert "company:bmw-group" in purges[0]
    purges.clear()
    # What the list does not show purges the company's own answers only.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bmw.description = "The Munich carmaker."
        bmw.save()
    assert "company:bmw-group" in purges[0]
    assert "api:companies" not in purges[0]
    purges.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        AliasFactory(entity=bmw, name="Bayerische Motoren Werke")
    assert "api:companies" in purges[0]


def test_errors_carry_cache_control_too(api_client):
    missing = api_client.get(reverse("api:story", kwargs={"slug": "nothing"}))
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "no-cache"
    assert missing.json() == {"detail": "No public story has this slug."}


def test_a_key_made_in_the_admin_is_shown_once_and_stored_hashed(
    client, superuser, story
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:api_apikey_add"),
        {
            "name": "Autowire app",
            "contact": "dev@autowire.example",
            "requests_per_minute": 120,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get()
    key = response.context["key"]
    assert key.startswith(f"nrk_{api_key.public_id}_")
    assert key in response.content.decode()
    assert api_key.key_hash == hash_key(key)
    assert key not in str(ApiKey.objects.values().get())
    assert api_key.created_by == superuser

    change = client.get(reverse("admin:api_apikey_change", args=[api_key.pk]))
    assert key not in change.content.decode()

    partner = Client(headers={"Authorization": f"Bearer {key}"})
    answer = partner.get(STORIES)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, max-age=60"
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_a_key_without_requests_is_a_form_error(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:api_apikey_add"), {"name": "Nobody", "requests_per_minute": 0}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["requests_per_minute"]
    assert not ApiKey.objects.exists()


def test_a_revoked_key_is_refused_at_once(client, superuser):
    api_key, key = make_key()
    partner = Client(headers={"Authorization": f"Bearer {key}"})
    assert partner.get(STORIES).status_code == 200

    client.force_login(superuser)
    client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    refused = partner.get(STORIES)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This API key has been revoked."}
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header, message",
    [
        ("Bearer nrk_000000000000_wrong", "This API key is not known."),
        ("Bearer not-a-key", "This API key is not known."),
        ("Token abc", "Send the API key as “Authorization: Bearer <key>”."),
        ("Bearer two words", "The Authorization header must be “Bearer” and the key"),
    ],
)
def test_a_wrong_key_is_refused_not_taken_for_anonymous(header, message):
    make_key()
    response = Client(headers={"Authorization": header}).get(STORIES)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(message)


def test_anonymous_callers_are_limited_per_address(api_client, settings):
    settings.API_ANONYMOUS_PER_MINUTE = 3
    statuses = [api_client.get(STORIES).status_code for _ in range(4)]
    # The last two are answered from the cache, and still counted.
    assert statuses == [200, 200, 200, 429]
    refused = api_client.get(STORIES)
    assert refused["Cache-Control"] == "no-store"
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Too many requests")
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="192.0.2.7").get(STORIES).status_code == 200


def test_a_key_has_its_own_limit(api_client, settings):
    settings.API_ANONYMOUS_PER_MINUTE = 1
    _, key = make_key(requests_per_minute=2)
    partner = Client(headers={"Authorization": f"Bearer {key}"})
    assert [partner.get(STORIES).status_code for _ in range(3)] == [200, 200, 429]
    # The same address without the key is counted apart.
    assert api_client.get(STORIES).status_code == 200


def test_the_limit_is_a_minute(api_client, settings, frozen_now, time_machine):
    settings.API_ANONYMOUS_PER_MINUTE = 1
    assert api_client.get(STORIES).status_code == 200
    assert api_client.get(STORIES).status_code == 429
    time_machine.shift(61)
    assert api_client.get(STORIES).status_code == 200


def test_corrections_change_the_story_answer(api_client, story):
    published = story("published")
    before = api_client.get(story_url(published))
    CorrectionFactory(article=published, text="The plant is in Oxford.")
    after = api_client.get(story_url(published))
    assert after["ETag"] != before["ETag"]
    assert "Oxford" in after.content.decode()
