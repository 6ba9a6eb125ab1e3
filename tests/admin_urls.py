"""Addresses of the admin's pages, as tests ask for them."""

from urllib.parse import urlencode

from django.urls import reverse


def change_url(article, query: str = "", **params) -> str:
    """A story's change form; ``query`` ("?restore=autosave") or ``params``
    (restore="autosave") add a query string."""
    url = reverse("admin:articles_article_change", args=[article.pk]) + query
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    return url
