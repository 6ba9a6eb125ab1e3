"""The kept connection's health check (newsroom/postgresql/base.py): no
round trip when the connection is as it was left; a dead one is found and
replaced; a live one with a message waiting is kept."""

import select

import psycopg
import pytest
from django.db import connection

# Outside a test transaction, as between two requests: a connection inside
# one is asked the old way (the last test).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrations_rows_put_back"),
]

# Long enough for PostgreSQL to act on a signal on a loaded machine; the
# tests wait for the socket, not for the clock.
WAIT_SECONDS = 10


def other_connection():
    settings = connection.get_connection_params()
    return psycopg.connect(**settings, autocommit=True)


def wait_until_readable(raw) -> None:
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    assert poller.poll(WAIT_SECONDS * 1000), "the server never wrote to the socket"


def fail_on_query(*args, **kwargs):
    raise AssertionError("the health check sent a query")


def test_an_idle_connection_is_checked_without_a_round_trip(monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "cursor", fail_on_query)
    monkeypatch.setattr(connection.connection, "execute", fail_on_query)

    assert connection.is_usable()


def test_a_terminated_connection_is_unusable_and_replaced():
    connection.ensure_connection()
    dead = connection.connection
    pid = dead.info.backend_pid
    with other_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_until_readable(dead)

    assert not connection.is_usable()

    # As at the start of a request: the dead connection is dropped and the
    # next query connects afresh.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    assert connection.connection is not dead


def test_a_live_connection_with_a_message_waiting_is_kept():
    connection.ensure_connection()
    live = connection.connection
    live.execute("LISTEN newsroom_health_check")
    with other_connection() as other:
        other.execute("NOTIFY newsroom_health_check")
    wait_until_readable(live)

    # The socket has something to read: the check asks the server, which
    # answers, and the connection is kept.
    assert connection.is_usable()
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is live
    live.execute("UNLISTEN *")


def test_a_connection_inside_a_transaction_is_asked(monkeypatch):
    connection.ensure_connection()
    connection.connection.execute("BEGIN")
    asked = []
    real_cursor = connection.connection.cursor

    def cursor(*args, **kwargs):
        asked.append(True)
        return real_cursor(*args, **kwargs)

    monkeypatch.setattr(connection.connection, "cursor", cursor)
    try:
        assert connection.is_usable()
    finally:
        monkeypatch.undo()
        connection.connection.execute("ROLLBACK")
    assert asked
