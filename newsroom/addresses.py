"""The site's addresses, reversed once per process.

reverse() walks the URLconf's patterns on every call, some 40 µs; a story
page asks for a dozen addresses (its own, its section's, its authors',
tags' and entities', the masthead's). The patterns do not change while a
process runs, so each named address is reversed once (per script prefix
and URLconf) with a placeholder where the slug goes, and later only has the
slug put in its place. A slug the plain ASCII slug pattern would not match
goes through reverse() as before, so what reverse() refuses is refused the
same way.
"""

import functools
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# What Django's <slug:…> converter matches, and what reverse() leaves as it is.
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLACEHOLDER = "newsroom-slug-placeholder"


def fixed_url(name: str) -> str:
    """The address of ``name``, which takes no arguments (home, search, the
    latest feeds); empty when the URLconf lacks it, as with
    ``{% url … as … %}``."""
    return _fixed(name, get_script_prefix(), get_urlconf())


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``."""
    if not isinstance(slug, str) or not _PLAIN_SLUG.match(slug):
        return reverse(name, kwargs={"slug": slug})
    before, after = _around_slug(name, get_script_prefix(), get_urlconf())
    return f"{before}{slug}{after}"


@functools.cache
def _fixed(name: str, prefix: str, urlconf) -> str:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


@functools.cache
def _around_slug(name: str, prefix: str, urlconf) -> tuple[str, str]:
    url = reverse(name, kwargs={"slug": _PLACEHOLDER}, urlconf=urlconf)
    before, _, after = url.partition(_PLACEHOLDER)
    return before, after


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _fixed.cache_clear()
        _around_slug.cache_clear()
