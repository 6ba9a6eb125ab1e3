"""The site's cache backends.

FailSoftRedisCache: Django's Redis cache, made to fail soft: the site's
cache (settings with REDIS_URL) goes through this backend.

Django's own RedisCache raises when Redis does not answer, and every cache
user would need its own try/except to keep serving. Here Redis being down is
a cache miss instead: reads return their default, writes are dropped, and one
warning is logged. After a failure this process leaves Redis alone for
RETRY_AFTER seconds (an OPTIONS key, default 5): an outage then costs each
request nothing, rather than a connection attempt (and, on a host that has
gone away, a connect timeout) for every cache call. Counters are the one
exception: ``incr`` and ``decr`` cannot make up a number, so they raise.

FailSoftRedisCache.get_many reads through a connection of its own, MGET and
nothing else (KeyReader): a reader's cached page is the page and the page
generation's copy read with get_many, on every hit. Through redis-py (its
connection pool, command packing and reply handling) that read cost about
150 µs, against 75 µs for the same round trip on a plain socket, and a
hit's whole cost in the worker was about 240 µs.

SharedDiskCache: the cache every worker of one machine shares when there
is no Redis.
"""

import logging
import os
import pickle
import socket
import time

import hiredis
from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

# KEYS: a fence holding the copy's number as an integer (for the
# comparison), the copy itself; ARGV: the number, the copy as Django's
# serializer writes it, milliseconds to live. Numbers stay below 2**53,
# which Lua's numbers hold exactly.
PUBLISH_GENERATION = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current > tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""

# Per process, shared by its threads (Django makes one backend per thread):
# location -> monotonic time before which Redis is not tried again.
_skip_until: dict[str, float] = {}


def _command(*words) -> bytes:
    """A Redis command as the protocol (RESP) writes it."""
    parts = [b"*%d\r\n" % len(words)]
    for word in words:
        data = word if isinstance(word, bytes) else str(word).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class KeyReader:
    """One connection to one Redis server, for MGET and nothing else: the
    socket, the command written out, hiredis to read the reply. A process
    made by fork() opens its own. Any failure closes the connection and is
    raised as OSError; the next read opens a new one."""

    def __init__(self, host, port, db=0, username=None, password=None, **timeouts):
        self._socket = None
        self.address = (host, port)
        self.setup = []
        if password:
            self.setup.append(_command("AUTH", *filter(None, [username, password])))
        if db:
            self.setup.append(_command("SELECT", db))
        self.connect_timeout = timeouts.get("socket_connect_timeout")
        self.timeout = timeouts.get("socket_timeout")
        self._pid = None

    @classmethod
    def for_location(cls, location: str, options: dict):
        """A reader for a ``redis://`` location, or None for what it does not
        speak (TLS, a Unix socket), which redis-py reads instead."""
        kwargs = parse_url(location)
        if "connection_class" in kwargs or "path" in kwargs:
            return None
        kwargs.setdefault("port", 6379)
        return cls(**kwargs, **options)

    def mget(self, keys: list[str]) -> list:
        """The values at ``keys``, None where there is none. A connection
        kept from earlier reads that has gone (Redis restarted, or closed it
        as idle) is replaced once, as redis-py's pool does; one that timed
        out is not tried again, so a hung Redis costs one timeout, not two."""
        reused = self._socket is not None and self._pid == os.getpid()
        try:
            return self._mget(keys)
        except OSError as error:
            if not reused or isinstance(error.__cause__, TimeoutError):
                raise
        return self._mget(keys)

    def _mget(self, keys):
        try:
            if self._socket is None or self._pid != os.getpid():
                self._connect()
            self._socket.sendall(_command("MGET", *keys))
            values = self._reply()
        except (OSError, hiredis.ProtocolError) as error:
            self.close()
            raise OSError(f"Redis at {self.address}: {error}") from error
        if not isinstance(values, list) or len(values) != len(keys):
            self.close()
            raise OSError(f"Redis at {self.address} answered MGET with {values!r}")
        return values

    def close(self):
        # A socket inherited through fork() is the parent's connection too:
        # only this process's descriptor is closed.
        if self._socket is not None:
            self._socket.close()
        self._socket = None

    def __del__(self):
        # A cache dropped (settings changed, a test's own backend) closes its
        # connection; Django's per-request close() leaves it open on purpose.
        self.close()

    def _connect(self):
        self.close()
        sock = socket.create_connection(self.address, timeout=self.connect_timeout)
        sock.settimeout(self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket, self._pid, self._reader = sock, os.getpid(), hiredis.Reader()
        if self.setup:
            sock.sendall(b"".join(self.setup))
            for _ in self.setup:
                self._reply()

    def _reply(self):
        while (reply := self._reader.gets()) is False:
            data = self._socket.recv(65536)
            if not data:
                raise ConnectionResetError("Redis closed the connection")
            self._reader.feed(data)
        if isinstance(reply, hiredis.ReplyError):
            raise ConnectionError(str(reply))
        return reply


# The first byte of a pickle of protocol 2 or later (Django's Redis cache
# uses the highest).
PICKLED = b"\x80"


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = ",".join(self._servers)
        # Several servers (a primary and replicas): redis-py chooses.
        self._reader = (
            KeyReader.for_location(self._servers[0], options)
            if len(self._servers) == 1
            else None
        )

    @property
    def is_skipping(self) -> bool:
        """Whether a recent failure makes this process skip Redis for now."""
        return time.monotonic() < _skip_until.get(self._location, 0.0)

    def _soft(self, operation: str, fallback, call, *args, **kwargs):
        if self.is_skipping:
            return fallback
        try:
            return call(*args, **kwargs)
        except UNAVAILABLE as error:
            self._failed(operation, error)
            return fallback

    def _failed(self, operation: str, error):
        _skip_until[self._location] = time.monotonic() + self.retry_after
        logger.warning(
            "Cache unavailable (%s): serving uncached; %s skipped, next try in %g s",
            error,
            operation,
            self.retry_after,
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        if self._reader is None:
            return self._soft("get_many", {}, super().get_many, keys, version)
        if self.is_skipping:
            return {}
        # Keys as Django's Redis cache makes them, without its check for
        # what memcached refuses (long keys, spaces): Redis takes any key,
        # and the check read every character of both keys of every hit.
        made = {self.make_key(key, version=version): key for key in keys}
        try:
            values = self._reader.mget(list(made))
        except OSError as error:
            self._failed("get_many", error)
            return {}
        loads = self._cache._serializer.loads
        return {
            # Django's serializer stores integers as digits and pickles the
            # rest; it tries int() first, which fails on every pickle (a
            # page: tens of kilobytes) before unpickling it.
            made[key]: pickle.loads(value) if value[:1] == PICKLED else loads(value)
            for key, value in zip(made, values, strict=True)
            if value is not None
        }

    def has_key(self, key, version=None):
        return self._soft("has_key", False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be set: all of them.
        return self._soft(
            "set_many", list(data), super().set_many, data, timeout, version
        )

    def delete_many(self, keys, version=None):
        self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._soft("clear", False, super().clear)

    def publish_generation(self, key, copy, timeout):
        """Set the page generation's copy (newsroom.caching), a tuple whose
        first item is its number, unless Redis holds a higher number: one
        script, so no other write comes between the comparison and the set."""
        fence, key = (self.make_and_validate_key(k) for k in (f"{key}:fence", key))
        client = self._cache.get_client(key, write=True)
        self._soft(
            "publish_generation",
            None,
            client.eval,
            PUBLISH_GENERATION,
            2,
            fence,
            key,
            copy[0],
            self._cache._serializer.dumps(copy),
            max(1, int(timeout * 1000)),
        )

    def incr(self, key, delta=1, version=None):
        if self.is_skipping:
            raise RedisConnectionError("Redis is being skipped after a failure")
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            _skip_until[self._location] = time.monotonic() + self.retry_after
            raise


class SharedDiskCache(DjangoCache):
    """diskcache's Django backend, kept open between requests.

    Django closes every cache when a request finishes; for diskcache that
    closes its SQLite connections, and the next request opens them again
    with their pragmas: ten statements and half a millisecond on every page
    served from the cache. The connections are the process's own (diskcache
    opens new ones after a fork), so keeping them open is safe.
    """

    def close(self, **kwargs):
        pass

    def publish_generation(self, key, copy, timeout):
        """Set the page generation's copy (newsroom.caching), a tuple whose
        first item is its number, unless the cache holds a higher number: in
        one transaction of the cache's SQLite files, which every worker of
        the machine shares."""
        with self._cache.transact():
            current = self.get(key)
            if current is not None and current[0] > copy[0]:
                return False
            self.set(key, copy, timeout)
            return True
