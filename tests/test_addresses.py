"""newsroom.addresses: reversed once, the same addresses reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from newsroom.addresses import fixed_url, slug_url


@pytest.mark.parametrize(
    "name, slug",
    [
        ("articles:article", "bmw-names-a-new-chief"),
        ("articles:section", "autos"),
        ("articles:author", "ada_reporter-2"),
        ("articles:tag", "electric"),
        ("articles:feed_companies_atom", "bmw-group"),
        ("entities:person", "harald-krueger"),
    ],
)
def test_a_slug_address_is_the_one_reverse_gives(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_a_slug_the_plain_pattern_does_not_match_goes_through_reverse():
    # Tags may have Unicode slugs; reverse() quotes them.
    assert slug_url("articles:tag", "elektro-müll") == reverse(
        "articles:tag", kwargs={"slug": "elektro-müll"}
    )
    with pytest.raises(NoReverseMatch):
        slug_url("articles:article", "not a slug")


def test_the_script_prefix_is_honoured():
    try:
        set_script_prefix("/news/")
        assert slug_url("articles:section", "autos") == "/news/sections/autos/"
        assert fixed_url("articles:home") == "/news/"
    finally:
        set_script_prefix("/")
    assert slug_url("articles:section", "autos") == "/sections/autos/"
