"""Two app servers, one PostgreSQL, one Redis: a story published through one
server is on the other's pages at once, and both serve the same cached page.

The servers are gunicorn as in production, each on a port of its own, on
the test database (so the test commits what they read) and a private
redis-server, with the page cache on and DATABASE_REPLICA_URL naming the
same database, as an operator scaling out would configure them. Marked
``scale_out``: ``pytest -m scale_out`` runs it alone.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from articles.models import Article
from demo.servers import (
    Browser,
    Gunicorn,
    PrivateRedis,
    app_server_environment,
    database_url,
    shut_down,
)
from newsroom.replicas import PIN_COOKIE

pytestmark = [
    pytest.mark.scale_out,
    # The servers read only what the test has committed; the database is
    # emptied afterwards and the migrations' rows put back for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]


@pytest.fixture
def servers(tmp_path):
    """Servers A and B sharing the test database and a private Redis."""
    if reason := PrivateRedis.unavailable():
        pytest.skip(reason)
    with PrivateRedis() as redis:
        env = app_server_environment(
            tmp_path,
            DATABASE_REPLICA_URL=database_url(),
            REDIS_URL=redis.url,
            PAGE_CACHE_SECONDS="300",
        )
        pair = [Gunicorn(env, workers=1), Gunicorn(env, workers=1)]
        try:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(Gunicorn.start, pair))
            yield pair
        finally:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(shut_down, pair))


def home(server: Gunicorn):
    status, headers, body = server.get("/")
    assert status == 200
    return headers["X-Cache"], body.decode()


def test_a_story_published_through_one_server_is_on_the_other_at_once(
    servers, story, server_editor
):
    a, b = servers
    story("published", headline="Great Wall talks are going well")
    draft = story("in_review", headline="BMW confirms electric MINIs from China")

    # One cache: the page A stored is the page B serves.
    assert home(a)[0] == "MISS"
    assert home(a)[0] == "HIT"
    cache_state, before = home(b)
    assert cache_state == "HIT"
    assert "Great Wall talks are going well" in before
    assert draft.headline not in before

    desk = Browser(a)
    desk.sign_in(server_editor.username)
    desk.press(draft, "publish")
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    # The editor's browser reads what it wrote from the primary for a while.
    assert PIN_COOKIE in {cookie.name for cookie in desk.cookies}

    # Server B's very next page has it: the publish on A made every cached
    # page stale for both, through the generation number in the shared Redis.
    cache_state, after_b = home(b)
    assert cache_state == "MISS"
    assert draft.headline in after_b
    cache_state, after_a = home(a)
    assert (cache_state, after_a) == ("HIT", after_b)
    status, _, story_page = b.get(draft.get_absolute_url())
    assert status == 200 and draft.headline in story_page.decode()
