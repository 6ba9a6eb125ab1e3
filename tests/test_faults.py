"""Faults, for real: a PostgreSQL and a Redis of the test's own are stopped
under a running site, which keeps answering and recovers by itself.

Marked ``faults`` (run them alone with ``pytest -m faults``; leave them out
with ``-m "not faults"``). They need PostgreSQL's server binaries (PG_BIN,
/usr/lib/postgresql/15/bin by default) and redis-server, and skip, saying
why, without them.
"""

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from demo.servers import (
    Gunicorn,
    PrivateRedis,
    ThrowawayPostgres,
    free_port,
    manage,
    production_environment,
)
from newsroom import caches as redis_cache
from tests.factories import ArticleFactory

pytestmark = pytest.mark.faults

# Pages of every kind, and /healthz. None needs a story to exist: the
# throwaway database holds only what the migrations make.
PAGES = ["/", "/search/?q=great+wall", "/feeds/latest/", "/sitemap.xml"]


@pytest.fixture(scope="module")
def postgres():
    if reason := ThrowawayPostgres.unavailable():
        pytest.skip(f"cannot make a throwaway PostgreSQL: {reason}")
    with ThrowawayPostgres() as cluster:
        yield cluster


@pytest.fixture
def site(postgres, tmp_path):
    """gunicorn as in production (two workers, persistent connections with
    health checks, page cache off so every request reaches the database) on
    the throwaway cluster."""
    env = production_environment(
        DATABASE_URL=postgres.create_database("newsroom_faults"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PAGE_CACHE_SECONDS="0",
        CONN_MAX_AGE="60",
        # As an operator who wants gunicorn's line beside the app's.
        GUNICORN_ACCESS_LOG="-",
    )
    with ThreadPoolExecutor(1) as pool:
        # The migrations run while the static files are collected and
        # gunicorn boots: a worker needs no database to start.
        migrated = pool.submit(manage, "migrate", "--no-input", env=env)
        manage("collectstatic", "--no-input", env=env)
        with Gunicorn(env, workers=2) as server:
            migrated.result()
            yield server


def request_log_lines(log: str) -> list[dict]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("name") == "newsroom.requests"]


def test_postgres_stopping_gives_503s_and_the_site_recovers_by_itself(postgres, site):
    for path in [*PAGES, "/healthz"]:
        assert site.get(path)[0] == 200, path
    workers = site.worker_pids()

    postgres.stop()  # fast shutdown: every open connection is cut
    for path in PAGES * 3:  # each worker meets the outage, more than once
        status, headers, body = site.get(path)
        page = body.decode()
        assert status == 503, (path, page[:500])
        assert headers["Retry-After"] == "10"
        assert headers["Cache-Control"] == "no-store"
        assert "Back in a moment" in page
        assert 'class="masthead"' in page
        assert "Traceback" not in page and "OperationalError" not in page
    # A signed-in editor's request loads its session before any view.
    status, _, body = site.get("/admin/", headers={"Cookie": "sessionid=" + "k" * 32})
    assert status == 503 and b"Back in a moment" in body
    status, _, body = site.get("/healthz")
    assert (status, body) == (503, b"database unavailable\n")
    # No worker crashed or was replaced: the outage is answered, not fatal.
    assert site.worker_pids() == workers

    postgres.start()
    # Back at once: the first request each worker gets drops its dead
    # connection (CONN_HEALTH_CHECKS) and connects again.
    for path in [*PAGES, "/healthz"] * 3:
        status, _, body = site.get(path)
        assert status == 200, (path, body[:500])
    assert site.worker_pids() == workers

    log = site.log
    assert "Worker exiting" not in log and "WORKER TIMEOUT" not in log
    lines = request_log_lines(log)
    outage = [line for line in lines if line["status"] == 503]
    assert len(outage) == len(PAGES) * 3 + 2
    assert {"method", "path", "status", "duration_ms", "request_id"} <= set(outage[0])
    # gunicorn's access log carries the same request id.
    access_log = [line for line in log.splitlines() if not line.startswith("{")]
    assert any(
        outage[0]["request_id"] in line and '" 503 ' in line for line in access_log
    )


@pytest.fixture
def redis():
    if reason := PrivateRedis.unavailable():
        pytest.skip(reason)
    with PrivateRedis() as server:
        yield server


def fail_soft_cache(location, retry_after=0):
    return {
        "default": {
            "BACKEND": "newsroom.caches.FailSoftRedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": retry_after,
            },
        }
    }


@pytest.mark.django_db
def test_redis_stopping_leaves_the_site_serving_uncached_and_logged(
    client, settings, redis, caplog
):
    settings.CACHES = fail_soft_cache(redis.url)
    story = ArticleFactory(published=True, headline="Great Wall talks go on")
    caplog.set_level(logging.WARNING)

    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"

    redis.stop()
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert response["X-Cache"] == "MISS"  # never served from the dead cache
        assert "Great Wall talks go on" in response.content.decode()
    assert any(
        record.name == "newsroom.caches" and "Cache unavailable" in record.getMessage()
        for record in caplog.records
    )
    # Saving works too, and readers see the change at once.
    story.headline = "Saved while Redis was down"
    story.save()
    assert "Saved while Redis was down" in client.get("/").content.decode()

    redis.start()  # the same port, empty, as after a restart
    assert client.get("/")["X-Cache"] == "MISS"
    back = client.get("/")
    assert back["X-Cache"] == "HIT"
    assert "Saved while Redis was down" in back.content.decode()


def test_after_a_failure_redis_is_left_alone_for_a_while(settings, monkeypatch):
    """A Redis host that has gone away would cost a connect timeout for each
    cache call; one failure makes the process skip it for RETRY_AFTER."""
    settings.CACHES = fail_soft_cache(f"redis://127.0.0.1:{free_port()}/0", 30)
    clock = [1000.0]
    monkeypatch.setattr(redis_cache.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(redis_cache, "_skip_until", {})
    attempts = []
    real_get = redis_cache.RedisCache.get

    def counted_get(self, *args, **kwargs):
        attempts.append(args[0])
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(redis_cache.RedisCache, "get", counted_get)

    assert cache.get("a", "fallback") == "fallback"
    assert cache.get("b", "fallback") == "fallback"
    cache.set("c", 1)
    assert cache.add("d", 1) is False
    assert attempts == ["a"]  # "b", "c" and "d" never went to the network

    clock[0] += 31
    assert cache.get("e") is None
    assert attempts == ["a", "e"]
    with pytest.raises(Exception, match="skipped"):
        cache.incr("counter")  # a counter cannot be made up
