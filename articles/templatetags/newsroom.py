"""Filters the public templates need and Django does not ship.

Load with ``{% load newsroom %}``.
"""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def current(roles):
    """The roles held today (anything with ``is_current``), in their order.

    Iterates the queryset itself rather than filtering it, so a page that
    shows current and former roles reads the database once.
    """
    return [role for role in roles if role.is_current]


@register.filter
def former(roles):
    """The roles not held today, in their order."""
    return [role for role in roles if not role.is_current]


@register.filter
def display_url(url):
    """A web address as a reader would say it: "bmwgroup.com/en.html"."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path}".rstrip("/")


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """``url`` made absolute for the current request (for og:url, og:image).

    Already-absolute URLs, such as media on object storage, pass unchanged.
    """
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url
