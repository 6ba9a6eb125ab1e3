"""Purges. A change to anything readers see makes every page the app has
cached stale (newsroom.caching) and purges from the cache in front
(newsroom.frontcache) exactly the pages that show it, once it commits.

Each domain app registers the models readers see, each with the function
that names the pages an instance is on (articles.purges, entities.purges).
A change readers cannot see — a draft saved, a story in review edited, an
image uploaded and not yet used — names no page and purges nothing, so that
journalists at work all day do not empty the public cache. Models nobody
registered (sessions, autosaves, the audit log) are not listened to at all.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from newsroom import frontcache
from newsroom.caching import bump_generation

# keys(instance, deleted) -> the front-cache keys of the pages it is on.
PageKeys = Callable[[Model, bool], set[str]]


def purge(keys: Iterable[str]) -> None:
    keys = set(keys)
    if keys:
        bump_generation()
        frontcache.purge_after_commit(keys)


def register(models: Iterable[type[Model]], keys: PageKeys) -> None:
    """Purge the pages ``keys`` names whenever one of ``models`` is saved or
    deleted. Subclasses send their own signals (multi-table inheritance), so
    list them too."""
    for model in models:

        def on_save(sender, instance, **kwargs):
            purge(keys(instance, False))

        def on_delete(sender, instance, **kwargs):
            purge(keys(instance, True))

        uid = f"newsroom.purging:{model._meta.label}"
        post_save.connect(on_save, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(on_delete, sender=model, weak=False, dispatch_uid=uid)
