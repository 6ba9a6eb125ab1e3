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

import contextvars
import hashlib
import logging
import time
import weakref

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import request_finished, request_started, setting_changed
from django.db import connections, router, transaction
from django.db.models import F, Subquery
from django.db.models.functions import Least
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from newsroom import frontcache
from newsroom.models import PageGeneration
from newsroom.replicas import note_change

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
    _forget_for_this_request()
    generations = PageGeneration.objects.using(router.db_for_write(PageGeneration))
    raised = generations.filter(pk=1).update(
        number=F("number") + 1, next_publish_at=_next_publish()
    )
    if not raised:  # the row is made by the migration; put it back if lost
        generations.get_or_create(pk=1)
    # The cache's copy of the number (below) goes at once, so that this
    # process reads the new number from PostgreSQL; once the change commits,
    # the committed number is copied for every worker.
    _forget_copy()
    _copy_after_commit(generations.db)


# The generation is PostgreSQL's, but a cached page is answered without a
# query: the cache keeps a copy of the number (and of the next scheduled
# time), read in the same round trip as the page. A change raises the
# number in its transaction and, once committed, writes the new number to
# the copy before the editor's request returns, so the next request of any
# worker sees it. The copy only ever moves forward (a compare-and-set in
# the cache backend: two editors' changes committing in either order leave
# the higher number), and it lives PAGE_GENERATION_COPY_SECONDS: a copy the
# cache failed to update is read again from PostgreSQL within that time.
# (number, next scheduled time in epoch seconds or 0)
GENERATION_KEY = "newsroom:generation"


def copy_seconds() -> float:
    return getattr(settings, "PAGE_GENERATION_COPY_SECONDS", 1)


def _forget_copy() -> None:
    try:
        cache.delete(GENERATION_KEY)
    except Exception:
        logger.warning("Cache unavailable: the generation's copy is left to expire")


def _copy_from(found: dict) -> int | None:
    """The number in a copy read from the cache, or None if there is no copy
    or a scheduled story's time has come (PostgreSQL decides then)."""
    copy = found.get(GENERATION_KEY)
    if copy is None:
        return None
    number, next_at = copy
    if next_at and time.time() >= next_at:
        return None
    return number


def publish_copy(number: int, next_publish_at) -> None:
    """Copy the generation to the cache, unless it holds a higher one."""
    copy = (number, int(next_publish_at.timestamp()) if next_publish_at else 0)
    try:
        publish = getattr(cache, "publish_generation", None)
        if publish is not None:
            publish(GENERATION_KEY, copy, copy_seconds())
            return
        current = cache.get(GENERATION_KEY)
        if current is None or current[0] <= number:
            cache.set(GENERATION_KEY, copy, copy_seconds())
    except Exception:
        logger.warning("Cache unavailable: the generation is not copied")


class _CopyOnCommit:
    """Copies the number a transaction raised, once that transaction commits."""

    def __init__(self, alias: str):
        self.alias = alias

    def copy(self) -> None:
        connection = connections[self.alias]
        _copies_registered.pop(connection, None)
        row = _generation_row(connection)
        if row is not None:
            publish_copy(*row)


# The copy each connection's open transaction registered with on_commit, so
# that a transaction that raises the number many times (a story, its
# bylines, tags and links) copies it once. Held weakly: a transaction, or a
# savepoint, that rolls back makes Django drop its on_commit callbacks, and
# the copy goes with them (at once: CPython frees what nothing refers to),
# so the next transaction's change registers a copy of its own.
_copies_registered = weakref.WeakKeyDictionary()


def _copy_pending(alias: str) -> bool:
    """Whether the open transaction raised the number: it is copied when
    (if) that transaction commits, never before."""
    registered = _copies_registered.get(connections[alias])
    return registered is not None and registered() is not None


def _copy_after_commit(alias: str) -> None:
    if not _copy_pending(alias):
        copy = _CopyOnCommit(alias)
        _copies_registered[connections[alias]] = weakref.ref(copy)
        # A bound method: Django names a robust callback that failed by its
        # __qualname__, which an instance does not have.
        transaction.on_commit(copy.copy, using=alias, robust=True)


# What becomes visible to readers with no write, at a time set in advance:
# each domain app registers its scheduled content (articles.apps: stories).
_schedules = []


def register_schedule(next_times) -> None:
    """``next_times()`` gives a queryset of one datetime column, soonest
    first: when what is scheduled comes out."""
    _schedules.append(next_times)


def _next_publish():
    soonest = [Subquery(next_times()[:1]) for next_times in _schedules]
    if not soonest:
        return None
    return soonest[0] if len(soonest) == 1 else Least(*soonest)


# The generation read once per request, however many fragments and derived
# values the page asks for; forgotten when the request ends or a change in it
# raises the generation. Outside a request (commands, shells) it is read
# every time. A context variable holding one dict a request: threads and
# ASGI tasks each see their own request's.
_this_request = contextvars.ContextVar("newsroom_generation", default=None)


@receiver(request_started)
def _remember_for_this_request(**kwargs):
    _this_request.set({})


@receiver(request_finished)
def _forget_after_this_request(**kwargs):
    _this_request.set(None)


def _forget_for_this_request() -> None:
    memo = _this_request.get()
    if memo:
        memo.clear()


def _generation(found: dict | None = None) -> int:
    """The page generation: remembered for the request, else from the
    cache's copy (``found``, if the caller read it already), else from
    PostgreSQL."""
    memo = _this_request.get()
    if memo:
        return memo["number"]
    if found is None:
        found = _read_copy()
    number = _copy_from(found)
    if number is None:
        number = _read_generation()
    if memo is not None:
        memo["number"] = number
    return number


def _read_copy() -> dict:
    try:
        return cache.get_many([GENERATION_KEY])
    except Exception:
        logger.warning("Cache unavailable: the generation is read from PostgreSQL")
        return {}


def _read_generation() -> int:
    """The page generation, from the primary database, copied to the cache.
    The first request after a scheduled story's time raises it (one request:
    the others see the number it wrote), so the story appears with no job
    running."""
    alias = router.db_for_write(PageGeneration)
    generations = PageGeneration.objects.using(alias)
    row = _generation_row(connections[alias])
    if row is None:
        row = (generations.get_or_create(pk=1)[0].number, None)
    number, next_publish_at = row
    if next_publish_at is not None and timezone.now() >= next_publish_at:
        note_change()
        generations.filter(pk=1, number=number).update(
            number=number + 1, next_publish_at=_next_publish()
        )
        number, next_publish_at = generations.values_list(
            "number", "next_publish_at"
        ).get(pk=1)
        if connections[alias].in_atomic_block:
            _copy_after_commit(alias)
    # A number this transaction raised is not every worker's yet: it is
    # copied when it commits. Any other is.
    if not _copy_pending(alias):
        publish_copy(number, next_publish_at)
    return number


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


def _key(request) -> str:
    """A page's place in the cache. One place per address: a page stored
    under an older generation is replaced, not left to expire."""
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"newsroom:page:{request.method}:{digest}"


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or page_ttl() <= 0:
        return False
    if request.path.startswith(UNCACHED_PREFIXES):
        return False
    return not wants_fresh(request) and known_host(request)


# What request.get_host() reads, and the hosts it accepted: each Host is
# checked against ALLOWED_HOSTS once per worker (a few hundred kept at most).
HOST_HEADERS = ("HTTP_X_FORWARDED_HOST", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT")
_known_hosts = set()


def known_host(request) -> bool:
    """Whether Django would answer this Host at all: a cached page is never
    the answer to a request Django would refuse with a 400."""
    host = tuple(request.META.get(name) for name in HOST_HEADERS)
    if host in _known_hosts:
        return True
    try:
        request.get_host()
    except DisallowedHost:
        return False
    if len(_known_hosts) < 256:
        _known_hosts.add(host)
    return True


@receiver(setting_changed)
def _forget_known_hosts(setting, **kwargs):
    if setting in ("ALLOWED_HOSTS", "USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT"):
        _known_hosts.clear()


def cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not getattr(response, "streaming", False)
    )


# Where the page door (newsroom.page_door) leaves what it read from the cache
# for a page it did not answer, so that the middleware does not read it again.
LOOKUP_ENVIRON_KEY = "newsroom.page_lookup"


def look_up(request):
    """(key, generation, page or None): the page and the generation's copy
    read in one round trip; the page only if it is of this generation. A
    page is kept as plain values (generation, stored at, status, headers,
    body), not as a pickled response: a hit unpickles a tuple of strings."""
    looked_up = request.META.pop(LOOKUP_ENVIRON_KEY, None)
    if looked_up is not None:
        memo = _this_request.get()
        if memo is not None:
            memo["number"] = looked_up[1]
        return looked_up
    key = _key(request)
    found = cache.get_many([GENERATION_KEY, key])
    generation = _generation(found)
    page = found.get(key)
    if page is None or len(page) != 5 or page[0] != generation:
        page = None
    return key, generation, page


def stored(generation: int, response) -> tuple:
    return (
        generation,
        time.time(),
        response.status_code,
        tuple(response.items()),
        response.content,
    )


def hit_response(request, page):
    """The stored page as the reader gets it: a 304 if their copy is
    current, its age for the caches on the way."""
    _, stored_at, status, headers, content = page
    response = HttpResponse(content, status=status, headers=dict(headers))
    # The ETag was made when the page was stored: a browser that has the
    # page gets a 304 without its body being hashed again.
    response = get_conditional_response(
        request, etag=response.get("ETag"), response=response
    )
    response["X-Cache"] = "HIT"
    # A CDN subtracts the time already spent here from max-age.
    response["Age"] = str(max(0, int(time.time() - stored_at)))
    return response


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
            key, generation, page = look_up(request)
        except Exception:
            logger.warning("Page cache unavailable: serving %s uncached", request.path)
            return self.public(request, self.get_response(request))
        if page is not None:
            return hit_response(request, page)
        response = self.get_response(request)
        if cacheable_response(response):
            response = self.public(request, response)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            try:
                cache.set(key, stored(generation, response), page_ttl())
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
            patch_public_cache_control(response, page_ttl())
        return response


def patch_public_cache_control(response, ttl: int) -> None:
    """Cache-Control of an answer every reader shares: browsers and the cache
    in front keep it ``ttl`` seconds, and may serve it as long again while
    they fetch it afresh (its keys purge it sooner: newsroom.frontcache)."""
    # max-age with Age, not Expires: a copy from the cache must not look
    # fresher than it is.
    patch_cache_control(
        response, public=True, max_age=ttl, s_maxage=ttl, stale_while_revalidate=ttl
    )


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
    page generation; ``render_missing(pks)`` returns {pk: html} for those not
    cached (leaving out any that are gone). A list page's story cards are
    the same on home, section, tag and entity pages until something readers
    see changes. The list itself is kept too, under its ids: the same page
    then reads its cards in one key, not one key a card."""
    pks = list(pks)
    generation = current_generation(request)
    if generation is None:
        rendered = render_missing(pks)
        return [rendered[pk] for pk in pks if pk in rendered]
    ids = hashlib.sha256(",".join(map(str, pks)).encode()).hexdigest()
    list_key = f"newsroom:fragments:{generation}:{name}:{ids}"
    keys = {pk: f"newsroom:fragment:{generation}:{name}:{pk}" for pk in pks}
    try:
        found = cache.get_many([list_key])
        if list_key in found:
            return found[list_key]
        found = cache.get_many(keys.values())
    except Exception:
        logger.warning("Cache unavailable: rendering %s uncached", name)
        found = {}
    missing = [pk for pk in pks if keys[pk] not in found]
    fresh = {}
    if missing:
        rendered = render_missing(missing)
        fresh = {keys[pk]: html for pk, html in rendered.items()}
        found.update(fresh)
    fragments = [found[keys[pk]] for pk in pks if keys[pk] in found]
    try:
        cache.set_many({**fresh, list_key: fragments}, timeout)
    except Exception:
        logger.warning("Cache unavailable: not storing %s", name)
    return fragments


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
