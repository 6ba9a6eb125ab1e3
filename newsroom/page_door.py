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

Everything else goes to Django unchanged, with what the door read from the
cache left in the environ so that a miss costs no second round trip. The
headers the inner middlewares add (CSP, Permissions-Policy, frame options,
Cache-Control, the front cache's keys) were stored with the page.
tests/test_page_door.py holds the door's answers to the whole stack's.
"""

import time

from django.core.handlers.wsgi import WSGIRequest
from django.middleware.security import SecurityMiddleware

from newsroom import caching
from newsroom.middleware import identify, log_request


class PageDoor:
    def __init__(self, application):
        self.application = application
        self.security = SecurityMiddleware(application)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)
        started = time.perf_counter()
        request = WSGIRequest(environ)
        response = self.answer(request)
        if response is None:
            return self.application(environ, start_response)
        self.security.process_response(request, response)
        identify(request)
        log_request(request, response, started)
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            list(response.items()),
        )
        # The body, not the response: closing a Django response sends
        # request_finished, for a request Django never started.
        return [response.content]

    def answer(self, request):
        """The cached page, or None for Django to answer."""
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
            return None
        return caching.hit_response(request, page)
