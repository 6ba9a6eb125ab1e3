"""The rules of an editorial save, whoever saves: the admin's change form
today, an import or an API tomorrow.

A save checks that the story was not saved by someone else since the editor
opened it (``base_version``), numbers the new version, keeps the old address
of a story readers have seen working (a redirect), stamps "updated" when
readers' text changes (unless the editor marked the edit minor), puts a
journalist's byline on a story they create, records what it mentions and
clears the autosaves it supersedes. ``save_story`` does it all in one
transaction; the admin, which saves the story and its related rows in
steps of its own, calls ``before_save`` and ``after_save`` around them.
"""

import reversion
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Author, Autosave, Byline, SlugRedirect
from articles.workflow import is_editor
from entities.mentions import record_quotes, record_suggestions
from newsroom.text import display_name

# The fields readers read: a change to them is news ("updated").
READERS_TEXT = frozenset({"headline", "dek", "body"})


class EditConflict(Exception):
    """The story was saved by someone else since this form was opened."""

    def __init__(self, current: Article):
        super().__init__(f"{current} was saved since it was opened")
        self.current = current


def before_save(
    story: Article,
    *,
    base_version: int | None,
    changed_fields=(),
    minor_edit: bool = False,
) -> None:
    """Check and stamp an existing story about to be saved; call in the
    transaction that saves it. Raises EditConflict if it changed since
    ``base_version``."""
    current = Article.objects.select_for_update().get(pk=story.pk)
    if base_version != current.version:
        raise EditConflict(current)
    story.version = current.version + 1
    if current.has_been_public and current.slug != story.slug:
        keep_old_address(story, current.slug)
    if story.is_published and READERS_TEXT & set(changed_fields) and not minor_edit:
        story.updated_at = timezone.now()


def keep_old_address(story: Article, old_slug: str) -> None:
    """Readers' links to the old address reach the story; the new address
    is no longer a redirect to anything."""
    SlugRedirect.objects.filter(old_slug=story.slug).delete()
    SlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"article": story}
    )


def after_save(story: Article, user, *, created: bool) -> None:
    """What follows a save once the story and its related rows are stored."""
    if created and not is_editor(user):
        add_own_byline(story, user)
    # What the story mentions now: suggestions, and links when the newsroom
    # auto-accepts clear mentions.
    record_suggestions(story)
    record_quotes(story)
    # Bylines and entity links are saved after the story: version them too.
    reversion.add_to_revision(story)
    Autosave.objects.filter(user=user, article=story).delete()
    if created:
        Autosave.objects.filter(user=user, article=None).delete()


def add_own_byline(story: Article, user) -> None:
    """A journalist's new story is theirs, so they can go on editing it:
    their byline is added, and made if they have none yet."""
    author = getattr(user, "author", None) or Author.objects.create(
        name=display_name(user), user=user
    )
    if not story.bylines.filter(author=author).exists():
        Byline.objects.create(article=story, author=author, order=story.bylines.count())


def save_story(
    story: Article,
    user,
    *,
    base_version: int | None = None,
    changed_fields=(),
    minor_edit: bool = False,
    comment: str = "",
) -> Article:
    """Save ``story`` as ``user`` by the desk's rules, as one version, in
    one transaction: all of it or, on EditConflict, nothing."""
    created = story.pk is None
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment or ("Created" if created else "Saved"))
        if not created:
            before_save(
                story,
                base_version=base_version,
                changed_fields=changed_fields,
                minor_edit=minor_edit,
            )
        story.save()
        after_save(story, user, created=created)
    return story
