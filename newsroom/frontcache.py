"""The cache in front of gunicorn (Varnish on the edge, or a CDN): every
public page carries keys saying what it shows, and a change readers see
purges exactly the keys it touches, after its transaction commits.

A list's keys come from its address: ``latest`` for the home page, the
latest feeds and the sitemaps; ``section:automotive``, ``tag:bmw``,
``author:clara-ashdown``, ``company:bmw-group`` (``person:``, ``brand:``)
for a list and its feeds. A story page is ``story:<id>``, and carries the keys
of what else it shows: ``story:<id>`` of each related story,
``shows:author:<slug>`` of its bylines, ``shows:company:<slug>``… of "In this
story", so that an entity renamed or a related story withdrawn purges it, and
a story published does not purge every other story of its section. ``site``
is on every page, for what every page shows (the sections in the
navigation). articles/purges.py and entities/purges.py say which keys
each change purges.

The purger is pluggable (FRONT_CACHE_BACKEND, README "The cache in front"):
Varnish with the xkey module (deploy/varnish/newsroom.vcl) now; a CDN's purge
API is a class with a ``purge(keys)`` method. Purging never fails an editor's
click: a front cache that does not answer is logged, and its copies expire
after PAGE_CACHE_SECONDS anyway.
"""

from __future__ import annotations

import functools
import http.client
import logging
import urllib.parse
import weakref
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SITE = "site"
LATEST = "latest"

# The pages named by each URL, by the URL's name: what the key is made of.
LATEST_PAGES = {
    "articles:home",
    "articles:feed_latest",
    "articles:feed_latest_atom",
    "sitemap",
    "sitemap_section",
    "news_sitemap",
}
LIST_PAGES = {
    "articles:section": "section",
    "articles:feed_sections": "section",
    "articles:feed_sections_atom": "section",
    "articles:tag": "tag",
    "articles:feed_tags": "tag",
    "articles:feed_tags_atom": "tag",
    "articles:author": "author",
    "articles:feed_authors": "author",
    "articles:feed_authors_atom": "author",
    "entities:company": "company",
    "articles:feed_companies": "company",
    "articles:feed_companies_atom": "company",
    "entities:person": "person",
    "articles:feed_people": "person",
    "articles:feed_people_atom": "person",
    "entities:brand": "brand",
    "articles:feed_brands": "brand",
    "articles:feed_brands_atom": "brand",
}
# An entity kind's part of a co-mention address (/companies/…/with/people/…).
KIND_OF_PATH = {"companies": "company", "people": "person", "brands": "brand"}


def key(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def entity_key(entity) -> str:
    return key(entity.kind, entity.slug)


def shown_key(page_key: str) -> str:
    """The key of the story pages that show what ``page_key`` names (an
    author's byline, an entity in "In this story"), beside its own page."""
    return f"shows:{page_key}"


def page_keys(request) -> set[str]:
    """The keys of the page ``request`` asked for, from its address and from
    what its view added (``add_page_keys``)."""
    keys = {SITE, *getattr(request, "_front_cache_keys", ())}
    match = getattr(request, "resolver_match", None)
    if match is None:
        return keys
    name = match.view_name
    if name in LATEST_PAGES:
        keys.add(LATEST)
    elif name in LIST_PAGES and "slug" in match.kwargs:
        keys.add(key(LIST_PAGES[name], match.kwargs["slug"]))
    elif name == "entities:co_mentions":
        for kind, slug in (("kind", "slug"), ("other_kind", "other_slug")):
            if match.kwargs.get(kind) in KIND_OF_PATH:
                keys.add(key(KIND_OF_PATH[match.kwargs[kind]], match.kwargs[slug]))
    return keys


def add_page_keys(request, keys: Iterable[str]) -> None:
    """What a page shows beyond what its address says (a story page's
    related stories, its entities)."""
    request.__dict__.setdefault("_front_cache_keys", set()).update(keys)


class Purger:
    """Purges nothing: no cache in front (FRONT_CACHE_URLS unset)."""

    def purge(self, keys: set[str]) -> None:
        pass


class VarnishPurger(Purger):
    """Sends ``PURGE /`` with the keys in ``xkey-purge`` to every Varnish in
    FRONT_CACHE_URLS; deploy/varnish/newsroom.vcl answers it with the xkey
    module, which removes every object tagged with any of the keys."""

    def __init__(self, urls: list[str], timeout: float = 2.0):
        self.urls = urls
        self.timeout = timeout

    def purge(self, keys: set[str]) -> None:
        for url in self.urls:
            parts = urllib.parse.urlsplit(url)
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port or 80, timeout=self.timeout
            )
            try:
                connection.request(
                    "PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)}
                )
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    logger.warning(
                        "Front cache %s refused a purge: %s", url, answer.status
                    )
            except OSError as error:
                logger.warning("Front cache %s not purged: %s", url, error)
            finally:
                connection.close()


@functools.cache
def purger() -> Purger:
    urls = getattr(settings, "FRONT_CACHE_URLS", [])
    if not urls:
        return Purger()
    backend = import_string(
        getattr(settings, "FRONT_CACHE_BACKEND", "newsroom.frontcache.VarnishPurger")
    )
    return backend(urls)


class _PurgeOnCommit:
    """The keys one transaction (or savepoint) purges when it commits."""

    def __init__(self):
        self.keys: set[str] = set()
        self.sent = False

    def send(self) -> None:
        self.sent = True
        purger().purge(self.keys)


def purge_after_commit(keys: Iterable[str], using: str | None = None) -> None:
    """Purge ``keys`` from the cache in front once the current transaction
    commits (at once outside one): the pages fetched again must show the
    change. The saves of one transaction purge together, in one request;
    a transaction rolled back purges nothing."""
    keys = set(keys)
    if not keys:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        purger().purge(keys)
        return
    # One purge per transaction or savepoint: a savepoint rolled back takes
    # its purge with it, and the keys of what did commit are still sent.
    # Held weakly: Django drops the callbacks of what rolls back, and with
    # them the entry here, so the next change registers a purge of its own.
    place = (connection, tuple(connection.savepoint_ids))
    pending = _pending_purges.get(place)
    if pending is None or pending.sent:
        pending = _pending_purges[place] = _PurgeOnCommit()
        # Robust: a purge that fails is logged, and never fails the step.
        # A bound method: Django names a robust callback that failed by its
        # __qualname__, which an instance does not have.
        transaction.on_commit(pending.send, using, robust=True)
    pending.keys |= keys


# The purge each open transaction or savepoint registered with on_commit.
_pending_purges = weakref.WeakValueDictionary()
