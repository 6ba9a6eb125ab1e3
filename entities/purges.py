"""Which public pages a change to a company, person or brand, or to what
belongs to them, purges (newsroom.purging): their pages and feeds, and the
story pages that name them."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from entities.models import (
    Alias,
    Brand,
    Company,
    CompanyRelationship,
    Entity,
    EntityEvent,
    Person,
    Quote,
    Role,
)
from newsroom.frontcache import entity_key, shown_key
from newsroom.purging import purge, register

# What belongs to one or two companies, people or brands: on their pages.
ENTITY_PARTS = (Alias, CompanyRelationship, EntityEvent, Quote, Role)


def entity_keys(entities) -> set[str]:
    """An entity's page and feeds, and the story pages that name it."""
    keys = set()
    for entity in entities:
        keys |= {entity_key(entity), shown_key(entity_key(entity))}
    return keys


def keys_seen_by_readers(instance, deleted: bool = False) -> set[str]:
    if isinstance(instance, Entity):
        return entity_keys([instance])
    return entity_keys(
        getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.is_relation and issubclass(field.related_model, Entity)
    )


register([Entity, Company, Person, Brand, *ENTITY_PARTS], keys_seen_by_readers)


@receiver(m2m_changed, sender=EntityEvent.stories.through)
def purge_timeline_on_stories(sender, instance, action, model, pk_set, **kwargs):
    """Stories linked to an event, from either side: the timelines that
    show them."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, EntityEvent):
        purge(keys_seen_by_readers(instance))
    elif pk_set:
        events = EntityEvent.objects.filter(pk__in=pk_set).select_related("entity")
        purge(entity_keys(event.entity for event in events))
