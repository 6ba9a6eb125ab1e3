"""Django's PostgreSQL backend, with a health check that asks the socket
before it asks the server.

With ``CONN_HEALTH_CHECKS`` on, Django checks a kept connection at the
start of every request by sending ``SELECT 1`` and waiting for the answer.
On a reader's page that is a whole round trip to PostgreSQL, as dear as the
page's own query, spent on every request to learn that nothing happened.

A kept connection between requests is idle: the server has nothing to say
to it. When PostgreSQL restarts, or a backend is terminated
(``pg_terminate_backend``, ``idle_session_timeout``), the server says so on
the socket before closing it, and a connection whose server died is closed
by the kernel: either way the socket becomes readable. So the check looks
first, without waiting, whether the socket has anything to read. Nothing:
the connection is as it was left, and the request goes on. Something: the
check asks the server the old way, which fails on a dead connection (Django
then connects afresh) and passes on a live one that only had a notice
waiting. This is what Go's MySQL driver does before it reuses a pooled
connection ("connCheck").

What the socket cannot tell (a database host that vanished without closing
anything) ``SELECT 1`` could not tell any sooner: it would wait for the
same TCP timeout, and the request meets the outage either way.
"""

import select

from django.db.backends.postgresql import base, operations
from psycopg import errors, pq


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # A prepared statement's text has $1 where the values go: the log
        # and the query counts of the tests show it with its values, as
        # Django's own cursors' queries are shown.
        if isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            quiet = not poller.poll(0)
        except (OSError, ValueError):
            return False
        return quiet or super().is_usable()

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Django turns psycopg's prepared statements off (for poolers), and
        # off means off even for execute(prepare=True). Only
        # prepared_cursor() asks for them: Django's own cursors bind values
        # on the client and never prepare.
        if connection.prepare_threshold is None:
            connection.prepare_threshold = 5
        return connection

    def prepared_cursor(self):
        """A cursor for a statement run on every request with only its
        values changing (newsroom.prepared): the values travel apart from
        the SQL, and ``execute(..., prepare=True)`` has PostgreSQL keep the
        statement, parsed and, once it has seen a few, planned. Counted
        and logged like any other cursor's queries."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))


class PreparingCursor(base.ServerBindingCursor):
    """Binds values on the server and prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)
