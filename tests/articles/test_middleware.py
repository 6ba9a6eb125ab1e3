"""The JSON request log, and the 503 page readers get while the database is
down (tests/test_faults.py does the same against a real PostgreSQL)."""

import uuid

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory

from articles import views
from newsroom import views as site_views
from newsroom.middleware import RETRY_AFTER_SECONDS
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_each_request_is_one_json_line_with_its_request_id(client, request_log):
    ArticleFactory(published=True)

    response = client.get("/?page=1")
    missing = client.post("/no-such-page/")

    first, second = request_log()
    assert first["message"] == "request"
    assert first["name"] == "newsroom.requests"
    assert first["level"] == "INFO"
    assert first["method"] == "GET"
    assert first["path"] == "/"  # the path only: queries may hold search words
    assert first["status"] == 200
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] > 0
    assert first["request_id"] == response["X-Request-ID"]
    assert uuid.UUID(first["request_id"])
    assert "time" in first
    assert (second["method"], second["path"], second["status"]) == (
        "POST",
        "/no-such-page/",
        404,
    )
    assert second["request_id"] == missing["X-Request-ID"] != first["request_id"]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-7f3a9c2e-0001", True),
        ("short", False),
        ('abc"}\n{"forged": 1', False),
        ("x" * 200, False),
    ],
)
def test_a_proxy_request_id_is_kept_when_it_looks_like_one(
    client, request_log, incoming, kept
):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    (line,) = request_log()
    assert line["request_id"] == response["X-Request-ID"]
    assert (response["X-Request-ID"] == incoming) is kept


# The database down


def database_down(monkeypatch, error=OperationalError):
    def refuse(*args, **kwargs):
        raise error("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(connection, "cursor", refuse)


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert 'class="masthead"' in page  # the site's own look
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "path", ["/", "/search/?q=bmw", "/feeds/latest/", "/companies/bmw-group/"]
)
def test_pages_answer_a_friendly_503_while_the_database_is_down(
    monkeypatch, caplog, path, error
):
    client = Client(raise_request_exception=False)
    database_down(monkeypatch, error)

    response = client.get(path)

    assert_friendly_503(response)
    assert any("Database unavailable: 503 for GET" in m for m in caplog.messages)


def test_the_503_is_never_kept_by_the_page_cache(monkeypatch):
    ArticleFactory(published=True, headline="Still here after the outage")
    client = Client(raise_request_exception=False)
    database_down(monkeypatch)
    assert client.get("/").status_code == 503

    monkeypatch.undo()
    back = client.get("/")
    assert back.status_code == 200
    assert "Still here after the outage" in back.content.decode()


def test_an_outage_met_outside_a_view_is_a_503_too():
    """A middleware that loads a session meets the outage before any view:
    Django hands that to handler500, which answers 503 for it."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = site_views.server_error(request)
    assert_friendly_503(response)


def test_a_bug_is_still_a_500(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(views.HomeView, "get", broken)
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
