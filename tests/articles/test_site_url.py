"""{% site_url %} and {% slug_url %}: the addresses every page links (home,
search, the latest feeds, a tag's) reversed once per process
(newsroom.addresses), as {% url %} would give them."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from newsroom import addresses

# A URLconf of another site, for the test that changes ROOT_URLCONF.
urlpatterns = []

NAMES = ["articles:home", "articles:search", "articles:feed_latest", "api:index"]


def render(source: str) -> str:
    return Template("{% load newsroom %}" + source).render(Context())


@pytest.mark.parametrize("name", NAMES)
def test_it_is_what_url_gives(name):
    assert render(f"{{% site_url '{name}' %}}") == reverse(name)


def test_it_is_reversed_once_then_remembered(monkeypatch):
    addresses._fixed.cache_clear()
    addresses._around_slug.cache_clear()
    calls = []
    real = addresses.reverse

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(addresses, "reverse", counted)
    for slug in ["electric", "diesel", "hydrogen"]:
        assert (
            render(
                "{% site_url 'articles:home' %}{% site_url 'articles:search' %}"
                f"{{% slug_url 'articles:tag' '{slug}' %}}"
            )
            == f"//search//tags/{slug}/"
        )
    assert len(calls) == 3


def test_an_address_the_urlconf_lacks_is_empty_and_a_new_urlconf_is_read():
    assert render("{% site_url 'articles:no_such_page' %}") == ""
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% site_url 'articles:home' %}") == ""
    assert render("{% site_url 'articles:home' %}") == "/"


@override_settings(FORCE_SCRIPT_NAME="/news/")
def test_it_follows_the_script_prefix():
    set_script_prefix("/news/")
    try:
        assert render("{% site_url 'articles:home' %}") == "/news/"
    finally:
        set_script_prefix("/")
