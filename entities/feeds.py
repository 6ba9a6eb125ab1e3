"""RSS 2.0 and Atom feeds of the latest public stories about one company,
person or brand: the story feeds of articles.feeds, filtered by entity."""

from articles.feeds import SubjectFeed
from articles.models import Article
from entities.models import Brand, Company, Person


class EntityFeed(SubjectFeed):
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
