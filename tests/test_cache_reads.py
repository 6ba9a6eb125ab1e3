"""newsroom.caches.KeyReader: FailSoftRedisCache.get_many reads through a
connection of its own (the page cache's hit path). It must read what
Django's own Redis cache reads, through a password and a database number,
in a forked process, and across a Redis restart."""

import os
import signal

import pytest
from django.core.cache.backends.redis import RedisCache

from demo.servers import PrivateRedis
from newsroom.caches import FailSoftRedisCache, KeyReader

VALUES = {
    "number": 42,
    "text": "Great Wall talks",
    "page": (3, 1765.5, 200, (("Content-Type", "text/html"),), b"<p>" * 5000),
    "nothing": None,
}


@pytest.fixture
def redis():
    if reason := PrivateRedis.unavailable():
        pytest.skip(reason)
    with PrivateRedis(password="s3cret") as server:
        yield server


@pytest.fixture
def caches():
    """Ours and Django's cache at a location; closed after the test."""
    made = []

    def make(location):
        params = {
            "KEY_PREFIX": "newsroom",
            "VERSION": 2,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        pair = FailSoftRedisCache(location, dict(params)), RedisCache(location, params)
        made.append(pair)
        return pair

    yield make
    for ours, djangos in made:
        if ours._reader is not None:
            ours._reader.close()
        djangos._cache.get_client().connection_pool.disconnect()
        ours._cache.get_client().connection_pool.disconnect()


def test_it_reads_what_djangos_redis_cache_reads(redis, caches):
    # Database 3, behind a password: the reader authenticates and selects.
    location = redis.url.replace("/0", "/3")
    ours, djangos = caches(location)
    assert ours._reader is not None
    djangos.set_many(VALUES)

    keys = [*VALUES, "missing"]
    assert ours.get_many(keys) == djangos.get_many(keys)
    assert ours.get_many(keys) == VALUES  # None stored is None read
    assert ours.get_many(["number"], version=1) == {}  # another version's key


def test_a_forked_process_opens_its_own_connection(redis, caches, monkeypatch):
    ours, djangos = caches(redis.url)
    djangos.set("number", 1)
    assert ours.get_many(["number"]) == {"number": 1}
    parents = ours._reader._socket

    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a child after fork()
    assert ours.get_many(["number"]) == {"number": 1}
    assert ours._reader._socket is not parents


def test_a_restarted_redis_is_read_again_at_once(redis, caches):
    ours, djangos = caches(redis.url)
    djangos.set("number", 1)
    assert ours.get_many(["number"]) == {"number": 1}

    redis.stop()
    redis.start()  # empty, on the same port: the kept connection is gone
    djangos.set("number", 2)

    assert ours.get_many(["number"]) == {"number": 2}
    assert not ours.is_skipping


def test_redis_down_is_a_miss_and_a_pause(redis, caches, caplog):
    ours, _ = caches(redis.url)
    redis.stop()
    assert ours.get_many(["number"]) == {}
    assert ours.is_skipping
    assert any("Cache unavailable" in record.getMessage() for record in caplog.records)


def test_a_wrong_password_is_a_miss_not_an_error(redis, caches):
    ours, _ = caches(redis.url.replace("s3cret", "wrong"))
    assert ours.get_many(["number"]) == {}
    assert ours.is_skipping


@pytest.mark.parametrize(
    "location",
    ["rediss://127.0.0.1:6380/0", "unix:///run/redis.sock?db=1"],
)
def test_what_it_does_not_speak_is_left_to_redis_py(location):
    assert KeyReader.for_location(location, {}) is None
    assert FailSoftRedisCache(location, {})._reader is None  # nothing opened yet


def test_a_redis_that_stops_answering_costs_one_timeout(redis, caches, monkeypatch):
    ours, djangos = caches(redis.url)
    djangos.set("number", 1)
    assert ours.get_many(["number"]) == {"number": 1}
    connects = []
    connect = ours._reader._connect

    def counted():
        connects.append(1)
        connect()

    monkeypatch.setattr(ours._reader, "_connect", counted)
    redis.process.send_signal(signal.SIGSTOP)  # alive, but answering nothing
    try:
        assert ours.get_many(["number"]) == {}
    finally:
        redis.process.send_signal(signal.SIGCONT)
    assert connects == []  # the kept connection timed out; no second try
    assert ours.is_skipping
