"""The API's page for people (/api/), its OpenAPI description, its root,
and the admin lists of keys, endpoints and deliveries."""

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from api.models import ApiKey, WebhookDelivery, WebhookEndpoint
from tests.budgets import assert_budget

pytestmark = pytest.mark.django_db


def test_the_api_page_shows_curl_examples_that_work(api_client, story):
    published = story("published")
    page = api_client.get("/api/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"curl {settings.SITE_URL}/api/v1/stories/" in html
    assert f"/api/v1/stories/{published.slug}/" in html
    assert "?entity=bmw-group" in html
    assert 'href="/static/css/api.css"' in html
    assert page["Cache-Control"]
    # The examples' addresses answer.
    assert (
        api_client.get(reverse("api:story", args=[published.slug])).status_code == 200
    )


def test_the_openapi_description(api_client):
    response = api_client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert response["Cache-Control"]
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/stories/",
        "/api/v1/stories/{slug}/",
        "/api/v1/changes/",
        "/api/v1/companies/{slug}/",
        "/api/v1/people/",
        "/api/v1/brands/",
        "/api/v1/sections/",
        "/api/v1/tags/",
        "/api/v1/authors/",
    ):
        assert set(paths[path]) == {"get"}, path
    parameters = {p["name"] for p in paths["/api/v1/stories/"]["get"]["parameters"]}
    assert {
        "section",
        "tag",
        "author",
        "entity",
        "updated_since",
        "cursor",
    } <= parameters
    assert "410" in paths["/api/v1/stories/{slug}/"]["get"]["responses"]
    assert schema["components"]["securitySchemes"]["partnerKey"]["scheme"] == "bearer"
    as_json = api_client.get(reverse("api:schema"), {"format": "json"})
    assert as_json.json()["paths"].keys() == paths.keys()


def test_the_root_lists_the_endpoints(api_client):
    root = api_client.get(reverse("api:root")).json()
    assert root["stories"] == f"{settings.SITE_URL}/api/v1/stories/"
    assert set(root) >= {"companies", "people", "brands", "sections", "tags", "authors"}


def test_the_api_is_read_only(api_client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api_client, method)(reverse("api:stories"))
        assert response.status_code == 405, method


@pytest.mark.parametrize(
    "admin_url, budget",
    [
        ("admin:api_webhookdelivery_changelist", 8),
        ("admin:api_apikey_changelist", 5),
        ("admin:api_webhookendpoint_changelist", 5),
    ],
)
def test_admin_lists_keep_their_budget(client, superuser, story, admin_url, budget):
    client.force_login(superuser)
    endpoint = WebhookEndpoint.objects.create(name="Partner", url="http://127.0.0.1:9/")

    def grow():
        for _ in range(5):
            article = story("published")
            WebhookDelivery.objects.create(
                endpoint=endpoint, event="story.published", article=article, payload={}
            )
            key = ApiKey(name="Partner")
            key.issue()
            key.save()
            WebhookEndpoint.objects.create(name="Another", url="http://127.0.0.1:9/")

    grow()
    assert_budget(client, reverse(admin_url), grow, budget)
