"""Sitemaps for search engines: an index over stories, sections, tags and
authors (entities.sitemaps adds entities), and a Google News sitemap of the
last 48 hours.

Every list starts from Article.objects.published(), so withdrawn, scheduled
and unpublished stories never appear.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Section
from newsroom.addresses import slug_url
from newsroom.caching import cached_for_generation

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

    def get_latest_lastmod(self):
        """For the index: Django's default reads every story in the sitemap
        (a million rows, ten seconds) to take the newest lastmod."""

        def compute():
            newest = Article.objects.published().aggregate(
                published=Max("published_at"), updated=Max("updated_at")
            )
            times = [time for time in newest.values() if time is not None]
            return max(times, default=None)

        return cached_for_generation("sitemap-latest:stories", compute)


def newest_public_story_times(path: str) -> dict[int, datetime.datetime]:
    """{id: publish time of its newest public story} for every object a
    public story reaches through ``path`` ("section", "bylines__author"…).

    One grouped query over the links, kept until the site changes: a
    subquery per object cost minutes at a million stories and 20,000
    entities (it sorted BMW Group's hundred thousand stories, and every
    other entity's, one by one)."""

    def compute():
        return dict(
            Article.objects.published()
            .order_by()
            .values(path)
            .annotate(latest=Max("published_at"))
            .values_list(path, "latest")
        )

    return cached_for_generation(f"sitemap-latest:{path}", compute)


class StoryListSitemap(Sitemap):
    """Pages that list stories, with their newest public story as lastmod;
    pages with no public story are left out."""

    changefreq = "hourly"
    limit = 5000
    model = None
    story_filter = None  # the lookup from a story to the listed object
    url_fields = ("slug",)  # what get_absolute_url() reads

    def items(self):
        self.latest = newest_public_story_times(self.story_filter)
        listed = self.model.objects.only(*self.url_fields).order_by("pk")
        return [item for item in listed.iterator() if item.pk in self.latest]

    def lastmod(self, item):
        return self.latest[item.pk]

    def get_latest_lastmod(self):
        return max(newest_public_story_times(self.story_filter).values(), default=None)


class SectionSitemap(StoryListSitemap):
    model = Section
    story_filter = "section"


class TagSitemap(StoryListSitemap):
    model = Tag
    story_filter = "tagged_items__tag"

    def location(self, tag):
        return slug_url("articles:tag", tag.slug)


class AuthorSitemap(StoryListSitemap):
    model = Author
    story_filter = "bylines__author"


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
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
