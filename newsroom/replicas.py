"""Readers' pages read from a PostgreSQL replica, when DATABASE_REPLICA_URL
names one; everything else reads from the primary.

A replica is a moment behind the primary, which a reader never notices and
an editor who has just published always would. So ReplicaReadsMiddleware
decides, per request, whether the replica may answer, and ReplicaRouter
obeys. The replica answers only a reader's request:

- a GET or HEAD, outside the admin and previews;
- from a browser without a session (signed-in staff see their work fresh,
  and sessions and accounts must come from where they were written);
- not pinned: a request that writes pins its browser to the primary for
  REPLICA_PIN_SECONDS (a cookie), so whoever just saved reads it back;
- not in the few seconds after a change readers would see (the page cache
  marks them): a page cached then must not be built from a replica that has
  not caught up, or it would be served stale for PAGE_CACHE_SECONDS.

Within a request, once it has written or while a transaction is open on the
primary, reads stay on the primary. Writes always go to the primary, and
migrations run only there; commands and the shell never use the replica.
"""

import contextvars
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
ROUTER = "newsroom.replicas.ReplicaRouter"
PIN_COOKIE = "newsroom_primary"
RECENT_CHANGE_KEY = "newsroom:changed-recently"
PRIMARY_PREFIXES = ("/admin/", "/preview/")
WRITE_STATEMENTS = {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}
# Writes that change nothing anyone reads back: a signed-in user's session
# is saved on every request.
UNPINNING_TABLES = ('"django_session"',)


def pin_seconds() -> int:
    return getattr(settings, "REPLICA_PIN_SECONDS", 5)


def replicas_in_use() -> bool:
    return ROUTER in settings.DATABASE_ROUTERS and REPLICA in settings.DATABASES


@dataclass
class RequestReads:
    """What the request in progress may read from, and whether it wrote."""

    replica: bool
    # Transactions already open on the primary when the request began (none
    # in production; a test's own).
    transactions: int = 0
    wrote: bool = False


_request: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "replica_reads", default=None
)


def note_change() -> None:
    """Readers' pages just changed: for the next REPLICA_PIN_SECONDS every
    request reads from the primary. Called by the page cache's purge."""
    if replicas_in_use():
        try:
            cache.set(RECENT_CHANGE_KEY, True, timeout=pin_seconds())
        except Exception:
            logger.warning("Cache unavailable: could not pin reads to the primary")


def changed_recently() -> bool:
    try:
        return bool(cache.get(RECENT_CHANGE_KEY))
    except Exception:
        return True  # no way to know: the primary is never wrong


def reader_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIMARY_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
        and not changed_recently()
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _request.get()
        if (
            reads is not None
            and reads.replica
            and not reads.wrote
            and len(connections[DEFAULT_DB_ALIAS].atomic_blocks) <= reads.transactions
        ):
            return REPLICA
        # Said outright: left to Django, an object read from the replica
        # would lead its related objects' reads back there.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def is_write(sql) -> bool:
    if not isinstance(sql, str):
        return True  # composed SQL (psycopg.sql): assume the worst
    words = sql.split(None, 1)
    return (
        bool(words)
        and words[0].upper() in WRITE_STATEMENTS
        and not any(table in sql for table in UNPINNING_TABLES)
    )


class ReplicaReadsMiddleware:
    """Before anything that reads the database; only with a replica."""

    def __init__(self, get_response):
        if not replicas_in_use():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        reads = RequestReads(
            replica=reader_request(request),
            transactions=len(connections[DEFAULT_DB_ALIAS].atomic_blocks),
        )
        token = _request.set(reads)

        # What the request really writes, whichever way (the ORM, raw SQL),
        # and not what it only might: get_or_create() that finds its row
        # asks the router where to write, and writes nothing.
        def note_writes(execute, sql, params, many, context):
            if not reads.wrote and is_write(sql):
                reads.wrote = True
            return execute(sql, params, many, context)

        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(note_writes):
                response = self.get_response(request)
        finally:
            _request.reset(token)
        if reads.wrote or request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
