"""Cache purges: a change to anything readers see makes every cached page
stale (articles.caching)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.caching import bump_generation
from articles.models import (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    Image,
    Section,
    TaggedArticle,
)
from entities.models import (
    Alias,
    CompanyRelationship,
    Entity,
    EntityEvent,
    Quote,
    Role,
)

READER_VISIBLE = (
    Article,
    ArticleEntity,
    Author,
    Byline,
    Correction,
    Image,
    Section,
    TaggedArticle,
    Alias,
    CompanyRelationship,
    Entity,
    EntityEvent,
    Quote,
    Role,
)


@receiver(post_save)
@receiver(post_delete)
def purge_pages(sender, instance, **kwargs):
    if isinstance(instance, READER_VISIBLE):
        bump_generation()


@receiver(m2m_changed)
def purge_pages_on_links(sender, instance, **kwargs):
    if kwargs.get("action", "").startswith("post_") and isinstance(
        instance, READER_VISIBLE
    ):
        bump_generation()
