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

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
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
