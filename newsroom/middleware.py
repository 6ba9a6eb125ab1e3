"""What every request passes through on its way in and out: the JSON request
log, and the answer readers get while the database is down.

The request log is one line per request on the logger ``newsroom.requests``
(the settings format it as JSON on stdout): method, path, status, time taken
and a request id, which the response carries in X-Request-ID so that a line
in the log, gunicorn's access log and a reader's report can be matched.

While PostgreSQL is down or restarting, Django raises OperationalError (or
InterfaceError) from whichever query comes first. Readers then get a short
503 page in the site's look, with Retry-After, rendered without touching the
database; the worker carries on, and the next request connects afresh
(CONN_HEALTH_CHECKS drops a dead persistent connection), so the site comes
back by itself as soon as the database does.
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

request_log = logging.getLogger("newsroom.requests")
logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's request id is kept when it looks like one; anything else (too
# long, odd characters that could forge log lines) gets a fresh id.
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

# The errors that mean "the database is not answering", not "this code is
# wrong": those stay 500s.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10

FALLBACK_503 = (
    "<!DOCTYPE html><html lang=en-GB><meta charset=utf-8>"
    "<title>Back in a moment</title><h1>Back in a moment</h1>"
    "<p>The newsroom's site is briefly unavailable. Please try again shortly.</p>"
)


class RequestLogMiddleware:
    """Outermost, so that its time and status are what the reader got."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        identify(request)
        response = self.get_response(request)
        log_request(request, response, started)
        return response


def identify(request) -> None:
    """The request's id: the proxy's, when it looks like one."""
    # From META: request.headers parses every header to answer one.
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    request.request_id = (
        incoming if ACCEPTABLE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    )


def log_request(request, response, started: float) -> None:
    """The response carries the request's id; the log has its line. Also
    called by the page door (newsroom.page_door) for the pages it answers."""
    response[REQUEST_ID_HEADER] = request.request_id
    log_line(request, response.status_code, response.get("X-Cache", ""), started)


def log_line(request, status: int, cache: str, started: float) -> None:
    """The request log's line for ``request``, answered with ``status``."""
    if request_log.isEnabledFor(logging.INFO):
        request_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "request_id": request.request_id,
                    "cache": cache,
                }
            },
        )


def service_unavailable() -> HttpResponse:
    """The page readers get while the database is down: no database, no
    request context (the masthead's sections are a query)."""
    try:
        content = loader.render_to_string(
            "503.html",
            {
                "newsroom_name": settings.NEWSROOM_NAME,
                "newsroom_tagline": settings.NEWSROOM_TAGLINE,
                "retry_after": RETRY_AFTER_SECONDS,
            },
        )
    except Exception:
        # The page about an outage must not fail too (a missing static
        # manifest, say): plain words will do.
        logger.exception("The 503 page could not be rendered")
        content = FALLBACK_503
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Neither this server's page cache nor a CDN may keep the outage.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets a database that does not answer gets the 503 page.

    Errors raised outside views (in another middleware, say, loading a
    session) reach ``newsroom.views.server_error``, which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning(
            "Database unavailable: 503 for %s %s (%s)",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception) else "",
        )
        return service_unavailable()
