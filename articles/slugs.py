from django.db import models
from django.utils.text import slugify


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
