"""The anonymous page cache, shared by every worker through Django's cache
(Redis when REDIS_URL is set, else one folder on this machine's disk).

Every cached page is keyed by a site-wide generation number, kept in
PostgreSQL (newsroom.models.PageGeneration), not in the cache: anything that
changes what readers see — a story published, edited or withdrawn, a
section, entity, author or image edited — raises it in the same
transaction, so no worker of any machine can serve a page from before the
change once the change is visible. A scheduled story changes what readers
see without any write: so the row also holds the next scheduled publish
time, and the first request after it raises the generation itself. The
story appears on time with no job running. Entries expire after
PAGE_CACHE_SECONDS anyway (that is also what a CDN may keep them for).
Logged-in staff and non-public paths are never cached. If the cache is
down, pages are served uncached and the failure is logged.
"""

import hashlib
import logging
import time

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections, router
from django.db.models import F, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from articles.models import Article
from articles.replicas import note_change
from newsroom import frontcache
from newsroom.models import PageGeneration

logger = logging.getLogger(__name__)

UNCACHED_PREFIXES = (
    "/admin/",
    "/preview/",
    "/search/",
    "/healthz",
    "/static/",
    "/media/",
    # The API keeps its own cache, after its rate limits (api/views.py).
    "/api/",
)


def page_ttl() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 60)


def bump_generation() -> None:
    """Make every cached page stale at once, in the transaction of the change
    that calls it: every worker reads the new number exactly when it can read
    what changed (newsroom.models.PageGeneration)."""
    # A replica may be a moment behind: the pages built next must come from
    # the primary, or they would be cached without the change.
    note_change()
    _this_request.generation = None
    generations = PageGeneration.objects.using(router.db_for_write(PageGeneration))
    raised = generations.filter(pk=1).update(
        number=F("number") + 1, next_publish_at=Subquery(_next_publish())
    )
    if not raised:  # the row is made by the migration; put it back if lost
        generations.get_or_create(pk=1)


def _next_publish():
    return (
        Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
    )


# The generation read once per request, however many fragments and derived
# values the page asks for; forgotten when the request ends or a change in it
# raises the generation. Outside a request (commands, shells) it is read
# every time.
_this_request = Local()


@receiver(request_started)
def _remember_for_this_request(**kwargs):
    _this_request.generation = None
    _this_request.active = True


@receiver(request_finished)
def _forget_after_this_request(**kwargs):
    _this_request.generation = None
    _this_request.active = False


def _generation() -> int:
    if getattr(_this_request, "active", False):
        if _this_request.generation is None:
            _this_request.generation = _read_generation()
        return _this_request.generation
    return _read_generation()


def _read_generation() -> int:
    """The page generation, from the primary database. The first request
    after a scheduled story's time raises it (one request: the others see
    the number it wrote), so the story appears with no job running."""
    alias = router.db_for_write(PageGeneration)
    generations = PageGeneration.objects.using(alias)
    row = _generation_row(connections[alias])
    if row is None:
        row = (generations.get_or_create(pk=1)[0].number, None)
    number, next_publish_at = row
    if next_publish_at is None or timezone.now() < next_publish_at:
        return number
    note_change()
    generations.filter(pk=1, number=number).update(
        number=number + 1, next_publish_at=Subquery(_next_publish())
    )
    return generations.values_list("number", flat=True).get(pk=1)


GENERATION_SQL = (
    f"SELECT number, next_publish_at FROM {PageGeneration._meta.db_table} WHERE id = 1"
)


def _generation_row(connection):
    """(number, next publish time), or None: read on every reader's request,
    so on PostgreSQL in one plain statement on the open connection. Django's
    query compiler and its per-request health check (a SELECT 1 before the
    first query) would cost three times the round trip itself; a connection
    found dead is closed, and Django's own cursor then connects afresh."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return (
            PageGeneration.objects.using(connection.alias)
            .filter(pk=1)
            .values_list("number", "next_publish_at")
            .first()
        )
    connection.ensure_connection()
    try:
        with connection.connection.cursor() as cursor:
            return cursor.execute(GENERATION_SQL).fetchone()
    except connection.Database.Error:
        connection.close()
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        return cursor.fetchone()


def _key(request, generation: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"newsroom:page:{generation}:{request.method}:{digest}"


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or page_ttl() <= 0:
        return False
    if request.path.startswith(UNCACHED_PREFIXES):
        return False
    return not wants_fresh(request)


def cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not getattr(response, "streaming", False)
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            key = _key(request, _generation())
            cached = cache.get(key)
        except Exception:
            logger.warning("Page cache unavailable: serving %s uncached", request.path)
            return self.public(request, self.get_response(request))
        if cached is not None:
            stored_at, response = cached
            # The ETag was made when the page was stored: a browser that has
            # the page gets a 304 without its body being hashed again.
            response = get_conditional_response(
                request, etag=response.get("ETag"), response=response
            )
            response["X-Cache"] = "HIT"
            # A CDN subtracts the time already spent here from max-age.
            response["Age"] = str(max(0, int(time.time() - stored_at)))
            return response
        response = self.get_response(request)
        if cacheable_response(response):
            response = self.public(request, response)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            try:
                cache.set(key, (time.time(), response), page_ttl())
            except Exception:
                logger.warning("Page cache unavailable: not storing %s", request.path)
            response["X-Cache"] = "MISS"
        return response

    @staticmethod
    def public(request, response):
        """Cache-Control for browsers and the cache in front, and the keys
        that the front cache purges the page by (newsroom.frontcache)."""
        if cacheable_response(response):
            response[settings.FRONT_CACHE_KEY_HEADER] = " ".join(
                sorted(frontcache.page_keys(request))
            )
            ttl = page_ttl()
            # max-age with Age, not Expires: a copy from the cache must not
            # look fresher than it is.
            patch_cache_control(
                response,
                public=True,
                max_age=ttl,
                s_maxage=ttl,
                stale_while_revalidate=ttl,
            )
        return response


def wants_fresh(request) -> bool:
    """Staff see what readers see, but fresh: they are checking their work.
    Told by the session cookie, which readers never get: the page cache
    answers before sessions and authentication are read (settings)."""
    cookies = getattr(request, "COOKIES", {})
    return settings.SESSION_COOKIE_NAME in cookies


def current_generation(request=None) -> int | None:
    """The page generation, read once per request; None if the cache is down
    or the request is a staff member's, who gets everything fresh."""
    if request is not None and hasattr(request, "_newsroom_generation"):
        return request._newsroom_generation
    if request is not None and wants_fresh(request):
        request._newsroom_generation = None
        return None
    try:
        generation = _generation()
    except Exception:
        logger.warning("Cache unavailable: no page generation")
        generation = None
    if request is not None:
        request._newsroom_generation = generation
    return generation


def render_cached_fragments(name: str, pks, render_missing, request=None, timeout=3600):
    """HTML fragments for the objects ``pks``, kept in the cache under the
    page generation and read in one round trip; ``render_missing(pks)``
    returns {pk: html} for those not cached (leaving out any that are gone).
    A list page's story cards are the same on home, section, tag and entity
    pages until something readers see changes."""
    pks = list(pks)
    generation = current_generation(request)
    if generation is None:
        rendered = render_missing(pks)
        return [rendered[pk] for pk in pks if pk in rendered]
    keys = {pk: f"newsroom:fragment:{generation}:{name}:{pk}" for pk in pks}
    try:
        found = cache.get_many(keys.values())
    except Exception:
        logger.warning("Cache unavailable: rendering %s uncached", name)
        found = {}
    missing = [pk for pk in pks if keys[pk] not in found]
    if missing:
        rendered = render_missing(missing)
        fresh = {keys[pk]: html for pk, html in rendered.items()}
        found.update(fresh)
        try:
            cache.set_many(fresh, timeout)
        except Exception:
            logger.warning("Cache unavailable: not storing %s", name)
    return [found[keys[pk]] for pk in pks if keys[pk] in found]


def cached_for_generation(name: str, compute, timeout: int = 3600, request=None):
    """``compute()``, remembered in the shared cache until the site changes.

    For what many pages derive from the whole archive (the section list,
    "often covered with", related stories): keyed by the page generation,
    so any change readers would see makes it fresh, as with cached pages.
    Works whatever PAGE_CACHE_SECONDS says; computes directly if the cache
    is down.
    """
    generation = current_generation(request)
    if generation is None:
        return compute()
    key = f"newsroom:derived:{generation}:{name}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("Cache unavailable: computing %s uncached", name)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("Cache unavailable: not storing %s", name)
    return value
