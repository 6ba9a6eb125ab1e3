"""Deployment checks of our own, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """A per-process cache is a cache per gunicorn worker: each keeps pages
    and fragments the others cannot see or purge."""
    return [
        Warning(
            f"The {alias!r} cache is kept in each process's memory.",
            hint=(
                "Every gunicorn worker would keep a cache of its own. Unset "
                "CACHES overrides to use the shared file cache (CACHE_DIR), "
                "or set REDIS_URL."
            ),
            id="newsroom.W001",
        )
        for alias, config in settings.CACHES.items()
        if config["BACKEND"] in PER_PROCESS_CACHES
    ]
