import secrets

from django.db import models


def fresh_start() -> int:
    """A random first number: a database made anew (a restore, the browser
    tests' database) never meets pages a cache kept under the old one's
    numbers."""
    return secrets.randbits(52)


class PageGeneration(models.Model):
    """The one row that says which cached pages are still true.

    Every cached page and fragment is keyed by ``number``; anything readers
    would see changing raises it in the same transaction as the change, so
    every worker of every machine reads the new number exactly when it can
    read the new content, and no cache in any process can serve the old
    pages after that. ``next_publish_at`` is the time of the next scheduled
    story: the first request after it raises the number itself, so the
    story appears on time with no job running (newsroom/caching.py).
    """

    # Always 1: one row, no sequence to keep in step.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.BigIntegerField(default=fresh_start)
    next_publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One row, always id 1.
            models.CheckConstraint(condition=models.Q(id=1), name="one_page_generation")
        ]

    def __str__(self):
        return f"Page generation {self.number}"
