"""Sitemaps for search engines: an index over stories, sections, tags,
authors and entities, and a Google News sitemap of the last 48 hours.

Every list starts from Article.objects.published(), so withdrawn, scheduled
and unpublished stories never appear.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Section
from entities.models import Entity

NEWS_WINDOW = datetime.timedelta(hours=48)


class StorySitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, story):
        return story.updated_at or story.published_at


class StoryListSitemap(Sitemap):
    """Pages that list stories, with their newest public story as lastmod;
    pages with no public story are left out."""

    changefreq = "hourly"
    limit = 5000
    model = None
    story_filter = None  # the lookup from a story to the listed object

    def items(self):
        newest = (
            Article.objects.published()
            .filter(**{self.story_filter: OuterRef("pk")})
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            self.model.objects.annotate(latest=Subquery(newest))
            .filter(latest__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.latest


class SectionSitemap(StoryListSitemap):
    model = Section
    story_filter = "section"


class TagSitemap(StoryListSitemap):
    model = Tag
    story_filter = "tagged_items__tag"

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(StoryListSitemap):
    model = Author
    story_filter = "bylines__author"


class EntitySitemap(StoryListSitemap):
    model = Entity
    story_filter = "entity_links__entity"


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "entities": EntitySitemap,
}


def news_stories():
    """Stories for the Google News sitemap: public, from the last 48 hours
    (Google reads at most 1,000)."""
    return (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .only("slug", "headline", "published_at")
        .order_by("-published_at", "-pk")[:1000]
    )
