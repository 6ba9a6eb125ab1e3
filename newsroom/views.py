"""The site's own pages, which belong to no desk: /healthz, robots.txt and
the error pages."""

import logging
import sys

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from newsroom.context_processors import site
from newsroom.middleware import DATABASE_DOWN, service_unavailable

logger = logging.getLogger(__name__)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/news-sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the app and its database answer, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def bad_request(request, exception):
    # Not rendered with the request: it is one Django refused to trust (a
    # forged Host header, a malformed query string), and reading it again
    # would raise again.
    return HttpResponse(loader.render_to_string("400.html", site(None)), status=400)


def permission_denied(request, exception):
    return HttpResponse(
        loader.render_to_string("403.html", request=request), status=403
    )


def page_not_found(request, exception):
    return HttpResponse(
        loader.render_to_string("404.html", request=request), status=404
    )


# The page carries its own <style> (see 500.html) and nothing from a reader.
@csp_update({"style-src": [UNSAFE_INLINE]})
def server_error(request):
    # No request context: whatever broke (often the database) must not break
    # the error page too.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        # Raised outside a view (a session loaded by a middleware, say): an
        # outage, not a bug, answered as newsroom.middleware answers views.
        return service_unavailable()
    return HttpResponse(loader.render_to_string("500.html"), status=500)
