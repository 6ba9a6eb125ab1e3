"""Gunicorn in production: `gunicorn -c gunicorn.conf.py` (the app is named here).

Everything an operator may want to change comes from the environment, like the
Django settings. Gunicorn reads this file with its own importer, so it must not
import Django.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "newsroom.wsgi:application"

# 127.0.0.1 by default: the load balancer or reverse proxy in front is the one
# that faces the world. Several addresses may be given, comma-separated.
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]

# Sync workers, two per core and one more (gunicorn's own advice): a page
# waits mostly on PostgreSQL and Redis, so one core keeps two busy.
# WEB_CONCURRENCY is the name platforms (and gunicorn itself) use.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# More than one thread turns each worker into a gthread worker.
threads = _int("GUNICORN_THREADS", 1)

# A request that runs longer than this is killed and its worker replaced; the
# slowest page takes well under a second, so 30 s only catches real hangs.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or a reload, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep connections from the proxy open a little longer than its idle timeout
# would be unhappy with gunicorn's default of 2 s.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Workers are not recycled after a number of requests (gunicorn's
# max_requests): a worker that exits takes one of two or five away until its
# replacement has imported Django, and under load every request then queues
# behind the others (the p99 of cached pages showed it). Worker memory stays
# flat over tens of thousands of requests (make bench-throughput checks it),
# so there is nothing to let go. The app is not preloaded in the master
# either: a reload (SIGHUP, "systemctl reload") must load the new release's
# code, which a preloaded master would keep. GUNICORN_MAX_REQUESTS turns
# recycling back on, staggered by the jitter, should a release ever leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# One line per request is enough: the app's JSON request log (logger
# newsroom.requests) has the method, path, status, time taken and request id.
# GUNICORN_ACCESS_LOG=- adds gunicorn's own access log on stdout (or a path).
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "off")
accesslog = None if _access_log.lower() in {"", "off", "none"} else _access_log
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "%(M)sms %({x-request-id}o)s"
)
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The proxy's X-Forwarded-* headers are trusted only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files: on a memory file system when there is one, so
# that a slow or full disk cannot make the master think a worker hung.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Gunicorn 25.1+ opens a control socket at one fixed path per user: two servers
# on one machine would take each other's. Off unless a path is given.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True

proc_name = os.environ.get("GUNICORN_PROC_NAME", "newsroom")
