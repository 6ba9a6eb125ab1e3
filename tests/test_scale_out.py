"""Two app servers, one PostgreSQL, one Redis: a story published through one
server is on the other's pages at once, and both serve the same cached page.

The servers are gunicorn as in production, each on a port of its own, on
the test database (so the test commits what they read) and a private
redis-server, with the page cache on and DATABASE_REPLICA_URL naming the
same database, as an operator scaling out would configure them. Marked
``scale_out``: ``pytest -m scale_out`` runs it alone.
"""

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse

from articles.models import Article
from articles.replicas import PIN_COOKIE
from tests.factories import workflow_form_data
from tests.servers import Gunicorn, PrivateRedis, production_environment

pytestmark = [
    pytest.mark.scale_out,
    # The servers read only what the test has committed; the database is
    # emptied afterwards and the migrations' rows put back for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a long editor's password"


@pytest.fixture(scope="module", autouse=True)
def _migrations_rows_put_back(django_db_blocker):
    """After the test's database has been emptied, put back what the
    migrations made (groups, permissions…), as serialized when the test
    database was set up: a later run with --reuse-db starts from it."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(
            connection._test_serialized_contents
        )


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def servers(tmp_path):
    """Servers A and B sharing the test database and a private Redis."""
    if reason := PrivateRedis.unavailable():
        pytest.skip(reason)
    with PrivateRedis() as redis:
        env = production_environment(
            DJANGO_SETTINGS_MODULE="tests.scale_out_settings",
            DATABASE_URL=database_url(),
            DATABASE_REPLICA_URL=database_url(),
            REDIS_URL=redis.url,
            PAGE_CACHE_SECONDS="300",
            MEDIA_ROOT=str(tmp_path / "media"),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            GUNICORN_ACCESS_LOG="off",
        )
        pair = [Gunicorn(env, workers=1), Gunicorn(env, workers=1)]
        try:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(Gunicorn.start, pair))
            yield pair
        finally:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(shut_down, pair))


def shut_down(server: Gunicorn) -> None:
    server.stop()
    server.log_path.unlink(missing_ok=True)


class Browser:
    """An editor's browser: keeps cookies, does not follow redirects."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, server: Gunicorn):
        self.root = f"http://127.0.0.1:{server.port}"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirects
        )

    def request(self, path: str, data: dict | None = None):
        body = None if data is None else urllib.parse.urlencode(data, doseq=True)
        try:
            with self.opener.open(
                self.root + path, body and body.encode(), timeout=30
            ) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:  # 3xx, 4xx and 5xx alike
            return answer.code, answer.headers, answer.read().decode()

    def form_token(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, (path, status, page[:500])
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def sign_in(self, username: str, password: str) -> None:
        login = reverse("admin:login")
        status, headers, _ = self.request(
            login,
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.form_token(login),
                "next": "/admin/",
            },
        )
        assert (status, headers["Location"]) == (302, "/admin/")


def home(server: Gunicorn):
    status, headers, body = server.get("/")
    assert status == 200
    return headers["X-Cache"], body.decode()


def test_a_story_published_through_one_server_is_on_the_other_at_once(
    servers, story, editor
):
    a, b = servers
    story("published", headline="Great Wall talks are going well")
    draft = story("in_review", headline="BMW confirms electric MINIs from China")
    hasher = Argon2PasswordHasher()
    editor.password = hasher.encode(PASSWORD, hasher.salt())
    editor.save()

    # One cache: the page A stored is the page B serves.
    assert home(a)[0] == "MISS"
    assert home(a)[0] == "HIT"
    cache_state, before = home(b)
    assert cache_state == "HIT"
    assert "Great Wall talks are going well" in before
    assert draft.headline not in before

    desk = Browser(a)
    desk.sign_in(editor.username, PASSWORD)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    status, _, page = desk.request(
        change,
        {
            **workflow_form_data(draft, "publish"),
            "csrfmiddlewaretoken": desk.form_token(change),
        },
    )
    assert status == 302, page[:2000]
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
