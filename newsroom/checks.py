"""Deployment checks of our own, run by ``manage.py check --deploy``, and
what a serving process checks before it answers anyone."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

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


def require_secrets_to_serve() -> None:
    """Without DEBUG, a process that serves (gunicorn through wsgi.py, an
    ASGI server, runserver) refuses to start without SECRET_KEY and
    ALLOWED_HOSTS: it would otherwise start and then fail every request.
    The same however it was started; commands that serve nothing run."""
    if settings.DEBUG:
        return
    missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS")
        if not getattr(settings._wrapped, name, None)
    ]
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "required when DEBUG is off (README, Configuration)."
        )


@register(Tags.security, deploy=True)
def mail_configured(app_configs, **kwargs):
    """Without EMAIL_URL (or EMAIL_HOST, or EMAIL_BACKEND) production would
    hand its mail to whatever answers on localhost:25: say so, loudly."""
    if getattr(settings, "EMAIL_CONFIGURED", True):
        return []
    return [
        Warning(
            "No mail server is configured: mail would go to localhost:25.",
            hint=(
                "Set EMAIL_URL (smtp://user:password@host:587?tls=1), or "
                "EMAIL_HOST and the EMAIL_* variables (README, Configuration)."
            ),
            id="newsroom.W002",
        )
    ]
