"""The sitemap of company, person and brand pages that have a public story."""

from articles.sitemaps import StoryListSitemap
from entities.models import Entity


class EntitySitemap(StoryListSitemap):
    model = Entity
    story_filter = "entity_links__entity"
    url_fields = ("slug", "kind")
