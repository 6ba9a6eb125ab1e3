"""The page cache's hits, answered at the WSGI door.

A reader's cached page needs none of what Django's handler does for every
request: the request_started and request_finished signals (which look at
every database connection twice), the chain of fifteen middlewares, the URL
configuration. So the WSGI application (newsroom.wsgi) is wrapped in this
door, which answers a hit before the handler, through the same functions the
page cache middleware uses, in the same order the middleware stack would:

- the same question (``caching.cacheable_request``: GET, not a staff member,
  a public path) and the same host check (an unknown Host goes to Django,
  which answers 400);
- the security middleware's redirect to HTTPS and its headers, from Django's
  own ``SecurityMiddleware``;
- the same lookup, one round trip for the page and the generation's copy
  (``caching.look_up``), and the same hit (``caching.hit_response``: a 304 for
  a browser whose copy is current, Age, X-Cache);
- the same request id and JSON log line (``middleware.log_request``).

A hit without conditional headers (the common one: a browser revalidating
sends If-None-Match) is written straight from the stored headers, without
an HttpResponse: the stored page's headers, X-Cache and Age as
``caching.hit_response`` sets them, and the security middleware's headers,
which depend only on whether the request is secure and are made once by
Django's own ``SecurityMiddleware`` for each case. Building a response with
fifteen headers and running the middleware on it cost a sixth of a hit.

Everything else goes to Django unchanged, with what the door read from the
cache left in the environ so that a miss costs no second round trip. The
headers the inner middlewares add (CSP, Permissions-Policy, frame options,
Cache-Control, the front cache's keys) were stored with the page.
tests/test_page_door.py holds the door's answers to the whole stack's.
"""

import time
from http.client import responses

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware

from newsroom import caching
from newsroom.middleware import REQUEST_ID_HEADER, identify, log_line, log_request

# What makes a hit conditional (django.utils.cache.get_conditional_response).
CONDITIONAL = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Set on every hit, whatever the stored page says.
HIT_HEADERS = frozenset({"x-cache", "age", REQUEST_ID_HEADER.lower()})


class PageDoor:
    def __init__(self, application):
        self.application = application
        self.security = SecurityMiddleware(application)
        self._security_headers = {}

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)
        started = time.perf_counter()
        request = WSGIRequest(environ)
        page = self.answer(request)
        if page is None:
            return self.application(environ, start_response)
        identify(request)
        if any(name in environ for name in CONDITIONAL):
            response = caching.hit_response(request, page)
            self.security.process_response(request, response)
            log_request(request, response, started)
            status, headers = response.status_code, list(response.items())
            # The body, not the response: closing a Django response sends
            # request_finished, for a request Django never started.
            body = response.content
        else:
            status, headers = self.hit_headers(request, page)
            log_line(request, status, "HIT", started)
            body = page[4]
        start_response(f"{status} {responses.get(status, 'Unknown')}", headers)
        return [body]

    def answer(self, request):
        """The cached page (caching.stored()), or None for Django to answer."""
        if not caching.cacheable_request(request):
            return None
        if self.security.process_request(request) is not None:
            return None  # the redirect to HTTPS is Django's to make
        try:
            key, generation, page = caching.look_up(request)
        except Exception:
            return None  # the middleware tries again, and logs what failed
        if page is None:
            request.META[caching.LOOKUP_ENVIRON_KEY] = (key, generation, None)
        return page

    def hit_headers(self, request, page) -> tuple[int, list]:
        """The status and headers of an unconditional hit on ``page``: what
        caching.hit_response, the security middleware and log_request
        give it."""
        _, stored_at, status, stored_headers, _ = page
        headers = [h for h in stored_headers if h[0].lower() not in HIT_HEADERS]
        present = {name.lower() for name, _ in headers}
        headers.append(("X-Cache", "HIT"))
        headers.append(("Age", str(max(0, int(time.time() - stored_at)))))
        headers.extend(
            header
            for header in self.security_headers(request.is_secure())
            if header[0].lower() not in present
        )
        headers.append((REQUEST_ID_HEADER, request.request_id))
        return status, headers

    def security_headers(self, secure: bool) -> list:
        """The headers Django's SecurityMiddleware adds to a response that
        has none of them, for a secure request or not: it sets each only if
        the response lacks it, and looks at nothing else of the request."""
        found = self._security_headers.get(secure)
        if found is None:
            blank = HttpResponse()
            before = set(blank.headers)
            self.security.process_response(_Secure(secure), blank)
            found = [(k, v) for k, v in blank.items() if k not in before]
            self._security_headers[secure] = found
        return found


class _Secure:
    """All the security middleware asks of a request for its headers."""

    def __init__(self, secure: bool):
        self.secure = secure

    def is_secure(self) -> bool:
        return self.secure
