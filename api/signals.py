"""The API's two hooks into the desk's work, both easy to find here:

- webhooks: a workflow step that publishes, schedules or withdraws a story
  writes its audit row (articles.Transition), and a correction is a row of
  its own; the deliveries are queued in that same transaction
  (api/webhooks.py), so they exist exactly when the step committed;
- purges: the API's lists of companies, people, brands and authors have
  front-cache keys no page of the site has; a change to one of those purges
  them after commit, as articles/signals.py does for pages.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from api import webhooks
from api.views import AUTHOR_LIST, ENTITY_LISTS
from articles.models import Author, Correction, Transition
from articles.workflow import Action
from entities.models import Entity
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


@receiver(post_save)
@receiver(post_delete)
def purge_api_lists(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Entity) and instance.kind in ENTITY_LISTS:
        frontcache.purge_after_commit({ENTITY_LISTS[instance.kind]})
    elif isinstance(instance, Author):
        frontcache.purge_after_commit({AUTHOR_LIST})
