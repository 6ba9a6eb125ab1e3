"""The API's two hooks into the desk's work, both easy to find here:

- webhooks: a workflow step that publishes, schedules or withdraws a story
  writes its audit row (articles.Transition), and a correction is a row of
  its own; the deliveries are queued in that same transaction
  (api/webhooks.py), so they exist exactly when the step committed;
- purges: the API's lists of companies, people, brands and authors have
  front-cache keys no page of the site has; a change to one of those purges
  them after commit, as newsroom.purging does for pages, when what the
  lists show (a name, a slug, an alias) changes.
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from api import webhooks
from api.views import AUTHOR_LIST, ENTITY_LISTS
from articles.models import Author, Correction, Transition
from articles.workflow import Action
from entities.models import Alias, Brand, Company, Entity, Person
from newsroom import frontcache

Event = webhooks.Event


@receiver(post_save, sender=Transition)
def queue_workflow_webhooks(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    if instance.action == Action.PUBLISH:
        webhooks.enqueue(instance.article, Event.PUBLISHED)
    elif instance.action == Action.SCHEDULE:
        webhooks.enqueue(instance.article, Event.PUBLISHED, due_at=instance.publish_at)
    elif instance.action == Action.WITHDRAW:
        webhooks.enqueue(instance.article, Event.WITHDRAWN)


@receiver(post_save, sender=Correction)
def queue_correction_webhooks(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.article.is_published:
        webhooks.enqueue(instance.article, Event.CORRECTED)


LISTED_ENTITY_FIELDS = ("name", "slug")
ENTITY_MODELS = (Entity, Company, Person, Brand)


def remember_listed_fields(sender, instance, **kwargs):
    """What the API's list shows of an entity, as it was read: only a change
    to it purges the list (a new description does not). From __dict__, so
    that an entity read with only() costs no query."""
    instance._api_listed = tuple(instance.__dict__.get(f) for f in LISTED_ENTITY_FIELDS)


for model in ENTITY_MODELS:
    post_init.connect(remember_listed_fields, sender=model, dispatch_uid=f"api-{model}")


def purge_entity_list(kind: str) -> None:
    if kind in ENTITY_LISTS:
        frontcache.purge_after_commit({ENTITY_LISTS[kind]})


def purge_api_lists_on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Entity):
        listed = tuple(getattr(instance, f) for f in LISTED_ENTITY_FIELDS)
        if created or listed != getattr(instance, "_api_listed", None):
            purge_entity_list(instance.kind)
        instance._api_listed = listed
    elif isinstance(instance, Alias):
        purge_entity_list(
            Entity.objects.values_list("kind", flat=True).get(pk=instance.entity_id)
        )
    elif isinstance(instance, Author):
        frontcache.purge_after_commit({AUTHOR_LIST})


def purge_api_lists_on_delete(sender, instance, **kwargs):
    if isinstance(instance, Entity):
        purge_entity_list(instance.kind)
    elif isinstance(instance, Alias):
        kinds = Entity.objects.filter(pk=instance.entity_id).values_list(
            "kind", flat=True
        )
        for kind in kinds:  # none when the alias goes with its entity
            purge_entity_list(kind)
    elif isinstance(instance, Author):
        frontcache.purge_after_commit({AUTHOR_LIST})


# Connected per sender, as the site's purges are (newsroom.purging): a
# session or an autosave saved does not even call these.
for model in (*ENTITY_MODELS, Alias, Author):
    uid = f"api-lists-{model._meta.label}"
    post_save.connect(purge_api_lists_on_save, sender=model, dispatch_uid=uid)
    post_delete.connect(purge_api_lists_on_delete, sender=model, dispatch_uid=uid)
