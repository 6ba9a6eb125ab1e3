"""Which public pages a change to a story, or to what it is made of,
purges (newsroom.purging). A story readers cannot see — a draft, one in
review — is on no public page, and its saves purge nothing."""

from django.db.models.signals import m2m_changed, post_init
from django.dispatch import receiver
from taggit.models import Tag

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
from entities.models import Entity
from newsroom.frontcache import LATEST, SITE, entity_key, key, shown_key
from newsroom.purging import purge, register

# Parts of one story: seen when their story is.
STORY_PARTS = (ArticleEntity, Byline, Correction, TaggedArticle)
# A story readers see, or whose page answers them: published (out or
# scheduled, whose time the page generation keeps) or withdrawn (its 410).
READER_STATES = {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}


@receiver(post_init, sender=Article)
def remember_loaded_state(sender, instance, **kwargs):
    """What a story was when it was read: a save that takes it out of
    readers' sight (published to draft) or out of a section must purge the
    pages it was on. From __dict__: a story read with only() may not have
    these, and asking would cost a query per story listed."""
    instance._loaded = (
        instance.__dict__.get("status"),
        instance.__dict__.get("section_id"),
    )


def story_keys(story_id: int, *, section_ids=()) -> set[str]:
    """The pages a story is on: its own (and those that show it as related),
    the latest lists, its section, tags, bylines and entities."""
    keys = {key("story", story_id), LATEST}
    section_ids = {
        *section_ids,
        *Article.objects.filter(pk=story_id).values_list("section_id", flat=True),
    }
    keys |= {
        key("section", slug)
        for slug in Section.objects.filter(pk__in=section_ids).values_list(
            "slug", flat=True
        )
    }
    keys |= {
        key("tag", slug)
        for slug in Tag.objects.filter(
            articles_taggedarticle_items__content_object=story_id
        ).values_list("slug", flat=True)
    }
    keys |= {
        key("author", slug)
        for slug in Author.objects.filter(bylines__article=story_id).values_list(
            "slug", flat=True
        )
    }
    keys |= {
        key(kind, slug)
        for kind, slug in Entity.objects.filter(article_links__article=story_id)
        .values_list("kind", "slug")
        .distinct()
    }
    return keys


def story_of(part) -> int:
    # Tags name their story as taggit does, the other parts as "article".
    return (
        part.content_object_id if isinstance(part, TaggedArticle) else part.article_id
    )


def is_seen(story_id: int) -> bool:
    return Article.objects.filter(pk=story_id, status__in=READER_STATES).exists()


def keys_seen_by_readers(instance, deleted: bool = False) -> set[str]:
    """The front cache keys of the pages that show ``instance``; empty when
    no reader can see it."""
    if isinstance(instance, Article):
        status_then, section_then = getattr(instance, "_loaded", (None, None))
        if not {instance.status, status_then} & READER_STATES:
            return set()
        sections = {instance.section_id, section_then} - {None}
        if deleted:
            return {key("story", instance.pk), LATEST, SITE}
        return story_keys(instance.pk, section_ids=sections)
    if isinstance(instance, STORY_PARTS):
        story_id = story_of(instance)
        if not is_seen(story_id):
            return set()
        keys = story_keys(story_id)
        # The list it leaves, when it is taken off one.
        if isinstance(instance, Byline):
            keys.add(key("author", instance.author.slug))
        elif isinstance(instance, ArticleEntity):
            keys.add(entity_key(instance.entity))
        elif isinstance(instance, TaggedArticle):
            keys.add(key("tag", instance.tag.slug))
        return keys
    if isinstance(instance, Author):
        author = key("author", instance.slug)
        return {author, shown_key(author)}
    if isinstance(instance, Section):
        return {SITE}  # in every page's navigation
    # A deleted image is no longer there to ask about; the stories it led
    # lose it without a save of their own.
    if isinstance(instance, Image) and (
        deleted or Image.objects.public().filter(pk=instance.pk).exists()
    ):
        return {SITE}
    return set()


register([Article, *STORY_PARTS, Author, Section, Image], keys_seen_by_readers)


@receiver(m2m_changed, sender=Article.tags.through)
@receiver(m2m_changed, sender=Article.authors.through)
@receiver(m2m_changed, sender=Article.entities.through)
def purge_pages_on_links(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_") or not isinstance(instance, Article):
        return
    keys = keys_seen_by_readers(instance)
    if keys and model is Tag and pk_set:
        # Tags taken off: the story leaves their pages too.
        keys |= {
            key("tag", slug)
            for slug in Tag.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
        }
    purge(keys)
