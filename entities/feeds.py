"""RSS 2.0 and Atom feeds of the latest public stories about one company,
person or brand: the story feeds of articles.feeds, filtered by entity."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from articles.feeds import LatestStoriesFeed
from articles.models import Article
from entities.models import Brand, Company, Person


class EntityFeed(LatestStoriesFeed):
    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} | {settings.NEWSROOM_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return f"The latest stories about {obj.name}."

    def stories(self, obj):
        return Article.objects.published().filter(entity_links__entity=obj)


class CompanyFeed(EntityFeed):
    model = Company


class PersonFeed(EntityFeed):
    model = Person


class BrandFeed(EntityFeed):
    model = Brand
