"""The page door (newsroom.page_door): a reader's cached page answered before
Django's handler, the same page with the same headers the whole stack gives,
and everything else left to Django."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from articles.workflow import Action, perform
from newsroom.page_door import PageDoor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Headers whose values differ from one answer to the next.
VARYING = {"Age", "X-Request-ID", "Date"}


@pytest.fixture
def stack():
    return WSGIHandler()


@pytest.fixture
def door(stack):
    return PageDoor(stack)


@pytest.fixture
def handled():
    """How many requests reached Django's handler."""
    started = []

    def count(**kwargs):
        started.append(kwargs)

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


def call(app, path, method="get", **headers):
    """(status, headers, body) as a WSGI server would get them."""
    environ = getattr(RequestFactory(), method)(path, headers=headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    # As Django's test client does: the test's transaction holds the
    # connection, which the handler would otherwise close around a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


@pytest.fixture
def story():
    return ArticleFactory(published=True, headline="Neue Klasse leaves Debrecen")


def test_a_hit_is_the_page_and_headers_the_whole_stack_gives(door, stack, story):
    url = story.get_absolute_url()
    assert call(stack, url)[1]["X-Cache"] == "MISS"

    status, through_stack, body = call(stack, url)
    door_status, at_door, door_body = call(door, url)

    assert through_stack["X-Cache"] == at_door["X-Cache"] == "HIT"
    assert door_status == status == "200 OK"
    assert door_body == body
    assert b"Neue Klasse leaves Debrecen" in door_body
    assert {k: v for k, v in at_door.items() if k not in VARYING} == {
        k: v for k, v in through_stack.items() if k not in VARYING
    }
    # The security headers readers got before the door, on every hit.
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert at_door[name], name
    assert set(at_door) >= VARYING - {"Date"}


def test_a_hit_never_reaches_django_and_a_miss_reads_the_cache_once(
    door, story, handled, monkeypatch
):
    url = story.get_absolute_url()
    assert call(door, url)[1]["X-Cache"] == "MISS"
    assert len(handled) == 1

    assert call(door, url)[1]["X-Cache"] == "HIT"
    assert len(handled) == 1

    # A miss goes to Django with what the door read: no second lookup.
    from django.core.cache import cache

    cache.clear()
    reads = []
    real_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        reads.append(tuple(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    assert call(door, url)[1]["X-Cache"] == "MISS"
    assert len([keys for keys in reads if any(":page:" in k for k in keys)]) == 1


def test_a_withdrawn_story_is_gone_at_the_door_on_the_next_request(door, story, editor):
    url = story.get_absolute_url()
    call(door, url)
    assert call(door, "/")[1]["X-Cache"] == "MISS"
    assert call(door, url)[1]["X-Cache"] == "HIT"
    assert story.headline.encode() in call(door, "/")[2]

    perform(story, Action.WITHDRAW, editor, comment="Legal asked us to")

    status, headers, _ = call(door, url)
    assert status.startswith("410")
    status, headers, home = call(door, "/")
    assert headers["X-Cache"] == "MISS"
    assert story.headline.encode() not in home


def test_a_browser_with_the_page_gets_304_at_the_door(door, story, handled):
    url = story.get_absolute_url()
    call(door, url)
    _, headers, _ = call(door, url)

    status, not_modified, body = call(door, url, if_none_match=headers["ETag"])

    assert status == "304 Not Modified"
    assert body == b""
    assert not_modified["X-Cache"] == "HIT"
    assert not_modified["ETag"] == headers["ETag"]
    assert len(handled) == 1


def test_what_is_not_a_readers_cached_get_goes_to_django(door, story, handled):
    url = story.get_absolute_url()
    call(door, url)
    handled.clear()

    # Staff (a session cookie) get the page fresh; HEAD and POST, the
    # admin and search are Django's.
    assert "X-Cache" not in call(door, url, cookie="sessionid=abc")[1]
    call(door, url, method="head")
    call(door, url, method="post")
    call(door, "/search/?q=Debrecen")
    assert len(handled) == 4


def test_an_unknown_host_gets_djangos_400_not_the_cached_page(door, story):
    url = story.get_absolute_url()
    call(door, url)
    assert call(door, url)[1]["X-Cache"] == "HIT"

    status, headers, _ = call(door, url, host="evil.example")

    assert status.startswith("400")
    assert "X-Cache" not in headers


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_plain_http_is_redirected_by_django_before_any_cached_page(story):
    door = PageDoor(WSGIHandler())
    url = story.get_absolute_url()

    status, headers, _ = call(door, url)

    assert status.startswith("301")
    assert headers["Location"] == f"https://testserver{url}"


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=3600,
)
def test_hsts_only_on_a_secure_hit(story):
    door = PageDoor(WSGIHandler())
    url = story.get_absolute_url()
    call(door, url, x_forwarded_proto="https")

    _, secure, _ = call(door, url, x_forwarded_proto="https")
    _, plain, _ = call(door, url)

    assert secure["X-Cache"] == plain["X-Cache"] == "HIT"
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")
    assert "Strict-Transport-Security" not in plain


def test_the_door_logs_its_hits_like_the_stack(door, story, request_log):
    url = story.get_absolute_url()
    call(door, url)

    _, headers, _ = call(door, url, x_request_id="edge-1234567890")

    miss, hit = request_log()
    assert miss["cache"] == "MISS"
    assert hit == hit | {
        "message": "request",
        "method": "GET",
        "path": url,
        "status": 200,
        "cache": "HIT",
        "request_id": "edge-1234567890",
    }
    assert headers["X-Request-ID"] == "edge-1234567890"
