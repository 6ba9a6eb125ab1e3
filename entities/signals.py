"""Keep every process's mention matcher in step with the entities.

A name, alias, “not this” phrase, role or company relationship (relations are
evidence when a name is ambiguous) that is saved or deleted raises
DetectionSettings.index_version; each process rebuilds its matcher when it
next sees a new version (entities.detection.current_index).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from entities.models import (
    Alias,
    CompanyRelationship,
    DetectionSettings,
    Entity,
    ExclusionPhrase,
    Role,
)


@receiver(post_save)
@receiver(post_delete)
def entity_names_changed(sender, instance, **kwargs):
    if isinstance(
        instance, Entity | Alias | ExclusionPhrase | Role | CompanyRelationship
    ):
        DetectionSettings.bump_index_version()
