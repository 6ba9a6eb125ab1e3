from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

# Tries before two desks saving the same headline at once give up; each
# retry is after another desk took the slug, so more than two is rare.
SLUG_ATTEMPTS = 5


def unique_slug(queryset: models.QuerySet, text: str, max_length: int = 200) -> str:
    """Slugify ``text`` into a slug that no row of ``queryset`` uses yet.

    ``queryset`` should already exclude the row being saved.
    """
    base = slugify(text)[:max_length].strip("-") or "untitled"
    slug, n = base, 2
    while queryset.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)].rstrip('-')}{suffix}"
        n += 1
    return slug


def save_with_unique_slug(
    instance: models.Model,
    queryset: models.QuerySet,
    text: str,
    save: Callable[[], None],
) -> None:
    """Run ``save()``, giving ``instance`` a slug from ``text`` if it has none.

    The slug is chosen by looking first, so two transactions saving the same
    headline at the same moment both choose it, and the second insert meets
    the unique constraint. That insert runs in a savepoint: on a clash over
    the slug, it is rolled back alone and the slug chosen again, now that
    the first has committed. A slug the user typed is never changed.
    """
    if instance.slug:
        save()
        return
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        instance.slug = unique_slug(queryset, text)
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError as error:
            if attempt == SLUG_ATTEMPTS or not _clash_over_slug(error):
                raise
            instance.slug = ""


def _clash_over_slug(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the column.
    diagnosis = getattr(error.__cause__, "diag", None)
    name = getattr(diagnosis, "constraint_name", None) or str(error)
    return "slug" in name
