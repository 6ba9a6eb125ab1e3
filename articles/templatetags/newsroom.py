"""Filters the public templates need and Django does not ship.

Load with ``{% load newsroom %}``.
"""

import json
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from articles import feeds
from articles.models import Article
from newsroom import addresses
from newsroom.caching import render_cached_fragments

register = template.Library()


@register.simple_tag
def site_url(name):
    """``{% url name %}`` for an address that takes no arguments (home,
    search, the latest feeds), reversed once per process rather than on
    every page (newsroom.addresses): the masthead, footer and feed links ask
    for them on each. An address the URLconf lacks is empty, as with
    ``{% url … as … %}``."""
    return addresses.fixed_url(name)


@register.simple_tag
def slug_url(name, slug):
    """``{% url name slug %}`` for an address whose one argument is a slug
    (a tag's, a section's), reversed once per process (newsroom.addresses)."""
    return addresses.slug_url(name, slug)


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


@register.filter
def web_url(url):
    """``url`` when it is an http(s) address, else "": only such a link is
    offered to readers. The admin's URL fields check this already; an address
    written another way (a shell, an import) must not put script in an href.
    """
    return url if urlsplit(url.strip()).scheme.lower() in {"http", "https"} else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """``url`` made absolute for the current request (for og:url, og:image).

    Already-absolute URLs, such as media on object storage, pass unchanged.
    """
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


@register.inclusion_tag("includes/picture.html")
def picture(image, spec="full", sizes="100vw", lead=False, css_class=""):
    """A responsive <picture> of ``image``: WebP and JPEG srcsets from its
    renditions of ``spec`` ("full", "card", "thumb"), with the width and
    height that reserve its space. Uses the ``renditions`` prefetch when there
    is one; an image without renditions falls back to the original file.
    """
    renditions = [r for r in image.renditions.all() if r.spec == spec]
    by_format = {}
    for rendition in sorted(renditions, key=lambda r: r.width):
        by_format.setdefault(rendition.format, []).append(rendition)
    jpegs = by_format.get("jpeg", [])
    fallback = jpegs[-1] if jpegs else None
    return {
        "image": image,
        "webp_srcset": _srcset(by_format.get("webp", [])),
        "jpeg_srcset": _srcset(jpegs),
        "src": fallback.file.url if fallback else image.file.url,
        "width": fallback.width if fallback else image.width,
        "height": fallback.height if fallback else image.height,
        "sizes": sizes,
        "lead": lead,
        "css_class": css_class,
    }


def _srcset(renditions):
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


@register.simple_tag
def largest_rendition(image, spec="social"):
    """``image``'s largest JPEG rendition of ``spec``, or the image itself
    when it has none: either way, with the ``file``, ``width`` and ``height``
    a page may announce (og:image)."""
    matching = [
        r for r in image.renditions.all() if r.spec == spec and r.format == "jpeg"
    ]
    return max(matching, key=lambda r: r.width) if matching else image


@register.filter
def xml_text(value):
    """Text for an XML document: without the characters XML cannot carry."""
    return feeds.xml_text(value)


@register.filter
def ld_json(data):
    """A dict as JSON-LD, safe inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # str.replace, not str.translate with a table: a story's JSON-LD holds
    # its whole text, and translate looks up every character of it.
    for character, escaped in _JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)


_JSON_SCRIPT_ESCAPES = (
    (">", "\\u003E"),
    ("<", "\\u003C"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


@register.simple_tag(takes_context=True)
def story_cards(
    context,
    stories,
    level=3,
    hide_section=False,
    template="includes/story_card.html",
    in_list=True,
):
    """Each story's card (``template``), each in an ``<li>`` if ``in_list``,
    rendered once and kept in the cache until the site changes. ``stories``
    are stories (from for_cards() or for_listing()) or ids of public
    stories: the stories are read in full only for cards not in the cache."""
    card = get_template(template)
    stories = list(stories)
    # Stories from for_cards() hold only what pagination needs.
    loaded = {
        story.pk: story
        for story in stories
        if isinstance(story, Article) and "headline" not in story.get_deferred_fields()
    }

    def render_missing(pks):
        wanted = [pk for pk in pks if pk not in loaded]
        if wanted:
            public = Article.objects.published().filter(pk__in=wanted)
            loaded.update((story.pk, story) for story in public.for_listing())
        # No request: a card is the same for every reader, and needs none of
        # the context processors.
        return {
            pk: card.render(
                {"story": loaded[pk], "level": level, "hide_section": hide_section}
            )
            for pk in pks
            if pk in loaded
        }

    cards = render_cached_fragments(
        f"{template}:{level}:{int(bool(hide_section))}",
        [getattr(story, "pk", story) for story in stories],
        render_missing,
        context.get("request"),
    )
    wrapper = "<li>{}</li>" if in_list else "{}"
    return format_html_join("\n", wrapper, ((mark_safe(c),) for c in cards))


# The masthead and the footer, rendered: the same HTML on every page with the
# same sections, current page and year, so each is rendered once per process
# and then reused (site_chrome). Keyed by everything they show, so nothing
# has to forget them: a renamed section is a new key.
_chrome = {}
CHROME_KEPT = 128


@register.simple_tag(takes_context=True)
def site_chrome(context, template_name):
    """The masthead or the footer (``template_name``), for the page in
    ``context``: its ``site_sections`` (base.html binds them), its
    ``section`` (marked current in the navigation), whether it is the home
    page, and the words searched for. A page with search words is rendered
    afresh: words are the reader's, not a key to keep."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    section = context.get("section")
    sections = context.get("site_sections") or ()
    values = {
        "site_sections": sections,
        "current_section": getattr(section, "pk", None),
        "on_home": getattr(match, "view_name", None) == "articles:home",
        "search_words": request.GET.get("q", "") if request is not None else "",
        "newsroom_name": context.get("newsroom_name"),
        "newsroom_tagline": context.get("newsroom_tagline"),
        "year": timezone.localdate().year,
    }
    if values["search_words"] or settings.DEBUG:
        return get_template(template_name).render(values)
    key = (
        template_name,
        tuple((s.pk, s.name, s.url) for s in sections),
        *(values[name] for name in ("current_section", "on_home", "year")),
        values["newsroom_name"],
        values["newsroom_tagline"],
    )
    html = _chrome.get(key)
    if html is None:
        if len(_chrome) >= CHROME_KEPT:
            _chrome.clear()
        html = _chrome[key] = get_template(template_name).render(values)
    return html
