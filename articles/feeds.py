"""RSS 2.0 and Atom feeds of the latest public stories: everywhere, and per
section, tag and author (entities.feeds: per company, person and brand)."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Author, Section
from newsroom.addresses import slug_url

FEED_SIZE = 20


# Uploads are stored as JPEG, PNG, WebP or GIF under their format's extension.
IMAGE_TYPES = {"png": "image/png", "webp": "image/webp", "gif": "image/gif"}


def image_type(image) -> str:
    extension = image.file.name.rsplit(".", 1)[-1].lower()
    return IMAGE_TYPES.get(extension, "image/jpeg")


# Characters XML 1.0 cannot carry (C0 controls but tab and newlines, lone
# surrogates, U+FFFE/U+FFFF). Pasted text brings some (a vertical tab from a
# word processor), and one would fail a whole feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """``value`` (text, or lists and dicts of it) without what XML forbids."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_text(item) for item in value)
    return value


def feed_links(kind: str, obj, title: str) -> list[tuple[str, str, str]]:
    """(title, RSS URL, Atom URL) for a page's own feed."""
    return [
        (
            title,
            slug_url(f"articles:feed_{kind}", obj.slug),
            slug_url(f"articles:feed_{kind}_atom", obj.slug),
        )
    ]


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with Media RSS, so readers show the lead image."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if image := item.get("media"):
            handler.addQuickElement(
                "media:content",
                "",
                {
                    "url": image["url"],
                    "medium": "image",
                    "type": image["type"],
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )


class LatestStoriesFeed(Feed):
    feed_type = MediaRssFeed
    description_template = None

    def title(self, obj=None):
        return settings.NEWSROOM_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return f"The latest stories from {settings.NEWSROOM_NAME}."

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.stories(obj).for_listing().order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # RSS descriptions and Atom summaries are HTML to a feed reader: the
        # standfirst is text, so it goes in escaped.
        return escape(item.dek)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable whatever happens to the slug or the address.
        return f"urn:newsroom:story:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        return [item.section.name]

    def item_enclosures(self, item):
        image = item.lead_image
        if not image:
            return []
        return [
            Enclosure(
                self.request.build_absolute_uri(image.file.url),
                str(image.file_size),
                image_type(image),
            )
        ]

    def item_extra_kwargs(self, item):
        image = item.lead_image
        if not image:
            return {}
        return {
            "media": {
                "url": self.request.build_absolute_uri(image.file.url),
                "type": image_type(image),
                "width": image.width,
                "height": image.height,
            }
        }

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = xml_text(feed.feed)
        feed.items = xml_text(feed.items)
        return feed


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestStoriesAtomFeed(AtomMixin, LatestStoriesFeed):
    pass


class SubjectFeed(LatestStoriesFeed):
    """The latest stories of one subject: a section, tag or author here, a
    company, person or brand in entities.feeds; ``model``'s row by the slug
    in the URL. Each says which stories are its subject's."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} | {settings.NEWSROOM_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()


class SectionFeed(SubjectFeed):
    model = Section

    def description(self, obj=None):
        return obj.description or f"The latest {obj.name} stories."

    def stories(self, obj):
        return Article.objects.published().filter(section=obj)


class TagFeed(SubjectFeed):
    model = Tag

    def link(self, obj=None):
        # taggit's Tag has no get_absolute_url.
        return slug_url("articles:tag", obj.slug)

    def description(self, obj=None):
        return f"The latest stories tagged {obj.name}."

    def stories(self, obj):
        return Article.objects.published().filter(tagged_items__tag=obj)


class AuthorFeed(SubjectFeed):
    model = Author

    def description(self, obj=None):
        return f"The latest stories by {obj.name}."

    def stories(self, obj):
        return Article.objects.published().filter(bylines__author=obj)


def atom(feed_class):
    """The Atom twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (AtomMixin, feed_class), {})
